#!/bin/bash
# callgrind.sh: instruction count of one sekimori run (--runmode single) under valgrind's
# callgrind: a timing-free figure that moves only when the code does. Prints total Ir and keeps
# the profile (callgrind_annotate FILE shows where the instructions go).
#
# usage: bench/callgrind.sh [SEKIMORI] [CAPTURE]
#   defaults: build/sekimori, ../shared/bench/smoke.pcap; OUT=file to choose the profile path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/sekimori}
capture=${2:-${SEKIMORI_SHARED:-$root/../shared}/bench/smoke.pcap}
out=${OUT:-$root/build/bench-cache/callgrind.out}

if ! command -v valgrind >/dev/null; then
    echo "callgrind: valgrind missing (tools/setup.sh installs it)" >&2
    exit 1
fi
if [[ ! -x $bin ]]; then
    echo "callgrind: no sekimori binary at $bin" >&2
    exit 1
fi
if [[ ! -r $capture ]]; then
    echo "callgrind: capture $capture absent" >&2
    exit 1
fi
mkdir -p "$(dirname "$out")"
eve=$(mktemp -d)
trap 'rm -rf "$eve"' EXIT

valgrind --tool=callgrind --callgrind-out-file="$out" --error-exitcode=99 -q \
    "$bin" --runmode single -r "$capture" -l "$eve" --quiet
# The "summary:" (or "totals:") line of the profile holds the event totals; Ir is the first.
ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
printf 'callgrind: %s on %s: Ir %s (%s)\n' "$(basename "$bin")" "$(basename "$capture")" \
    "$(printf "%'d" "$ir" 2>/dev/null || echo "$ir")" "$out"
