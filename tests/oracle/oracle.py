#!/usr/bin/python3
"""oracle.py: compares sekimori's EVE flow records with flows rebuilt from tshark's dissection.

For each capture, tshark lists every frame's VLAN tags, addresses, transport and ports; the
frames are summed per bidirectional flow key (packets and captured bytes per direction) and
compared with sekimori's "flow" records summed per the same key. IP fragments are placed by a
second tshark pass with reassembly on: each completed datagram counts once, with the length the
engines give it, and fragments count nowhere (as in sekimori and Suricata). Frames where Suricata's
rules and tshark's view legitimately differ are excluded, and with them every key they touch on
both sides; tests/oracle/README.md explains the fragment model and each exclusion.

usage: tests/oracle/oracle.py [--sekimori PATH] [--sample N/M] [--all] [--jobs J] [CAPTURE ...]
Exit status: 0 when every compared capture is EQUAL, 1 when any is DIFF or ERROR, 2 on usage.
"""

import argparse
import concurrent.futures
import hashlib
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Link types sekimori decodes (src/core/packet.h LINKTYPE_*, src/decode/decode.c: DLT_RAW is 12
# or 14 on some systems, Cisco HDLC 104). --dlts overrides.
SUPPORTED_DLTS = {0, 1, 9, 12, 14, 101, 104, 108, 113, 228, 229, 276}

AGG = "\x1f"  # tshark's separator between occurrences of one field in a frame

FIELDS = [
    "frame.number", "frame.cap_len", "frame.len", "frame.protocols",
    "vlan.id", "ieee8021ad.id",
    "ip.src", "ip.dst", "ip.flags.mf", "ip.frag_offset",
    "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "tcp.flags",
    "udp.srcport", "udp.dstport",
    "sctp.srcport", "sctp.dstport",
    "icmp.type", "icmpv6.type",
    "_ws.malformed", "_ws.expert.severity", "_ws.expert.message",
]
F = {name: i for i, name in enumerate(FIELDS)}

FIELD_OPTS = ["-T", "fields", "-E", "separator=/t", "-E", "aggregator=" + AGG, "-E", "quote=n",
              "-E", "header=n"]
TSHARK_CMD = ["tshark", "-n", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
              "-o", "tcp.desegment_tcp_streams:FALSE"] + FIELD_OPTS
for _f in FIELDS:
    TSHARK_CMD += ["-e", _f]

# The second pass, run only on captures with fragments: tshark reassembles IP datagrams as
# sekimori and Suricata do, and shows each datagram on the frame that completed it. The same
# FIELDS come first (so frame_layers reads a row of either pass), then what places fragments in
# their datagram and sizes the datagram.
DEFRAG_FIELDS = FIELDS + [
    "ip.len", "ip.hdr_len", "ipv6.plen",
    "ipv6.hopopts.len_oct", "ipv6.routing.len_oct", "ipv6.dstopts.len_oct",
    "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
    "ip.fragment", "ipv6.fragment", "ip.reassembled.length", "ipv6.reassembled.length",
    "ip.fragment.overlap", "ipv6.fragment.overlap",
    "ip.fragment.overlap.conflict", "ipv6.fragment.overlap.conflict",
    "ip.fragment.multipletails", "ipv6.fragment.multipletails",
    "ip.fragment.toolongfragment", "ipv6.fragment.toolongfragment",
    "ip.fragment.error", "ipv6.fragment.error",
    "eth.padding", "eth.trailer", "eth.fcs",
]
D = {name: i for i, name in enumerate(DEFRAG_FIELDS)}
TSHARK_DEFRAG_CMD = ["tshark", "-n", "-o", "ip.defragment:TRUE", "-o", "ipv6.defragment:TRUE",
                     "-o", "tcp.desegment_tcp_streams:FALSE"] + FIELD_OPTS
for _f in DEFRAG_FIELDS:
    TSHARK_DEFRAG_CMD += ["-e", _f]

# Protocol names of frame.protocols that may stand between the start of a frame and its first
# IP header for the frame to count: what sekimori (like Suricata) decodes on the way to IP.
L2_OK = {"eth", "ethertype", "vlan", "ieee8021ad", "mpls", "pppoes", "ppp", "sll", "null",
         "raw", "ip", "ipv6", "frame", "loop", "chdlc"}
# Layers up to and including transport: a malformed mark or a header error here means the
# packet is invalid to Suricata's decoder (no flow), whatever tshark still shows of it.
L4_AND_BELOW = {"eth", "ethertype", "vlan", "ieee8021ad", "mpls", "pppoes", "ppp", "sll",
                "null", "raw", "ip", "ipv6", "tcp", "udp", "sctp", "icmp", "icmpv6",
                "ipv6.hopopts", "ipv6.dstopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.shim6",
                "ipv6 hop-by-hop", "ipv6 routing", "ipv6 destination options",
                "internet protocol version 4", "internet protocol version 6",
                "transmission control protocol", "user datagram protocol",
                "internet control message protocol", "internet control message protocol v6",
                "stream control transmission protocol"}
# Expert errors tshark raises on IP/transport headers (the text before any "(").
HEADER_ERRORS = (
    "IPv4 total length exceeds packet length", "Bogus IP length", "Bogus IP header length",
    "Bogus IPv4 version", "Bogus IP version", "Bogus TCP header length", "Bad length value",
    "Bogus UDP length", "IPv6 payload length", "Bogus IPv6", "Bogus ICMP",
    "TCP header length", "Payload length", "Bogus SCTP", "Malformed Packet (Exception occurred)",
)
EXPERT_ERROR = 0x00800000

ICMP4_ERRORS = {3, 4, 5, 11, 12, 31}
ICMP6_ERRORS = {1, 2, 3, 4}

TRANSPORT = {"tcp": "TCP", "udp": "UDP", "sctp": "SCTP", "icmp": "ICMP", "icmpv6": "IPv6-ICMP"}
COMPARED_PROTOS = set(TRANSPORT.values())


def norm_addr(text):
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text


def split_multi(value):
    return value.split(AGG) if value else []


def pair_of(a, b):
    return (a, b) if a <= b else (b, a)


def ordered(src, dst):
    """The two endpoints (address, port or None) in a fixed order."""
    return tuple(sorted([src, dst], key=lambda e: (e[0], e[1] if e[1] is not None else -1)))


# ---------------------------------------------------------------------------------------------
# Captures: the list, link types, sample selection


def shared_dir(args):
    return os.path.abspath(args.shared or os.environ.get("SEKIMORI_SHARED")
                           or os.path.join(ROOT, "..", "shared"))


def read_manifest(shared):
    """{relative path: (link type text, packets)} of pcaps/manifest.tsv."""
    path = os.path.join(shared, "pcaps", "manifest.tsv")
    out = {}
    with open(path) as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5 or cols[0] == "path":
                continue
            out[cols[0]] = (cols[3], cols[4])
    return out


def manifest_captures(shared):
    """Absolute paths of every capture of the manifest except the packed IPv6 corpus."""
    man = read_manifest(shared)
    return sorted(os.path.join(shared, "pcaps", p) for p in man
                  if not p.endswith((".tar.xz", ".tsv", ".md", ".txt")))


def in_sample(path, shared, n, m):
    """Stable selection: by a hash of the path inside shared/, so adding captures keeps the rest."""
    rel = os.path.relpath(path, shared)
    return int(hashlib.sha256(rel.encode()).hexdigest()[:8], 16) % m == n


def file_dlt(path):
    """Link type of a classic pcap or the first interface of a pcapng file; None if unknown."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if len(head) < 24:
        return None
    magic = head[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        return int.from_bytes(head[20:24], "little") & 0x0FFFFFFF
    if magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        return int.from_bytes(head[20:24], "big") & 0x0FFFFFFF
    if magic == b"\x0a\x0d\x0d\x0a":
        order = "little" if head[8:12] == b"\x4d\x3c\x2b\x1a" else "big"
        shb_len = int.from_bytes(head[4:8], order)
        idb = head[shb_len:shb_len + 16]
        if len(idb) >= 10 and int.from_bytes(idb[0:4], order) == 1:
            return int.from_bytes(idb[8:10], order)
    return None


# ---------------------------------------------------------------------------------------------
# tshark, cached per capture content


_tshark_version = None
_version_lock = threading.Lock()


def tshark_version():
    global _tshark_version
    with _version_lock:
        if _tshark_version is None:
            out = subprocess.run(["tshark", "-v"], capture_output=True, text=True)
            _tshark_version = out.stdout.splitlines()[0] if out.stdout else "unknown"
        return _tshark_version


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tshark_rows(path, cache_dir, cmd=None, fields=None):
    """(rows, error): rows are lists of values of fields (FIELDS unless given, cmd being the
    tshark command that lists them); error is tshark's complaint when it could read nothing at
    all."""
    cmd = cmd or TSHARK_CMD
    nfields = len(fields or FIELDS)
    recipe = hashlib.sha256((tshark_version() + "\0" + "\0".join(cmd)).encode())
    key = hashlib.sha256((file_sha256(path) + recipe.hexdigest()).encode()).hexdigest()
    cached = os.path.join(cache_dir, key[:2], key + ".tsv")
    if os.path.exists(cached):
        with open(cached, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    else:
        proc = subprocess.run(cmd + ["-r", path], capture_output=True,
                              env=dict(os.environ, LC_ALL="C"))
        text = proc.stdout.decode("utf-8", errors="replace")
        if proc.returncode != 0 and not text:
            err = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
            err = [e for e in err if "dangerous" not in e]
            text = "#ERROR\t" + (err[-1] if err else "exit %d" % proc.returncode) + "\n"
        os.makedirs(os.path.dirname(cached), exist_ok=True)
        tmp = cached + ".%d.tmp" % os.getpid() + str(threading.get_ident())
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, cached)
    if text.startswith("#ERROR\t"):
        return [], text.split("\t", 1)[1].strip()
    rows = []
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) < nfields:
            cols += [""] * (nfields - len(cols))
        rows.append(cols)
    return rows, None


# ---------------------------------------------------------------------------------------------
# The oracle's flows


class Flows:
    """Per key: endpoint order (initiator first), counts per direction, first TCP flags."""

    def __init__(self):
        self.keys = {}        # key -> [initiator endpoint, [pkts, pkts], [bytes, bytes], syn]
        self.frames = {}      # key -> frame numbers
        self.excluded = {}    # address pair -> reason
        self.reasons = {}     # reason -> frames
        self.other = 0        # frames with IP but another transport (not compared)
        self.non_ip = 0
        self.undissected = 0  # frames tshark stopped on with an error before any IP layer
        self.datagrams = 0    # reassembled datagrams counted
        self.too_large = 0    # datagrams tshark completed past 65,535 bytes (counted nowhere)
        self.fragment_frames = set()  # fragment frames placed by the reassembling pass
        self.in_datagrams = set()     # frames of the datagrams tshark completed

    def incomplete(self):
        """Fragments of datagrams that never completed: they count nowhere."""
        return len(self.fragment_frames - self.in_datagrams)

    def exclude(self, addrs, reason):
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        for a, b in addrs:
            self.excluded.setdefault(pair_of(a, b), reason)

    def count(self, key, sender, nbytes, syn_first, frame=None):
        if frame is not None:
            self.frames.setdefault(key, []).append(frame)
        entry = self.keys.get(key)
        if entry is None:
            entry = [sender, [0, 0], [0, 0], syn_first]
            self.keys[key] = entry
        d = 0 if sender == entry[0] else 1
        entry[1][d] += 1
        entry[2][d] += nbytes


def frame_layers(row):
    """The frame's protocol path with the values of each occurrence attached:
    (l2 names before the first IP, vlan ids outer first, [IP layer dicts])."""
    tokens = row[F["frame.protocols"]].split(":")
    vals = {name: split_multi(row[F[name]]) for name in (
        "vlan.id", "ieee8021ad.id", "ip.src", "ip.dst", "ip.flags.mf", "ip.frag_offset",
        "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport",
        "udp.dstport", "sctp.srcport", "sctp.dstport", "icmp.type", "icmpv6.type")}
    idx = {}

    def take(name):
        i = idx.get(name, 0)
        idx[name] = i + 1
        seq = vals[name]
        return seq[i] if i < len(seq) else None

    l2, vlans, layers = [], [], []
    for tok in tokens:
        if tok in ("ip", "ipv6"):
            v6 = tok == "ipv6"
            layer = {"v6": v6, "l4": None, "frag": False, "after": None}
            if v6:
                layer["src"], layer["dst"] = take("ipv6.src"), take("ipv6.dst")
            else:
                layer["src"], layer["dst"] = take("ip.src"), take("ip.dst")
                mf, off = take("ip.flags.mf"), take("ip.frag_offset")
                layer["frag"] = (mf not in (None, "0", "False")) or (off not in (None, "0"))
            layers.append(layer)
            continue
        if not layers:
            l2.append(tok)
            if tok == "vlan":
                vlans.append(take("vlan.id"))
            elif tok == "ieee8021ad":
                vlans.append(take("ieee8021ad.id"))
            continue
        cur = layers[-1]
        if tok == "ipv6.fraghdr":
            cur["frag"] = True
        elif tok in TRANSPORT and cur["l4"] is None:
            cur["l4"] = tok
            if tok in ("tcp", "udp", "sctp"):
                cur["sport"], cur["dport"] = take(tok + ".srcport"), take(tok + ".dstport")
                if tok == "tcp":
                    cur["flags"] = take("tcp.flags")
            else:
                cur["type"] = take(tok + ".type")
        elif cur["l4"] is not None and cur["after"] is None:
            cur["after"] = tok
    return l2, vlans, layers


def header_error(row, tokens):
    """Why tshark shows this frame's IP/transport headers as broken, or None."""
    for mark in split_multi(row[F["_ws.malformed"]]):
        # "[Malformed Packet: TCP]": the layer that ran out of bytes.
        name = mark.strip("[]").split(":", 1)[-1].strip().lower()
        if name in L4_AND_BELOW:
            return "tshark: malformed " + name
    if "_ws.malformed" in tokens:
        before = tokens[tokens.index("_ws.malformed") - 1] if tokens.index("_ws.malformed") else ""
        if before in L4_AND_BELOW:
            return "tshark: malformed " + before
    sev = split_multi(row[F["_ws.expert.severity"]])
    msgs = split_multi(row[F["_ws.expert.message"]])
    for i, msg in enumerate(msgs):
        try:
            level = int(sev[i]) if i < len(sev) else 0
        except ValueError:
            level = 0
        if level >= EXPERT_ERROR and msg.startswith(HEADER_ERRORS):
            if msg.startswith("Malformed Packet"):
                continue  # placed by the malformed check above
            return "tshark: " + msg.split("(")[0].strip()
    return None


def has_fragments(rows):
    """Whether any frame of the first pass carries an IPv4 fragment or an IPv6 Fragment header:
    only then is the second (reassembling) pass run."""
    for row in rows:
        if "ipv6.fraghdr" in row[F["frame.protocols"]]:
            return True
        if any(v not in ("0", "False") for v in split_multi(row[F["ip.flags.mf"]])):
            return True
        if any(v != "0" for v in split_multi(row[F["ip.frag_offset"]])):
            return True
    return False


def first_int(drow, name):
    vals = split_multi(drow[D[name]])
    try:
        return int(vals[0]) if vals else None
    except ValueError:
        return None


def is_set(drow, name):
    return any(v not in ("", "0", "False") for v in split_multi(drow[D[name]]))


IPV6_UNFRAG = {"ipv6.hopopts": "ipv6.hopopts.len_oct", "ipv6.routing": "ipv6.routing.len_oct",
               "ipv6.dstopts": "ipv6.dstopts.len_oct"}


def head_sizes(drow, v6):
    """(link header bytes, IP header bytes) of a datagram's offset-0 fragment, or None: what
    sekimori and Suricata put in front of the reassembled payload. The link header is the frame
    less its IP packet and any Ethernet padding, trailer or FCS; the IP header is IPv4's own or,
    for IPv6, the fixed header and the extension headers before the Fragment header (the
    Fragment header itself is not part of the datagram)."""
    try:
        cap = int(drow[D["frame.cap_len"]])
    except ValueError:
        return None
    trail = 0
    for name in ("eth.padding", "eth.trailer"):
        for v in split_multi(drow[D[name]]):
            trail += len(v.replace(":", "")) // 2
    if drow[D["eth.fcs"]]:
        trail += 4
    if v6:
        plen = first_int(drow, "ipv6.plen")
        tokens = drow[D["frame.protocols"]].split(":")
        if plen is None or "ipv6" not in tokens or "ipv6.fraghdr" not in tokens:
            return None
        ext, seen = 0, {}
        for tok in tokens[tokens.index("ipv6") + 1:tokens.index("ipv6.fraghdr")]:
            name = IPV6_UNFRAG.get(tok)
            if name is None:
                return None
            i = seen.get(name, 0)
            seen[name] = i + 1
            vals = split_multi(drow[D[name]])
            if i >= len(vals) or not vals[i].isdigit():
                return None
            ext += int(vals[i])
        ip_bytes, ip_hdr = 40 + plen, 40 + ext
    else:
        ip_bytes, ip_hdr = first_int(drow, "ip.len"), first_int(drow, "ip.hdr_len")
        if ip_bytes is None or ip_hdr is None:
            return None
    link = cap - trail - ip_bytes
    return (link, ip_hdr) if link >= 0 else None


def fragment_datagram(fl, fno, v6, drows, addrs):
    """For a fragment frame: (the second pass's row of the datagram it completes, the datagram's
    length as sekimori and Suricata count it, or None for the frame's own length: an atomic
    fragment), or None when the frame counts nowhere itself
    (its datagram completes in another frame, or never) or its pair is excluded."""
    drow = drows.get(fno)
    if drow is None:
        fl.exclude(addrs, "fragment (not in tshark's reassembling pass)")
        return None
    pre = "ipv6." if v6 else "ip."
    parts = [int(v) for v in split_multi(drow[D[pre + "fragment"]]) if v.isdigit()]
    if v6 and first_int(drow, "ipv6.fraghdr.offset") == 0 and \
            not is_set(drow, "ipv6.fraghdr.more"):
        # An atomic fragment (offset 0, no more to come) is a whole packet: decoded on, counted
        # as captured (sekimori, Suricata and tshark alike).
        return drow, None
    fl.fragment_frames.add(fno)
    if not parts:
        return None  # a datagram's part (tshark's one pass names its datagram only later) or not
    fl.in_datagrams.update(parts)
    # tshark completed a datagram on this frame. Overlapping IPv6 fragments make its existence
    # the destination's policy (sekimori drops the datagram under the policies modelled on
    # RFC 5722 stacks, keeps it under others; Suricata keeps it). Overlapping IPv4 fragments
    # change its bytes, not its count or length: modelled. tshark's own errors (a conflicting
    # overlap, two ends, data past the end) mean it gave up or guessed.
    if v6 and (is_set(drow, "ipv6.fragment.overlap")
               or is_set(drow, "ipv6.fragment.overlap.conflict")):
        fl.exclude(addrs, "overlapping fragments")
        return None
    for err in ("fragment.multipletails", "fragment.toolongfragment", "fragment.error"):
        if drow[D[pre + err]]:
            fl.exclude(addrs, "tshark: " + err.replace(".", " "))
            return None
    offset_field = "ipv6.fraghdr.offset" if v6 else "ip.frag_offset"
    heads = [p for p in parts if p in drows and first_int(drows[p], offset_field) == 0]
    sizes = head_sizes(drows[heads[0]], v6) if heads else None
    total = first_int(drow, pre + "reassembled.length")
    if sizes is None or total is None:
        fl.exclude(addrs, "fragment: datagram not sized")
        return None
    if (sizes[1] - 40 if v6 else sizes[1]) + total > 65535:
        # Beyond what an IP length field can say: tshark shows it, sekimori and Suricata drop
        # the fragment that would make it (ipv4/ipv6.frag_pkt_too_large).
        fl.too_large += 1
        return None
    fl.datagrams += 1
    return drow, sizes[0] + sizes[1] + total


def build_flows(rows, drows=None):
    """The oracle's flows from the first pass's rows; drows, the second pass's rows by frame
    number, place fragments: each completed datagram counts once, on the frame that completed
    it, its fragments nowhere (as sekimori and Suricata, whose fragments carry no flow)."""
    fl = Flows()
    drows = drows or {}
    for row in rows:
        tokens = row[F["frame.protocols"]].split(":")
        l2, vlans, layers = frame_layers(row)
        if not layers:
            fl.non_ip += 1
            sev = split_multi(row[F["_ws.expert.severity"]])
            if any(v.isdigit() and int(v) >= EXPERT_ERROR for v in sev) or \
                    "_ws.malformed" in tokens:
                fl.undissected += 1
            continue
        addrs = [(norm_addr(ly["src"]), norm_addr(ly["dst"])) for ly in layers
                 if ly["src"] and ly["dst"]]
        if not addrs:
            fl.non_ip += 1  # an IP header too broken for tshark to show addresses
            continue
        if len(layers) > 1:
            first = layers[0]
            kind = ("icmp error" if first["l4"] in ("icmp", "icmpv6") else
                    "tunnel/encapsulated IP")
            fl.exclude(addrs, kind)
            continue
        ly = layers[0]
        bad_l2 = [t for t in l2 if t not in L2_OK]
        if bad_l2:
            fl.exclude(addrs, "link path not decoded like Suricata: " + bad_l2[0])
            continue
        if "mpls" in l2 and "ppp" in l2:
            fl.exclude(addrs, "MPLS over PPP")
            continue
        if l2.count("eth") > 1:
            fl.exclude(addrs, "Ethernet inside Ethernet (pseudowire)")
            continue
        if len(vlans) > 3:
            fl.exclude(addrs, "more than 3 VLAN tags")
            continue
        fno = row[F["frame.number"]]
        fno = int(fno) if fno.isdigit() else None
        # A fragment's header errors are read in the reassembling pass: there a fragment shows
        # its IP header only, and the transport is checked once, in the datagram (the first pass
        # dissects a first fragment's transport from a part of it).
        frag_row = drows.get(fno) if ly["frag"] else None
        err = header_error(frag_row or row, tokens if frag_row is None else
                           frag_row[F["frame.protocols"]].split(":"))
        if err:
            fl.exclude(addrs, err)
            continue
        try:
            cap_len, wire_len = int(row[F["frame.cap_len"]]), int(row[F["frame.len"]])
        except ValueError:
            fl.exclude(addrs, "tshark: no frame length")
            continue
        if cap_len < wire_len:
            fl.exclude(addrs, "frame cut by snaplen")
            continue
        if ly["frag"]:
            got = fragment_datagram(fl, fno, ly["v6"], drows, addrs)
            if got is None:
                continue
            drow, nbytes = got
            cap_len = cap_len if nbytes is None else nbytes
            _, _, dlayers = frame_layers(drow)
            if len(dlayers) != 1:
                kind = ("icmp error" if dlayers and dlayers[0]["l4"] in ("icmp", "icmpv6") else
                        "tunnel/encapsulated IP")
                fl.exclude(addrs, kind)
                continue
            ly = dlayers[0]
        l4 = ly["l4"]
        if l4 is None:
            fl.other += 1
            continue
        if l4 in ("icmp", "icmpv6"):
            try:
                itype = int(ly.get("type") or -1)
            except ValueError:
                itype = -1
            if itype < 0:
                fl.exclude(addrs, "tshark: no ICMP type")
                continue
            if (l4 == "icmp" and itype in ICMP4_ERRORS) or (l4 == "icmpv6" and itype in ICMP6_ERRORS):
                fl.exclude(addrs, "icmp error")
                continue
            src, dst = (norm_addr(ly["src"]), None), (norm_addr(ly["dst"]), None)
            syn_first = False
        else:
            if ly.get("sport") is None or ly.get("dport") is None:
                fl.exclude(addrs, "tshark: no ports")
                continue
            src = (norm_addr(ly["src"]), int(ly["sport"]))
            dst = (norm_addr(ly["dst"]), int(ly["dport"]))
            flags = ly.get("flags") or "0"
            try:
                fv = int(flags, 16)
            except ValueError:
                fv = 0
            syn_first = l4 == "tcp" and (fv & 0x12) == 0x02
        vlan_key = tuple(int(v) for v in vlans if v is not None and v.isdigit())
        key = (vlan_key, TRANSPORT[l4]) + ordered(src, dst)
        fl.count(key, src, cap_len, syn_first, fno)
    return fl


# ---------------------------------------------------------------------------------------------
# sekimori's flows


def eve_flows(lines, rejected=None):
    """(per key: {endpoint: [pkts, bytes]} sent by that endpoint, first src, first start),
    count of records of other protocols. rejected, when given, collects pcap_cnt -> event of
    the packets sekimori raised a decoder anomaly on."""
    out = {}
    other = 0
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if rejected is not None and '"anomaly"' in line:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            an = rec.get("anomaly", {})
            if an.get("type") == "decode" and "pcap_cnt" in rec:
                rejected.setdefault(rec["pcap_cnt"], an.get("event", "?"))
            continue
        if '"flow"' not in line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if rec.get("event_type") != "flow":
            continue
        proto = rec.get("proto")
        if proto not in COMPARED_PROTOS:
            other += 1
            continue
        fl = rec.get("flow", {})
        if proto in ("ICMP", "IPv6-ICMP"):
            src = (norm_addr(rec.get("src_ip", "")), None)
            dst = (norm_addr(rec.get("dest_ip", "")), None)
        else:
            src = (norm_addr(rec.get("src_ip", "")), rec.get("src_port"))
            dst = (norm_addr(rec.get("dest_ip", "")), rec.get("dest_port"))
        vlan = tuple(rec.get("vlan", []) or [])
        key = (vlan, proto) + ordered(src, dst)
        entry = out.setdefault(key, {"ep": {}, "first": None, "start": None, "n": 0})
        for ep, p, b in ((src, fl.get("pkts_toserver", 0), fl.get("bytes_toserver", 0)),
                         (dst, fl.get("pkts_toclient", 0), fl.get("bytes_toclient", 0))):
            cnt = entry["ep"].setdefault(ep, [0, 0])
            cnt[0] += p
            cnt[1] += b
        start = fl.get("start", "")
        if entry["start"] is None or start < entry["start"]:
            entry["start"], entry["first"] = start, src
        entry["n"] += 1
    return out, other


def read_eve(path):
    if path.endswith(".zst"):
        proc = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True)
        return proc.stdout.decode("utf-8", errors="replace").splitlines()
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.readlines()


