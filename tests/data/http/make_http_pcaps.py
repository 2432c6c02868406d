#!/usr/bin/python3
"""Writes the HTTP captures of tests/data/http (run from anywhere: files land beside this script).

Each connection is a whole TCP session (handshake, data acknowledged, FIN both ways), one
server on port 80 (8080 for the any-port case), so Suricata 8.0.7 and sekimori can be run on the
same file and their http / fileinfo records compared (/work/shared/tools/app-records-compare).

basic.pcap     a GET with the usual headers and a 200 with Content-Length; keep-alive: two
               requests one after the other on one connection; pipelining: three requests in
               one segment, their responses in one segment; a POST with a body (a fileinfo
               toserver) and a PUT.
bodies.pcap    a chunked response split across segments, a gzip response, a deflate response,
               a response to the close (no length), a 100-continue then 201, a response with
               Content-Disposition (the file's name), a body of 150 KiB (past the 100 KiB limit).
odd.pcap       folded and duplicate headers, an HTTP/0.9 request, a CONNECT accepted (then TLS
               bytes), a response with no request, a header line without a colon, an invalid
               chunk length, HTTP on port 8080, a method Suricata has no pattern for.
"""
import os
import zlib

from scapy.all import IP, TCP, Ether, wrpcap

HERE = os.path.dirname(os.path.abspath(__file__))
CLI, SRV = "10.0.1.1", "10.0.1.80"
T0 = 1700000000.0


class Conn:
    """One TCP connection: segments both ways with correct sequence numbers and acks."""

    def __init__(self, pkts, sport, dport=80, t=0.0):
        self.pkts, self.sport, self.dport, self.t = pkts, sport, dport, t
        self.cseq, self.sseq = 1000, 5000
        self.syn()

    def _pkt(self, to_server, flags, payload=b""):
        if to_server:
            p = IP(src=CLI, dst=SRV) / TCP(sport=self.sport, dport=self.dport, flags=flags,
                                           seq=self.cseq, ack=self.sseq, window=65535)
        else:
            p = IP(src=SRV, dst=CLI) / TCP(sport=self.dport, dport=self.sport, flags=flags,
                                           seq=self.sseq, ack=self.cseq, window=65535)
        p = Ether() / p
        if payload:
            p = p / payload
        self.t += 0.001
        p.time = T0 + self.t
        self.pkts.append(p)
        n = len(payload) + (1 if "S" in flags or "F" in flags else 0)
        if to_server:
            self.cseq += n
        else:
            self.sseq += n

    def syn(self):
        self.cseq -= 1
        self.sseq -= 1
        p = Ether() / IP(src=CLI, dst=SRV) / TCP(sport=self.sport, dport=self.dport, flags="S",
                                                 seq=self.cseq, window=65535)
        self.t += 0.001
        p.time = T0 + self.t
        self.pkts.append(p)
        self.cseq += 1
        p = Ether() / IP(src=SRV, dst=CLI) / TCP(sport=self.dport, dport=self.sport, flags="SA",
                                                 seq=self.sseq, ack=self.cseq, window=65535)
        self.t += 0.001
        p.time = T0 + self.t
        self.pkts.append(p)
        self.sseq += 1
        self._pkt(True, "A")

    def send(self, to_server, data, mss=1400):
        for i in range(0, len(data), mss):
            self._pkt(to_server, "PA", data[i:i + mss])
            self._pkt(not to_server, "A")

    def req(self, data, mss=1400):
        self.send(True, data, mss)

    def res(self, data, mss=1400):
        self.send(False, data, mss)

    def close(self):
        self._pkt(True, "FA")
        self._pkt(False, "FA")
        self._pkt(True, "A")


def get(path, host="www.example.com", extra=b""):
    return (b"GET " + path + b" HTTP/1.1\r\nHost: " + host.encode() +
            b"\r\nUser-Agent: sekimori-test/1.0\r\nAccept: */*\r\n" + extra + b"\r\n")


def ok(body, ctype=b"text/html", extra=b"", status=b"200 OK"):
    return (b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: " +
            str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body)


