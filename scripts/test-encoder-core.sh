#!/usr/bin/env bash
# Tests of the H.264 encoder core (drivers/h264-encoder-core): unit, robustness and ffmpeg
# tests in release, the bit-exactness matrix against ffmpeg's decoder (every frame of every
# case must equal the encoder's reconstruction), and no_std builds for thumbv7em-none-eabihf,
# thumbv6m-none-eabi and riscv32imac-unknown-none-elf. Fails on the first error.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ffmpeg >/dev/null || { echo "test-encoder-core: ffmpeg is missing (run scripts/setup.sh)" >&2; exit 1; }
out=${CARGO_TARGET_DIR:-target}
export CARGO_TARGET_DIR="$out/enc"

cargo test --release -p h264-encoder-core
cargo run --release -q -p h264-encoder-core --example matrix

targets=(thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf)
installed=$(rustup target list --installed 2>/dev/null || true)
for t in "${targets[@]}"; do
    if grep -q "^$t$" <<<"$installed"; then
        cargo build -q -p h264-encoder-core --lib --target "$t" --release
    else
        [[ -x /usr/bin/rustc ]] || { echo "test-encoder-core: Debian's rustc-web is missing (run scripts/setup.sh)" >&2; exit 1; }
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR="$out/debian-cross-enc" \
            /usr/bin/cargo build -q -p h264-encoder-core --lib --target "$t" -Zbuild-std=core --release
    fi
    echo "test-encoder-core: no_std build for $t ok"
done
