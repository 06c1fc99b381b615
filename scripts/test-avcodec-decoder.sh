#!/usr/bin/env bash
# Checks the libavcodec decoder nodes (/dev/video5 multi-planar, /dev/video6 single-planar)
# and the OpenH264 nodes (/dev/video0 multi-planar, /dev/video1 single-planar) against
# ffmpeg's own software decoders, on the corpus of scripts/gen-corpus.sh:
#
#   0. the codec tool's seek and drain tests (apps/codec/tests/{seek,drain}.rs), which run
#      on every decoder node, built with the libavcodec nodes, and its capture_formats test
#      (ENUM_FMT/G_FMT/S_FMT on CAPTURE follow the parsed stream's sampling);
#   1. every stream through the codec tool (m2m-codec) on both libavcodec nodes in four
#      CAPTURE layouts of the stream's sampling (8-bit 4:2:0: YM12, NM12 on /dev/video5,
#      YU12, NV12 on /dev/video6; 10-bit 4:2:0: P010; 8-bit 4:2:2: YM16, NV16, 422P,
#      NV16), fed one access unit per buffer or in fixed chunks of 65536, 4093 or 997
#      bytes: the visible pictures must be byte-identical (MD5) to `ffmpeg -threads 1
#      -flags unaligned` with every frame kept (`-fps_mode passthrough`, `-autoscale 0`);
#      a stream no CAPTURE format holds (4:4:4, 10-bit 4:2:2, 12-bit) must be refused
#      (the codec tool's exit status 3, with its message). Every H.264
#      stream also runs on the OpenH264 nodes (YM12, NM12 on /dev/video1, YU12, NV12 on
#      /dev/video3): bit-exact where the corpus manifest says OpenH264 decodes it exactly,
#      otherwise refused (exit status 3, "unsupported stream: ...", checked in the first
#      layout of each node);
#   2. every stream that needs no crop through ffmpeg's own V4L2 clients (h264_v4l2m2m,
#      hevc_v4l2m2m) from Matroska, alternating the nodes, and every VP9 stream
#      (vp9_v4l2m2m, from WebM) on both: every framemd5 line (timestamp, size, MD5)
#      identical to ffmpeg's software decode, so B-frame pictures carry the timestamps of
#      their own access units;
#   3. every damaged stream through the codec tool (and every third also through
#      ffmpeg's V4L2 client): no crash, no hang (each run under a timeout that fails the
#      test), and as many pictures (CAPTURE buffers, concealed ones flagged ERROR
#      included) as ffmpeg's software decode gives.
#
# Writes docs/decoder-corpus.md (the table of results) and exits non-zero on any failure.
#
# Environment: CARGO_TARGET_DIR (default <repo>/target), CORPUS_DIR (default
#              $CARGO_TARGET_DIR/corpus), CORPUS_REPORT (default docs/decoder-corpus.md),
#              STREAMS_DIR (scripts/gen-streams.sh's, default tests/decoder/streams).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
corpus=${CORPUS_DIR:-$CARGO_TARGET_DIR/corpus}
report=${CORPUS_REPORT:-$root/docs/decoder-corpus.md}
work=$(mktemp -d /tmp/avcodec-decoder.XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$root" && nice -n 10 cargo build --release -q -p v4l2-sim-compat --features sim-board,avcodec &&
    nice -n 10 cargo build --release -q -p codec-tool --features avcodec) || { echo "build failed" >&2; exit 1; }
lib=$CARGO_TARGET_DIR/release/libv4l2_sim_compat.so
tool=$CARGO_TARGET_DIR/release/m2m-codec
bash "$root/scripts/gen-corpus.sh" "$corpus" || { echo "corpus generation failed" >&2; exit 1; }

failures=()
fail() { echo "FAIL: $*" >&2; failures+=("$*"); }

# 0. the codec tool's seek and drain tests, which run on every decoder node the board
# registers: with the feature, on the libavcodec nodes too.
export STREAMS_DIR=${STREAMS_DIR:-$root/tests/decoder/streams}
bash "$root/scripts/gen-streams.sh" || { echo "stream generation failed" >&2; exit 1; }
(cd "$root" && nice -n 10 cargo test --release -q -p codec-tool --features avcodec --test seek --test drain \
    --test capture_formats) || fail "the codec tool's seek, drain and capture_formats tests with the libavcodec nodes"

