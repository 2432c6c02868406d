#!/bin/bash
# eve_schema.sh SEKIMORI CAPTURE [OPTION...]: runs sekimori on CAPTURE with the built-in config
# (flow, anomaly with decode events, stats) and any further options (--set ...), and validates
# every EVE line against Suricata's schema.
# Exit 77 (meson: skipped) when ../shared's schema is absent.
set -eu
bin=$1
cap=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" -r "$cap" -l "$out" --quiet --runmode single "$@"
exec /usr/bin/python3 "$here/../eve/validate.py" "$out/eve.json"
