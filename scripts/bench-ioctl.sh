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
# count N: "total cs calls" for a run of N cycles: every instruction, the instructions of
# the board's critical-section implementation (inclusive; the host's is a global mutex,
# an interrupt mask on a Cortex-M), and how many critical sections were taken.
count() {
    local out
    out=$(mktemp -d)
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$exe" "$1" >/dev/null 2>"$out/log"
    local total
    total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/log")
    local cs calls
    cs=$(callgrind_annotate --inclusive=yes "$out/cg" 2>/dev/null | awk '
        # Only the summary line of each function, not the call lines of annotated sources.
        !/=>/ && /std\.rs:_critical_section_1_0_(acquire|release) \[/ { n = $1; gsub(",", "", n); cs += n }
        END { print cs + 0 }')
    # Calls to the acquire function, from the profile's call records (names are given
    # once per id, then referred to by id alone).
    calls=$(awk '
        /^c?fn=\([0-9]+\) / { id = $1; sub(/^c?fn=/, "", id); name = $0; sub(/^c?fn=\([0-9]+\) /, "", name); names[id] = name }
        /^cfn=/ { id = $1; sub(/^cfn=/, "", id); want = (names[id] == "_critical_section_1_0_acquire") }
        /^calls=/ && want { sub(/^calls=/, "", $1); n += $1; want = 0 }
        END { print n + 0 }' "$out/cg")
    echo "$total $cs $calls"
    rm -rf "$out"
}
small=1000
large=11000
read -r a a_cs a_calls < <(count $small)
read -r b b_cs b_calls < <(count $large)
runs=$((large - small))
per_cycle=$(((b - a) / runs))
cs=$(((b_cs - a_cs) / runs))
sections=$(((b_calls - a_calls) / runs))
echo "callgrind: $per_cycle instructions per cycle (2 QBUF + job + 2 DQBUF), $((per_cycle / 4)) per ioctl"
echo "callgrind: of which the board's critical sections: $cs ($sections sections); the framework's own: $((per_cycle - cs))"
