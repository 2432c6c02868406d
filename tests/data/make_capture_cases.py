#!/usr/bin/python3
"""Writes tests/data/capture-cases/: small captures for the capture and link-layer robustness
of issue 13, each read by tests/integration/capture_cases.py through the sekimori binary.

usage: make_capture_cases.py [OUTDIR]     (default: capture-cases/ beside this script)

Deterministic: fixed addresses, ports, payloads and timestamps, so running it again writes the
same bytes. Packet bodies come from scapy; the file formats (pcap, pcapng, NFLOG's TLVs,
radiotap) are written field by field with struct, because most of what is tested here is a
field scapy would refuse to get wrong.
"""
import os
import struct
import sys

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether

T2024 = 1717495200  # 2024-06-04 10:00:00 UTC


def udp4(sport=1024, dport=53, payload=b"q"):
    return bytes(IP(src="198.18.13.1", dst="198.18.13.2", id=1) / UDP(sport=sport, dport=dport)
                 / payload)


def tcp6():
    return bytes(IPv6(src="2001:db8:13::1", dst="2001:db8:13::2") / TCP(sport=40000, dport=80,
                                                                        flags="S", seq=1))


def eth_udp4(sport=1024):
    return bytes(Ether(src="02:00:00:00:13:01", dst="02:00:00:00:13:02", type=0x0800)
                 / udp4(sport=sport))


# ---- classic pcap ----

def pcap(linktype, records):
    """records: (sec, usec, bytes)."""
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for sec, usec, data in records:
        out += struct.pack("<IIII", sec, usec, len(data), len(data)) + data
    return out


# ---- pcapng (little-endian) ----

def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def shb():
    return block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))


def idb(linktype, tsresol=None, tsoffset=None):
    opts = b""
    if tsresol is not None:
        opts += option(9, bytes([tsresol]))
    if tsoffset is not None:
        opts += option(14, struct.pack("<q", tsoffset))
    if opts:
        opts += option(0, b"")
    return block(1, struct.pack("<HHI", linktype, 0, 0) + opts)


def epb(iface, units, data):
    return block(6, struct.pack("<IIIII", iface, units >> 32, units & 0xffffffff, len(data),
                                len(data)) + data)


# ---- NFLOG (DLT 239): family, version, resource id, then TLVs in the host's byte order ----

def nflog(family, tlvs, endian="<"):
    out = struct.pack("!BBH", family, 0, 7)
    for ttype, value in tlvs:
        out += struct.pack(endian + "HH", 4 + len(value), ttype) + value
        out += b"\0" * (-len(value) % 4)
    return out


# ---- radiotap (DLT 127) + 802.11 ----

WLAN_ADDRS = bytes.fromhex("020000001302 020000001301 020000001303")
SNAP_IPV4 = bytes.fromhex("aaaa03 000000 0800")


def radiotap(flags, frame, fcs=b""):
    # present: TSFT and flags; TSFT at offset 8 (already aligned), flags at 16, one pad byte
    hdr = struct.pack("<BBHI", 0, 0, 18, 0x3) + struct.pack("<Q", 123456) + bytes([flags, 0])
    return hdr + frame + fcs


def wlan_qos_data(payload, fc1=0x01):
    return bytes([0x88, fc1]) + b"\0\0" + WLAN_ADDRS + b"\x10\x00" + b"\0\0" + payload


def beacon():
    return bytes([0x80, 0x00]) + b"\0\0" + bytes.fromhex("ffffffffffff 020000001301 "
                                                        "020000001301") + b"\0\0" + b"\0" * 12


def cases():
    c = {}
    # NFLOG: IPv4 after a prefix (little-endian TLVs), IPv6 TCP (big-endian TLVs), a TLV whose
    # length runs past the packet.
    c["nflog.pcap"] = pcap(239, [
        (T2024, 0, nflog(2, [(1, b"\x08\x00\x01\x00"), (10, b"drop\0"), (9, udp4())])),
        (T2024, 1000, nflog(10, [(10, b"in\0"), (9, tcp6())], endian=">")),
        (T2024, 2000, nflog(2, [(1, b"\x08\x00\x01\x00")]) + struct.pack("<HH", 200, 9) + b"E"),
    ])
    # radiotap: a beacon, a QoS data frame with IPv4/UDP and its FCS, the same encrypted, and a
    # radiotap header whose length runs past the frame.
    c["radiotap.pcap"] = pcap(127, [
        (T2024, 0, radiotap(0x00, beacon())),
        (T2024, 1000, radiotap(0x10, wlan_qos_data(SNAP_IPV4 + udp4()), b"\xde\xad\xbe\xef")),
        (T2024, 2000, radiotap(0x00, wlan_qos_data(b"\x55" * 40, fc1=0x41))),
        (T2024, 3000, struct.pack("<BBHI", 0, 0, 400, 0) + b"\0" * 8),
    ])
    # Link types nobody decodes: a Frame Relay file, and a pcapng whose Ethernet interface is
    # joined by SocketCAN (227), netlink (253) and a second SocketCAN interface.
    c["framerelay.pcap"] = pcap(107, [(T2024, 0, b"\x18\x41\x03\xcc" + udp4()),
                                      (T2024, 1, b"\x18\x41\x03\xcc" + udp4())])
    c["mixed-linktypes.pcapng"] = (
        shb() + idb(1) + idb(227) + idb(253) + idb(227)
        + epb(0, T2024 * 10**6, eth_udp4())
        + epb(1, T2024 * 10**6 + 1, bytes(16))
        + epb(2, T2024 * 10**6 + 2, bytes(16))
        + epb(3, T2024 * 10**6 + 3, bytes(16)))
    # Timestamps past any clock: near 2^64 us, 2^64 s (if_tsresol 10^0), an if_tsoffset of
    # 2^63-1 s and one of -2^63 s, and 2^-127 s units; then a sane packet.
    c["ts-extreme.pcapng"] = (
        shb() + idb(1) + idb(1, tsresol=0) + idb(1, tsoffset=2**63 - 1)
        + idb(1, tsoffset=-2**63) + idb(1, tsresol=0xff)
        + epb(0, T2024 * 10**6, eth_udp4())
        + epb(0, 2**64 - 1, eth_udp4())
        + epb(1, 2**64 - 1, eth_udp4())
        + epb(2, 5, eth_udp4())
        + epb(3, T2024 * 10**6, eth_udp4())
        + epb(4, 2**64 - 1, eth_udp4())
        + epb(0, T2024 * 10**6 + 1, eth_udp4()))
    # Classic pcap: time going backwards 4 years, jumping to 2106, and a fraction of a
    # second over a second; one flow each, so each time shows in a flow record.
    c["ts-jumps.pcap"] = pcap(1, [
        (T2024, 0, eth_udp4(1024)), (T2024 - 4 * 365 * 86400, 0, eth_udp4(1025)),
        (0xffffffff, 999999, eth_udp4(1026)), (T2024, 2500000, eth_udp4(1027))])
    return c


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "capture-cases")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(cases().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print("%s: %d bytes" % (os.path.join(out, name), len(data)))


if __name__ == "__main__":
    main()
