#!/usr/bin/env bash
# Runs every check of the H.264 decoder path: installs the tools it needs (ffmpeg with
# libx264 for reference streams and decodes, nasm for OpenH264's assembly), generates the
# streams, builds in release mode, and runs the board, decoder and codec-tool tests plus a
# demo run. Fails loudly on the first failure.
#
#   CARGO_TARGET_DIR  cargo's target directory (default: target)
#   STREAMS_DIR       where streams are generated (default: tests/decoder/streams)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v nasm >/dev/null || need+=(nasm)
if ((${#need[@]})); then
    echo "test-decoder: installing ${need[*]}"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
grep -q libx264 <<<"$(ffmpeg -hide_banner -encoders 2>/dev/null)" || { echo "test-decoder: ffmpeg lacks libx264" >&2; exit 1; }

export STREAMS_DIR="${STREAMS_DIR:-$ROOT/tests/decoder/streams}"
scripts/gen-streams.sh

cargo build --release -p sim-board -p sim-h264-decoder -p codec-tool -p v4l2-sim-compat
cargo test --release -p sim-board -p sim-h264-decoder -p codec-tool

echo "test-decoder: demo"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/m2m-codec"
out=$("$BIN" demo -n 60 -q)
echo "$out"
grep -q "^frames: *60$" <<<"$out" || { echo "test-decoder: demo did not decode 60 frames" >&2; exit 1; }

# CLI error paths: missing file and unknown format are usage errors (exit 2), garbage
# input is "nothing decodable" (exit 1).
set +e
"$BIN" -q -i /nonexistent.h264 >/dev/null 2>&1; rc1=$?
"$BIN" -q -i "$STREAMS_DIR/base_176x144.h264" -F RGB3 >/dev/null 2>&1; rc2=$?
head -c 20000 /dev/urandom > "$STREAMS_DIR/garbage.bin"
"$BIN" -q -i "$STREAMS_DIR/garbage.bin" >/dev/null 2>&1; rc3=$?
set -e
[[ $rc1 -eq 2 && $rc2 -eq 2 && $rc3 -eq 1 ]] || { echo "test-decoder: CLI exit codes $rc1 $rc2 $rc3, expected 2 2 1" >&2; exit 1; }
# Streams the OpenH264 nodes cannot decode exactly (gen-streams.sh lists them in
# unsupported.txt with the feature the refusal names), on both nodes: the codec tool exits
# 3 with "unsupported stream: ... FEATURE ..." and the board logs the reason once; ffmpeg
# h264_v4l2m2m through the compat layer never exits 0 (which would be frames silently
# missing). With -xerror ffmpeg stops at the first EIO and exits 1; without it, ffmpeg 5.1
# skips the packets QBUF refuses with EIO and then either exits 69 (nothing written: it
# had not queued CAPTURE buffers before the refusal) or, when it had (always with B
# slices, sometimes at a header refusal, depending on timing), loops on POLLERR while
# draining, as it would on Linux: that run is ended by its timeout and reported.
# Every run is bounded: a hang of the tool, or of ffmpeg with -xerror, fails the test.
LIB="${CARGO_TARGET_DIR:-$ROOT/target}/release/libv4l2_sim_compat.so"
unsupported_fail=0
refuse_fail() { echo "test-decoder: $*" >&2; unsupported_fail=1; }
while read -r name feature; do
    [[ -n $name ]] || continue
    stream="$STREAMS_DIR/$name.h264"
    for node in /dev/video1 /dev/video3; do
        set +e
        msg=$(timeout -k 5 60 "$BIN" -q -d "$node" -i "$stream" 2>&1 >/dev/null); rc=$?
        set -e
        if [[ $rc -ne 3 ]] || ! grep -q "^m2m-codec: error: unsupported stream: .*$feature.*; $node (" <<<"$msg"; then
            refuse_fail "$name on $node: m2m-codec exit $rc, expected 3 naming '$feature': $msg"
        fi
        logged=$(grep -c "^sim-board: sim-h264-decoder: unsupported stream: " <<<"$msg" || true)
        [[ $logged -eq 1 ]] || refuse_fail "$name on $node: the board logged the refusal $logged times"
        for mode in -xerror default; do
            args=(-nostdin -hide_banner -loglevel error -y)
            limit=60
            if [[ $mode == -xerror ]]; then args+=(-xerror); else limit=10; fi
            set +e
            timeout -k 5 "$limit" scripts/v4l2-sim-run --lib "$LIB" --only "$node" -- ffmpeg "${args[@]}" \
                -c:v h264_v4l2m2m -i "$stream" -pix_fmt yuv420p -f framemd5 "$STREAMS_DIR/$name.v4l2.md5" >/dev/null 2>&1
            rc=$?
            set -e
            frames=$(grep -vc '^#' "$STREAMS_DIR/$name.v4l2.md5" 2>/dev/null || true)
            case "$mode:$rc" in
                *:0) refuse_fail "$name on $node: ffmpeg ($mode) exited 0 with $frames frames of a refused stream" ;;
                -xerror:124 | -xerror:137) refuse_fail "$name on $node: ffmpeg -xerror hung" ;;
                default:124 | default:137)
                    echo "test-decoder: $name on $node: ffmpeg loops on POLLERR while draining ($frames frames), ended by the timeout" ;;
                *) echo "test-decoder: $name on $node: ffmpeg ($mode) exit $rc, $frames frames" ;;
            esac
        done
    done
done < "$STREAMS_DIR/unsupported.txt"
[[ $unsupported_fail -eq 0 ]] || { echo "test-decoder: unsupported streams not refused as documented" >&2; exit 1; }
echo "test-decoder: all decoder checks passed"
