#!/usr/bin/env bash
# Generates the decoder conformance corpus with ffmpeg (libx264, libx265, libvpx-vp9):
# H.264, HEVC and VP9 streams covering the coding tools real encoders use, streams with
# the H.264 syntax libx264 never writes (PCM macroblocks, long-term references and every
# memory management operation, PAFF field pictures: scripts/gen-h264-syntax.py), and the
# damaged variants of two of them.
#
# Usage: scripts/gen-corpus.sh DIR
#
# Writes into DIR, regenerating only what is missing (delete DIR to force it):
#   NAME.h264 / NAME.hevc   Annex-B elementary streams
#   NAME.mkv                the same stream in Matroska (with timestamps), for streams
#                           whose pictures need no crop (ffmpeg's V4L2 clients ignore it)
#   NAME.webm               VP9 streams (WebM only: a VP9 decoder takes one frame per buffer)
#   manifest.txt            one line per stream: NAME|EXT|MKV(0/1)|SAMPLING|OPENH264|features
#                           SAMPLING: 420 (8-bit 4:2:0), p010 (10-bit 4:2:0), 422 (8-bit
#                           4:2:2) or "none: WHY" (no V4L2 CAPTURE format holds it);
#                           OPENH264: what the OpenH264 nodes must do with it, "exact" or
#                           "refused: WHY" ("-" for HEVC and VP9)
#   damaged/NNN-KIND.EXT    seeded corruptions of base_h264 and base_hevc, and
#   damaged/manifest.txt    one line per file: FILE|kind|what was done
set -euo pipefail

out=${1:?usage: gen-corpus.sh DIR}
mkdir -p "$out/damaged"
version=8
if [[ -s $out/manifest.txt && -s $out/damaged/manifest.txt && $(cat "$out/version" 2>/dev/null) == "$version" ]]; then
    exit 0
