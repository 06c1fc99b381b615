#!/usr/bin/env bash
# Generates the H.264 test streams of the decoder checks with ffmpeg/libx264, and the
# reference decodes (ffmpeg's own H.264 decoder) they are compared with.
#
# Usage: scripts/gen-streams.sh [--bench]
#   STREAMS_DIR  output directory (default: tests/decoder/streams, gitignored)
#   --bench      also generate the 1080p main-profile 300-frame benchmark stream
#
# Every stream is written as NAME.h264 with NAME.yuv (I420) and NAME.nv12 (NV12), both
# cropped to the visible size, and one line "NAME WIDTH HEIGHT FRAMES" in manifest.txt.
# Streams are regenerated only when missing (delete the directory to force it).
# No B-frames (-bf 0): the OpenH264 decoder does not decode B slices exactly.
#
# Streams the OpenH264 decoder refuses (High 10, High 4:2:2, interlaced, B slices) are
# written as NAME.h264 only, with one line "NAME FEATURE" in unsupported.txt, FEATURE
# being the words the codec tool's refusal message names.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${STREAMS_DIR:-$ROOT/tests/decoder/streams}"
BENCH=0
[[ "${1:-}" == "--bench" ]] && BENCH=1
mkdir -p "$OUT"

command -v ffmpeg >/dev/null || { echo "gen-streams: ffmpeg is required (apt-get install ffmpeg)" >&2; exit 1; }

FF=(ffmpeg -hide_banner -nostdin -loglevel error -y)
# Scene cuts every third of the clip: with min-keyint above the cut distance, x264 codes
# the first cut as a non-IDR I-frame and later ones as IDR frames.
CUTS="keyint=90:min-keyint=46:scenecut=100"

# gen NAME WxH FRAMES PROFILE X264PARAMS [extra ffmpeg args...]
gen() {
    local name=$1 size=$2 frames=$3 profile=$4 params=$5
    shift 5
    local f="$OUT/$name"
    if [[ -s "$f.h264" && -s "$f.yuv" && -s "$f.nv12" ]] && grep -q "^$name " "$OUT/manifest.txt" 2>/dev/null; then
        return
    fi
    local third=$(( (frames + 2) / 3 ))
    local d; d=$(awk "BEGIN{print $third/30}")
    "${FF[@]}" -filter_complex \
        "testsrc2=s=$size:r=30:d=$d[a];smptebars=s=$size:r=30:d=$d[b];rgbtestsrc=s=$size:r=30:d=$d[c];[a][b][c]concat=n=3,format=yuv420p,noise=alls=12:allf=t" \
        -frames:v "$frames" -c:v libx264 -profile:v "$profile" -bf 0 -x264-params "$params" "$@" "$f.h264"
    "${FF[@]}" -i "$f.h264" -f rawvideo -pix_fmt yuv420p "$f.yuv"
    "${FF[@]}" -i "$f.h264" -f rawvideo -pix_fmt nv12 "$f.nv12"
    local w=${size%x*} h=${size#*x}
    local n=$(( $(stat -c %s "$f.yuv") / (w * h * 3 / 2) ))
    [[ $n -eq $frames ]] || { echo "gen-streams: $name: ffmpeg decoded $n frames, expected $frames" >&2; exit 1; }
    grep -v "^$name " "$OUT/manifest.txt" 2>/dev/null > "$OUT/manifest.tmp" || true
    echo "$name $w $h $frames" >> "$OUT/manifest.tmp"
    mv "$OUT/manifest.tmp" "$OUT/manifest.txt"
    echo "gen-streams: $name ${size} ${frames} frames ($profile)"
}

# unsupported NAME FEATURE [ffmpeg encoder args...]: a 12-frame 176x144 stream.
unsupported() {
    local name=$1 feature=$2
    shift 2
    local f="$OUT/$name"
    if [[ -s "$f.h264" ]] && grep -q "^$name " "$OUT/unsupported.txt" 2>/dev/null; then
        return
    fi
    "${FF[@]}" -f lavfi -i "testsrc2=s=176x144:r=30,noise=alls=12:allf=t" -frames:v 12 -c:v libx264 "$@" "$f.h264"
    grep -v "^$name " "$OUT/unsupported.txt" 2>/dev/null > "$OUT/unsupported.tmp" || true
    echo "$name $feature" >> "$OUT/unsupported.tmp"
    mv "$OUT/unsupported.tmp" "$OUT/unsupported.txt"
    echo "gen-streams: $name (unsupported: $feature)"
}

touch "$OUT/manifest.txt"
gen base_176x144      176x144  90  baseline "$CUTS"
gen main_1366x768     1366x768 24  main     "keyint=12"
gen main_640x360_long 640x360  300 main     "$CUTS"
gen base_320x180_slc  320x180  60  baseline "keyint=30:slices=4"
gen main_854x480      854x480  45  main     "$CUTS"
# Seek test (apps/codec/tests/seek.rs): an IDR frame every 30 frames, at 0, 30 and 60 only.
gen seek_320x180      320x180  90  main     "keyint=30:min-keyint=30:scenecut=0"
unsupported high10_176x144     "High 10"    -profile:v high10 -pix_fmt yuv420p10le -bf 0
unsupported high422_176x144    "4:2:2"      -profile:v high422 -pix_fmt yuv422p -bf 0
unsupported interlaced_176x144 "interlaced" -profile:v main -pix_fmt yuv420p -bf 0 -flags +ildct+ilme
unsupported bframes_176x144    "B slices"   -profile:v main -pix_fmt yuv420p -bf 2
if [[ $BENCH -eq 1 ]]; then
    gen bench_1080p   1920x1080 300 main    "keyint=60" -preset medium
fi
echo "gen-streams: streams in $OUT"
