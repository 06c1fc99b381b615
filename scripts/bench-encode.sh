#!/usr/bin/env bash
# Encode benchmark: the same clip through the framework (/dev/video2: framework, the VENC
# driver, the model of its block) and through the encoder core called directly, with the
# same QP sequence and identical bitstreams.
#   1. wall clock, both passes in one run, at 720p and 1080p (ratio target >= 0.95);
#   2. callgrind instruction counts of each pass alone at 320x240 (load-independent): the
#      whole cost of the framework path per frame above the core's, and the driver's own
#      instructions per frame (functions of the h264_encoder crate, register accesses to
#      the block model included).
# Usage: bash scripts/bench-encode.sh [FRAMES]   (default 30 frames per size)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-30}
command -v valgrind >/dev/null || { echo "bench-encode: valgrind is required (scripts/setup.sh)" >&2; exit 1; }

echo "== wall clock ($frames frames per size)"
BENCH_FRAMES=$frames cargo bench -q -p codec-tool --bench encode

bin=$(cargo bench -q -p codec-tool --bench encode --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*encode[^"]*\)".*/\1/p' | tail -1)
[[ -x $bin ]] || { echo "bench-encode: benchmark binary not found" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cg() { # cg FRAMES ENV...: instructions of one pass of FRAMES frames at 320x240
    local frames=$1 name
    shift
    name=$(date +%s%N)
    env "$@" BENCH_FRAMES="$frames" BENCH_SIZES=320x240 valgrind --tool=callgrind \
        --callgrind-out-file="$out/$name" ${TOGGLE:+--toggle-collect="$TOGGLE"} "$bin" >/dev/null 2>"$out/$name.log"
    sed -n 's/^summary: //p' "$out/$name" | head -1
}
# Per frame: the difference of 20- and 10-frame runs over 10, so start-up cancels out.
per_frame() { echo $(( ($(cg 20 "$@") - $(cg 10 "$@")) / 10 )); }
echo "== callgrind, 320x240, (20 frames - 10 frames) / 10"
fw=$(per_frame BENCH_ONLY=framework)
direct=$(per_frame BENCH_ONLY=direct)
driver=$(TOGGLE='*h264_encoder::*' per_frame BENCH_ONLY=framework)
echo "framework path: $fw instructions per frame; encoder core called directly: $direct"
echo "above the core: $(( fw - direct )) per frame (framework, driver, block model and its copies, tool)"
echo "driver's own:   $driver per frame (h264_encoder functions, register accesses to the model included)"
