#!/usr/bin/python3
"""EVE's "proto" names every IP protocol number as Suricata 8.0.7 does.

usage: proto_names.py --sekimori BIN [--record SURICATA_RUN]

Builds a capture of 256 IPv4 packets, protocol 0 to 255, each with an unknown IP option so that
the decoder raises an event (ipv4.opt_pad_required) and an anomaly record shows the packet's
proto. Compares sekimori's names with suricata-proto-names.json beside this file: what Suricata
wrote for the same capture (--record regenerates it with the given Suricata `run` wrapper).
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "suricata-proto-names.json")


def checksum(b):
    s = sum((b[i] << 8) + b[i + 1] for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def write_capture(path):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for proto in range(256):
            opt = bytes([0xFE, 4, 0, 0])  # option type 254, length 4: not one Suricata knows
            payload = bytes(40)
            ihl = 5 + len(opt) // 4
            hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), proto + 1,
                              0, 64, proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + opt
            hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
            frame = bytes(range(12)) + b"\x08\x00" + hdr + payload
            out.write(struct.pack("<IIII", 1700000000 + proto, 0, len(frame), len(frame)) + frame)


def names_from(eve_path):
    """The proto of the first anomaly record of each packet, by protocol number."""
    names = {}
    with open(eve_path) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("event_type") == "anomaly" and "pcap_cnt" in rec:
                names.setdefault(rec["pcap_cnt"] - 1, rec.get("proto"))
    return [names.get(n) for n in range(256)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori")
    ap.add_argument("--record", metavar="SURICATA_RUN")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cap = os.path.join(tmp, "protos.pcap")
        write_capture(cap)
        if args.record:
            yaml = os.path.join(tmp, "suricata.yaml")
            base = os.path.join(os.path.dirname(os.path.realpath(args.record)), "etc",
                                "suricata.yaml")
            with open(base) as f, open(yaml, "w") as o:
                o.write(f.read().replace("              # decode: no", "              decode: yes"))
            subprocess.run([args.record, "-c", yaml, "-k", "none", "-r", cap, "-l", tmp,
                            "--runmode", "single"], check=True, capture_output=True)
            with open(EXPECTED, "w") as f:
                f.write("[\n")
                names = names_from(os.path.join(tmp, "eve.json"))
                for i in range(0, 256, 8):
                    f.write("  " + ", ".join(json.dumps(n) for n in names[i:i + 8])
                            + (",\n" if i + 8 < 256 else "\n"))
                f.write("]\n")
            print(f"recorded {EXPECTED}")
            return 0
        subprocess.run([args.sekimori, "-r", cap, "-l", tmp, "--runmode", "single", "--quiet"],
                       check=True)
        got = names_from(os.path.join(tmp, "eve.json"))
    with open(EXPECTED) as f:
        want = json.load(f)
    bad = [(n, got[n], want[n]) for n in range(256) if got[n] != want[n]]
    for n, g, w in bad[:20]:
        print(f"protocol {n}: sekimori writes {g!r}, Suricata {w!r}")
    if bad:
        print(f"{len(bad)} of 256 protocol names differ")
        return 1
    print("256 protocol names as Suricata writes them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
