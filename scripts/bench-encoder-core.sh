#!/usr/bin/env bash
# Benchmarks of the H.264 encoder core: PSNR against libx264 ultrafast baseline at the same
# bit rate, 720p/1080p encode speed on one thread, instructions per macroblock (callgrind,
# counting only inside encode_frame), and the Cortex-M4 code size at opt-level "s".
set -euo pipefail
cd "$(dirname "$0")/.."
out=${CARGO_TARGET_DIR:-target}
export CARGO_TARGET_DIR="$out/enc"
cargo build -q --release -p h264-encoder-core --example bench
bench="$CARGO_TARGET_DIR/release/examples/bench"
"$bench" quality
BENCH_NO_DEBLOCK=1 "$bench" quality | sed '1s/^quality:/quality (deblocking off, as x264 ultrafast):/'
"$bench" speed

command -v valgrind >/dev/null || { echo "bench-encoder-core: valgrind is missing (run scripts/setup.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo
echo "callgrind: instructions inside encode_frame per macroblock (testsrc2, QP 28, IDR + P frames)"
for spec in "1280 720 6" "1920 1080 4"; do
    read -r w h n <<<"$spec"
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" --toggle-collect='*encode_frame*' \
        "$bench" frames "$w" "$h" "$n" >/dev/null 2>"$tmp/log"
    ir=$(sed -n 's/^summary: *//p' "$tmp/cg")
    mbs=$(( (w + 15) / 16 * ((h + 15) / 16) * n ))
    echo "| ${w}x${h} | $n frames | $ir instructions | $((ir / mbs)) per macroblock |"
done

echo
lld_t=thumbv7em-none-eabihf
size_tool=$(command -v llvm-size || command -v arm-none-eabi-size || true)
[[ -n $size_tool ]] || { echo "bench-encoder-core: no llvm-size or arm-none-eabi-size" >&2; exit 1; }
if rustup target list --installed 2>/dev/null | grep -q "^$lld_t$"; then
    RUSTFLAGS="-C opt-level=s" CARGO_TARGET_DIR="$out/enc-size" cargo build -q -p h264-encoder-core --lib --target $lld_t --release
else
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTFLAGS="-C opt-level=s" \
        CARGO_TARGET_DIR="$out/enc-size" /usr/bin/cargo build -q -p h264-encoder-core --lib --target $lld_t \
        -Zbuild-std=core --release
fi
rlib="$out/enc-size/$lld_t/release/libh264_encoder_core.rlib"
(cd "$tmp" && ar x "$OLDPWD/$rlib" && "$size_tool" -A ./*.o) |
    awk '/^\.text/ {t += $2} /^\.rodata/ {r += $2} /^\.(data|bss)/ {d += $2}
         END {printf "Cortex-M4 (thumbv7em, opt-level s): .text %d + .rodata %d = %d bytes of flash, %d bytes of static RAM\n", t, r, t + r, d}'
