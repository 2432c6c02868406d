#!/usr/bin/python3
"""Split captures into libFuzzer seed files for fuzz/fuzz_decode.

Each seed is one packet: byte 0 is the index of the capture's link type in fuzz_decode.c's
fuzz_linktypes table, the rest is the packet as captured. Captures with other link types are
skipped. Output goes to a scratch directory (never commit it).

    tools/fuzz-seeds.py OUTDIR CAPTURE_OR_DIR...
"""
import hashlib
import os
import sys

# Same order as fuzz_linktypes in fuzz/fuzz_decode.c.
LINKTYPES = [1, 113, 276, 101, 228, 229, 0, 108, 9, 12, 14, 104]
MAX_PER_FILE = 64  # enough variety without drowning the corpus in one capture


def pcap_packets(data):
    """Yield (linktype, packet) from a classic pcap."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "little"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = "big"
    else:
        return
    if len(data) < 24:
        return
    linktype = int.from_bytes(data[20:24], order) & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        caplen = int.from_bytes(data[off + 8:off + 12], order)
        off += 16
        if caplen > len(data) - off:
            return
        yield linktype, data[off:off + caplen]
        off += caplen


def pcapng_packets(data):
    """Yield (linktype, packet) from a pcapng (enhanced and simple packet blocks)."""
    off = 0
    order = "little"
    ifaces = []
    while off + 12 <= len(data):
        btype_raw = data[off:off + 4]
        if btype_raw == b"\x0a\x0d\x0d\x0a":
            bom = data[off + 8:off + 12]
            order = "little" if bom == b"\x4d\x3c\x2b\x1a" else "big"
            ifaces = []
        btype = int.from_bytes(btype_raw, order)
        blen = int.from_bytes(data[off + 4:off + 8], order)
        if blen < 12 or off + blen > len(data):
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            ifaces.append(int.from_bytes(body[0:2], order))
        elif btype == 6 and len(body) >= 20:
            iface = int.from_bytes(body[0:4], order)
            caplen = int.from_bytes(body[12:16], order)
            if iface < len(ifaces) and caplen <= len(body) - 20:
                yield ifaces[iface], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and ifaces:
            yield ifaces[0], body[4:]
        off += blen


def captures(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _dirs, files in os.walk(path):
                for name in sorted(files):
                    yield os.path.join(root, name)
        elif os.path.isfile(path):
            yield path


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    written = 0
    for path in captures(sys.argv[2:]):
        with open(path, "rb") as f:
            data = f.read()
        packets = pcapng_packets(data) if data[:4] == b"\x0a\x0d\x0d\x0a" else pcap_packets(data)
        for i, (linktype, pkt) in enumerate(packets):
            if i >= MAX_PER_FILE:
                break
            if linktype not in LINKTYPES:
                continue
            seed = bytes([LINKTYPES.index(linktype)]) + pkt
            name = hashlib.sha1(seed).hexdigest()
            with open(os.path.join(outdir, name), "wb") as out:
                out.write(seed)
            written += 1
    print(f"{written} seeds in {outdir}")


if __name__ == "__main__":
    main()
