#!/usr/bin/env bash
# The main job, both directions, on the host simulator board:
#   1. decode: synthesise an H.264 clip in-process, decode it through the framework's V4L2
#      memory-to-memory API with the codec tool (poll loop, events, drain), and report
#      frames, fps and a checksum of the decoded pictures (`m2m-codec demo`; extra
#      arguments go to it, e.g. -s 1280x720 -n 300);
#   2. encode: generate a clip with ffmpeg (testsrc2, 640x360, 90 frames, NV12), encode it
#      through the VENC encoder at /dev/video2 (CBR 1 Mbit/s, GOP 30), decode the result
#      back through the decoder at /dev/video1, and report the bitrate and the PSNR of the
#      round trip against the source (ffmpeg's psnr filter). It writes
#      $CARGO_TARGET_DIR/demo/roundtrip.png (default target/demo/): a source frame beside
#      its encoded and decoded version.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -q -p codec-tool
target=${CARGO_TARGET_DIR:-target}
bin="$target/release/m2m-codec"

echo "=== decode: H.264 -> /dev/video1 -> raw"
"$bin" demo "$@"

size=640x360
frames=90
fps=30
bitrate=1M
out="$target/demo"
mkdir -p "$out"
echo
echo "=== encode: raw -> /dev/video2 -> H.264 -> /dev/video1 -> raw"
echo "source: ffmpeg testsrc2 $size, $frames frames, $fps fps, NV12 ($out/source.nv12)"
ffmpeg -nostdin -v error -y -f lavfi -i "testsrc2=size=$size:rate=$fps" -frames:v "$frames" \
    -pix_fmt nv12 -f rawvideo "$out/source.nv12"
echo "encoder: m2m-codec -d /dev/video2 -f NV12 -s $size --rc cbr --bitrate $bitrate --gop 30 --fps $fps"
enc=$("$bin" -q -d /dev/video2 -i "$out/source.nv12" -f NV12 -s "$size" -o "$out/encoded.h264" \
    --rc cbr --bitrate "$bitrate" --gop 30 --fps "$fps")
echo "$enc" | sed 's/^/  /'
grep -q "^frames: *$frames$" <<<"$enc" || { echo "demo: the encoder did not produce $frames frames" >&2; exit 1; }
echo "decoder: m2m-codec -d /dev/video1 -F YU12"
dec=$("$bin" -q -d /dev/video1 -i "$out/encoded.h264" -F YU12 -o "$out/decoded.yuv")
echo "$dec" | sed 's/^/  /'
grep -q "^frames: *$frames$" <<<"$dec" || { echo "demo: the decoder did not give $frames frames back" >&2; exit 1; }

psnr=$(ffmpeg -nostdin -hide_banner -f rawvideo -pix_fmt yuv420p -s "$size" -i "$out/decoded.yuv" \
    -f rawvideo -pix_fmt nv12 -s "$size" -i "$out/source.nv12" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 |
    sed -n 's/.*PSNR .* average:\([0-9.inf]*\).*/\1/p' | tail -1)
[[ -n "$psnr" ]] || { echo "demo: ffmpeg's psnr filter gave no result" >&2; exit 1; }
[[ "$psnr" == inf ]] || psnr=$(printf '%.2f' "$psnr")
kbits=$(sed -n 's/^bitrate: *\([0-9.]*\) kbit\/s$/\1/p' <<<"$enc")

# Frame 45 of the source beside the same frame after the round trip.
ffmpeg -nostdin -v error -y \
    -f rawvideo -pix_fmt nv12 -s "$size" -i "$out/source.nv12" \
    -f rawvideo -pix_fmt yuv420p -s "$size" -i "$out/decoded.yuv" \
    -lavfi "[0:v]select=eq(n\,45)[a];[1:v]select=eq(n\,45)[b];[a][b]hstack" -frames:v 1 "$out/roundtrip.png"

echo
echo "round trip: $frames frames $size, bitrate $kbits kbit/s (target $bitrate), PSNR $psnr dB"
echo "picture:    $out/roundtrip.png (left: source frame 45, right: encoded by /dev/video2, decoded by /dev/video1)"