def run_sekimori(binary, capture, extra, timeout):
    """(eve lines, error text or None)."""
    outdir = tempfile.mkdtemp(prefix="oracle-")
    try:
        cmd = [binary, "-r", capture, "-l", outdir, "--quiet"] + extra
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return [], "timed out after %ds" % timeout
        err = proc.stderr.decode("utf-8", errors="replace")
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in err:
                line = next(l for l in err.splitlines() if marker in l)
                return [], "sanitizer: " + line.strip()[:200]
        if proc.returncode != 0:
            tail = err.strip().splitlines()[-1:] if err.strip() else []
            return [], "exit status %d%s" % (proc.returncode, (": " + tail[0][:200]) if tail else "")
        eve = os.path.join(outdir, "eve.json")
        if not os.path.exists(eve):
            return [], "no eve.json written"
        return read_eve(eve), None
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Comparison


def fmt_key(key):
    vlan, proto, a, b = key
    def ep(e):
        return e[0] if e[1] is None else "%s:%s" % e
    return "%s%s %s <-> %s" % ("vlan%s " % list(vlan) if vlan else "", proto, ep(a), ep(b))


def compare(fl, eve, eve_other, rejected=None):
    """(verdict, details list, stats dict)."""
    def excluded(key):
        return pair_of(key[2][0], key[3][0]) in fl.excluded

    # A key sekimori has no flow for, where sekimori raised a decoder anomaly on every one of
    # its frames, is a packet Suricata's decoder rejects (an IPv4 total length of 0 under TSO,
    # an IPv6 jumbogram's zero payload length...) while tshark decodes it: excluded, with the
    # event as the reason.
    for key, frames in fl.frames.items():
        if key in eve or excluded(key) or not rejected or not frames:
            continue
        if all(f in rejected for f in frames):
            fl.exclude([(key[2][0], key[3][0])],
                       "rejected by the decoder: " + rejected[frames[0]])

    diffs = []
    dir_notes = 0
    compared = 0
    ours = {k: v for k, v in fl.keys.items() if not excluded(k)}
    theirs = {k: v for k, v in eve.items() if not excluded(k)}
    for key in sorted(ours, key=str):
        init, pkts, nbytes, syn_first = ours[key]
        resp = key[3] if key[2] == init else key[2]
        compared += 1
        got = theirs.get(key)
        if got is None:
            diffs.append("missing in sekimori: %s (toserver %d/%dB toclient %d/%dB)" % (
                fmt_key(key), pkts[0], nbytes[0], pkts[1], nbytes[1]))
            continue
        g_init = got["ep"].get(init, [0, 0])
        g_resp = got["ep"].get(resp, [0, 0])
        if init == resp:
            # Both ends are one endpoint (same address, same port): only totals compare.
            want = (pkts[0] + pkts[1], 0, nbytes[0] + nbytes[1], 0)
            have = (g_init[0], 0, g_init[1], 0)
        else:
            want = (pkts[0], pkts[1], nbytes[0], nbytes[1])
            have = (g_init[0], g_resp[0], g_init[1], g_resp[1])
        if want != have:
            diffs.append("counts differ: %s: tshark pkts %d/%d bytes %d/%d, sekimori pkts %d/%d "
                         "bytes %d/%d" % ((fmt_key(key),) + want + have))
        elif got["first"] != init:
            if syn_first:
                diffs.append("direction: %s: first packet is a SYN from %s, sekimori's src is "
                             "%s" % (fmt_key(key), init[0], got["first"][0]))
            else:
                dir_notes += 1
    extra = sorted(set(theirs) - set(ours), key=str)
    extra_pkts = sum(c[0] for k in extra for c in theirs[k]["ep"].values())
    tolerated = 0
    if extra and extra_pkts <= fl.undissected:
        # tshark gave up on that many frames before IP (e.g. an IPv4 packet under the raw IPv6
        # link type, which Suricata decodes by its version nibble): sekimori's flows of them
        # cannot be checked, nor called wrong.
        tolerated, extra = len(extra), []
    for key in extra:
        ep = theirs[key]["ep"]
        diffs.append("extra in sekimori: %s (%s)" % (
            fmt_key(key), ", ".join("%s sent %d/%dB" % (e[0], c[0], c[1]) for e, c in ep.items())))
    stats = {"keys": compared, "dir_notes": dir_notes, "eve_other": eve_other,
             "tolerated": tolerated,
             "excluded_keys": len(fl.keys) - len(ours) + len(eve) - len(theirs)}
    if diffs:
        return "DIFF", diffs, stats
    if compared == 0 and (not theirs or tolerated):
        return "EXCLUDED", [], stats
    return "EQUAL", [], stats