rows=()         # stream|codec|features|frames|result per run...
client_rows=()  # stream|node|client|result
damage_rows=()  # file|kind|what|ffmpeg frames|tool frames|ffmpeg client frames|result

SW=(ffmpeg -hide_banner -nostdin -loglevel error -y -threads 1 -flags unaligned)

# interleave W H: 8-bit 4:2:2 planar frames on stdin as NV16 (ffmpeg's scaler cannot
# write NV16).
interleave() {
    python3 -c '
import sys
w, h = int(sys.argv[1]), int(sys.argv[2])
data, cw = sys.stdin.buffer.read(), (w + 1) // 2
size = w * h + 2 * cw * h
for i in range(0, len(data), size):
    f = data[i : i + size]
    uv = bytearray(2 * cw * h)
    uv[0::2], uv[1::2] = f[w * h : w * h + cw * h], f[w * h + cw * h :]
    sys.stdout.buffer.write(f[: w * h] + uv)
' "$@"
}

# The reference decode of FILE as raw PIXFMT frames: prints its MD5.
reference() {
    local file=$1 pixfmt=$2 out=$work/ref.$2
    if [[ $pixfmt == nv16 ]]; then
        local w h
        IFS=, read -r w h < <(ffprobe -v error -flags unaligned -select_streams v:0 \
            -show_entries stream=width,height -of csv=p=0 "$file")
        "${SW[@]}" -i "$file" -f rawvideo -pix_fmt yuv422p -fps_mode passthrough -autoscale 0 - | interleave "$w" "$h" \
            >"$out" || return 1
    else
        "${SW[@]}" -i "$file" -f rawvideo -pix_fmt "$pixfmt" -fps_mode passthrough -autoscale 0 "$out" || return 1
    fi
    md5sum <"$out" | cut -d' ' -f1
}

# tool NODE FOURCC CODEC CHUNK FILE OUT: runs the codec tool; prints "FRAMES CAPTURE_ERRORS RC"
# (its messages stay in $work/tool.log).
tool_run() {
    local node=$1 fourcc=$2 codec=$3 chunk=$4 file=$5 out=$6 chunk_opt=()
    [[ $chunk == unit ]] || chunk_opt=(-c "$chunk")
    local log=$work/tool.log
    timeout -k 5 120 "$tool" -q -d "$node" -f "$codec" -F "$fourcc" "${chunk_opt[@]}" -i "$file" -o "$out" >"$log" 2>&1
    local rc=$? frames errors
    frames=$(sed -n 's/^frames: *\([0-9]*\)$/\1/p' "$log")
    errors=$(sed -n 's/^errors: .*, \([0-9]*\) CAPTURE$/\1/p' "$log")
    echo "${frames:-0} ${errors:-0} $rc"
}

# client_check NAME FILE CLIENT NODE: ffmpeg's V4L2 decoder CLIENT on NODE against ffmpeg's
# software decode, every framemd5 line.
client_check() {
    local name=$1 file=$2 client=$3 node=$4
    "${SW[@]}" -i "$file" -pix_fmt yuv420p -f framemd5 "$work/ref.framemd5"
    timeout -k 5 120 "$root/scripts/v4l2-sim-run" --lib "$lib" --only "$node" -- \
        ffmpeg -hide_banner -nostdin -loglevel error -y -c:v "$client" -i "$file" -pix_fmt yuv420p \
        -f framemd5 "$work/got.framemd5" >"$work/client.log" 2>&1
    local rc=$? n
    n=$(grep -vc '^#' "$work/got.framemd5" 2>/dev/null)
    if [[ $rc -eq 0 ]] && diff -q <(grep -v '^#' "$work/ref.framemd5") <(grep -v '^#' "$work/got.framemd5") >/dev/null; then
        client_rows+=("$name|$node|$client|PASS: $n frames, timestamps and MD5 identical")
    else
        fail "$name: ffmpeg $client on $node: exit $rc, $n frames, framemd5 differs"
        client_rows+=("$name|$node|$client|FAIL: exit $rc, $n frames")
    fi
    rm -f "$work/got.framemd5"
}

