#!/usr/bin/python3
"""Write the flow-keying captures of tests/data (issue 13, flow part).

usage: make_flow_cases.py [DIR]     (default: the folder this script is in)

flow-icmpv6-pairs.pcap   every ICMPv6 query/answer pair, one host pair per type pair, the query
                         one way and the answer back; then unpaired types both ways
flow-other-protos.pcap   IP protocols with no port or type to key on (IGMP, OSPF, PIM, VRRP, AH,
                         an unassigned number), IPv4 and IPv6, a packet each way per protocol;
                         AH over IPv4 carrying UDP and an unassigned number; ESP, one SPI both ways
flow-ip-tunnels.pcap     6in4 (IPv4 proto 41), IPv4-in-IPv6 (next header 4), IPv4-in-IPv4 and
                         6in6 and GRE, each carrying a UDP exchange both ways

Deterministic (fixed addresses, payloads and timestamps), so running it again writes the same
bytes. Each case has its own addresses so its flow records are told apart by address alone.
"""
import os
import sys

from scapy.all import (AH, ESP, GRE, ICMPv6Unknown, IP, IPv6, Ether, Raw, UDP, wrpcap)

T0 = 1_717_495_200  # 2024-06-04 10:00:00 UTC
MAC_A = "02:00:00:00:00:01"
MAC_B = "02:00:00:00:00:02"


class Clock:
    def __init__(self):
        self.t = T0

    def stamp(self, pkt):
        self.t += 0.01
        pkt.time = round(self.t, 6)
        return pkt


def eth(a_to_b, l3):
    return Ether(src=MAC_A if a_to_b else MAC_B, dst=MAC_B if a_to_b else MAC_A) / l3


# Query/answer pairs (RFC 4443, 2710, 4861, 3775, 3971, 4286, 6775), and types with no
# counterpart to show they stay one flow per direction.
ICMPV6_PAIRS = [(128, 129), (130, 131), (133, 134), (135, 136), (139, 140), (144, 145),
                (146, 147), (148, 149), (151, 152), (157, 158)]
ICMPV6_UNPAIRED = [132, 137, 143, 153]


def icmpv6_pairs(clk):
    out = []
    for i, (q, a) in enumerate(ICMPV6_PAIRS):
        h1, h2 = f"2001:db8:13::{i + 1:x}:1", f"2001:db8:13::{i + 1:x}:2"
        for fwd, typ in ((True, q), (False, a), (True, q), (False, a)):
            src, dst = (h1, h2) if fwd else (h2, h1)
            hlim = 1 if typ in (130, 131) else 255  # MLD requires hop limit 1
            pkt = IPv6(src=src, dst=dst, hlim=hlim) / ICMPv6Unknown(type=typ, code=0,
                                                                   msgbody=b"\0" * 16)
            out.append(clk.stamp(eth(fwd, pkt)))
    for i, typ in enumerate(ICMPV6_UNPAIRED):
        h1, h2 = f"2001:db8:13:1::{i + 1:x}:1", f"2001:db8:13:1::{i + 1:x}:2"
        for fwd in (True, False):
            src, dst = (h1, h2) if fwd else (h2, h1)
            hlim = 1 if typ == 143 else 255
            pkt = IPv6(src=src, dst=dst, hlim=hlim) / ICMPv6Unknown(type=typ, code=0,
                                                                   msgbody=b"\0" * 16)
            out.append(clk.stamp(eth(fwd, pkt)))
    return out


# proto number, payload: enough bytes for a plausible header of each.
OTHER_PROTOS = [
    (2, bytes.fromhex("1164ee9b00000000")),                       # IGMPv2 query
    (89, bytes.fromhex("0201002c0a0000010000000000000000") + b"\0" * 28),  # OSPFv2 hello
    (103, bytes.fromhex("2000") + b"\0" * 18),                     # PIMv2 hello
    (112, bytes.fromhex("3101640100010000c0000201")),              # VRRPv3
    (253, b"experimental payload"),                                # unassigned / testing
]


