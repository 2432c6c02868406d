#!/usr/bin/python3
"""Writes tests/data/stream-evasion/*.pcap: TCP segmentation evasions for the stream overlap
policies (host-os-policy), and the reading each policy's target makes of them (expected.json).

Every capture is one HTTP-like request from 192.0.2.1:40000 to 192.0.2.2:80 over Ethernet:
handshake, the client's data, the server's ACK of all of it, FIN both ways.

  split-signature.pcap  "GET /cgi-bin/evil.sh HTTP/1.0" in segments of 1 to 3 bytes, in order:
                        a signature no single packet holds.
  out-of-order.pcap     the same request in 4-byte segments sent last first, with an initial
                        sequence number 8 bytes below 2^32 so the request crosses the wrap.
  overlap-words.pcap    four overlaps with different data, one per shape that tells policies
                        apart (new segment starting before the held one, starting inside and
                        ending after it, same start and longer, exact copy). Each settles one
                        letter, and the letters spell a different word per policy family:
                        first/vista CASE, bsd family BASE, linux BARE, old-linux BARN,
                        solaris family CORN, last BORN (in the stream as "--C-----A-----S-----E---").
  overlap-words-hole.pcap  the same segments behind a hole: "GET /" comes last.

The per-letter rules are policy.c's (Suricata 8.0.7 reads all of these the same way; checked
with its host-os-policy set to each name). README.md beside the captures says what each target
sees; expected.json maps each policy name to the request it reads.

usage: tools/make-stream-evasion.py [--out tests/data/stream-evasion]
"""
import argparse
import json
import os

from scapy.all import Ether, IP, TCP, Raw, wrpcap

CLI, SRV = "192.0.2.1", "192.0.2.2"
CPORT, SPORT = 40000, 80
MAC_C, MAC_S = "02:00:00:00:00:01", "02:00:00:00:00:02"
SERVER_ISN = 7000
T0 = 1700000000

REQUEST = b"GET /cgi-bin/evil.sh HTTP/1.0\r\n\r\n"
PREFIX = b"GET /"
SUFFIX = b" HTTP/1.0\r\n\r\n"

# host-os-policy names by family (policy.c): the letter each family keeps per overlap shape.
FAMILIES = {
    "first": ["vista"],
    "bsd": ["bsd", "bsd-right", "windows", "windows2k3", "hpux10", "irix", "macos"],
    "linux": ["linux"],
    "old-linux": ["old-linux"],
    "solaris": ["solaris", "old-solaris", "hpux11"],
    "last": [],
}
WORDS = {"first": "CASE", "bsd": "BASE", "linux": "BARE", "old-linux": "BARN",
         "solaris": "CORN", "last": "BORN"}
HELD, NEW = "CASE", "BORN"  # the held segments spell CASE, the new ones BORN


def spaced(word):
    return "".join("--%s---" % c for c in word).encode()


def overlap_segments(base):
    """(offset, bytes) in the order sent: per letter one held and one new segment over a 6-byte
    region [b, b+6) whose letter is at b+2; every other byte is '-' in both, so only the letter
    depends on the policy."""
    segs = []
    b = base
    # 1. new starts before the held one and ends inside it: new wins for bsd, linux, old-linux,
    #    last; the held byte stays for solaris and first.
    segs += [(b + 2, b"C---"), (b, b"--B")]
    b += 6
    # 2. new starts inside the held one and ends after it: new wins for solaris and last.
    segs += [(b, b"--A-"), (b + 2, b"O---")]
    b += 6
    # 3. same start, new longer: new wins for linux, old-linux, solaris, last.
    segs += [(b, b"--S"), (b, b"--R---")]
    b += 6
    # 4. the same sequence numbers: new wins for old-linux, solaris, last.
    segs += [(b, b"--E---"), (b, b"--N---")]
    return segs


def conversation(segs, end, isn=1000):
    """Handshake, the client's segments (offset from isn + 1, bytes) in the order given, the
    server's ACK of `end` bytes, FIN both ways."""
    def c2s(flags, seq, ack, data=b""):
        p = Ether(src=MAC_C, dst=MAC_S) / IP(src=CLI, dst=SRV) / TCP(
            sport=CPORT, dport=SPORT, flags=flags, seq=seq & 0xffffffff, ack=ack, window=65535)
        return p / Raw(data) if data else p

    def s2c(flags, seq, ack):
        return Ether(src=MAC_S, dst=MAC_C) / IP(src=SRV, dst=CLI) / TCP(
            sport=SPORT, dport=CPORT, flags=flags, seq=seq, ack=ack & 0xffffffff, window=65535)

    pkts = [c2s("S", isn, 0), s2c("SA", SERVER_ISN, isn + 1), c2s("A", isn + 1, SERVER_ISN + 1)]
    for off, data in segs:
        pkts.append(c2s("PA", isn + 1 + off, SERVER_ISN + 1, data))
    pkts.append(s2c("A", SERVER_ISN + 1, isn + 1 + end))
    pkts.append(c2s("FA", isn + 1 + end, SERVER_ISN + 1))
    pkts.append(s2c("FA", SERVER_ISN + 1, isn + 2 + end))
    pkts.append(c2s("A", isn + 2 + end, SERVER_ISN + 2))
    for i, p in enumerate(pkts):
        p.time = T0 + i * 0.001
    return pkts


def split_signature():
    segs, off, sizes, i = [], 0, [1, 2, 3], 0
    while off < len(REQUEST):
        n = sizes[i % 3]
        segs.append((off, REQUEST[off:off + n]))
        off += n
        i += 1
    return conversation(segs, len(REQUEST))


def out_of_order():
    segs = [(off, REQUEST[off:off + 4]) for off in range(0, len(REQUEST), 4)]
    return conversation(list(reversed(segs)), len(REQUEST), isn=0xffffffff - 8)


def overlap_words(hole):
    base = len(PREFIX)
    segs = overlap_segments(base)
    tail = (base + 24, SUFFIX)
    head = (0, PREFIX)
    order = segs + [tail, head] if hole else [head] + segs + [tail]
    return conversation(order, base + 24 + len(SUFFIX))


def readings():
    out = {}
    for fam, names in FAMILIES.items():
        req = (PREFIX + spaced(WORDS[fam]) + SUFFIX).decode()
        for n in names + ([fam] if fam in ("first", "last") else []):
            out[n] = req
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="tests/data/stream-evasion")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    wrpcap(os.path.join(args.out, "split-signature.pcap"), split_signature())
    wrpcap(os.path.join(args.out, "out-of-order.pcap"), out_of_order())
    wrpcap(os.path.join(args.out, "overlap-words.pcap"), overlap_words(False))
    wrpcap(os.path.join(args.out, "overlap-words-hole.pcap"), overlap_words(True))
    same = REQUEST.decode()
    expected = {
        "split-signature.pcap": {"*": same},
        "out-of-order.pcap": {"*": same},
        "overlap-words.pcap": readings(),
        "overlap-words-hole.pcap": readings(),
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