# ------------------------------------------------------------------------------------
# 1. the corpus through the codec tool

# The runs on the libavcodec nodes by the stream's sampling: "NODE FOURCC PIXFMT" (PIXFMT:
# ffmpeg's name of the same layout; "-" for a stream that must be refused).
runs_of() {
    case $1 in
        420) echo "/dev/video5 YM12 yuv420p;/dev/video5 NM12 nv12;/dev/video6 YU12 yuv420p;/dev/video6 NV12 nv12" ;;
        p010) echo "/dev/video5 P010 p010le;/dev/video5 P010 p010le;/dev/video6 P010 p010le;/dev/video6 P010 p010le" ;;
        422) echo "/dev/video5 YM16 yuv422p;/dev/video5 NV16 nv16;/dev/video6 422P yuv422p;/dev/video6 NV16 nv16" ;;
        *) echo "/dev/video5 YM12 -;/dev/video5 NM12 -;/dev/video6 YU12 -;/dev/video6 NV12 -" ;;
    esac
}
openh264_runs=("/dev/video1 YM12 yuv420p" "/dev/video1 NM12 nv12" "/dev/video3 YU12 yuv420p" "/dev/video3 NV12 nv12")
declare -A refs  # PIXFMT -> MD5 of the reference decode of the current stream

# check_run NAME NODE FOURCC PIXFMT CODEC CHUNK FILE REF_FRAMES EXPECT: one codec tool run;
# EXPECT is "exact" or "refused: WHY". Sets cell (the table cell) and mins (the
# MIN_BUFFERS_FOR_CAPTURE values the tool read), records a failure.
check_run() {
    local name=$1 node=$2 fourcc=$3 pixfmt=$4 codec=$5 chunk=$6 file=$7 ref_frames=$8 expect=$9
    local out=$work/out.yuv label frames errors rc got
    label="$(basename "$node") $fourcc ${chunk/unit/AU}"
    read -r frames errors rc < <(tool_run "$node" "$fourcc" "$codec" "$chunk" "$file" "$out")
    got=-
    [[ -f $out ]] && got=$(md5sum <"$out" | cut -d' ' -f1)
    rm -f "$out"
    mins=$(sed -n 's/^min buffers: *//p' "$work/tool.log")
    # A refusal: the codec tool's exit status 3 and its message (what in the stream is
    # unsupported, when the tool can name it).
    local why
    why=$(sed -n 's/.*unsupported stream: //p' "$work/tool.log" | head -1)
    [[ $rc -eq 3 && -z $why ]] && why=$(sed -n 's/^m2m-codec: error: //p' "$work/tool.log" | head -1)
    if [[ $expect == exact ]]; then
        if [[ $rc -eq 0 && $frames -eq $ref_frames && $errors -eq 0 && $got == "${refs[$pixfmt]}" ]]; then
            cell="PASS $fourcc ${chunk/unit/AU}"
            return
        fi
        fail "$name on $label: $frames frames ($errors flagged ERROR, exit $rc) vs $ref_frames, MD5 $got vs ${refs[$pixfmt]}"
        cell="FAIL $fourcc ${chunk/unit/AU} ($frames/$ref_frames)"
    elif [[ $rc -eq 3 && -n $why ]]; then
        cell="refused: ${why//|/\\|}"
    else
        fail "$name on $label: expected a refusal (${expect#refused: }), got $frames frames, $errors flagged ERROR, exit $rc"
        cell="FAIL $fourcc (not refused)"
    fi
}

# field NAME TRACE: the first value of syntax element NAME in trace_headers output TRACE.
field() { sed -n "s/.* $1 .* = \([0-9]*\)\$/\1/p" <<<"$2" | head -1; }

