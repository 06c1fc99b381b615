#!/usr/bin/env bash
# Benchmark (not a test): system calls and wake-up latency per frame on the sim board with
# a lower half that does no work (boards/sim/benches/wake.rs), the application blocking
# in DQBUF ("block") or polling for POLLIN first ("poll").
#
# System calls per frame are counted with strace -c -f over two run lengths; the
# difference divided by the difference in frames cancels start-up. The latencies are the
# median and 90th percentile of QBUF(OUTPUT) -> DQBUF(CAPTURE), next to a bare futex round
# trip between two threads.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v strace >/dev/null || { echo "bench-wake: strace is needed (scripts/setup.sh installs it)" >&2; exit 1; }
cargo bench -q -p sim-board --no-default-features --bench wake --no-run
exe=$(cargo bench -p sim-board --no-default-features --bench wake --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*wake[^"]*\)".*/\1/p' | tail -1)
# Calls of one system call in `strace -c` output ($1: the summary, $2: the call).
calls() { awk -v s="$2" '$NF == s { print ($4 ~ /^[0-9]+$/) ? $4 : $3; found = 1 } END { if (!found) print 0 }' "$1"; }
small=1000
large=5000
for mode in block poll; do
    for n in $small $large; do
        strace -c -f -o "/tmp/bench-wake.$mode.$n" "$exe" "$mode" "$n" >/dev/null
    done
    line="syscalls per frame ($mode):"
    total=0
    for sc in futex eventfd2 write read poll ppoll; do
        a=$(calls "/tmp/bench-wake.$mode.$small" $sc)
        b=$(calls "/tmp/bench-wake.$mode.$large" $sc)
        per=$(awk -v a="$a" -v b="$b" -v d=$((large - small)) 'BEGIN { printf "%.2f", (b - a) / d }')
        total=$(awk -v t="$total" -v p="$per" 'BEGIN { printf "%.2f", t + p }')
        line="$line $sc $per"
    done
    echo "$line; total $total"
    rm -f "/tmp/bench-wake.$mode.$small" "/tmp/bench-wake.$mode.$large"
done
for mode in block poll futex; do
    "$exe" "$mode" 20000
done
