#!/usr/bin/env bash
# Hostile-client suite (tests/hostile/*.c): a C program against <linux/videodev2.h> that
# passes bad pointers, read-only and unmapped memory, bad indices, types, memory types,
# plane counts and sizes, extreme counts and formats, control-array and event misuse,
# mmap/mremap/mprotect games over buffer and USERPTR memory, signals, STREAMOFF and close
# while another thread blocks, and open/close storms to the simulator's codec nodes
# through the compat layer, each case in a forked child with a timeout, each asserting
# Linux's errno. It runs on every codec node: the OpenH264 decoder (/dev/video1
# multi-planar, /dev/video3 single-planar), the H.264 encoder (/dev/video2, /dev/video4)
# and the libavcodec decoder (/dev/video5, /dev/video6); the program tells each node's
# kind from QUERYCAP, ENUM_FMT and REQBUFS, and reports the cases a node cannot run (no
# USERPTR memory, no plane arrays) as skipped.
#
# Usage: scripts/test-hostile.sh [--no-build] [--node PATH]... [CASE...]
# Environment: CARGO_TARGET_DIR (default <repo>/target).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
build=1
nodes=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0; shift ;;
        --node) nodes+=("$2"); shift 2 ;;
        *) break ;;
    esac
done
[[ ${#nodes[@]} -gt 0 ]] || nodes=(/dev/video1 /dev/video3 /dev/video2 /dev/video4 /dev/video5 /dev/video6)
if [[ $build -eq 1 ]]; then
    (cd "$root" && nice -n 10 cargo build --release -q -p v4l2-sim-compat --features sim-board,avcodec)
fi
work=$(mktemp -d /tmp/v4l2-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A copy of the library: later builds with other features replace the target's one.
cp "$CARGO_TARGET_DIR/release/libv4l2_sim_compat.so" "$work/"
gcc -std=gnu11 -O1 -Wall -Wextra -Werror -pthread -o "$work/hostile" "$root"/tests/hostile/*.c

status=0
for node in "${nodes[@]}"; do
    echo "-- $node"
    "$root/scripts/v4l2-sim-run" --lib "$work/libv4l2_sim_compat.so" -- "$work/hostile" "$node" "$@" || status=1
done
exit $status
