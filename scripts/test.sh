#!/usr/bin/env bash
# Runs every test of the project: installs what is missing, then unit and integration
# tests, documentation, the Cortex-M build under QEMU, the framework's tests under
# AddressSanitizer, the decoder checks against ffmpeg, the hostile-client suite and the
# conformance runs with v4l2-compliance. Each step is reported; the script exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "test: setup failed" >&2; exit 1; }

passed=0
failed=0
failures=()
step() {
    local name=$1
    shift
    echo
    echo "=== $name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "=== $name: ok ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== $name: FAILED ($((SECONDS - start)) s)"
    fi
}

sanitized_framework_tests() {
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR=target/asan \
            cargo +nightly test -p v4l2-m2m --target x86_64-unknown-linux-gnu --tests
    else
        echo "no nightly toolchain: running the framework tests under valgrind memcheck instead"
        cargo test -p v4l2-m2m --tests --no-run --message-format=json 2>/dev/null |
            sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | while read -r exe; do
                valgrind --error-exitcode=1 --leak-check=no -q "$exe" || exit 1
            done
    fi
}

docs() {
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
}

# The decoder's tests need generated streams and an optimised build: test-decoder.sh runs them.
step "workspace tests" cargo test --workspace --exclude codec-tool
step "framework with the log feature" cargo build -p v4l2-m2m --features log
step "no_std firmware consumer on the host" cargo run -q -p qemu-mps2-board
step "documentation (no warnings, no missing docs)" docs
step "formatting (rustfmt.toml)" cargo fmt --all --check
step "clippy (no warnings)" cargo clippy --workspace --all-targets -- -D warnings
step "Cortex-M4 firmware under QEMU" bash scripts/cortex-m.sh
step "framework tests under AddressSanitizer" sanitized_framework_tests
step "framework fuzz target (150 s of cargo-fuzz)" bash scripts/fuzz.sh 150
step "encoder core against ffmpeg, no_std builds" bash scripts/test-encoder-core.sh
step "rate control targets" bash scripts/test-rate-control.sh
step "decoder against ffmpeg" bash scripts/test-decoder.sh
step "libavcodec decoder nodes: corpus, ffmpeg clients, damaged streams" bash scripts/test-avcodec-decoder.sh
step "hostile clients (bad pointers, USERPTR, mmap games, signals, races) on every codec node" bash scripts/test-hostile.sh
step "conformance and real clients" bash scripts/conformance.sh
step "vendor example (out-of-tree driver on the simulator)" bash scripts/test-vendor-example.sh

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "steps: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
