#!/usr/bin/python3
"""New-flow flood against steady traffic: what a packet costs in each, and the ratio.

usage: bench/flood.py [--sekimori BIN] [--runs N] [--cache-dir DIR] [--sekimori-arg ARG ...]

Two captures of 1,000,000 packets each, 54-byte Ethernet/IPv4/TCP frames 10 us apart:

  syn-flood.pcap  one SYN from each of 1,000,000 distinct sources (../shared/tools/gen-floods;
                  the same capture written here when the tool is absent)
  steady.pcap     64 established connections, ACKs each way in turn: the flow table is warm

Each runs `--runs` times in `--runmode single`, writing EVE to a fresh temp dir, twice: with the
default outputs (a flow record per flow: the flood writes a million of them) and with the EVE
log disabled (`outputs.0.eve-log.enabled=no`: the flow table's own cost). A one-packet capture
measures start-up, which is taken off before dividing by the packet count. Prints the best wall
and CPU (user + sys) time of each, ns/packet, and flood/steady per output setting. It measures;
it never fails.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

PKTS = 1_000_000
GEN_FLOODS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                          "tools", "gen-floods")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_frame(src, dst, sport, dport, seq, ack, flags):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = struct.pack("!4s4sBBH", src, dst, 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp


def write_pcap(path, frames):
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(frames):
            t = 1_700_000_000_000_000 + i * 10
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(p), len(p)) + p)
    os.replace(path + ".tmp", path)


def syn_flood(n=PKTS):
    dst = bytes([192, 0, 2, 1])
    for i in range(n):
        src = bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])
        yield tcp_frame(src, dst, 1024 + i % 60000, 80, (i * 7919) & 0xFFFFFFFF, 0, 0x02)


def steady(n=PKTS, flows=64):
    srv = bytes([192, 0, 2, 1])
    frames = {}
    for i in range(n):
        k, fwd = i % flows, (i // flows) % 2 == 0
        if (k, fwd) not in frames:
            cli = bytes([10, 0, 0, k + 1])
            frames[(k, fwd)] = (tcp_frame(cli, srv, 1024 + k, 80, 1000, 2000, 0x10) if fwd
                                else tcp_frame(srv, cli, 80, 1024 + k, 2000, 1000, 0x10))
        yield frames[(k, fwd)]


def captures(cache):
    os.makedirs(cache, exist_ok=True)
    flood = os.path.join(cache, "syn-flood.pcap")
    if not os.path.exists(flood):
        if os.path.exists(GEN_FLOODS):
            subprocess.run([sys.executable, GEN_FLOODS, cache], check=True,
                           stdout=subprocess.DEVNULL)
        else:
            write_pcap(flood, syn_flood())
    st = os.path.join(cache, "steady.pcap")
    if not os.path.exists(st):
        write_pcap(st, steady())
    one = os.path.join(cache, "one.pcap")
    if not os.path.exists(one):
        write_pcap(one, steady(1))
    return flood, st, one


def best_times(cmd, runs):
    """Best wall and best CPU (user + sys) seconds of `runs` runs: CPU time is the steadier
    figure on a shared machine, where other work stretches the wall clock."""
    best_wall = best_cpu = None
    for _ in range(runs):
        out = tempfile.mkdtemp(prefix="flood-bench-")
        try:
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd + ["-l", out], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode})")
        cpu = ru.ru_utime + ru.ru_stime
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return best_wall, best_cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", default="build/sekimori")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cache-dir", default="build/flood-cache")
    ap.add_argument("--sekimori-arg", action="append", default=[])
    a = ap.parse_args()
    flood, st, one = captures(a.cache_dir)
    base = [a.sekimori, "--quiet", "--runmode", "single"] + a.sekimori_arg
    print(f"{a.sekimori}, best of {a.runs}, {PKTS:,} packets per capture")
    print(f"{'outputs':<14} {'capture':<10} {'wall s':>7} {'ns/pkt':>7} {'cpu s':>7} {'ns/pkt':>7}")
    for label, extra in (("eve (default)", []),
                         ("eve off", ["--set", "outputs.0.eve-log.enabled=no"])):
        start = best_times(base + extra + ["-r", one], a.runs)
        per = {}
        for name, cap in (("steady", st), ("syn-flood", flood)):
            wall, cpu = best_times(base + extra + ["-r", cap], a.runs)
            per[name] = ((wall - start[0]) * 1e9 / PKTS, (cpu - start[1]) * 1e9 / PKTS)
            print(f"{label:<14} {name:<10} {wall:7.3f} {per[name][0]:7.0f} {cpu:7.3f}"
                  f" {per[name][1]:7.0f}")
        print(f"{label:<14} flood/steady: wall {per['syn-flood'][0] / per['steady'][0]:.1f}x,"
              f" cpu {per['syn-flood'][1] / per['steady'][1]:.1f}x"
              f"  (start-up {start[0] * 1e3:.1f} ms wall, {start[1] * 1e3:.1f} ms cpu taken off)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