# level_dpb_frames TRACE: MaxDpbFrames of the SPS in ffmpeg's trace_headers output TRACE
# (H.264 Table A-1's MaxDpbMbs over the frame size in macroblocks, at most 16), or 0 for an
# intra profile (Annex E.2.1: what max_num_reorder_frames is inferred as without the VUI).
level_dpb_frames() {
    local profile set3 level w h frame_mbs mbs
    profile=$(field profile_idc "$1") set3=$(field constraint_set3_flag "$1") level=$(field level_idc "$1")
    w=$(field pic_width_in_mbs_minus1 "$1") h=$(field pic_height_in_map_units_minus1 "$1")
    frame_mbs=$(field frame_mbs_only_flag "$1")
    if [[ $profile == 44 ]] || [[ $set3 == 1 && " 86 100 110 122 244 " == *" $profile "* ]]; then
        echo 0
        return
    fi
    [[ $level == 11 && $set3 == 1 && " 66 77 88 " == *" $profile "* ]] && level=9
    case $level in
        9 | 10) mbs=396 ;; 11) mbs=900 ;; 12 | 13 | 20) mbs=2376 ;; 21) mbs=4752 ;; 22 | 30) mbs=8100 ;;
        31) mbs=18000 ;; 32) mbs=20480 ;; 40 | 41) mbs=32768 ;; 42) mbs=34816 ;; 50) mbs=110400 ;;
        51 | 52) mbs=184320 ;; *) mbs=696320 ;;
    esac
    mbs=$(( mbs / ((w + 1) * (h + 1) * (2 - frame_mbs)) ))
    echo $(( mbs > 16 ? 16 : mbs ))
}

# check_min_buffers NAME FILE VIDEO5 VIDEO1: MIN_BUFFERS_FOR_CAPTURE announced by the
# libavcodec node for the stream's first sequence must be its DPB needs, the larger of
# max_num_ref_frames and the VUI's max_num_reorder_frames, plus one (2 to 17); without the
# VUI's bitstream restriction, max_num_reorder_frames is the level's MaxDpbFrames (0 for an
# intra profile). The OpenH264 node (when it decodes the stream) must announce the same.
min_rows=()  # stream|refs|reorder|dpb|video5|video1|result
check_min_buffers() {
    local name=$1 file=$2 got=${3%% *} oh=${4%% *} trace refs reorder dpb want result shown
    trace=$(ffmpeg -hide_banner -nostdin -i "$file" -c copy -bsf:v trace_headers -f null - 2>&1)
    refs=$(sed -n 's/.* max_num_ref_frames .* = \([0-9]*\)$/\1/p' <<<"$trace" | head -1)
    reorder=$(sed -n 's/.* max_num_reorder_frames .* = \([0-9]*\)$/\1/p' <<<"$trace" | head -1)
    dpb=$(sed -n 's/.* max_dec_frame_buffering .* = \([0-9]*\)$/\1/p' <<<"$trace" | head -1)
    shown=$reorder
    if [[ -z $reorder ]]; then
        reorder=$(level_dpb_frames "$trace")
        shown="- (inferred: $reorder)"
    fi
    want=$(( (refs > reorder ? refs : reorder) + 1 ))
    (( want < 2 )) && want=2
    (( want > 17 )) && want=17
    if [[ $got == "$want" && ($oh == - || $oh == "$want") ]]; then
        result=PASS
    else
        result="FAIL: $want expected"
        fail "$name: MIN_BUFFERS_FOR_CAPTURE $got on /dev/video5, $oh on /dev/video1, $want expected"
    fi
    min_rows+=("$name|${refs:--}|$shown|${dpb:--}|${got:--}|$oh|$result")
}

