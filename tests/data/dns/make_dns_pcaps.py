#!/usr/bin/python3
"""Writes the DNS captures of tests/data/dns (run from anywhere: files land beside this script).

keywords.pcap   UDP: a request and a response with a CNAME chain, NS authority, glue additionals,
                then MX, PTR, SRV, SOA (NXDOMAIN), TXT, SSHFP, HTTPS, NULL responses: for the
                dns.* buffers and keywords and for the EVE rdata forms.
tcp.pcap        DNS over TCP: two requests in one segment, a response split across segments.
reversed.pcap   UDP, the response seen before its request.
events.pcap     UDP: Z flag, opcodes 3 to 7 and 15, a compression loop, a name of 300 labels,
                a cut additionals section, a cut authorities section (each after its request),
                a response sent to the server, a name of 1,279 characters.
"""
import os

from scapy.all import (DNS, DNSQR, DNSRR, DNSRRSOA, DNSRRSRV, IP, TCP, UDP, Ether,
                       Raw, wrpcap)
from scapy.layers.dns import DNSRRNSEC  # noqa: F401  (scapy registers the record classes)

HERE = os.path.dirname(os.path.abspath(__file__))
CLI, SRV = "10.0.0.1", "10.0.0.53"
T0 = 1700000000.0


def udp(sport, payload, to_server=True, t=0.0):
    src, dst = (CLI, SRV) if to_server else (SRV, CLI)
    sp, dp = (sport, 53) if to_server else (53, sport)
    p = Ether() / IP(src=src, dst=dst) / UDP(sport=sp, dport=dp) / payload
    p.time = T0 + t
    return p


def raw_rr(name, rtype, rdata, ttl=60):
    """A record with rdata given as bytes (types scapy does not build)."""
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    out += b"\x00" + rtype.to_bytes(2, "big") + b"\x00\x01" + ttl.to_bytes(4, "big")
    return out + len(rdata).to_bytes(2, "big") + rdata


def header(qid, flags, qd, an, ns, ar):
    return b"".join(x.to_bytes(2, "big") for x in (qid, flags, qd, an, ns, ar))


