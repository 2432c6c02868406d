#!/usr/bin/python3
"""make-sample.py: writes tests/data/sample.pcap, the small capture bundled with sekimori.

Every packet is built here with scapy from fixed values (times, ports, sequence numbers,
payloads; the few "random" choices come from a seeded generator), so running it again gives
the same bytes. See tests/data/README.md for what the capture holds.

usage: tools/make-sample.py [OUTPUT]   (default: tests/data/sample.pcap beside this script's repo)
"""

import os
import random
import struct
import sys

from scapy.all import (ARP, DNS, DNSQR, DNSRR, GRE, ICMP, IP, IPv6, PPP, PPPoE, TCP, UDP, Dot1Q,
                       Dot1AD, Ether, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6ExtHdrFragment,
                       Raw, fragment, conf)
from scapy.contrib.mpls import MPLS
from scapy.layers.vxlan import VXLAN
from scapy.utils import PcapWriter

BASE_TIME = 1717495200  # 2024-06-04 10:00:00 UTC
RNG = random.Random(20240604)

# Addresses: HOME_NET is 198.18.0.0/15 and 2001:db8::/32 (as for the bench captures);
# "internet" servers come from the documentation ranges.
MAC_CLIENT = "02:00:00:00:00:01"
MAC_GW = "02:00:00:00:00:fe"
CLIENT = "198.18.1.10"
CLIENT2 = "198.18.1.11"
WEB = "203.0.113.80"
TLS_SRV = "203.0.113.43"
DNS_SRV = "198.18.0.53"
ROUTER = "198.18.0.1"
FAR = "192.0.2.99"
FAR2 = "192.0.2.98"
BAD = "198.18.9.9"   # sender of the malformed packets (their own address pair: see the oracle)
CLIENT6 = "2001:db8:1::10"
SRV6 = "2001:db8:2::80"
DNS6 = "2001:db8:1::53"
FRAG6 = "2001:db8:1::20"
BAD6 = "2001:db8:9::9"


class Capture:
    """Collects frames with strictly increasing, fixed timestamps."""

    def __init__(self):
        self.frames = []
        self.now = float(BASE_TIME)

    def add(self, frame, gap=0.001):
        self.now += gap
        # Microsecond resolution, rounded here so float formatting cannot vary.
        frame.time = round(self.now, 6)
        self.frames.append(frame)

    def write(self, path):
        writer = PcapWriter(path, linktype=1, sync=False, nano=False)
        for frame in self.frames:
            writer.write(frame)
        writer.close()


def eth(src=MAC_CLIENT, dst=MAC_GW, **kw):
    return Ether(src=src, dst=dst, **kw)


class TcpSession:
    """A TCP conversation between a client and a server: keeps sequence numbers."""

    def __init__(self, cap, cl, sv, sport, dport, l2=None, l2_rev=None, ip=IP):
        self.cap = cap
        self.cl, self.sv, self.sport, self.dport = cl, sv, sport, dport
        self.l2 = l2 if l2 is not None else (lambda: eth())
        self.l2_rev = l2_rev if l2_rev is not None else (lambda: eth(MAC_GW, MAC_CLIENT))
        self.ip = ip
        self.cseq = RNG.randrange(1 << 31)
        self.sseq = RNG.randrange(1 << 31)

    def _to_server(self, flags, payload=b"", gap=0.001):
        pkt = self.l2() / self.ip(src=self.cl, dst=self.sv) / TCP(
            sport=self.sport, dport=self.dport, flags=flags, seq=self.cseq,
            ack=self.sseq if "A" in flags else 0, window=64240)
        if payload:
            pkt = pkt / Raw(payload)
        self.cap.add(pkt, gap)
        self.cseq = (self.cseq + len(payload) + (1 if ("S" in flags or "F" in flags) else 0)) \
            & 0xFFFFFFFF

    def _to_client(self, flags, payload=b"", gap=0.001):
        pkt = self.l2_rev() / self.ip(src=self.sv, dst=self.cl) / TCP(
            sport=self.dport, dport=self.sport, flags=flags, seq=self.sseq,
            ack=self.cseq if "A" in flags else 0, window=65160)
        if payload:
            pkt = pkt / Raw(payload)
        self.cap.add(pkt, gap)
        self.sseq = (self.sseq + len(payload) + (1 if ("S" in flags or "F" in flags) else 0)) \
            & 0xFFFFFFFF

    def handshake(self):
        self._to_server("S", gap=0.01)
        self._to_client("SA", gap=0.02)
        self._to_server("A", gap=0.0002)

    def request(self, data):
        self._to_server("PA", data)
        self._to_client("A", gap=0.02)

    def respond(self, data, mss=1448):
        chunks = [data[i:i + mss] for i in range(0, len(data), mss)]
        for i, chunk in enumerate(chunks):
            self._to_client("PA" if i == len(chunks) - 1 else "A", chunk, gap=0.0005)
            if i % 2 == 1 or i == len(chunks) - 1:
                self._to_server("A", gap=0.0001)

    def close_fin(self):
        self._to_server("FA", gap=0.005)
        self._to_client("FA", gap=0.02)
        self._to_server("A", gap=0.0002)

    def close_rst(self):
        self._to_server("RA", gap=0.005)