# check_hevc_min_buffers NAME FILE VIDEO5: the libavcodec node's MIN_BUFFERS_FOR_CAPTURE for an
# HEVC stream must be its sps_max_dec_pic_buffering (minus1 + 1; the corpus's streams have
# one sub-layer), 2 to 17.
hevc_min_rows=()  # stream|minus1|reorder|video5|result
check_hevc_min_buffers() {
    local name=$1 file=$2 got=${3%% *} trace minus1 reorder want result
    trace=$(ffmpeg -hide_banner -nostdin -i "$file" -c copy -bsf:v trace_headers -f null - 2>&1)
    minus1=$(sed -n 's/.* sps_max_dec_pic_buffering_minus1\[0\] .* = \([0-9]*\)$/\1/p' <<<"$trace" | head -1)
    reorder=$(sed -n 's/.* sps_max_num_reorder_pics\[0\] .* = \([0-9]*\)$/\1/p' <<<"$trace" | head -1)
    want=$(( minus1 + 1 ))
    (( want < 2 )) && want=2
    (( want > 17 )) && want=17
    if [[ $got == "$want" ]]; then
        result=PASS
    else
        result="FAIL: $want expected"
        fail "$name: MIN_BUFFERS_FOR_CAPTURE $got on /dev/video5, $want expected"
    fi
    hevc_min_rows+=("$name|${minus1:--}|${reorder:--}|${got:--}|$result")
}