def qname(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def keywords():
    pkts = []
    t = 0.0
    q = DNS(id=0x1001, rd=1, qd=DNSQR(qname="www.example.com", qtype="A"))
    r = DNS(id=0x1001, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com", qtype="A"),
            an=DNSRR(rrname="www.example.com", type="CNAME", rdata="cdn.example.net", ttl=300)
            / DNSRR(rrname="cdn.example.net", type="A", rdata="192.0.2.10", ttl=60)
            / DNSRR(rrname="cdn.example.net", type="A", rdata="192.0.2.11", ttl=60),
            ns=DNSRR(rrname="example.net", type="NS", rdata="ns1.example.org", ttl=3600),
            ar=DNSRR(rrname="ns1.example.org", type="A", rdata="198.51.100.1", ttl=3600)
            / DNSRR(rrname="ns1.example.org", type="AAAA", rdata="2001:db8::1", ttl=3600))
    pkts += [udp(40001, q, True, t), udp(40001, r, False, t + 0.01)]
    t += 1
    q = DNS(id=0x1002, rd=1, qd=DNSQR(qname="example.com", qtype="MX"))
    # MX written by hand: scapy's DNSRRMX builds a SOA type here.
    r = header(0x1002, 0x8180, 1, 1, 0, 0) + qname("example.com") + b"\x00\x0f\x00\x01"
    r += raw_rr("example.com", 15, b"\x00\x0a" + qname("mail.example.com"))
    pkts += [udp(40002, q, True, t), udp(40002, Raw(r), False, t + 0.01)]
    t += 1
    q = DNS(id=0x1003, rd=1, qd=DNSQR(qname="10.2.0.192.in-addr.arpa", qtype="PTR"))
    r = DNS(id=0x1003, qr=1, rd=1, ra=1, qd=DNSQR(qname="10.2.0.192.in-addr.arpa", qtype="PTR"),
            an=DNSRR(rrname="10.2.0.192.in-addr.arpa", type="PTR", rdata="host.example.com"))
    pkts += [udp(40003, q, True, t), udp(40003, r, False, t + 0.01)]
    t += 1
    q = DNS(id=0x1004, rd=1, qd=DNSQR(qname="_sip._udp.example.com", qtype="SRV"))
    r = DNS(id=0x1004, qr=1, rd=1, ra=1, qd=DNSQR(qname="_sip._udp.example.com", qtype="SRV"),
            an=DNSRRSRV(rrname="_sip._udp.example.com", priority=1, weight=5, port=5060,
                        target="sip.example.com", ttl=60))
    pkts += [udp(40004, q, True, t), udp(40004, r, False, t + 0.01)]
    t += 1
    q = DNS(id=0x1005, rd=1, qd=DNSQR(qname="nope.example.com", qtype="A"))
    r = DNS(id=0x1005, qr=1, rd=1, ra=1, rcode=3, qd=DNSQR(qname="nope.example.com", qtype="A"),
            ns=DNSRRSOA(rrname="example.com", mname="ns.example.com", rname="admin.example.com",
                        serial=2024010101, refresh=7200, retry=900, expire=1209600,
                        minimum=300, ttl=300))
    pkts += [udp(40005, q, True, t), udp(40005, r, False, t + 0.01)]
    t += 1
    # TXT (two strings), SSHFP, HTTPS, NULL, HINFO: raw records after a question.
    for i, (qt, rt, rdata) in enumerate([
            ("TXT", 16, b"\x05hello\x0bworld v=spf"),
            ("SSHFP", 44, b"\x01\x01" + bytes(range(20))),
            ("HTTPS", 65, b"\x00\x01\x00\x00\x01\x00\x03\x02h2"),
            ("NULL", 10, b"abc\x00\xff"),
            ("HINFO", 13, b"\x03CPU\x02OS")]):
        qid = 0x1010 + i
        name = "t%d.example.com" % i
        q = DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype=qt))
        body = header(qid, 0x8180, 1, 1, 0, 0) + qname(name) + rt.to_bytes(2, "big") + b"\x00\x01"
        body += raw_rr(name, rt, rdata)
        pkts += [udp(40010 + i, q, True, t), udp(40010 + i, Raw(body), False, t + 0.01)]
        t += 1
    # Answers of five types in an order neither alphabetical nor numerical: the grouped
    # object's key order.
    name = "mix.example.com"
    body = header(0x1030, 0x8180, 1, 5, 0, 0) + qname(name) + b"\x00\xff\x00\x01"
    body += raw_rr(name, 16, b"\x03txt") + raw_rr(name, 5, qname("c.example.com"))
    body += raw_rr(name, 28, bytes(15) + b"\x01") + raw_rr(name, 1, b"\xc0\x00\x02\x05")
    body += raw_rr(name, 15, b"\x00\x05" + qname("mx.example.com"))
    q = DNS(id=0x1030, rd=1, qd=DNSQR(qname=name, qtype="ALL"))
    pkts += [udp(40030, q, True, t), udp(40030, Raw(body), False, t + 0.01)]
    t += 1
    # Empty and wrong-sized rdata: Suricata writes "" for the A, AAAA and CNAME, and leaves
    # the empty TXT out of the answers.
    name = "e.example.com"
    q = DNS(id=0x1040, rd=1, qd=DNSQR(qname=name, qtype="A"))
    body = header(0x1040, 0x8180, 1, 4, 0, 0) + qname(name) + b"\x00\x01\x00\x01"
    body += raw_rr(name, 1, b"") + raw_rr(name, 28, b"\x01\x02\x03") + raw_rr(name, 5, b"")
    body += raw_rr(name, 16, b"")
    pkts += [udp(40040, q, True, t), udp(40040, Raw(body), False, t + 0.01)]
    t += 1
    # A request with two questions.
    body = header(0x1020, 0x0100, 2, 0, 0, 0) + qname("one.example.com") + b"\x00\x01\x00\x01"
    body += qname("two.example.com") + b"\x00\x1c\x00\x01"
    pkts.append(udp(40020, Raw(body), True, t))
    return pkts


def tcp_capture():
    pkts = []
    sport = 41000
    seq_c, seq_s = 1000, 5000

    def seg(payload, to_server, flags="PA"):
        nonlocal seq_c, seq_s
        if to_server:
            p = Ether() / IP(src=CLI, dst=SRV) / TCP(sport=sport, dport=53, flags=flags,
                                                     seq=seq_c, ack=seq_s)
            seq_c += len(payload)
        else:
            p = Ether() / IP(src=SRV, dst=CLI) / TCP(sport=53, dport=sport, flags=flags,
                                                     seq=seq_s, ack=seq_c)
            seq_s += len(payload)
        p = p / Raw(payload) if payload else p
        p.time = T0 + len(pkts) * 0.01
        pkts.append(p)

    pkts.append(Ether() / IP(src=CLI, dst=SRV) / TCP(sport=sport, dport=53, flags="S", seq=seq_c - 1))
    pkts.append(Ether() / IP(src=SRV, dst=CLI) / TCP(sport=53, dport=sport, flags="SA",
                                                     seq=seq_s - 1, ack=seq_c))
    pkts.append(Ether() / IP(src=CLI, dst=SRV) / TCP(sport=sport, dport=53, flags="A", seq=seq_c,
                                                     ack=seq_s))
    for i, p in enumerate(pkts):
        p.time = T0 + i * 0.01
    q1 = bytes(DNS(id=0x2001, rd=1, qd=DNSQR(qname="a.example.com", qtype="A")))
    q2 = bytes(DNS(id=0x2002, rd=1, qd=DNSQR(qname="b.example.com", qtype="AAAA")))
    both = len(q1).to_bytes(2, "big") + q1 + len(q2).to_bytes(2, "big") + q2
    seg(both, True)
    seg(b"", False, "A")
    r1 = bytes(DNS(id=0x2001, qr=1, rd=1, ra=1, qd=DNSQR(qname="a.example.com", qtype="A"),
                   an=DNSRR(rrname="a.example.com", type="A", rdata="192.0.2.1")))
    r2 = bytes(DNS(id=0x2002, qr=1, rd=1, ra=1, qd=DNSQR(qname="b.example.com", qtype="AAAA"),
                   an=DNSRR(rrname="b.example.com", type="AAAA", rdata="2001:db8::2")))
    framed = len(r1).to_bytes(2, "big") + r1 + len(r2).to_bytes(2, "big") + r2
    cut = len(r1) + 2 + 7  # the second response splits inside its header
    seg(framed[:cut], False)
    seg(b"", True, "A")
    seg(framed[cut:], False)
    seg(b"", True, "A")
    seg(b"", True, "FA")
    seg(b"", False, "FA")
    seg(b"", True, "A")
    return pkts


