#!/usr/bin/env bash
# Builds the Cortex-M4 firmware consumer (boards/qemu-mps2) for thumbv7em-none-eabihf and
# runs it under QEMU (mps2-an386); also builds the framework with its `defmt` feature and
# the no_std VENC encoder driver (drivers/h264-encoder) for the same target. Then builds
# the framework, the no_std drivers and the board library for a core without
# compare-and-swap (thumbv6m-none-eabi) and for RISC-V (riscv32imac-unknown-none-elf).
# Uses rustup's targets when installed, otherwise Debian's rustc-web with
# -Zbuild-std=core and rustup's rust-lld as linker.
set -euo pipefail
cd "$(dirname "$0")/.."
target=thumbv7em-none-eabihf
out=${CARGO_TARGET_DIR:-target}
if rustup target list --installed 2>/dev/null | grep -q "^$target$"; then
    cargo build -p v4l2-m2m --features defmt --target $target --release
    cargo build -p qemu-mps2-board --target $target --release
    cargo build -p h264-encoder --target $target --release
else
    lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
    [[ -x $lld ]] || { echo "cortex-m: no rust-lld at $lld" >&2; exit 1; }
    [[ -x /usr/bin/rustc ]] || { echo "cortex-m: Debian's rustc-web is missing (run scripts/setup.sh)" >&2; exit 1; }
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
        CARGO_TARGET_THUMBV7EM_NONE_EABIHF_LINKER="$lld" CARGO_TARGET_DIR="$out/debian-cross" \
        /usr/bin/cargo build -p v4l2-m2m --features defmt --target $target -Zbuild-std=core --release
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
        CARGO_TARGET_THUMBV7EM_NONE_EABIHF_LINKER="$lld" CARGO_TARGET_DIR="$out/debian-cross" \
        /usr/bin/cargo build -p qemu-mps2-board --target $target -Zbuild-std=core --release
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR="$out/debian-cross" \
        /usr/bin/cargo build -p h264-encoder --target $target -Zbuild-std=core --release
    out="$out/debian-cross"
fi
image="$out/$target/release/qemu-mps2-board"
echo "cortex-m: image $(stat -c %s "$image") bytes; running under qemu-system-arm"
timeout 120 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 \
    -semihosting-config enable=on,target=native -nographic -kernel "$image"

# Portability: the framework and the no_std drivers on Armv6-M and RISC-V (size reports
# for both: scripts/footprint.sh thumbv6m-none-eabi riscv32imac-unknown-none-elf).
portable=(-p v4l2-m2m -p h264-encoder -p h264-rate-control -p qemu-mps2-board --lib)
for t in thumbv6m-none-eabi riscv32imac-unknown-none-elf; do
    if rustup target list --installed 2>/dev/null | grep -q "^$t$"; then
        cargo build -q "${portable[@]}" --target "$t" --release
    else
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/debian-cross" \
            /usr/bin/cargo build -q "${portable[@]}" --target "$t" -Zbuild-std=core --release
    fi
    echo "cortex-m: framework, no_std drivers and board library build for $t"
done
