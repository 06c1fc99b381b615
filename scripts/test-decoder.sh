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

cargo build --release -p sim-board -p sim-h264-decoder -p codec-tool
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
echo "test-decoder: all decoder checks passed"