fi
rm -f "$out"/manifest.txt "$out"/damaged/*
for enc in libx264 libx265 libvpx-vp9; do
    grep -q "$enc" <<<"$(ffmpeg -hide_banner -encoders 2>/dev/null)" || { echo "gen-corpus: ffmpeg lacks $enc" >&2; exit 1; }
done

FF=(ffmpeg -hide_banner -nostdin -loglevel error -y)
# A moving, detailed picture with film grain (so every coding tool has work), and a scene
# cut halfway.
source_of() {
    local size=$1 frames=$2 half=$(( ($2 + 1) / 2 ))
    echo "testsrc2=s=$size:r=25:d=$(awk "BEGIN{print $half/25}")[a];testsrc=s=$size:r=25:d=$(awk "BEGIN{print $half/25}")[b];[a][b]concat=n=2,format=yuv420p,noise=alls=10:allf=t"
}

# h264 NAME WxH FRAMES MKV FEATURES X264PARAMS [ffmpeg args...]; SAMPLING and OPENH264
# (manifest columns) from the environment, by default 420 and "refused: B slices".
h264() {
    local name=$1 size=$2 frames=$3 mkv=$4 features=$5 params=$6
    shift 6
    "${FF[@]}" -filter_complex "$(source_of "$size" "$frames")" -frames:v "$frames" \
        -c:v libx264 -x264-params "log-level=error:$params" "$@" "$out/$name.mkv"
    "${FF[@]}" -i "$out/$name.mkv" -c copy -f h264 "$out/$name.h264"
    [[ $mkv == 1 ]] || rm "$out/$name.mkv"
    echo "$name|h264|$mkv|${SAMPLING:-420}|${OPENH264:-refused: B slices}|$features" >>"$out/manifest.txt"
}

# hevc NAME WxH FRAMES MKV FEATURES X265PARAMS [ffmpeg args...]
hevc() {
    local name=$1 size=$2 frames=$3 mkv=$4 features=$5 params=$6
    shift 6
    "${FF[@]}" -filter_complex "$(source_of "$size" "$frames")" -frames:v "$frames" \
        -c:v libx265 -x265-params "log-level=error:$params" "$@" "$out/$name.mkv"
    "${FF[@]}" -i "$out/$name.mkv" -c copy -f hevc "$out/$name.hevc"
    [[ $mkv == 1 ]] || rm "$out/$name.mkv"
    echo "$name|hevc|$mkv|${SAMPLING:-420}|-|$features" >>"$out/manifest.txt"
}

OPENH264=exact h264 baseline_cavlc 176x144 30 1 "Baseline, CAVLC, P only" "" -profile:v baseline
h264 main_bf2 320x240 30 1 "Main, CABAC, 2 B-frames" "" -profile:v main -bf 2
h264 high_bf3_pyramid 320x240 30 1 "High, 3 B-frames, B-pyramid (normal), 4 refs" "b-pyramid=normal:ref=4" -bf 3
h264 high_temporal_direct 320x240 30 1 "High, temporal direct, weighted B and P prediction" \
    "direct=temporal:weightb=1:weightp=2:b-pyramid=normal" -bf 3
h264 high_spatial_direct 320x240 30 1 "High, spatial direct, B-pyramid (strict)" "direct=spatial:b-pyramid=strict" -bf 2
h264 high_cavlc_bf2 320x240 30 1 "High, CAVLC, 2 B-frames" "cabac=0" -bf 2
h264 high_8x8_cqm 320x240 20 1 "High, 8x8 transform, JVT scaling matrices" "8x8dct=1:cqm=jvt" -bf 2
h264 high_no8x8 320x240 20 1 "High, 4x4 transform only" "8x8dct=0" -bf 2
h264 refs16 176x144 40 1 "High, 16 reference frames, 3 B-frames" "ref=16:b-pyramid=normal" -bf 3
h264 slices4 320x240 20 1 "High, 4 slices per picture" "slices=4" -bf 2
h264 slice_per_row_1080p 1920x1080 6 0 "High, 1080p, one slice per macroblock row (68 per picture), crop bottom 8" \
    "slice-max-mbs=120" -bf 2
OPENH264="refused: interlaced (MBAFF)" h264 mbaff 320x240 20 0 "High, interlaced (MBAFF, top field first), coded 320x256, crop bottom 16" "interlaced=1:tff=1" -flags +ildct+ilme -bf 2
h264 aud_headers 320x240 30 1 "AUD units, SPS/PPS before every IDR, an IDR every 10 frames" \
    "aud=1:repeat-headers=1:keyint=10:min-keyint=10" -bf 2
h264 open_gop 320x240 30 1 "Open GOP: non-IDR I-frames with recovery points" "open-gop=1:keyint=10:min-keyint=10" -bf 3
h264 tiny_16x16 16x16 20 1 "The smallest picture, 16x16" "" -bf 2
h264 odd_98x66 98x66 20 0 "98x66: crop right 14, bottom 14" "" -bf 2
h264 crop_edges 320x240 10 0 "Crop on every edge (left 8, top 4, right 6, bottom 2)" "" -bf 2 \
    -bsf:v h264_metadata=crop_left=8:crop_top=4:crop_right=6:crop_bottom=2
OPENH264="refused: High 4:4:4 Predictive profile" h264 cif_lossless 352x288 10 1 "High 4:4:4 Predictive profile, 4:2:0, lossless (qp 0, transform bypass)" "qp=0" \
    -profile:v high444 -bf 0
OPENH264=exact h264 high_p_only 320x240 20 1 "High, CABAC, 8x8 transform, P only, 3 refs" "ref=3" -bf 0
OPENH264=exact h264 large_4096x2304 4096x2304 3 1 "High, level 5.1, 4096x2304, P only" "" -bf 0 -preset veryfast \
    -level 5.1
OPENH264=exact h264 large_2560x1440 2560x1440 4 1 "High, 2560x1440, I and P pictures" "keyint=2" -bf 0 -preset veryfast
SAMPLING=p010 OPENH264="refused: High 10 profile" h264 high10 320x240 20 0 "High 10, 10-bit 4:2:0, 2 B-frames" "" \
    -bf 2 -pix_fmt yuv420p10le
SAMPLING=p010 OPENH264="refused: High 10 profile" h264 high10_intra_odd 98x66 6 0 \
    "High 10, only IDR pictures, 98x66: crop right 14, bottom 14" "keyint=1" -pix_fmt yuv420p10le -profile:v high10
SAMPLING=422 OPENH264="refused: High 4:2:2 profile" h264 high422 320x240 20 0 "High 4:2:2, 8-bit 4:2:2, 2 B-frames" \
    "" -bf 2 -pix_fmt yuv422p
SAMPLING="none: 10-bit 4:2:2" OPENH264="refused: High 4:2:2 profile" h264 high422_10bit 320x240 6 0 \
    "High 4:2:2, 10-bit 4:2:2 (no V4L2 format)" "" -bf 2 -pix_fmt yuv422p10le
SAMPLING="none: 4:4:4" OPENH264="refused: High 4:4:4 Predictive profile" h264 high444 320x240 6 0 \
    "High 4:4:4 Predictive, 8-bit 4:4:4 (no CAPTURE format of the nodes)" "" -bf 2 -pix_fmt yuv444p
hevc hevc_main_bf3 320x240 30 1 "HEVC Main, 3 B-frames, B-pyramid" "bframes=3:b-pyramid=1"
hevc hevc_odd_202x130 202x130 20 0 "HEVC 202x130: conformance window crop" "bframes=2"
hevc hevc_slices 320x240 20 1 "HEVC, 4 slices per picture, no B-frames" "bframes=0:slices=4"
SAMPLING=p010 hevc hevc_main10 320x240 20 0 "HEVC Main 10, 10-bit 4:2:0, 3 B-frames" "bframes=3" -pix_fmt yuv420p10le
SAMPLING="none: 12-bit" hevc hevc_main12 320x240 6 0 "HEVC Main 12, 12-bit 4:2:0 (no V4L2 format)" "bframes=2" \
    -pix_fmt yuv420p12le
hevc hevc_4096x2304 4096x2304 3 0 "HEVC Main, 4096x2304, 1 B-frame" "bframes=1" \
    -preset ultrafast

# Syntax libx264 never writes, coded by gen-h264-syntax.py from raw pictures: PCM
# macroblocks, long-term references and memory management operations 1-6; PAFF.
syntax() {
    local name=$1 kind=$2 w=$3 h=$4 frames=$5 openh264=$6 features=$7
    "${FF[@]}" -filter_complex "$(source_of "${w}x$h" "$frames")" -frames:v "$frames" -f rawvideo "$out/$name.yuv"
    python3 "$(dirname "${BASH_SOURCE[0]}")/gen-h264-syntax.py" "$kind" "$w" "$h" "$out/$name.yuv" "$out/$name.h264"
    rm "$out/$name.yuv"
    echo "$name|h264|0|420|$openh264|$features" >>"$out/manifest.txt"
}
syntax pcm_ltr_mmco ltr 176 144 24 exact \
    "Baseline, I_PCM in I and P pictures, long-term references, MMCO 1-6, reference list modification"
syntax paff_fields fields 176 160 16 "refused: interlaced (field pictures)" \
    "Main, PAFF: field pictures (top first), P fields referencing either parity, PCM"

# Several SPS and PPS (ids 0, 1, 2) in one stream, the profile and level changing at each
# IDR: Baseline level 1.3, Main level 2.1 (CABAC), High level 3.0 (8x8 transform).
part() {
    "${FF[@]}" -filter_complex "$(source_of 176x144 10)" -frames:v 10 -c:v libx264 -bf 0 \
        -x264-params "log-level=error:sps-id=$1" "${@:2}" -f h264 "$out/part_$1.h264"
}
part 0 -profile:v baseline -level 1.3
part 1 -profile:v main -level 2.1
part 2 -profile:v high -level 3.0
cat "$out"/part_{0,1,2}.h264 >"$out/sps_pps_profiles.h264"
rm "$out"/part_{0,1,2}.h264
echo "sps_pps_profiles|h264|0|420|exact|SPS/PPS ids 0, 1, 2; Baseline 1.3, Main 2.1, High 3.0 at successive IDRs" \
    >>"$out/manifest.txt"

# Streams that start without an IDR picture: cut at a recovery point SEI.
"${FF[@]}" -filter_complex "$(source_of 320x240 40)" -frames:v 40 -c:v libx264 -bf 0 \
    -x264-params log-level=error:intra-refresh=1:keyint=10:aud=1 -f h264 "$out/refresh.h264"
python3 "$(dirname "${BASH_SOURCE[0]}")/gen-h264-syntax.py" cut "$out/refresh.h264" "$out/no_idr_refresh.h264" 1
echo "no_idr_refresh|h264|0|420|refused: starts without an IDR|No IDR at all: periodic intra refresh, starts at its first recovery point" \
    >>"$out/manifest.txt"
"${FF[@]}" -filter_complex "$(source_of 320x240 40)" -frames:v 40 -c:v libx264 -bf 3 \
    -x264-params log-level=error:open-gop=1:keyint=10:min-keyint=10:aud=1 -f h264 "$out/opengop.h264"
python3 "$(dirname "${BASH_SOURCE[0]}")/gen-h264-syntax.py" cut "$out/opengop.h264" "$out/no_idr_open_gop.h264" 2
echo "no_idr_open_gop|h264|0|420|refused: B slices|Starts at a non-IDR I picture (open GOP recovery point), 3 B-frames" \
    >>"$out/manifest.txt"
rm "$out/refresh.h264" "$out/opengop.h264"

# vp9 NAME WxH FRAMES FEATURES [ffmpeg args...]
vp9() {
    local name=$1 size=$2 frames=$3 features=$4
    shift 4
    "${FF[@]}" -filter_complex "$(source_of "$size" "$frames")" -frames:v "$frames" -c:v libvpx-vp9 "$@" \
        "$out/$name.webm"
    echo "$name|vp9|1|420|-|$features" >>"$out/manifest.txt"
}

vp9 vp9_realtime 320x240 30 "VP9 profile 0, realtime (no hidden frames)" -b:v 400k -deadline realtime -cpu-used 8
vp9 vp9_altref 320x240 30 "VP9, alternate reference frames (hidden frames in superframes)" \
    -b:v 400k -deadline good -cpu-used 5 -auto-alt-ref 1 -lag-in-frames 16
vp9 vp9_odd_202x130 202x130 20 "VP9 202x130 (odd chroma size)" -b:v 200k -deadline realtime -cpu-used 8

# A resolution change inside one stream: two independently coded streams, one after the
# other (the second starts with its own SPS and IDR).
"${FF[@]}" -filter_complex "$(source_of 176x144 12)" -frames:v 12 -c:v libx264 -bf 2 -x264-params log-level=error \
    -f h264 "$out/part_a.h264"
"${FF[@]}" -filter_complex "$(source_of 320x240 12)" -frames:v 12 -c:v libx264 -bf 2 -x264-params log-level=error \
    -f h264 "$out/part_b.h264"
cat "$out/part_a.h264" "$out/part_b.h264" >"$out/resolution_change.h264"
echo "resolution_change|h264|0|420|refused: B slices|176x144 then 320x240 in one stream (a SOURCE_CHANGE mid-stream)" >>"$out/manifest.txt"

# ---------------------------------------------------------------------------------------
# Damaged streams: seeded corruptions of a High-profile stream with B-frames and an IDR
# every 12 pictures, and of an HEVC stream.
h264 base_h264 320x240 48 0 "damage base: High, 3 B-frames, IDR every 12" "keyint=12:min-keyint=12" -bf 3
hevc base_hevc 320x240 36 0 "damage base: HEVC, 3 B-frames, IDR every 12" "bframes=3:keyint=12:min-keyint=12"
sed -i '/^base_/d' "$out/manifest.txt"

# flip FILE OFFSET: inverts one bit (chosen by RANDOM) of the byte at OFFSET.
flip() {
    local f=$1 off=$2 byte
    byte=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
    printf "$(printf '\\%03o' $(( byte ^ (1 << (RANDOM % 8)) )))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# damage N SRC EXT: writes damaged/N-KIND.EXT.
damage() {
    local n=$1 src=$2 ext=$3 size kind what dst
    size=$(stat -c %s "$src")
    RANDOM=$(( n * 7919 + 17 ))
    local kinds=(bitflip bitflip truncate garbage drop zeros headers)
    kind=${kinds[RANDOM % ${#kinds[@]}]}
    dst=$out/damaged/$(printf '%03d' "$n")-$kind.$ext
    local at=$(( (RANDOM * 32768 + RANDOM) % (size - 200) + 100 ))
    local len=$(( RANDOM % 3000 + 100 ))
    case $kind in
        bitflip)
            cp "$src" "$dst"
            local k=$(( RANDOM % 8 + 1 )) i
            for ((i = 0; i < k; i++)); do flip "$dst" $(( (RANDOM * 32768 + RANDOM) % (size - 100) + 100 )); done
            what="$k bit flips"
            ;;
        truncate)
            head -c "$at" "$src" >"$dst"
            what="cut at byte $at of $size"
            ;;
        garbage)
            # Bytes of the stream itself with the top bit of each inverted: no start codes.
            { head -c "$at" "$src"; dd if="$src" iflag=skip_bytes,count_bytes skip=$(( size / 2 )) count="$len" status=none | tr '\000-\377' '\200-\377\000-\177'
              tail -c +$(( at + 1 )) "$src"; } >"$dst"
            what="$len garbage bytes inserted at $at"
            ;;
        drop)
            { head -c "$at" "$src"; tail -c +$(( at + len + 1 )) "$src"; } >"$dst"
            what="bytes $at to $(( at + len )) lost"
            ;;
        zeros)
            cp "$src" "$dst"
            dd if=/dev/zero of="$dst" bs=1 seek="$at" count="$len" conv=notrunc status=none
            what="$len bytes zeroed at $at"
            ;;
        headers)
            cp "$src" "$dst"
            local k=$(( RANDOM % 3 + 1 )) i
            for ((i = 0; i < k; i++)); do flip "$dst" $(( RANDOM % 40 + 5 )); done
            what="$k bit flips in the leading parameter sets"
            ;;
    esac
    echo "$(basename "$dst")|$kind|$what" >>"$out/damaged/manifest.txt"
}
for n in $(seq 1 50); do damage "$n" "$out/base_h264.h264" h264; done
for n in $(seq 51 62); do damage "$n" "$out/base_hevc.hevc" hevc; done
echo "$version" >"$out/version"
