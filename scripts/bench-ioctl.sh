#!/usr/bin/env bash
# Benchmark (not a test): the cost of a QBUF+DQBUF cycle through the raw ioctl entry with
# a lower half that does no work. Prints wall-clock ns/cycle, then instructions per
# cycle from callgrind, measured as the difference between two run lengths so that
# start-up costs cancel out.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p v4l2-m2m --bench ioctl_cycle -- 200000
exe=$(cargo bench -p v4l2-m2m --bench ioctl_cycle --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*ioctl_cycle[^"]*\)".*/\1/p' | tail -1)
count() {
    local out
    out=$(mktemp -d)
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$exe" "$1" >/dev/null 2>"$out/log"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log"
    rm -rf "$out"
}
small=1000
large=11000
a=$(count $small)
b=$(count $large)
echo "callgrind: $(( (b - a) / (large - small) )) instructions per cycle (2 QBUF + job + 2 DQBUF), $(( (b - a) / (large - small) / 4 )) per ioctl"
