#!/bin/bash
# fuzz-prepare.sh OUTDIR [SHARED]: seed corpora for the libFuzzer harnesses, in scratch space.
#   OUTDIR/fuzz_decode/   one packet per file (tools/fuzz-seeds.py), from tests/data and, when
#                         present, a scratch copy of SHARED/pcaps/tcpdump
#   OUTDIR/fuzz_capture/  whole capture files: the same captures, copied
# Nothing here is committed: OUTDIR lives under build-ci/.
set -eu
out=$1
shared=${2:-$(dirname "$0")/../../shared}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out/fuzz_decode" "$out/fuzz_capture"
inputs=("$root/tests/data")
if [[ -d $shared/pcaps/tcpdump ]]; then
    inputs+=("$shared/pcaps/tcpdump")
fi
/usr/bin/python3 "$root/tools/fuzz-seeds.py" "$out/fuzz_decode" "${inputs[@]}" >/dev/null
for d in "${inputs[@]}"; do
    find "$d" -maxdepth 1 -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) \
        -size -256k -exec cp -t "$out/fuzz_capture" {} +
done
# fuzz_rules: one ET Open rule per file (every 10th active rule), when the shared folder is here.
mkdir -p "$out/fuzz_rules"
if [[ -d $shared/rules/et-open ]]; then
    cat "$shared"/rules/et-open/*.rules | grep -E '^(alert|drop|pass|reject)' | awk 'NR % 10 == 1' \
        | split -l 1 -a 5 - "$out/fuzz_rules/et-"
fi
printf 'alert tcp any any -> any 80 (msg:"x"; content:"GET"; depth:3; sid:1;)\n' >"$out/fuzz_rules/own-1"
echo "fuzz seeds: $(ls "$out/fuzz_decode" | wc -l) packets, $(ls "$out/fuzz_capture" | wc -l) captures, $(ls "$out/fuzz_rules" | wc -l) rules"
