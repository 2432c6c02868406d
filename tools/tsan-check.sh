#!/bin/bash
# tsan-check.sh BIN CAPTURE...: runs the threaded run modes (autofp and workers, 2 and 3
# workers, stats every second so several threads write stats) of a ThreadSanitizer build on
# each capture. One line per run, "OK ..." or "FAIL ...", then "N passed, N failed"; exit 1 if
# any run had a data race report, a sanitizer error or an exit status other than 0.
# A .zst capture is decompressed to a temporary file first.
set -u
bin=$1
shift
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:exitcode=66}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for cap in "$@"; do
    if [[ $cap == *.zst ]]; then
        zstd -d -q -f "$cap" -o "$tmp/input.pcap" || { echo "FAIL $cap: cannot decompress"; fail=$((fail + 1)); continue; }
        input=$tmp/input.pcap
    else
        input=$cap
    fi
    for mode in autofp workers; do
        for n in 2 3; do
            out=$tmp/out
            rm -rf "$out"
            mkdir -p "$out"
            "$bin" -r "$input" -l "$out" --runmode "$mode" --threads "$n" --quiet \
                --set stats.interval=1 >/dev/null 2>"$tmp/err"
            rc=$?
            if [[ $rc -ne 0 ]] || grep -q 'ThreadSanitizer' "$tmp/err"; then
                echo "FAIL $(basename "$cap") $mode x$n: exit $rc: $(grep -m1 -E 'WARNING|ERROR' "$tmp/err" | cut -c1-160)"
                fail=$((fail + 1))
            else
                echo "OK   $(basename "$cap") $mode x$n"
                pass=$((pass + 1))
            fi
        done
    done
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
