#!/usr/bin/env bash
# Benchmark of the libavcodec decoder backend: 1080p High-profile H.264 with B-frames and
# 1080p HEVC, each decoded in one run by the backend called directly, by the backend with
# each picture copied out once, and through the framework (/dev/video5), in BENCH_ROUNDS
# interleaved rounds (default 3, the best of each kept); prints the frame rates and the
# ratios (apps/codec/benches/decode_avcodec.rs). Then, unless BENCH_CALLGRIND=0, it runs
# each way once under callgrind and prints the instructions per frame (all threads) and
# their ratios, figures that repeat from run to run. Streams are generated once into
# BENCH_DIR (default $CARGO_TARGET_DIR/bench-avcodec).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
dir=${BENCH_DIR:-$CARGO_TARGET_DIR/bench-avcodec}
mkdir -p "$dir"
FF=(ffmpeg -hide_banner -nostdin -loglevel error -y)
src="testsrc2=s=1920x1080:r=25,format=yuv420p,noise=alls=8:allf=t"
[[ -s $dir/high_bf3_1080p.h264 ]] || "${FF[@]}" -f lavfi -i "$src" -frames:v 120 -c:v libx264 -preset veryfast \
    -profile:v high -bf 3 -b:v 8M -x264-params log-level=error "$dir/high_bf3_1080p.h264"
[[ -s $dir/main_1080p.hevc ]] || "${FF[@]}" -f lavfi -i "$src" -frames:v 120 -c:v libx265 -preset ultrafast \
    -b:v 4M -x265-params log-level=error "$dir/main_1080p.hevc"
cd "$root"
streams=("$dir/high_bf3_1080p.h264:H264" "$dir/main_1080p.hevc:HEVC")
bench=(cargo bench -q -p codec-tool --features avcodec --bench decode_avcodec)
BENCH_STREAMS=$(IFS=,; echo "${streams[*]}") "${bench[@]}"
[[ ${BENCH_CALLGRIND:-1} == 0 ]] && exit 0

exe=$("${bench[@]}" --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*decode_avcodec[^"]*\)".*/\1/p' | tail -1)
[[ -x $exe ]] || { echo "bench-avcodec-decoder: no bench executable" >&2; exit 1; }
# instructions STREAM WAY: instructions of one decode (callgrind, every thread), then its frames.
instructions() {
    local out
    out=$(mktemp -d)
    BENCH_STREAMS=$1 BENCH_ONLY=$2 valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
        "$exe" >"$out/stdout" 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
    echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log") $(sed -n 's/.*: \([0-9]*\) frames.*/\1/p' "$out/stdout")"
    rm -rf "$out"
}
for entry in "${streams[@]}"; do
    read -r d frames < <(instructions "$entry" direct)
    read -r c _ < <(instructions "$entry" copy)
    read -r f fframes < <(instructions "$entry" framework)
    [[ $frames -gt 0 && $frames == "$fframes" ]] || { echo "bench-avcodec-decoder: frame counts $frames / $fframes" >&2; exit 1; }
    echo "callgrind:     ${entry%:*} ($frames frames, instructions per frame, every thread)"
    awk -v d="$d" -v c="$c" -v f="$f" -v n="$frames" 'BEGIN {
        printf "  direct %.2f M, direct + copy %.2f M, framework %.2f M\n", d / n / 1e6, c / n / 1e6, f / n / 1e6
        printf "  ratio (instructions of direct / framework): %.3f to direct, %.3f to direct + copy\n", d / f, c / f }'
done
