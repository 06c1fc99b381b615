#!/usr/bin/env bash
# Benchmark (not a test): what the framework costs in the Cortex-M4 firmware image
# (boards/qemu-mps2: 2 files, 4 buffers, 2 events per file). For opt-level "s" and "z",
# both with fat LTO and one codegen unit, it prints
#   - framework flash per module: the sizes of the image's text and rodata symbols whose
#     demangled names lie in the framework crate, grouped by module path;
#   - the device static: its size and whether it sits in .data (its initialiser copied
#     from flash) or .bss (zeroed at start-up, no flash);
#   - the RAM model the image itself reports under QEMU (per open-file slot, per buffer
#     slot, per stored event), computed with size_of on the target.
# Usage: scripts/footprint.sh [TARGET...]   (default thumbv7em-none-eabihf)
# thumbv6m-none-eabi (no compare-and-swap) links the same image, not run. For
# riscv32imac-unknown-none-elf, which has no firmware image here, it builds the board and
# framework libraries without LTO and reports the framework code compiled into them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${CARGO_TARGET_DIR:-target}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(thumbv7em-none-eabihf)
lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
[[ -x $lld ]] || { echo "footprint: no rust-lld at $lld" >&2; exit 1; }
[[ -x /usr/bin/rustc ]] || { echo "footprint: Debian's rustc-web is missing (run scripts/setup.sh)" >&2; exit 1; }
nm=$(command -v llvm-nm || command -v nm)

# cross_build TARGET OPT PACKAGE [ARGS]: builds PACKAGE for TARGET with opt-level OPT + fat LTO.
cross_build() {
    local target=$1 opt=$2 package=$3 var
    var=CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER
    env RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc "$var=$lld" \
        CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" CARGO_PROFILE_RELEASE_LTO="${lto:-fat}" \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
        CARGO_TARGET_DIR="$out/footprint-$opt" \
        /usr/bin/cargo build -q -p "$package" "${@:4}" --target "$target" -Zbuild-std=core --release
}

# per_module FILE...: framework text+rodata bytes per module path, largest first, and the total.
per_module() {
    # A library's metadata member is no object file: nm complains about it and goes on.
    { "$nm" --demangle --size-sort --print-size --radix=d "$@" 2>/dev/null || true; } | awk '
        $3 ~ /^[tTrR]$/ {
            size = ($2 + 0)
            name = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", name)
            # The first framework path in the name decides the module: for a method of
            # a generic type, the type'"'"'s module; for a closure or a shim, its owner.
            if (match(name, /v4l2m2m(::[a-z_0-9]+)*/)) {
                path = substr(name, RSTART, RLENGTH)
                n = split(path, part, "::")
                # Keep crate::module::submodule; drop the function name when the path ends in one.
                mod = part[1]; for (i = 2; i <= n && i <= 3; i++) mod = mod "::" part[i]
                if (n == 3 && part[3] !~ /^(abi|m2m|node|driver|ioctl|ioctls|structs|consts|requests|user|buffer|handle|inflight|ops|pixfmt|drain|sched|source|files)$/) mod = part[1] "::" part[2]
                bytes[mod] += size; total += size
            }
        }
        END {
            for (m in bytes) printf "  %7d  %s\n", bytes[m], m | "sort -rn"
            close("sort -rn")
            printf "  %7d  framework total\n", total
        }'
}

# image_report IMAGE: per-module flash, the device static's size and section, the sections.
image_report() {
    per_module "$1"
    "$nm" --demangle --print-size --radix=d "$1" | awk '/ qemu_mps2_board::DEVICE$/ {
        section = ($3 ~ /[bB]/) ? ".bss (0 B of flash)" : ".data (initialiser in flash)"
        printf "  device static: %d B in %s\n", ($2 + 0), section }'
    llvm-size -A "$1" | awk '$1 ~ /^\.(text|rodata|data|bss)$/ { printf "  %-8s %7d B\n", $1, $2 }'
}

for target in "${targets[@]}"; do
    for opt in s z; do
        case $target in
        thumbv7em-none-eabihf)
            cross_build "$target" "$opt" qemu-mps2-board
            image="$out/footprint-$opt/$target/release/qemu-mps2-board"
            echo "== $target opt-level=$opt + LTO: image $(stat -c %s "$image") bytes"
            image_report "$image"
            timeout 120 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 \
                -semihosting-config enable=on,target=native -nographic -kernel "$image" | grep '^footprint' | sed 's/^/  /'
            ;;
        thumbv*)
            # The same image for a core without compare-and-swap (linked, not run: QEMU
            # has no Armv6-M machine with this much memory).
            cross_build "$target" "$opt" qemu-mps2-board
            image="$out/footprint-$opt/$target/release/qemu-mps2-board"
            echo "== $target opt-level=$opt + LTO: image $(stat -c %s "$image") bytes"
            image_report "$image"
            ;;
        *)
            # No firmware image for this target: the device's code as compiled into the
            # board library plus the framework library, before LTO drops unused code.
            lto=off cross_build "$target" "$opt" qemu-mps2-board --lib
            dir="$out/footprint-$opt/$target/release"
            echo "== $target opt-level=$opt: framework code in the board and framework libraries (no LTO)"
            per_module "$dir"/libqemu_mps2_board.rlib "$dir"/libv4l2m2m.rlib
            ;;
        esac
    done
done
