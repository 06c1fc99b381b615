#!/usr/bin/env bash
# Coverage-guided fuzzing of the framework (framework/fuzz, target `sequences`): random
# sequences of open, close, ioctls with random or structured arguments, mmap, munmap,
# poll, job steps and completions against the loopback codec with a lower half that
# misbehaves on request; every input must end with no panic and an empty arena.
#
# The ioctl requests it sends are the table the framework's argument fuzz test uses too
# (FUZZ_REQUESTS in framework/tests/support).
#
# Usage: scripts/fuzz.sh [SECONDS]     (default 150: the short run of scripts/test.sh)
# A long run, e.g. eight hours on every core (one libFuzzer job per core, sharing the corpus):
#   cd framework/fuzz && cargo +nightly fuzz run sequences corpus/sequences -j"$(nproc)" -- \
#       -max_total_time=28800 -max_len=2048 -rss_limit_mb=2048
# or, on one core: scripts/fuzz.sh 28800
# Findings land in framework/fuzz/artifacts/sequences/; replay one with
#   cd framework/fuzz && cargo +nightly fuzz run sequences artifacts/sequences/<file>
# The corpus grows in framework/fuzz/corpus/sequences/ (not versioned).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-150}
cd "$root/framework/fuzz"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}/fuzz
mkdir -p corpus/sequences
# Progress lines (NEW, REDUCE, pulse) and the recommended dictionary are left out;
# libFuzzer's exit status is kept (non-zero on a finding).
set +e
cargo +nightly fuzz run sequences corpus/sequences -- -max_total_time="$seconds" -max_len=2048 -rss_limit_mb=2048 2>&1 |
    grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|# Uses: |recommended dictionary'
status=${PIPESTATUS[0]}
exit "$status"
