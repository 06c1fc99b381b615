#!/usr/bin/env bash
# The vendor example (examples/vendor-scaler), built and tested as a vendor would in CI:
# formatting, clippy, docs and unit tests of its own workspace; its no_std driver built for
# thumbv7em-none-eabihf; its compat library checked to export the interposed libc entry
# points; v4l2-compliance -s and -f on both of its nodes (0 failures, 0 warnings); and its
# pixels, streamed by v4l2-ctl, compared byte for byte with ffmpeg's scale (nearest
# neighbour, exact at 2:1 and 1:1) and hflip of the same input.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ex=$root/examples/vendor-scaler
export CARGO_TARGET_DIR=${VENDOR_TARGET_DIR:-$ex/target}
work=$(mktemp -d /tmp/vendor-scaler.XXXXXX)
failures=()
fail() { echo "FAIL: $*" >&2; failures+=("$*"); }
log() { echo "== $*" >&2; }
cd "$ex" || exit 1

log "fmt, clippy, doc, unit tests"
cargo fmt --check -p vendor-scaler -p vendor-scaler-sim || fail "cargo fmt --check"
cargo clippy -q --workspace --all-targets -- -D warnings || fail "clippy"
RUSTDOCFLAGS="-D warnings" cargo doc -q --workspace --no-deps || fail "cargo doc"
cargo test -q --workspace || fail "unit tests"

log "the no_std driver for thumbv7em-none-eabihf"
if rustup target list --installed 2>/dev/null | grep -q thumbv7em-none-eabihf; then
    cargo build -q -p vendor-scaler --target thumbv7em-none-eabihf --release || fail "thumbv7em build"
elif [[ -x /usr/bin/rustc ]]; then
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_TARGET_DIR=$CARGO_TARGET_DIR/thumb \
        /usr/bin/cargo build -q -p vendor-scaler --target thumbv7em-none-eabihf -Zbuild-std=core --release \
        || fail "thumbv7em build"
else
    fail "no thumbv7em-none-eabihf toolchain (rustup target or Debian's rustc-web)"
fi

log "the compat library"
cargo build -q --release --workspace || { fail "release build"; exit 1; }
lib=$CARGO_TARGET_DIR/release/libvendor_scaler_sim.so
for sym in open openat ioctl mmap munmap poll select epoll_wait stat opendir readdir64; do
    nm -D --defined-only "$lib" | grep -qw "$sym" || fail "$lib does not export $sym"
done
run() { "$root/scripts/v4l2-sim-run" --lib "$lib" "$@"; }

for node in /dev/video10 /dev/video11; do
    for opt in -s -f; do
        out=$work/compliance-$(basename "$node")$opt.txt
        log "v4l2-compliance -d $node $opt"
        timeout -k 10 300 "$root/scripts/v4l2-sim-run" --lib "$lib" -- v4l2-compliance -d "$node" "$opt" >"$out" 2>&1
        total=$(grep -E '^Total for ' "$out" | tail -1)
        echo "$node $opt: ${total:-no total line}"
        [[ "$total" == *"Failed: 0, Warnings: 0"* ]] || { fail "$node $opt: ${total:-crashed}"; tail -30 "$out" >&2; }
    done
done

# pixels: NODE IN_FMT(v4l2) IN_FMT(ffmpeg) IN_SIZE OUT_FMT OUT_SIZE HFLIP
pixels() {
    local node=$1 vfmt=$2 ffin=$3 isize=$4 ofmt=$5 osize=$6 hflip=$7
    local name=$work/$(basename "$node")-$vfmt-$isize-$osize-$hflip
    local iw=${isize%x*} ih=${isize#*x} ow=${osize%x*} oh=${osize#*x}
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=$isize" -frames:v 1 -pix_fmt "$ffin" -f rawvideo "$name.in"
    local vf="scale=$ow:$oh:flags=neighbor"
    [[ $hflip == 1 ]] && vf="$vf,hflip"
    ffmpeg -nostdin -loglevel error -y -f rawvideo -pix_fmt "$ffin" -s "$isize" -i "$name.in" -vf "$vf,format=yuv420p" -f rawvideo "$name.ref"
    run -- v4l2-ctl -d "$node" --set-fmt-video-out=width=$iw,height=$ih,pixelformat=$vfmt \
        --set-fmt-video=width=$ow,height=$oh,pixelformat=$ofmt --set-ctrl=horizontal_flip=$hflip \
        --stream-mmap --stream-out-mmap --stream-from="$name.in" --stream-to="$name.out" --stream-count=1 >"$name.log" 2>&1
    if cmp -s "$name.ref" "$name.out"; then
        echo "$node $vfmt $isize -> $ofmt $osize hflip=$hflip: identical to ffmpeg"
    else
        fail "$node $vfmt $isize -> $ofmt $osize hflip=$hflip: differs from ffmpeg ($(cmp -l "$name.ref" "$name.out" 2>/dev/null | wc -l) bytes)"
    fi
}
pixels /dev/video11 NV12 nv12 160x120 YU12 320x240 1
pixels /dev/video11 NV12 nv12 320x240 YU12 320x240 0
pixels /dev/video10 NV12 nv12 176x144 YM12 352x288 0
pixels /dev/video10 NV12 nv12 176x144 YU12 176x144 1

rm -rf "$work"
if [[ ${#failures[@]} -gt 0 ]]; then
    echo "vendor example: ${#failures[@]} failure(s):" >&2
    for f in "${failures[@]}"; do echo "  - $f" >&2; done
    exit 1
fi
echo "vendor example: all checks passed" >&2
