#!/usr/bin/python3
"""sekimori's flow records on the flow-keying captures against Suricata 8.0.7's.

usage: check_flow_cases.py --sekimori BIN [capture ...]
       check_flow_cases.py --record SURICATA_RUN [capture ...]

The captures (default: tests/data/flow-*.pcap, written by make_flow_cases.py) hold ICMPv6 query
and answer pairs, IP protocols with no transport decoder, and IP-in-IP carriers. --record runs
Suricata (its bundle's `run` wrapper) on each and writes the flow records it logged, reduced to
the fields compared, to flow-cases.expected.json next to this script; the default mode runs
sekimori and compares its records with those, as multisets. Exit 1 on any difference.

Fields compared: protocol, addresses, ports, ICMP types and codes both ways, ESP SPI, packets
and bytes per direction, start and end, state. The protocol is compared by number: Suricata
names protocol 4 "IP-in-IP" where sekimori's EVE writer says "IPv4".
"""
import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "flow-cases.expected.json")
PROTO_NUM = {"ICMP": 1, "IGMP": 2, "IP-in-IP": 4, "IPv4": 4, "TCP": 6, "UDP": 17, "IPv6": 41,
             "GRE": 47, "ESP": 50, "AH": 51, "IPv6-ICMP": 58, "IPv6-NoNxt": 59, "OSPFIGP": 89,
             "PIM": 103, "VRRP": 112, "SCTP": 132}


def reduce(r):
    f = r["flow"]
    proto = r.get("proto")
    return [PROTO_NUM.get(proto, proto), r.get("src_ip"), r.get("dest_ip"), r.get("src_port"),
            r.get("dest_port"), r.get("icmp_type"), r.get("icmp_code"),
            r.get("response_icmp_type"), r.get("response_icmp_code"), r.get("spi"),
            f["pkts_toserver"], f["pkts_toclient"], f["bytes_toserver"], f["bytes_toclient"],
            f["start"], f["end"], f["state"]]


def flows(cmd, out):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-500:]}")
    with open(os.path.join(out, "eve.json")) as f:
        return sorted((reduce(r) for r in map(json.loads, f) if r.get("event_type") == "flow"),
                      key=json.dumps)


def main():
    ap = argparse.ArgumentParser()
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--sekimori")
    mode.add_argument("--record", metavar="SURICATA_RUN")
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()
    caps = a.captures or sorted(glob.glob(os.path.join(HERE, "flow-*.pcap")))

    if a.record:
        got = {}
        for cap in caps:
            with tempfile.TemporaryDirectory() as out:
                got[os.path.basename(cap)] = flows([a.record, "-k", "none", "-r", cap, "-l", out],
                                                   out)
        with open(EXPECTED, "w") as f:  # one flow a line, so a diff shows which changed
            f.write("{\n" + ",\n".join(
                f"{json.dumps(name)}: [\n" + ",\n".join(json.dumps(x) for x in v) + "\n]"
                for name, v in got.items()) + "\n}\n")
        print(f"wrote {EXPECTED}: {sum(len(v) for v in got.values())} flows")
        return 0

    with open(EXPECTED) as f:
        expected = json.load(f)
    failed = 0
    for cap in caps:
        name = os.path.basename(cap)
        if name not in expected:
            print(f"SKIP {name}: no recorded Suricata flows")
            continue
        with tempfile.TemporaryDirectory() as out:
            got = flows([a.sekimori, "-k", "none", "-r", cap, "-l", out, "--quiet"], out)
        want = collections.Counter(json.dumps(x) for x in expected[name])
        have = collections.Counter(json.dumps(x) for x in got)
        if want == have:
            print(f"SAME {name}: {sum(want.values())} flows")
            continue
        failed += 1
        print(f"DIFF {name}")
        for x in sorted((want - have).elements()):
            print(f"  suricata only: {x}")
        for x in sorted((have - want).elements()):
            print(f"  sekimori only: {x}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