def other_protos(clk):
    out = []
    for i, (proto, payload) in enumerate(OTHER_PROTOS):
        a, b = f"198.18.13.{2 * i + 1}", f"198.18.13.{2 * i + 2}"
        for fwd in (True, False, True):
            src, dst = (a, b) if fwd else (b, a)
            out.append(clk.stamp(eth(fwd, IP(src=src, dst=dst, proto=proto, ttl=1) / Raw(payload))))
        a6, b6 = f"2001:db8:13:2::{i + 1:x}:1", f"2001:db8:13:2::{i + 1:x}:2"
        for fwd in (True, False, True):
            src, dst = (a6, b6) if fwd else (b6, a6)
            out.append(clk.stamp(eth(fwd, IPv6(src=src, dst=dst, nh=proto, hlim=1) / Raw(payload))))
    # AH carrying UDP: Suricata decodes past AH to the transport.
    for fwd in (True, False):
        src, dst = ("198.18.13.101", "198.18.13.102") if fwd else ("198.18.13.102", "198.18.13.101")
        ah = AH(spi=0x1234, seq=1, icv=b"\0" * 12, nh=17)
        udp = UDP(sport=5000 if fwd else 6000, dport=6000 if fwd else 5000) / Raw(b"ah")
        out.append(clk.stamp(eth(fwd, IP(src=src, dst=dst, proto=51) / ah / udp)))
    # AH carrying a protocol with no ports (IGMP-like payload after it).
    for fwd in (True, False):
        src, dst = ("198.18.13.103", "198.18.13.104") if fwd else ("198.18.13.104", "198.18.13.103")
        ah = AH(spi=0x5678, seq=1, icv=b"\0" * 12, nh=253)
        out.append(clk.stamp(eth(fwd, IP(src=src, dst=dst, proto=51) / ah / Raw(b"x" * 8))))
    # ESP with one SPI both ways (unusual, but keyed alike): which way is each packet counted?
    for fwd in (True, False, True):
        src, dst = ("198.18.13.105", "198.18.13.106") if fwd else ("198.18.13.106", "198.18.13.105")
        out.append(clk.stamp(eth(fwd, IP(src=src, dst=dst) / ESP(spi=0x9abc, seq=1) / Raw(b"e" * 16))))
    # ... and an SPI whose two halves are equal (a symmetric port pair if keyed as ports).
    for fwd in (True, False, True):
        src, dst = ("198.18.13.107", "198.18.13.108") if fwd else ("198.18.13.108", "198.18.13.107")
        esp = ESP(spi=0x12341234, seq=1) / Raw(b"e" * 16)
        out.append(clk.stamp(eth(fwd, IP(src=src, dst=dst) / esp)))
    return out


def ip_tunnels(clk):
    out = []
    # outer endpoints, inner endpoints per case
    cases = [
        ("6in4", lambda s, d: IP(src=s, dst=d, proto=41), ("198.18.13.201", "198.18.13.202"),
         lambda s, d: IPv6(src=s, dst=d), ("2001:db8:13:3::1", "2001:db8:13:3::2")),
        ("4in6", lambda s, d: IPv6(src=s, dst=d, nh=4), ("2001:db8:13:4::1", "2001:db8:13:4::2"),
         lambda s, d: IP(src=s, dst=d), ("198.18.13.211", "198.18.13.212")),
        ("4in4", lambda s, d: IP(src=s, dst=d, proto=4), ("198.18.13.221", "198.18.13.222"),
         lambda s, d: IP(src=s, dst=d), ("198.18.13.231", "198.18.13.232")),
        ("6in6", lambda s, d: IPv6(src=s, dst=d, nh=41), ("2001:db8:13:5::1", "2001:db8:13:5::2"),
         lambda s, d: IPv6(src=s, dst=d), ("2001:db8:13:6::1", "2001:db8:13:6::2")),
        ("gre", lambda s, d: IP(src=s, dst=d) / GRE(proto=0x0800), ("198.18.13.241", "198.18.13.242"),
         lambda s, d: IP(src=s, dst=d), ("198.18.13.243", "198.18.13.244")),
    ]
    for _name, outer, (oa, ob), inner, (ia, ib) in cases:
        for fwd in (True, False, True):
            os_, od = (oa, ob) if fwd else (ob, oa)
            is_, id_ = (ia, ib) if fwd else (ib, ia)
            udp = UDP(sport=40000 if fwd else 53, dport=53 if fwd else 40000) / Raw(b"tunnelled")
            out.append(clk.stamp(eth(fwd, outer(os_, od) / inner(is_, id_) / udp)))
    # Carriers whose payload does not decode: GRE of an unknown type, 6in4 and 4in6 with junk
    # (version 9), 4in6 with an IPv4 header of IHL 3 (right version, bad header), 6in6 with a
    # payload too short for an IPv6 header.
    junk = [("198.18.13.251", "198.18.13.252", lambda s, d: IP(src=s, dst=d) / GRE(proto=0x1234),
             b"\x99" * 10),
            ("198.18.13.253", "198.18.13.254", lambda s, d: IP(src=s, dst=d, proto=41),
             b"\x99" * 10),
            ("2001:db8:13:7::1", "2001:db8:13:7::2", lambda s, d: IPv6(src=s, dst=d, nh=4),
             b"\x99" * 10),
            ("2001:db8:13:8::1", "2001:db8:13:8::2", lambda s, d: IPv6(src=s, dst=d, nh=4),
             b"\x43" + b"\0" * 19),
            ("2001:db8:13:9::1", "2001:db8:13:9::2", lambda s, d: IPv6(src=s, dst=d, nh=41),
             b"\x60" + b"\0" * 9)]
    for a, b, outer, payload in junk:
        for fwd in (True, False):
            s_, d_ = (a, b) if fwd else (b, a)
            out.append(clk.stamp(eth(fwd, outer(s_, d_) / Raw(payload))))
    return out


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, gen in (("flow-icmpv6-pairs.pcap", icmpv6_pairs),
                      ("flow-other-protos.pcap", other_protos),
                      ("flow-ip-tunnels.pcap", ip_tunnels)):
        path = os.path.join(d, name)
        wrpcap(path, gen(Clock()))
        print(path)


if __name__ == "__main__":
    main()
