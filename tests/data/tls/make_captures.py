#!/usr/bin/python3
"""Builds the TLS test captures of this folder (run with /usr/bin/python3: scapy writes the
pcaps; the TLS bytes are built here by hand, so every field is what the test says).

  full12.pcap     TLS 1.2: client hello (SNI, ALPN, GREASE) split across two segments, server
                  hello + certificate chain split across two records, ServerHelloDone, CCS,
                  encrypted Finished and application data both ways
  chonly.pcap     a client hello, then FIN: no server answer
  resumed.pcap    TLS 1.2 resumed by session id (no certificate)
  tls13.pcap      TLS 1.3 (supported_versions), middlebox CCS, encrypted records
  nocert12.pcap   TLS 1.2 server hello and ServerHelloDone without a certificate
  nocert_noccs.pcap  the same, the server never sends its ChangeCipherSpec
  nocert_nosid.pcap  no certificate, an empty session id in the server hello
  sslv2.pcap      an SSLv2-format client hello offering TLS 1.0, TLS server answer
  badhs.pcap      a handshake message longer than its record says, an unknown handshake type
  sni_events.pcap two SNI extensions, the second of a bad type

cert.der is a self-signed certificate made once with openssl (see README lines in the test).
"""
import os
import struct

from scapy.all import IP, TCP, Ether, wrpcap

HERE = os.path.dirname(os.path.abspath(__file__))
CERT = open(os.path.join(HERE, "cert.der"), "rb").read()

CLI, SRV = "10.0.0.1", "10.0.0.2"


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def u24(v):
    return struct.pack("!I", v)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def vec24(b):
    return u24(len(b)) + b


def ext(t, body):
    return u16(t) + vec16(body)


def record(ctype, body, version=0x0303):
    return u8(ctype) + u16(version) + vec16(body)


def hs(htype, body):
    return u8(htype) + vec24(body)


def client_hello(version=0x0303, sid=b"", ciphers=(0x0a0a, 0xc02f, 0xc030, 0x009c), exts=None):
    if exts is None:
        exts = default_client_exts()
    body = u16(version) + bytes(range(32)) + vec8(sid)
    body += vec16(b"".join(u16(c) for c in ciphers)) + vec8(b"\x00")
    body += vec16(b"".join(exts))
    return hs(1, body)


def sni_ext(name=b"test.example", ntype=0):
    return ext(0, vec16(u8(ntype) + vec16(name)))


def alpn_ext(protos):
    return ext(16, vec16(b"".join(vec8(p) for p in protos)))


def default_client_exts():
    return [
        ext(0x1a1a, b""),                                   # GREASE
        sni_ext(),
        ext(23, b""),                                       # extended_master_secret
        ext(65281, b"\x00"),                                # renegotiation_info
        ext(10, vec16(u16(0x2a2a) + u16(29) + u16(23) + u16(24))),  # groups, a GREASE one
        ext(11, vec8(b"\x00")),                             # ec_point_formats
        ext(35, b""),                                       # session_ticket
        alpn_ext([b"h2", b"http/1.1"]),
        ext(13, vec16(u16(0x0403) + u16(0x0804) + u16(0x0401))),  # signature_algorithms
    ]


def server_hello(version=0x0303, sid=b"\x11" * 32, cipher=0xc02f, exts=None):
    if exts is None:
        exts = [ext(65281, b"\x00"), ext(0, b""), ext(11, vec8(b"\x00")), alpn_ext([b"h2"])]
    body = u16(version) + bytes(range(100, 132)) + vec8(sid) + u16(cipher) + b"\x00"
    if exts:
        body += vec16(b"".join(exts))
    return hs(2, body)


def certificate(chain):
    return hs(11, vec24(b"".join(vec24(c) for c in chain)))


class Conn:
    """One TCP connection: the handshake, then payloads in order, each one segment."""

    def __init__(self, sport=40000, dport=443):
        self.sport, self.dport = sport, dport
        self.cseq, self.sseq = 1000, 5000
        self.pkts = []
        self.t = 1700000000.0
        self._add(CLI, SRV, sport, dport, "S", self.cseq, 0, b"")
        self.cseq += 1
        self._add(SRV, CLI, dport, sport, "SA", self.sseq, self.cseq, b"")
        self.sseq += 1
        self._add(CLI, SRV, sport, dport, "A", self.cseq, self.sseq, b"")

    def _add(self, src, dst, sp, dp, flags, seq, ack, data):
        p = Ether() / IP(src=src, dst=dst) / TCP(sport=sp, dport=dp, flags=flags, seq=seq,
                                                  ack=ack, window=65535) / data
        self.t += 0.001
        p.time = self.t
        self.pkts.append(p)

    def c(self, data):
        self._add(CLI, SRV, self.sport, self.dport, "PA", self.cseq, self.sseq, data)
        self.cseq += len(data)
        self._add(SRV, CLI, self.dport, self.sport, "A", self.sseq, self.cseq, b"")

    def s(self, data):
        self._add(SRV, CLI, self.dport, self.sport, "PA", self.sseq, self.cseq, data)
        self.sseq += len(data)
        self._add(CLI, SRV, self.sport, self.dport, "A", self.cseq, self.sseq, b"")

    def close(self):
        self._add(CLI, SRV, self.sport, self.dport, "FA", self.cseq, self.sseq, b"")
        self.cseq += 1
        self._add(SRV, CLI, self.dport, self.sport, "FA", self.sseq, self.cseq, b"")
        self.sseq += 1
        self._add(CLI, SRV, self.sport, self.dport, "A", self.cseq, self.sseq, b"")

    def write(self, name):
        wrpcap(os.path.join(HERE, name), self.pkts)


