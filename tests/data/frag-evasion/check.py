#!/usr/bin/python3
"""Fragment overlap evasion: for each overlap policy a target may have (host-os-policy), one
rule per policy whose content is that policy's reading of Novak's overlapping datagram
(expected.json, written by tools/make-frag-evasion.py). sekimori, told the destination runs
policy C, must alert on the rule for policy P exactly when C's target would have read P's bytes,
that is when the two readings are equal: an attack aimed at another target's reading must not
alert, and the one aimed at this target must.

IPv4 only for the byte policies; for IPv6, bsd, linux and windows model today's systems, which
drop the overlapping datagram (RFC 5722): no reading, no alert, and the overlap event instead.

usage: check.py --sekimori PATH
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(sekimori, pcap, policy, rules, workdir):
    cfg = os.path.join(workdir, "c.yaml")
    with open(cfg, "w") as f:
        f.write("%%YAML 1.1\n---\noutputs:\n  - eve-log:\n      enabled: yes\n"
                "      filename: eve.json\n      types:\n        - alert\n        - anomaly:\n"
                "            enabled: yes\n            types:\n              decode: yes\n"
                "host-os-policy:\n  %s: [0.0.0.0/0, \"::/0\"]\n" % policy)
    rf = os.path.join(workdir, "r.rules")
    with open(rf, "w") as f:
        f.write(rules)
    out = os.path.join(workdir, "out-" + policy)
    os.makedirs(out, exist_ok=True)
    eve = os.path.join(out, "eve.json")
    if os.path.exists(eve):
        os.remove(eve)
    subprocess.run([sekimori, "-c", cfg, "-S", rf, "-l", out, "-r", pcap, "-k", "none",
                    "--runmode", "single"], check=True, capture_output=True)
    sids, events = set(), set()
    with open(eve) as f:
        for line in f:
            e = json.loads(line)
            if e["event_type"] == "alert":
                sids.add(e["alert"]["signature_id"])
            elif e["event_type"] == "anomaly":
                events.add(e["anomaly"]["event"])
    return sids, events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    a = ap.parse_args()
    exp = json.load(open(os.path.join(HERE, "expected.json")))
    readings = exp["readings"]
    names = sorted(readings)
    fails = 0
    with tempfile.TemporaryDirectory() as wd:
        for ver in (4, 6):
            proto = "icmp" if ver == 4 else "icmpv6"
            # The ICMP payload starts after the 8-byte header: reading letters 1.., 8 bytes each.
            rules = "".join(
                'alert %s any any -> any any (msg:"aimed at %s"; itype:65; content:"%s"; sid:%d;)\n'
                % (proto, p, "".join(ch * 8 for ch in readings[p][1:]), 100 + i)
                for i, p in enumerate(names))
            pcap = os.path.join(HERE, "novak-ipv%d.pcap" % ver)
            for c in names:
                sids, events = run(a.sekimori, pcap, c, rules, wd)
                dropped = ver == 6 and c in ("bsd", "linux", "windows")
                want = set() if dropped else {100 + i for i, p in enumerate(names)
                                              if readings[p] == readings[c]}
                ok = sids == want and ("decoder.ipv%d.frag_overlap" % ver) in events
                print("%s ipv%d target %-9s alerts for %s" % ("ok  " if ok else "FAIL", ver, c,
                      ",".join(names[s - 100] for s in sorted(sids)) or "none"))
                fails += not ok
    print("%d failure(s)" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