def http_exchange(cap, sport, path, body_len):
    s = TcpSession(cap, CLIENT, WEB, sport, 80)
    s.handshake()
    s.request(("GET %s HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: sekimori-sample/1\r\n"
               "Accept: */*\r\n\r\n" % path).encode())
    body = bytes(RNG.randrange(32, 127) for _ in range(body_len))
    s.respond(b"HTTP/1.1 200 OK\r\nServer: sample\r\nContent-Type: text/plain\r\n"
              b"Content-Length: %d\r\n\r\n" % body_len + body)
    return s


def tls_client_hello(sni):
    """A syntactically valid TLS 1.2 ClientHello record carrying an SNI extension."""
    name = sni.encode()
    sni_ext = struct.pack("!HHHBH", 0, len(name) + 5, len(name) + 3, 0, len(name)) + name
    groups = struct.pack("!HHHHH", 10, 6, 4, 0x001d, 0x0017)
    exts = sni_ext + groups
    suites = struct.pack("!HHHH", 6, 0xc02f, 0xc030, 0x009c)
    body = (b"\x03\x03" + bytes(RNG.randrange(256) for _ in range(32)) + b"\x00" + suites
            + b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_server_flight():
    """ServerHello + an opaque certificate-sized handshake blob, then application data."""
    body = (b"\x03\x03" + bytes(RNG.randrange(256) for _ in range(32)) + b"\x00\xc0\x2f\x00"
            + b"\x00\x00")
    hello = b"\x02" + struct.pack("!I", len(body))[1:] + body
    der = bytes(RNG.randrange(256) for _ in range(1794))  # opaque: not parsed as X.509 here
    certs = struct.pack("!I", len(der))[1:] + der
    cbody = struct.pack("!I", len(certs))[1:] + certs
    cert = b"\x0b" + struct.pack("!I", len(cbody))[1:] + cbody
    done = b"\x0e\x00\x00\x00"
    hs = hello + cert + done
    return b"\x16\x03\x03" + struct.pack("!H", len(hs)) + hs


def app_data(n):
    return b"\x17\x03\x03" + struct.pack("!H", n) + bytes(RNG.randrange(256) for _ in range(n))


def dns_pair(cap, l2, l2_rev, cl, srv, sport, qid, qname, answer, ip=IP, qtype="A"):
    q = l2() / ip(src=cl, dst=srv) / UDP(sport=sport, dport=53) / DNS(
        id=qid, rd=1, qd=DNSQR(qname=qname, qtype=qtype))
    cap.add(q, 0.05)
    a = l2_rev() / ip(src=srv, dst=cl) / UDP(sport=53, dport=sport) / DNS(
        id=qid, qr=1, aa=0, rd=1, ra=1, qd=DNSQR(qname=qname, qtype=qtype),
        an=DNSRR(rrname=qname, type=qtype, ttl=300, rdata=answer))
    cap.add(a, 0.003)


def build():
    cap = Capture()
    c2g = lambda: eth()                       # noqa: E731 (client to gateway)
    g2c = lambda: eth(MAC_GW, MAC_CLIENT)     # noqa: E731

    # ARP: the client resolves its gateway.
    cap.add(Ether(src=MAC_CLIENT, dst="ff:ff:ff:ff:ff:ff") / ARP(
        op=1, hwsrc=MAC_CLIENT, psrc=CLIENT, pdst=ROUTER), 0.0)
    cap.add(Ether(src=MAC_GW, dst=MAC_CLIENT) / ARP(
        op=2, hwsrc=MAC_GW, psrc=ROUTER, hwdst=MAC_CLIENT, pdst=CLIENT))

    # DNS over IPv4, then HTTP: one small page closed by FIN, one larger download, one reset.
    dns_pair(cap, c2g, g2c, CLIENT, DNS_SRV, 51000, 0x1a2b, "www.example.com", WEB)
    s = http_exchange(cap, 40001, "/index.html", 600)
    s.close_fin()
    s = http_exchange(cap, 40002, "/download.bin", 40000)
    s.close_fin()
    s = http_exchange(cap, 40003, "/slow", 300)
    s.close_rst()

    # TLS on 443: ClientHello with SNI, server flight, application data both ways, FIN close.
    dns_pair(cap, c2g, g2c, CLIENT, DNS_SRV, 51001, 0x1a2c, "secure.example.org", TLS_SRV)
    s = TcpSession(cap, CLIENT, TLS_SRV, 40100, 443)
    s.handshake()
    s.request(tls_client_hello("secure.example.org"))
    s.respond(tls_server_flight())
    s.request(b"\x14\x03\x03\x00\x01\x01" + app_data(40))
    s.request(app_data(300))
    s.respond(app_data(5000))
    s.close_fin()

    # A port nobody listens on: SYN answered by RST.
    s = TcpSession(cap, CLIENT2, WEB, 40200, 8080)
    s._to_server("S", gap=0.05)
    s._to_client("RA", gap=0.01)

    # ICMP echo, and a port unreachable quoting the UDP probe it answers.
    for i in range(3):
        cap.add(c2g() / IP(src=CLIENT, dst=FAR, id=100 + i) / ICMP(type=8, id=0x4242, seq=i + 1)
                / Raw(bytes(range(48))), 0.2)
        cap.add(g2c() / IP(src=FAR, dst=CLIENT, id=900 + i, ttl=52)
                / ICMP(type=0, id=0x4242, seq=i + 1) / Raw(bytes(range(48))), 0.03)
    probe = IP(src=CLIENT2, dst=FAR2, id=777, ttl=64) / UDP(sport=45000, dport=33434) \
        / Raw(b"x" * 24)
    cap.add(c2g() / probe, 0.1)
    cap.add(g2c() / IP(src=FAR2, dst=CLIENT2, id=901) / ICMP(type=3, code=3)
            / Raw(bytes(probe)[:28 + 8]), 0.03)

    # IPv6: DNS (AAAA), TCP with data, ICMPv6 echo.
    dns_pair(cap, c2g, g2c, CLIENT6, DNS6, 52000, 0x2b3c, "www.example.net", SRV6, ip=IPv6,
             qtype="AAAA")
    s = TcpSession(cap, CLIENT6, SRV6, 41000, 80, ip=IPv6)
    s.handshake()
    s.request(b"GET / HTTP/1.1\r\nHost: www.example.net\r\n\r\n")
    s.respond(b"HTTP/1.1 204 No Content\r\nServer: sample6\r\n\r\n")
    s.close_fin()
    for i in range(2):
        cap.add(c2g() / IPv6(src=CLIENT6, dst=SRV6) / ICMPv6EchoRequest(id=7, seq=i, data=b"ping6"),
                0.1)
        cap.add(g2c() / IPv6(src=SRV6, dst=CLIENT6) / ICMPv6EchoReply(id=7, seq=i, data=b"ping6"),
                0.02)

    # 802.1Q VLAN 100: a short TCP exchange.
    v100 = lambda: eth() / Dot1Q(vlan=100)            # noqa: E731
    v100r = lambda: eth(MAC_GW, MAC_CLIENT) / Dot1Q(vlan=100)  # noqa: E731
    s = TcpSession(cap, "198.18.2.20", "198.18.2.21", 42000, 22, l2=v100, l2_rev=v100r)
    s.handshake()
    s.respond(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    s.request(b"SSH-2.0-sample_client\r\n")
    s.close_fin()

    # QinQ: 802.1ad outer tag 200, 802.1Q inner tag 300, DNS.
    qq = lambda: eth() / Dot1AD(vlan=200) / Dot1Q(vlan=300)                   # noqa: E731
    qqr = lambda: eth(MAC_GW, MAC_CLIENT) / Dot1AD(vlan=200) / Dot1Q(vlan=300)  # noqa: E731
    dns_pair(cap, qq, qqr, "198.18.3.30", "198.18.3.53", 53000, 0x3c4d, "qinq.example.com",
             "198.18.3.31")

    # MPLS (one label) carrying IPv4 UDP.
    cap.add(eth() / MPLS(label=16, s=1, ttl=64) / IP(src="198.18.4.40", dst="198.18.4.41")
            / UDP(sport=5000, dport=5001) / Raw(b"mpls payload"), 0.05)
    cap.add(eth(MAC_GW, MAC_CLIENT) / MPLS(label=17, s=1, ttl=64)
            / IP(src="198.18.4.41", dst="198.18.4.40") / UDP(sport=5001, dport=5000)
            / Raw(b"mpls reply"), 0.01)

    # PPPoE session carrying IPv4 ICMP echo.
    cap.add(eth() / PPPoE(code=0, sessionid=0x0011) / PPP(proto=0x0021)
            / IP(src="198.18.5.50", dst=FAR) / ICMP(type=8, id=5, seq=1) / Raw(b"pppoe"), 0.05)
    cap.add(eth(MAC_GW, MAC_CLIENT) / PPPoE(code=0, sessionid=0x0011) / PPP(proto=0x0021)
            / IP(src=FAR, dst="198.18.5.50") / ICMP(type=0, id=5, seq=1) / Raw(b"pppoe"), 0.01)

    # IPv4 fragments: a 3000-byte UDP datagram in three fragments, and its one-packet answer.
    big = IP(src=CLIENT, dst="198.18.6.60", id=0x5151) / UDP(sport=46000, dport=7) \
        / Raw(bytes(i & 0xFF for i in range(3000)))
    for frag in fragment(big, fragsize=1200):
        cap.add(c2g() / frag, 0.001)
    cap.add(g2c() / IP(src="198.18.6.60", dst=CLIENT) / UDP(sport=7, dport=46000)
            / Raw(b"ok"), 0.01)

    # IPv6 fragments: an ICMPv6 echo request of 2500 bytes in two fragments.
    # Built whole once so the ICMPv6 checksum covers the pseudo-header, then cut by hand.
    whole = IPv6(src=FRAG6, dst=SRV6) / ICMPv6EchoRequest(
        id=9, seq=1, data=bytes(i & 0xFF for i in range(2500)))
    payload6 = bytes(whole)[40:]
    cut = 1280
    cap.add(c2g() / IPv6(src=FRAG6, dst=SRV6, nh=44)
            / IPv6ExtHdrFragment(nh=58, offset=0, m=1, id=0x6161) / Raw(payload6[:cut]), 0.05)
    cap.add(c2g() / IPv6(src=FRAG6, dst=SRV6, nh=44)
            / IPv6ExtHdrFragment(nh=58, offset=cut // 8, m=0, id=0x6161) / Raw(payload6[cut:]),
            0.001)

    # GRE (IPv4 in IPv4) carrying an inner TCP SYN / SYN-ACK.
    cap.add(c2g() / IP(src="198.18.7.1", dst="203.0.113.7") / GRE(proto=0x0800)
            / IP(src="10.7.0.1", dst="10.7.0.2") / TCP(sport=43000, dport=80, flags="S",
                                                        seq=1000), 0.05)
    cap.add(g2c() / IP(src="203.0.113.7", dst="198.18.7.1") / GRE(proto=0x0800)
            / IP(src="10.7.0.2", dst="10.7.0.1") / TCP(sport=80, dport=43000, flags="SA",
                                                        seq=5000, ack=1001), 0.01)

    # VXLAN (UDP 4789) carrying an inner Ethernet frame with a UDP datagram.
    inner = Ether(src="02:00:00:00:08:01", dst="02:00:00:00:08:02") \
        / IP(src="10.8.0.1", dst="10.8.0.2") / UDP(sport=44000, dport=9999) / Raw(b"vxlan inner")
    cap.add(c2g() / IP(src="198.18.8.1", dst="198.18.8.2") / UDP(sport=49152, dport=4789)
            / VXLAN(vni=4242, flags=0x08) / inner, 0.05)

    # Malformed packets; each should raise a decoder event and create no flow.
    # IPv4 truncated: total length says 200, only 40 bytes follow the Ethernet header.
    trunc = bytearray(bytes(IP(src=BAD, dst=WEB, len=200) / TCP(sport=40900, dport=80)))
    cap.add(eth(type=0x0800) / Raw(bytes(trunc)), 0.05)
    # Bad IHL (3: shorter than the minimal header).
    bad_ihl = bytearray(bytes(IP(src=BAD, dst=WEB) / UDP(sport=40901, dport=80) / Raw(b"ihl")))
    bad_ihl[0] = 0x43
    cap.add(eth(type=0x0800) / Raw(bytes(bad_ihl)), 0.01)
    # IPv6 with a hop-by-hop header whose length runs past the end of the packet.
    v6 = bytearray(bytes(IPv6(src=BAD6, dst=SRV6, nh=0, plen=16)))
    v6 += bytes([17, 8]) + b"\x00" * 14  # says (8+1)*8 = 72 bytes, only 16 present
    cap.add(eth(type=0x86dd) / Raw(bytes(v6)), 0.01)
    # TCP data offset 3 (12 bytes: shorter than the minimal TCP header).
    short_tcp = bytearray(bytes(IP(src=BAD, dst=WEB) / TCP(sport=40902, dport=80, dataofs=3)))
    cap.add(eth(type=0x0800) / Raw(bytes(short_tcp)), 0.01)
    # TCP header cut short: IP says 30 bytes, 10 of them TCP.
    tcp10 = bytes(TCP(sport=40903, dport=80, flags="S"))[:10]
    cap.add(c2g() / IP(src=BAD, dst=WEB, proto=6) / Raw(tcp10), 0.01)

    # Everyday background: a burst of DNS lookups (one unanswered), NTP, and two more pages
    # fetched over one keep-alive connection.
    for i in range(24):
        name = "host%02d.example.com" % i
        answer = "203.0.113.%d" % (100 + i)
        dns_pair(cap, c2g, g2c, CLIENT2, DNS_SRV, 52000 + RNG.randrange(10000), 0x4000 + i,
                 name, answer)
    cap.add(c2g() / IP(src=CLIENT2, dst=DNS_SRV) / UDP(sport=55555, dport=53) / DNS(
        id=0x4fff, rd=1, qd=DNSQR(qname="nxdomain.invalid")), 0.05)
    ntp = b"\x23" + b"\x00" * 47
    cap.add(c2g() / IP(src=CLIENT, dst="192.0.2.123") / UDP(sport=123, dport=123) / Raw(ntp), 0.05)
    cap.add(g2c() / IP(src="192.0.2.123", dst=CLIENT) / UDP(sport=123, dport=123)
            / Raw(b"\x24\x02" + b"\x00" * 46), 0.02)
    s = TcpSession(cap, CLIENT2, WEB, 40300, 80)
    s.handshake()
    for page in ("/a.css", "/b.js"):
        s.request(("GET %s HTTP/1.1\r\nHost: www.example.com\r\n\r\n" % page).encode())
        s.respond(b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + b"z" * 2000)
    s.close_fin()

    # A last DNS lookup, so the capture ends on ordinary traffic.
    dns_pair(cap, c2g, g2c, CLIENT, DNS_SRV, 51002, 0x1a2d, "example.com", "203.0.113.1")
    return cap


def main():
    conf.verb = 0
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "tests", "data", "sample.pcap")
    cap = build()
    cap.write(out)
    print("%s: %d packets, %d bytes" % (out, len(cap.frames), os.path.getsize(out)))


if __name__ == "__main__":
    main()
