#!/usr/bin/env bash
# The rate control's checks that need more than a debug build: the no_std build for
# Cortex-M0 and Cortex-M4 (integer arithmetic only), the crate's tests (unit tests against a
# model block, the closed-loop smoke test), then the closed-loop target table (synthetic
# content at 176x144 through the encoder core at the QPs the rate control picks, 300 frames
# per row) in release mode. Prints the table; exits non-zero if a build or test fails or a
# target is missed. RC_JOBS sets the table's threads (2).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${RC_TARGET_DIR:-target/rc}

for target in thumbv6m-none-eabi thumbv7em-none-eabihf; do
    if rustup target list --installed 2>/dev/null | grep -qx "$target"; then
        CARGO_TARGET_DIR=target/rc-cross cargo build -q -p h264-rate-control --target "$target" --release
    elif [[ -x /usr/bin/cargo && -x /usr/bin/rustc ]]; then
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR=target/rc-cross \
            /usr/bin/cargo build -q -p h264-rate-control --target "$target" -Zbuild-std=core --release
    else
        echo "test-rate-control: no toolchain for $target" >&2
        exit 1
    fi
    echo "h264-rate-control builds for $target"
done

CARGO_TARGET_DIR=$target_dir cargo test -q --release -p h264-rate-control
start=$SECONDS
status=0
CARGO_TARGET_DIR=$target_dir cargo run -q --release -p h264-rate-control --example rc-table || status=$?
echo "rate control table: $((SECONDS - start)) s"
exit "$status"