def basic():
    pkts = []
    c = Conn(pkts, 40001)
    c.req(get(b"/index.html", extra=b"Referer: http://www.example.com/\r\nCookie: a=1\r\n"))
    c.res(ok(b"<html>hello</html>", extra=b"Server: test\r\nSet-Cookie: s=2\r\n"))
    c.close()
    c = Conn(pkts, 40002, t=1.0)
    for i in range(2):
        c.req(get(b"/keep/" + str(i).encode()))
        c.res(ok(b"k" * (10 + i)))
    c.close()
    c = Conn(pkts, 40003, t=2.0)
    c.req(get(b"/p/1") + get(b"/p/2") + get(b"/p/3?x=%41"))
    c.res(ok(b"one") + ok(b"two!", status=b"404 Not Found") + ok(b"", status=b"204 No Content"))
    c.close()
    c = Conn(pkts, 40004, t=3.0)
    body = b"field=value&other=1"
    c.req(b"POST /submit HTTP/1.1\r\nHost: www.example.com\r\nContent-Type: "
          b"application/x-www-form-urlencoded\r\nContent-Length: " + str(len(body)).encode() +
          b"\r\n\r\n" + body)
    c.res(ok(b"thanks"))
    c.req(b"PUT /upload/file.txt HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 5\r\n\r\n"
          b"12345")
    c.res(ok(b"", status=b"201 Created"))
    c.close()
    wrpcap(os.path.join(HERE, "basic.pcap"), pkts)


def bodies():
    pkts = []
    c = Conn(pkts, 41001)
    c.req(get(b"/chunked"))
    c.res(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", mss=20)
    c.close()
    c = Conn(pkts, 41002, t=1.0)
    c.req(get(b"/gzip", extra=b"Accept-Encoding: gzip, deflate\r\n"))
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    gz = z.compress(b"compressed body " * 40) + z.flush()
    c.res(ok(gz, extra=b"Content-Encoding: gzip\r\n"))
    c.req(get(b"/deflate", extra=b"Accept-Encoding: deflate\r\n"))
    d = zlib.compress(b"deflated body " * 30)
    c.res(ok(d, extra=b"Content-Encoding: deflate\r\n"))
    c.close()
    c = Conn(pkts, 41003, t=2.0)
    c.req(b"GET /to-close HTTP/1.0\r\nHost: www.example.com\r\n\r\n")
    c.res(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody until the close")
    c.close()
    c = Conn(pkts, 41004, t=3.0)
    c.req(b"POST /expect HTTP/1.1\r\nHost: www.example.com\r\nExpect: 100-continue\r\n"
          b"Content-Length: 4\r\n\r\n")
    c.res(b"HTTP/1.1 100 Continue\r\n\r\n")
    c.req(b"data")
    c.res(ok(b"", status=b"201 Created"))
    c.close()
    c = Conn(pkts, 41005, t=4.0)
    c.req(get(b"/download?id=7"))
    c.res(ok(b"PK\x03\x04 not really a zip", ctype=b"application/octet-stream",
             extra=b"Content-Disposition: attachment; filename=\"report.zip\"\r\n"))
    c.close()
    c = Conn(pkts, 41006, t=5.0)
    c.req(get(b"/big.bin"))
    c.res(ok(bytes(range(256)) * 600, ctype=b"application/octet-stream"))
    c.close()
    wrpcap(os.path.join(HERE, "bodies.pcap"), pkts)


def odd():
    pkts = []
    c = Conn(pkts, 42001)
    c.req(b"GET /fold HTTP/1.1\r\nHost: www.example.com\r\nX-Dup: one\r\nX-Fold: first\r\n"
          b" second\r\nX-Dup: two\r\n\r\n")
    c.res(ok(b"folded"))
    c.close()
    c = Conn(pkts, 42002, t=1.0)
    c.req(b"GET /old\r\n")
    c.res(b"<html>HTTP/0.9 answer</html>")
    c.close()
    c = Conn(pkts, 42003, t=2.0)
    c.req(b"CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n")
    c.res(b"HTTP/1.1 200 Connection established\r\n\r\n")
    c.req(b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00")
    c.res(b"\x16\x03\x03\x00\x05\x02\x00\x00\x01\x00")
    c.close()
    c = Conn(pkts, 42004, t=3.0)
    c.res(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad")
    c.close()
    c = Conn(pkts, 42005, t=4.0)
    c.req(b"GET /nocolon HTTP/1.1\r\nHost: www.example.com\r\nThisHasNoColon\r\n\r\n")
    c.res(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
    c.close()
    c = Conn(pkts, 42006, dport=8080, t=5.0)
    c.req(get(b"/on-8080", host="www.example.com:8080"))
    c.res(ok(b"eight thousand eighty"))
    c.close()
    c = Conn(pkts, 42007, t=6.0)
    c.req(b"CCM_POST /odd HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
    c.res(ok(b"", status=b"405 Method Not Allowed"))
    c.close()
    wrpcap(os.path.join(HERE, "odd.pcap"), pkts)


if __name__ == "__main__":
    basic()
    bodies()
    odd()
