#!/usr/bin/env python3
"""rules-vs-suricata.py: which rules of a file sekimori and Suricata 8.0.7 load, line by line.

Runs `sekimori -T -v -S FILE` and `../shared/suricata-8.0.7-bin/run -T -v -S FILE`, reads each
one's failed rule lines ("file:line: sid N: reason" / "error parsing signature ... at line N")
and their summary lines, and prints the lines where they disagree with both reasons.
--gen N writes N generated rules (the header and content forms of docs/rules.md, odd values
included; seeded) to FILE first. Exit 1 on any disagreement, 2 when Suricata is absent.

  tools/rules-vs-suricata.py --gen 3000 /tmp/gen.rules
  tools/rules-vs-suricata.py ../shared/rules/et-open/emerging-dns.rules   # unsupported keywords differ
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SURICATA = os.path.join(ROOT, "..", "shared", "suricata-8.0.7-bin", "run")

ADDRS = ["any", "!any", "1.2.3.4", "[1.2.3.4,!1.2.3.4]", "$HOME_NET", "!$HOME_NET",
         "[$HOME_NET,!10.0.0.0/8]", "10.0.0.0/8", "::1", "[::1,1.1.1.1]", "1.2.3.4/24",
         "!1.2.3.4-1.2.3.9", "[!$EXTERNAL_NET]", "$EXTERNAL_NET",
         "[10.0.0.0/8,![10.1.0.0/16,!10.1.2.3]]", "[!1.1.1.1,!2.2.2.2]", "2001:db8::/32",
         "[1.1.1.1,$FOO]", "1.2.3.4/0", "0.0.0.0/0", "[any,!$HOME_NET]",
         "[$HOME_NET,$EXTERNAL_NET]", "10.0.0.0/255.0.0.0", "1.1.1.1/32", "[1.1.1.1]",
         "[[1.1.1.1,2.2.2.2],!2.2.2.2]", "!![1.1.1.1]", "fe80::/10", "[!::/0]"]
PORTS = ["any", "80", "!80", "[80,!80]", "1:", "1024:", "$HTTP_PORTS", "[$HTTP_PORTS,!80]",
         "!$HTTP_PORTS", "0:65535", "[1:10,!5]", "0", "65535", "[80,443]", "![80,443]",
         "$FILE_DATA_PORTS", "$SHELLCODE_PORTS", "[$SHELLCODE_PORTS,80]", "!0:65535",
         "[1:10,![2:3]]", ":", "5:4", "!1:"]
ACTS = ["alert"] * 6 + ["pass", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth"]
PROTOS = ["tcp", "udp", "ip", "icmp", "tcp-pkt", "tcp-stream", "http", "dns", "tls"]
PATS = ['"abc"', '"a|41 42|c"', '"|00|"', '"abcdef"', '"a\\;b"', '"x"', '!"abc"', '"AB\\"C"',
        '"a\\\\b"', '"hello world"']
MODS = ["nocase", "rawbytes", "startswith", "endswith", "fast_pattern", "fast_pattern:only",
        "fast_pattern:1,1", "fast_pattern:0,2", "depth:{n}", "offset:{n}", "distance:{s}",
        "within:{n}"]
META = ["rev:2", "gid:3", "priority:2", "classtype:trojan-activity", "reference:url,x.com",
        "metadata:a b", "target:src_ip", "noalert", "rev:0"]


def generate(n, path):
    rnd = random.Random(7)

    def mod():
        m = rnd.choice(MODS)
        return (m.replace("{n}", str(rnd.choice([0, 1, 2, 3, 4, 5, 6, 10, 100, 65535, 65536])))
                .replace("{s}", str(rnd.choice([-5, -1, 0, 1, 2, 3, 5, 10]))))

    with open(path, "w") as f:
        for i in range(n):
            hdr = " ".join([rnd.choice(ACTS), rnd.choice(PROTOS), rnd.choice(ADDRS),
                            rnd.choice(PORTS), rnd.choice(["->", "->", "->", "<>"]),
                            rnd.choice(ADDRS), rnd.choice(PORTS)])
            opts = ['msg:"t"']
            for _ in range(rnd.choice([0, 1, 1, 2, 2, 3])):
                opts.append("content:" + rnd.choice(PATS))
                opts += [mod() for _ in range(rnd.choice([0, 1, 1, 2, 3]))]
            if rnd.random() < 0.1:
                opts.insert(1, mod())
            opts.append("sid:%d" % (i + 1))
            if rnd.random() < 0.2:
                opts.append(rnd.choice(META))
            f.write(hdr + " (" + "; ".join(opts) + ";)\n")


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--gen", type=int, default=0)
    ap.add_argument("--sekimori", default=os.path.join(ROOT, "build", "sekimori"))
    a = ap.parse_args()
    if not os.path.exists(SURICATA):
        print("skipped: %s is absent" % SURICATA)
        return 2
    if a.gen:
        generate(a.gen, a.file)
    path = os.path.abspath(a.file)
    with tempfile.TemporaryDirectory() as logdir:
        suri = run([SURICATA, "-T", "-v", "-S", path, "-l", logdir])
    ours = run([a.sekimori, "-T", "-v", "-S", path])
    s_fail, last = {}, ""
    for line in suri.splitlines():
        m = re.search(r"at line (\d+)$", line)
        if m:
            s_fail[int(m.group(1))] = last
        elif line.startswith(("Error", "Warning")):
            last = line
    o_fail = {}
    for line in ours.splitlines():
        m = re.match(r"Error: .*?:(\d+): (sid \d+: .*)", line)
        if m:
            o_fail[int(m.group(1))] = m.group(2)
    for text in (suri, ours):
        print(next((l for l in text.splitlines() if "rule files processed" in l), "(no summary)"))
    diff = sorted(set(s_fail) ^ set(o_fail))
    for ln in diff:
        print("line %d: suricata %s; sekimori %s" % (
            ln, s_fail.get(ln, "loads"), o_fail.get(ln, "loads")))
    print("%d lines disagree" % len(diff))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
