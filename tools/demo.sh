#!/bin/bash
# demo.sh: from a fresh checkout, install what the build needs, build sekimori (release), and run
# it on the bundled sample capture; prints the summary and the first EVE records. Re-runnable.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
if [[ -f build/build.ninja ]]; then
    meson setup --reconfigure build >/dev/null
else
    meson setup build >/dev/null
fi
ninja -C build >/dev/null
out=out/sample
mkdir -p "$out"
rm -f "$out/eve.json" "$out/suricata.log"
echo "+ ./build/sekimori -r tests/data/sample.pcap -S rules/sample.rules -l $out --runmode single"
./build/sekimori -r tests/data/sample.pcap -S rules/sample.rules -l "$out" --runmode single
echo "+ grep -m 3 '\"event_type\":\"alert\"' $out/eve.json"
grep -m 3 '"event_type":"alert"' "$out/eve.json" || true