def reasons_text(fl):
    if not fl.reasons:
        return ""
    parts = sorted(fl.reasons.items(), key=lambda kv: -kv[1])
    return ", ".join("%s %d" % (r, n) for r, n in parts[:4]) + (" ..." if len(parts) > 4 else "")


class Job:
    def __init__(self, path, dlt_text=None):
        self.path = path
        self.dlt_text = dlt_text


def check_one(job, args, cache_dir):
    """(verdict, reason/summary text, details)."""
    path = job.path
    if not os.path.exists(path):
        return "EXCLUDED", "capture absent", []
    dlt = file_dlt(path)
    if dlt is None:
        return "EXCLUDED", "not a pcap/pcapng file sekimori reads", []
    if dlt not in args.dlts:
        return "EXCLUDED", "link type %d not decoded by sekimori" % dlt, []
    rows, terr = tshark_rows(path, cache_dir)
    if terr is not None:
        return "EXCLUDED", "tshark cannot read it: " + terr[:120], []
    drows = None
    if has_fragments(rows):
        dr, derr = tshark_rows(path, cache_dir, TSHARK_DEFRAG_CMD, DEFRAG_FIELDS)
        if derr is not None:
            return "EXCLUDED", "tshark cannot reassemble it: " + derr[:120], []
        drows = {int(r[D["frame.number"]]): r for r in dr if r[D["frame.number"]].isdigit()}
    fl = build_flows(rows, drows)
    if args.eve:
        lines, serr = read_eve(args.eve), None
    else:
        lines, serr = run_sekimori(args.sekimori, path, args.sekimori_arg, args.timeout)
    if serr is not None:
        return "ERROR", "sekimori: " + serr, []
    rejected = {}
    eve, eve_other = eve_flows(lines, rejected)
    verdict, diffs, st = compare(fl, eve, eve_other, rejected)
    summary = "%d keys" % st["keys"]
    if st["tolerated"]:
        summary += ", %d extra in sekimori from frames tshark could not dissect" % st["tolerated"]
    if st["dir_notes"]:
        summary += ", %d with sekimori's direction not the first packet's" % st["dir_notes"]
    if fl.datagrams:
        summary += ", %d reassembled datagrams (%d fragments)" % (
            fl.datagrams, len(fl.in_datagrams))
    if fl.too_large:
        summary += ", %d datagrams too large" % fl.too_large
    if fl.incomplete():
        summary += ", %d fragments in no completed datagram" % fl.incomplete()
    if fl.reasons:
        summary += "; excluded: " + reasons_text(fl)
    if verdict == "EXCLUDED" and st["tolerated"]:
        summary = ("no comparable flow (sekimori's %d flows come from frames tshark could not "
                   "dissect)" % st["tolerated"])
    elif verdict == "EXCLUDED":
        frag = ", ".join(t for t in (
            "%d datagrams too large" % fl.too_large if fl.too_large else "",
            "%d fragments in no completed datagram" % fl.incomplete()
            if fl.incomplete() else "") if t)
        summary = "no comparable flow (" + (reasons_text(fl) or frag or
                                            "%d non-IP frames, %d other-protocol" % (
                                                fl.non_ip, fl.other)) + ")"
    return verdict, summary, diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("captures", nargs="*", help="capture files to check")
    ap.add_argument("--sekimori", default=os.path.join(ROOT, "build", "sekimori"))
    ap.add_argument("--sekimori-arg", action="append", default=[],
                    help="extra argument for sekimori (repeatable)")
    ap.add_argument("--eve", help="compare this EVE file (.json or .json.zst) instead of running "
                    "sekimori (one capture; e.g. to check the oracle against Suricata's output)")
    ap.add_argument("--sample", help="N/M: the fixed N-th of M parts of the shared corpus")
    ap.add_argument("--all", action="store_true",
                    help="smoke.pcap and every capture of the shared corpus")
    ap.add_argument("--shared", help="the shared folder (default: ../shared of the project)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dlts", type=lambda t: {int(x) for x in t.split(",")},
                    default=SUPPORTED_DLTS, help="link types sekimori decodes (comma-separated)")
    ap.add_argument("--cache-dir", default=os.environ.get(
        "SEKIMORI_ORACLE_CACHE", os.path.join(ROOT, "build", "oracle-cache")))
    ap.add_argument("--timeout", type=int, default=300, help="seconds per sekimori run")
    ap.add_argument("--show", type=int, default=5, help="differing keys shown per capture")
    ap.add_argument("--verbose", "-v", action="store_true", help="also list EXCLUDED captures")
    args = ap.parse_args()

    shared = shared_dir(args)
    paths = [os.path.abspath(p) for p in args.captures]
    if args.all or args.sample:
        if not os.path.isdir(os.path.join(shared, "pcaps")):
            print("oracle: SKIP: %s/pcaps absent" % shared)
            return 0
        corpus = manifest_captures(shared)
        if args.all:
            paths.append(os.path.join(shared, "bench", "smoke.pcap"))
            paths += corpus
        else:
            try:
                n, m = (int(x) for x in args.sample.split("/"))
                assert 0 <= n < m
            except (ValueError, AssertionError):
                ap.error("--sample wants N/M with 0 <= N < M")
            paths += [p for p in corpus if in_sample(p, shared, n, m)]
    if not paths:
        ap.error("no capture given (positional, --sample or --all)")
    if args.eve and len(paths) != 1:
        ap.error("--eve compares one capture")
    if not args.eve and not os.access(args.sekimori, os.X_OK):
        print("oracle: ERROR: no sekimori binary at %s" % args.sekimori)
        return 1
    if shutil.which("tshark") is None:
        print("oracle: SKIP: tshark not installed (tools/setup.sh installs it)")
        return 0
    os.makedirs(args.cache_dir, exist_ok=True)

    counts = {"EQUAL": 0, "DIFF": 0, "ERROR": 0, "EXCLUDED": 0}
    lock = threading.Lock()

    def show(path, result):
        verdict, summary, diffs = result
        with lock:
            counts[verdict] += 1
            if verdict == "EXCLUDED" and not args.verbose and len(paths) > 1:
                return
            name = os.path.relpath(path, shared) if path.startswith(shared) else path
            print("%-8s %s: %s" % (verdict, name, summary), flush=True)
            for d in diffs[:args.show]:
                print("         " + d)
            if len(diffs) > args.show:
                print("         ... %d more" % (len(diffs) - args.show))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(check_one, Job(p), args, args.cache_dir): p for p in paths}
        for fut in concurrent.futures.as_completed(futs):
            try:
                res = fut.result()
            except Exception as exc:  # a bug here must not hide the other captures
                res = ("ERROR", "oracle: %s: %s" % (type(exc).__name__, exc), [])
            show(futs[fut], res)

    compared = counts["EQUAL"] + counts["DIFF"] + counts["ERROR"]
    print("oracle: %d of %d equal (%d differ, %d errors, %d excluded)" % (
        counts["EQUAL"], compared, counts["DIFF"], counts["ERROR"], counts["EXCLUDED"]))
    return 1 if counts["DIFF"] or counts["ERROR"] else 0


if __name__ == "__main__":
    sys.exit(main())