while IFS='|' read -r name ext mkv sampling openh264 features; do
    file=$corpus/$name.$ext
    codec=H264
    [[ $ext == hevc ]] && codec=HEVC
    if [[ $ext == vp9 ]]; then
        # One frame per buffer: only a client that demuxes WebM can feed it (below).
        client_check "$name" "$corpus/$name.webm" vp9_v4l2m2m /dev/video5
        client_check "$name" "$corpus/$name.webm" vp9_v4l2m2m /dev/video6
        frames=$("${SW[@]}" -i "$corpus/$name.webm" -f framemd5 - | grep -vc '^#')
        rows+=("$name|$ext|$features|$frames|not run|not run|not run|not run|-|-|-|-")
        continue
    fi
    IFS=';' read -ra runs <<<"$(runs_of "$sampling")"
    refs=()
    ref_frames=$("${SW[@]}" -i "$file" -f framemd5 -fps_mode passthrough -autoscale 0 - 2>/dev/null | grep -vc '^#')
    # The references the bit-exact runs compare with.
    exact_runs=()
    [[ $sampling == none* ]] || exact_runs+=("${runs[@]}")
    [[ $ext == h264 && $openh264 == exact ]] && exact_runs+=("${openh264_runs[@]}")
    for pixfmt in $(printf '%s\n' "${exact_runs[@]}" | cut -d' ' -f3 | sort -u); do
        refs[$pixfmt]=$(reference "$file" "$pixfmt") || fail "$name: no $pixfmt reference decode"
    done
    # The tool cuts H.264 into access units itself; HEVC always goes in byte chunks.
    chunks=(unit 65536 4093 997)
    [[ $ext == hevc ]] && chunks=(4096 65536 4093 997)
    expect=exact
    [[ $sampling == none* ]] && expect="refused: ${sampling#none: }"
    row="$name|$ext|$features|$ref_frames"
    for i in "${!runs[@]}"; do
        read -r node fourcc pixfmt <<<"${runs[$i]}"
        check_run "$name" "$node" "$fourcc" "$pixfmt" "$codec" "${chunks[$i]}" "$file" "$ref_frames" "$expect"
        row+="|$cell"
        (( i == 0 )) && av_mins=$mins
    done
    for i in "${!openh264_runs[@]}"; do
        if [[ $ext != h264 ]]; then
            row+="|-"
            continue
        fi
        # A refusal is checked once per node (its first layout).
        if [[ $openh264 != exact ]] && (( i % 2 )); then
            row+="|-"
            continue
        fi
        read -r node fourcc pixfmt <<<"${openh264_runs[$i]}"
        check_run "$name" "$node" "$fourcc" "$pixfmt" H264 "${chunks[$i]}" "$file" "$ref_frames" "$openh264"
        row+="|$cell"
        (( i == 0 )) && oh_mins=$mins
    done
    rows+=("$row")
    [[ $ext == h264 && $sampling != none* ]] && check_min_buffers "$name" "$file" "$av_mins" "${oh_mins:--}"
    [[ $ext == hevc && $sampling != none* ]] && check_hevc_min_buffers "$name" "$file" "$av_mins"

    # 2. ffmpeg's V4L2 client, from Matroska, on one node (alternating).
    if [[ $mkv == 1 ]]; then
        node=/dev/video5
        (( ${#client_rows[@]} % 2 )) && node=/dev/video6
        client_check "$name" "$corpus/$name.mkv" "${ext}_v4l2m2m" "$node"
    fi
done <"$corpus/manifest.txt"

# ------------------------------------------------------------------------------------
# 3. damaged streams
i=0
while IFS='|' read -r file kind what; do
    path=$corpus/damaged/$file
    codec=H264 client=h264_v4l2m2m
    [[ $file == *.hevc ]] && codec=HEVC client=hevc_v4l2m2m
    want=$("${SW[@]}" -i "$path" -f framemd5 -fps_mode passthrough -autoscale 0 - 2>/dev/null | grep -vc '^#')
    read -r frames errors rc < <(tool_run /dev/video5 YM12 "$codec" 4096 "$path" "$work/out.yuv")
    got=$((frames + errors))
    ok=1 problems=()
    [[ $rc -eq 0 || ($rc -eq 1 && $want -eq 0) ]] || { ok=0; problems+=("m2m-codec exit $rc"); }
    [[ $got -eq $want ]] || { ok=0; problems+=("m2m-codec $got pictures"); }
    client_n=-
    if (( i % 3 == 0 )); then
        timeout -k 5 120 "$root/scripts/v4l2-sim-run" --lib "$lib" --only /dev/video6 -- \
            ffmpeg -hide_banner -nostdin -loglevel quiet -y -c:v "$client" -i "$path" -f framemd5 -fps_mode passthrough \
            -autoscale 0 "$work/got.framemd5" >/dev/null 2>&1
        crc=$?
        client_n=$(grep -vc '^#' "$work/got.framemd5" 2>/dev/null || echo 0)
        [[ $crc -lt 124 ]] || { ok=0; problems+=("ffmpeg $client hung or crashed (exit $crc)"); }
        [[ $client_n -eq $want ]] || { ok=0; problems+=("ffmpeg $client $client_n pictures"); }
        rm -f "$work/got.framemd5"
    fi
    result=PASS
    if [[ $ok -eq 0 ]]; then
        result="FAIL: ${problems[*]}"
        fail "damaged $file ($what): $want pictures from ffmpeg; ${problems[*]}"
    fi
    damage_rows+=("$file|$kind|$what|$want|$frames + $errors flagged|$client_n|$result")
    rm -f "$work/out.yuv"
    i=$((i + 1))
done <"$corpus/damaged/manifest.txt"

# ------------------------------------------------------------------------------------
# 4. the report
{
echo "# Decoder corpus: the decoder nodes against ffmpeg"
echo
echo "Generated by \`scripts/test-avcodec-decoder.sh\` (run by \`scripts/test.sh\`); edit the script, not"
echo "this file. Streams come from \`scripts/gen-corpus.sh\` (ffmpeg with libx264, libx265 and libvpx-vp9)."
echo
echo "Generated: $(date -u '+%Y-%m-%d %H:%M UTC') from commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown);"
echo "$(ffmpeg -hide_banner -version | head -1)."
echo
echo "## Bit-exact decoding through the codec tool"
echo
echo "Each stream is decoded by \`m2m-codec\` on the libavcodec nodes (video5, video6) in four"
echo "CAPTURE layouts of its sampling and, for H.264, on the OpenH264 nodes (video1, video3), and"
echo "compared byte for byte (MD5 of all visible pictures) with \`ffmpeg -threads 1 -flags unaligned\`"
echo "(exact crop on every edge), every frame kept. Each cell names the CAPTURE format and the feed:"
echo "AU, one access unit per OUTPUT buffer; a number, the stream fed in chunks of that many bytes."
echo "\"refused\": the node declined the stream, as it must for one it cannot decode exactly (the"
echo "OpenH264 nodes: B slices, interlacing, High 10, 4:2:2, 4:4:4) or cannot output (no V4L2 format"
echo "for 4:4:4, 10-bit 4:2:2, 12-bit): a fatal stream error (QBUF/DQBUF EIO), which the codec tool reports"
echo "with exit status 3 and the message shown; on the OpenH264 nodes a refusal is checked in the first layout"
echo "of each node (\"-\" in the second). VP9 takes one frame per buffer, which the codec tool"
echo "(an Annex-B feeder) cannot cut: VP9 streams are checked with ffmpeg's client only."
echo
echo "| Stream | Codec | Features | Frames | video5 | video5 | video6 | video6 | video1 | video1 | video3 | video3 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
echo
echo "Chunking per column (H.264 / HEVC), on both node pairs: AU / 4096, 65536 / 65536, 4093 / 4093, 997 / 997."
echo
echo "## MIN_BUFFERS_FOR_CAPTURE"
echo
echo "The value the nodes announce with SOURCE_CHANGE for each H.264 stream's first sequence (the codec"
echo "tool's \"min buffers\" line), against the SPS and VUI fields (ffmpeg's \`trace_headers\`). The libavcodec"
echo "node must announce the larger of max_num_ref_frames and max_num_reorder_frames, plus one (2 to 17);"
echo "without the VUI's bitstream restriction (\"-\"), max_num_reorder_frames is inferred as Annex E.2.1 says:"
echo "the level's MaxDpbFrames (Table A-1: MaxDpbMbs over the frame size in macroblocks, at most 16), 0 for an"
echo "intra profile."
echo "The OpenH264 node (video1) must announce the same value for the streams it decodes (\"-\": refused)."
echo
echo "| Stream | max_num_ref_frames | max_num_reorder_frames | max_dec_frame_buffering | video5 | video1 | Result |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for r in "${min_rows[@]}"; do echo "| ${r//|/ | } |"; done
echo
echo "For each HEVC stream the libavcodec node must announce sps_max_dec_pic_buffering (the SPS's"
echo "minus1 value plus one; sps_max_num_reorder_pics is never larger), 2 to 17."
echo
echo "| Stream | sps_max_dec_pic_buffering_minus1 | sps_max_num_reorder_pics | video5 | Result |"
echo "| --- | --- | --- | --- | --- |"
for r in "${hevc_min_rows[@]}"; do echo "| ${r//|/ | } |"; done
echo
echo "## ffmpeg's V4L2 decoders"
echo
echo "\`ffmpeg -c:v h264_v4l2m2m\` (or \`hevc_v4l2m2m\`) \`-i NAME.mkv -pix_fmt yuv420p -f framemd5\` with only"
echo "the node visible, compared line by line (timestamp, size, MD5) with ffmpeg's software decoder."
echo "Streams with a crop are left out: ffmpeg's V4L2 client shows the whole CAPTURE buffer."
echo
echo "| Stream | Node | Client | Result |"
echo "| --- | --- | --- | --- |"
for r in "${client_rows[@]}"; do echo "| ${r//|/ | } |"; done
echo
echo "## Damaged streams"
echo
echo "Seeded corruptions of a High-profile stream (48 pictures, 3 B-frames, an IDR every 12) and"
echo "of an HEVC stream (36 pictures). Each run has a timeout that fails the test. Pictures:"
echo "those ffmpeg's software decoder outputs; the codec tool's CAPTURE buffers (written + flagged"
echo "\`V4L2_BUF_FLAG_ERROR\`, on /dev/video5, 4096-byte chunks); ffmpeg's V4L2 client on /dev/video6"
echo "(every third file)."
echo
echo "| File | Kind | Damage | ffmpeg | m2m-codec | ffmpeg V4L2 | Result |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for r in "${damage_rows[@]}"; do echo "| ${r//|/ | } |"; done
echo
if [[ ${#failures[@]} -eq 0 ]]; then
    echo "**Overall: PASS** (${#rows[@]} streams x 4 runs on the libavcodec nodes and H.264 x 4 on the OpenH264 nodes, ${#client_rows[@]} ffmpeg client runs, ${#damage_rows[@]} damaged streams)."
else
    echo "**Overall: FAIL** (${#failures[@]} problems):"
    echo
    for f in "${failures[@]}"; do echo "- $f"; done
fi
} >"$report"

echo "test-avcodec-decoder: ${#rows[@]} streams, ${#client_rows[@]} client runs, ${#damage_rows[@]} damaged streams, ${#failures[@]} failures (report: $report)"
[[ ${#failures[@]} -eq 0 ]]
