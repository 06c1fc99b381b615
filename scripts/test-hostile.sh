#!/usr/bin/env bash
# Hostile-client suite (tests/hostile/hostile.c): a C program against <linux/videodev2.h>
# that passes bad pointers, read-only and unmapped memory, bad indices, types and memory
# types, extreme counts and sizes, event misuse and open/close storms to the simulator's
# decoder nodes through the compat layer, each case in a forked child with a timeout, each
# asserting Linux's errno. Runs on both decoder nodes (multi-planar /dev/video1,
# single-planar /dev/video3).
#
# Usage: scripts/test-hostile.sh [--no-build] [CASE...]
# Environment: CARGO_TARGET_DIR (default <repo>/target).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
build=1
if [[ ${1:-} == --no-build ]]; then
    build=0
    shift
fi
if [[ $build -eq 1 ]]; then
    cargo build --release -q -p v4l2-sim-compat
fi
work=$(mktemp -d /tmp/v4l2-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -std=gnu11 -O1 -Wall -Wextra -Werror -pthread -o "$work/hostile" "$root/tests/hostile/hostile.c"

status=0
for node in /dev/video1 /dev/video3; do
    echo "-- $node"
    "$root/scripts/v4l2-sim-run" --lib "$CARGO_TARGET_DIR/release/libv4l2_sim_compat.so" -- \
        "$work/hostile" "$node" "$@" || status=1
done
exit $status