def reversed_capture():
    q = DNS(id=0x3001, rd=1, qd=DNSQR(qname="late.example.com", qtype="A"))
    r = DNS(id=0x3001, qr=1, rd=1, ra=1, qd=DNSQR(qname="late.example.com", qtype="A"),
            an=DNSRR(rrname="late.example.com", type="A", rdata="192.0.2.7"))
    return [udp(42000, r, False, 0.0), udp(42000, q, True, 0.01)]


def events():
    pkts = []
    t = 0.0
    q = qname("z.example.com") + b"\x00\x01\x00\x01"
    pkts.append(udp(43001, Raw(header(0x4001, 0x0140, 1, 0, 0, 0) + q), True, t))  # Z flag
    pkts.append(udp(43002, Raw(header(0x4002, 0x1900, 1, 0, 0, 0) + q), True, t + 1))  # opcode 3
    # A question whose name points at itself.
    loop = header(0x4003, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c" + b"\x00\x01\x00\x01"
    pkts.append(udp(43003, Raw(loop), True, t + 2))
    many = b"\x01a" * 300 + b"\x00"
    pkts.append(udp(43004, Raw(header(0x4004, 0x0100, 1, 0, 0, 0) + many + b"\x00\x01\x00\x01"),
                    True, t + 3))
    ok_an = raw_rr("c.example.com", 1, b"\xc0\x00\x02\x01")
    cut_ar = header(0x4005, 0x8180, 1, 1, 0, 2) + qname("c.example.com") + b"\x00\x01\x00\x01"
    cut_ar += ok_an + raw_rr("c.example.com", 1, b"\xc0\x00\x02\x02")[:9]
    ask = Raw(header(0x4005, 0x0100, 1, 0, 0, 0) + qname("c.example.com") + b"\x00\x01\x00\x01")
    pkts.append(udp(43005, ask, True, t + 3.5))  # request first: a reply-first flow is not DNS
    pkts.append(udp(43005, Raw(cut_ar), False, t + 4))
    cut_ns = header(0x4006, 0x8180, 1, 1, 1, 0) + qname("c.example.com") + b"\x00\x01\x00\x01"
    cut_ns += ok_an + b"\x07example"
    ask = Raw(header(0x4006, 0x0100, 1, 0, 0, 0) + qname("c.example.com") + b"\x00\x01\x00\x01")
    pkts.append(udp(43006, ask, True, t + 4.5))
    pkts.append(udp(43006, Raw(cut_ns), False, t + 5))
    resp = bytes(DNS(id=0x4007, qr=1, qd=DNSQR(qname="r.example.com")))
    pkts.append(udp(43007, Raw(resp), True, t + 6))
    for i, opcode in enumerate((4, 5, 6, 7, 15)):
        flags = 0x0100 | opcode << 11
        pkts.append(udp(43010 + i, Raw(header(0x4010 + i, flags, 1, 0, 0, 0) + q), True, t + 8 + i))
    longname = b"".join(b"\x3f" + b"x" * 63 for _ in range(20)) + b"\x00"
    pkts.append(udp(43008, Raw(header(0x4008, 0x0100, 1, 0, 0, 0) + longname + b"\x00\x01\x00\x01"),
                    True, t + 7))
    return pkts


def main():
    wrpcap(os.path.join(HERE, "keywords.pcap"), keywords())
    wrpcap(os.path.join(HERE, "tcp.pcap"), tcp_capture())
    wrpcap(os.path.join(HERE, "reversed.pcap"), reversed_capture())
    wrpcap(os.path.join(HERE, "events.pcap"), events())


if __name__ == "__main__":
    main()
