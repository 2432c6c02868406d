#!/usr/bin/python3
"""Flow records must not depend on the run mode or the number of workers.

usage: flow_identity.py --sekimori BIN [--threads 2,3] capture [capture ...]

Runs the capture with --runmode single, then with autofp and workers for each thread count, and
compares the flow records as multisets of (VLAN, 5-tuple, start, end, packets and bytes per
direction, state, reason): flow_id and line order are ignored. Exits 1 on any difference.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile


def flow_key(r):
    f = r["flow"]
    return (tuple(r.get("vlan", [])), r.get("proto"), r.get("src_ip"), r.get("src_port"),
            r.get("dest_ip"), r.get("dest_port"), r.get("icmp_type"), r.get("icmp_code"),
            f["start"], f["end"], f["pkts_toserver"], f["pkts_toclient"],
            f["bytes_toserver"], f["bytes_toclient"], f["state"], f["reason"])


def run(binary, capture, args):
    with tempfile.TemporaryDirectory() as out:
        cmd = [binary, "-r", capture, "-l", out, "--quiet"] + args
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-500:]}")
        flows = collections.Counter()
        with open(os.path.join(out, "eve.json")) as f:
            for line in f:
                r = json.loads(line)
                if r.get("event_type") == "flow":
                    flows[flow_key(r)] += 1
        return flows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    ap.add_argument("--threads", default="2,3")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    failed = 0
    for cap in a.captures:
        if not os.path.exists(cap):
            print(f"SKIP {cap}: not present")
            continue
        ref = run(a.sekimori, cap, ["--runmode", "single"])
        for mode in ("autofp", "workers"):
            for n in a.threads.split(","):
                got = run(a.sekimori, cap, ["--runmode", mode, "--threads", n])
                if got == ref:
                    print(f"SAME {cap} {mode} x{n}: {sum(ref.values())} flows")
                else:
                    failed += 1
                    only_ref = ref - got
                    only_got = got - ref
                    print(f"DIFF {cap} {mode} x{n}: {sum(ref.values())} vs {sum(got.values())} "
                          f"flows; {sum(only_ref.values())} only in single, "
                          f"{sum(only_got.values())} only in {mode}")
                    for k in list(only_ref)[:3]:
                        print("   single only:", k)
                    for k in list(only_got)[:3]:
                        print(f"   {mode} only:", k)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