def finish_12(c):
    c.c(record(22, hs(16, vec16(b"\x42" * 64))) + record(20, b"\x01") + record(22, b"\x99" * 40))
    c.s(record(20, b"\x01") + record(22, b"\x98" * 40))
    c.c(record(23, b"\x55" * 100))
    c.s(record(23, b"\x66" * 200))


def full12():
    c = Conn(40001)
    ch = record(22, client_hello())
    c.c(ch[:30])
    c.c(ch[30:])
    flight = server_hello() + certificate([CERT, CERT])
    cut = 300
    c.s(record(22, flight[:cut]) + record(22, flight[cut:]) + record(22, hs(14, b"")))
    finish_12(c)
    c.close()
    c.write("full12.pcap")


def chonly():
    c = Conn(40002)
    c.c(record(22, client_hello(), version=0x0301))
    c.close()
    c.write("chonly.pcap")


def resumed():
    c = Conn(40003)
    sid = b"\x22" * 32
    c.c(record(22, client_hello(sid=sid)))
    c.s(record(22, server_hello(sid=sid)) + record(20, b"\x01") + record(22, b"\x98" * 40))
    c.c(record(20, b"\x01") + record(22, b"\x99" * 40))
    c.c(record(23, b"\x55" * 100))
    c.close()
    c.write("resumed.pcap")


def tls13():
    c = Conn(40004)
    exts = default_client_exts() + [
        ext(43, vec8(u16(0x3a3a) + u16(0x0304) + u16(0x0303))),
        ext(51, vec16(u16(29) + vec16(b"\x01" * 32))),
        ext(45, vec8(b"\x01")),
    ]
    c.c(record(22, client_hello(ciphers=(0x1301, 0x1302, 0x1303, 0xc02f), exts=exts),
               version=0x0301))
    sh = server_hello(sid=b"", cipher=0x1301,
                      exts=[ext(43, u16(0x0304)), ext(51, u16(29) + vec16(b"\x02" * 32))])
    c.s(record(22, sh) + record(20, b"\x01") + record(23, b"\x77" * 500))
    c.c(record(20, b"\x01") + record(23, b"\x88" * 60))
    c.s(record(23, b"\x66" * 200))
    c.close()
    c.write("tls13.pcap")


def nocert12():
    c = Conn(40005)
    c.c(record(22, client_hello()))
    c.s(record(22, server_hello() + hs(14, b"")))
    finish_12(c)
    c.close()
    c.write("nocert12.pcap")


def nocert_noccs():
    c = Conn(40009)
    c.c(record(22, client_hello()))
    c.s(record(22, server_hello() + hs(14, b"")))
    c.c(record(22, hs(16, vec16(b"\x42" * 64))) + record(20, b"\x01") + record(22, b"\x99" * 40))
    c.close()
    c.write("nocert_noccs.pcap")


def nocert_nosid():
    c = Conn(40010)
    c.c(record(22, client_hello()))
    c.s(record(22, server_hello(sid=b"") + hs(14, b"")))
    finish_12(c)
    c.close()
    c.write("nocert_nosid.pcap")


def sslv2():
    c = Conn(40006)
    # SSLv2 CLIENT-HELLO offering TLS 1.0: 2-byte header, type 1, version, lengths, specs.
    specs = b"\x00\x00\x2f" + b"\x00\x00\x35" + b"\x01\x00\x80"
    body = u8(1) + u16(0x0301) + u16(len(specs)) + u16(0) + u16(16) + specs + b"\xab" * 16
    c.c(u16(0x8000 | len(body)) + body)
    c.s(record(22, server_hello(version=0x0301, exts=[]) + certificate([CERT]) + hs(14, b""),
               version=0x0301))
    finish_12(c)
    c.close()
    c.write("sslv2.pcap")


def badhs():
    c = Conn(40007)
    c.c(record(22, client_hello()))
    # Certificate whose chain length runs past the message; then handshake type 99.
    bad = hs(11, u24(5000) + vec24(CERT))
    c.s(record(22, server_hello() + bad + hs(99, b"\x00\x01") + hs(14, b"")))
    finish_12(c)
    c.close()
    c.write("badhs.pcap")


def sni_events():
    c = Conn(40008)
    exts = [sni_ext(b"one.example"), sni_ext(b"two.example", ntype=1)]
    c.c(record(22, client_hello(exts=exts)))
    c.s(record(22, server_hello() + certificate([CERT]) + hs(14, b"")))
    finish_12(c)
    c.close()
    c.write("sni_events.pcap")


if __name__ == "__main__":
    full12()
    chonly()
    resumed()
    tls13()
    nocert12()
    nocert_noccs()
    nocert_nosid()
    sslv2()
    badhs()
    sni_events()
