#!/usr/bin/env bash
# Benchmark of the libavcodec decoder backend: 1080p High-profile H.264 with B-frames and
# 1080p HEVC, each decoded in one run by the backend called directly, by the backend with
# each picture copied out once, and through the framework (/dev/video5), in BENCH_ROUNDS
# interleaved rounds (default 3, the best of each kept); prints the frame rates and the
# ratios (apps/codec/benches/decode_avcodec.rs). Streams are generated once into BENCH_DIR
# (default $CARGO_TARGET_DIR/bench-avcodec).
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
BENCH_STREAMS="$dir/high_bf3_1080p.h264:H264,$dir/main_1080p.hevc:HEVC" \
    cargo bench -q -p codec-tool --features avcodec --bench decode_avcodec
