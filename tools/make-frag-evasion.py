#!/usr/bin/python3
"""Writes tests/data/frag-evasion/*.pcap: overlapping IP fragments for the defrag overlap
policies, and the expected reading of each policy (expected.json).

The overlap pattern is the one of Novak's "Target-Based Fragmentation Reassembly" (Sourcefire,
2005) as Sturges and Novak used it to tell target policies apart: nine original fragments and
eight later ones that overlap them in every way one fragment can overlap another (same start,
starting inside, ending inside, covering, covered). Each fragment is filled with one letter, so
the reassembled datagram shows, 8 bytes at a time, whose bytes each policy kept. The datagram is
an ICMP (ICMPv6) packet whose first 8 bytes ("AAAAAAAA") are the ICMP header: type 65, so a
rule `itype:65` sees reassembled datagrams only, never a fragment.

One capture per IP version: novak-ipv4.pcap and novak-ipv6.pcap, from 192.0.2.1 to 192.0.2.2
(2001:db8::1 to 2001:db8::2), Ethernet. tests/defrag/frag_evasion.py runs sekimori over them
with each host-os-policy and one rule per policy whose content is that policy's reading: a rule
must alert exactly when the configured policy's target would have read its content.

usage: tools/make-frag-evasion.py [--out tests/data/frag-evasion]
"""
import argparse
import json
import os

from scapy.all import Ether, IP, IPv6, IPv6ExtHdrFragment, Raw, wrpcap

# (letter, offset in bytes, length in bytes), in the order sent. The last one has MF=0.
NOVAK = [
    ("A", 0, 24), ("B", 32, 16), ("C", 48, 24), ("D", 80, 8), ("E", 104, 16),
    ("F", 120, 24), ("G", 144, 16), ("H", 160, 16), ("I", 176, 8),
    ("J", 8, 32), ("K", 48, 24), ("L", 72, 24), ("M", 96, 24), ("N", 128, 8),
    ("O", 152, 8), ("P", 160, 8), ("Q", 176, 16),
]

# What each policy reassembles, 8 bytes (one letter) at a time, for the whole 192-byte
# datagram: Novak's table. Suricata 8.0.7 reassembles the IPv4 capture the same way under
# bsd, bsd-right, linux, windows, solaris and macos (its name for first); it has no `last`.
EXPECTED = {
    "bsd":       "AAAJJBCCCLLLMMMFFFGGHHIQ",
    "bsd-right": "AJJJBBKKKLDLMEEFNFGOPHQQ",
    "linux":     "AAAJJBKKKLLLMMMFFFGGPHQQ",
    "windows":   "AAAJBBCCCLLLMEEFFFGGHHIQ",
    "solaris":   "AAAJBBCCCLLLMMMFFFGGHHIQ",
    "first":     "AAAJBBCCCLDLMEEFFFGGHHIQ",
    "last":      "AJJJJBKKKLLLMMMFNFGOPHQQ",
}

SRC4, DST4 = "192.0.2.1", "192.0.2.2"
SRC6, DST6 = "2001:db8::1", "2001:db8::2"
MAC = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


def fragments4(ident):
    out = []
    for i, (ch, off, n) in enumerate(NOVAK):
        last = i == len(NOVAK) - 1
        out.append(Ether(**MAC) / IP(src=SRC4, dst=DST4, id=ident, proto=1, flags=0 if last else 1,
                                     frag=off // 8) / Raw(ch.encode() * n))
    return out


def fragments6(ident):
    out = []
    for i, (ch, off, n) in enumerate(NOVAK):
        last = i == len(NOVAK) - 1
        out.append(Ether(**MAC) / IPv6(src=SRC6, dst=DST6) /
                   IPv6ExtHdrFragment(nh=58, offset=off // 8, m=0 if last else 1, id=ident) /
                   Raw(ch.encode() * n))
    return out


def stamp(pkts, t0):
    for k, p in enumerate(pkts):
        p.time = t0 + k * 0.001
    return pkts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "data",
                                                  "frag-evasion"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    wrpcap(os.path.join(a.out, "novak-ipv4.pcap"), stamp(fragments4(0x1234), 1700000000))
    wrpcap(os.path.join(a.out, "novak-ipv6.pcap"), stamp(fragments6(0x12345), 1700000000))
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump({"pattern": [list(x) for x in NOVAK], "readings": EXPECTED}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
