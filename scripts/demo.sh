#!/usr/bin/env bash
# The main job: on the host simulator board, synthesise an H.264 clip in-process, decode
# it through the framework's V4L2 memory-to-memory API with the codec tool (poll loop,
# events, drain), and report frames, fps and a checksum of the decoded pictures.
# Extra arguments go to `m2m-codec demo` (e.g. -s 1280x720 -n 300).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -q -p codec-tool
exec "${CARGO_TARGET_DIR:-target}/release/m2m-codec" demo "$@"
