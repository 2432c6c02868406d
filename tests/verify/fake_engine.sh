#!/bin/bash
# A stand-in engine for testing tests/verify/run.py itself: it answers --build-info and
# --list-keywords like sekimori and, for a run, writes an empty eve.json into the -l folder.
# FAKE_KEYWORDS (space separated) sets the keywords it claims; FAKE_FEATURES the features.
set -u
outdir=""
while [ $# -gt 0 ]; do
    case "$1" in
        --build-info)
            echo "This is sekimori (fake engine for runner tests)"
            echo "Features: ${FAKE_FEATURES:-PCAP_SET_BUFF AF_PACKET HAVE_PACKET_FANOUT}"
            echo "Suricata compatibility: ${FAKE_VERSION:-8.0.7}"
            exit 0 ;;
        --list-keywords)
            for k in ${FAKE_KEYWORDS:-}; do echo "$k"; done
            exit 0 ;;
        -l) outdir="$2"; shift ;;
        -l*) outdir="${1#-l}" ;;
    esac
    shift
done
if [ -n "$outdir" ]; then
    : > "$outdir/eve.json"
fi
exit 0
