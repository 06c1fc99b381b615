#!/usr/bin/env bash
# Installs everything the project's builds and tests need on a fresh Debian machine.
# Idempotent: packages already present are skipped. Fails loudly on any error.
set -euo pipefail

packages=(ffmpeg v4l-utils qemu-system-arm rustc-web cargo-web rust-web-src nasm valgrind gcc strace
    libavcodec-dev libavutil-dev pkg-config gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "setup: system packages present"
fi

command -v cargo >/dev/null || { echo "setup: cargo (rustup stable) is required" >&2; exit 1; }

# The framework's fuzz target (framework/fuzz) runs with cargo-fuzz on the nightly toolchain.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
fi
