#!/usr/bin/python3
"""bench.py: times sekimori on the benchmark capture, best of N runs, next to `cat FILE`.

Each configuration runs under /usr/bin/time -v (the whole process, start-up included) and
writes EVE to a fresh temp dir. Printed per configuration: wall seconds, packets/s, Gbit/s
(captured frame bytes), CPU seconds (user+sys), peak RSS (MiB); then the ratios to `cat` and
the speedup of 2 threads over 1. Suricata 8.0.7's figures on the same machine class are
printed beside them when the capture is bench.pcap.

usage: bench/bench.py [--sekimori PATH] [--capture FILE | --smoke] [--runs N] [--cache-dir DIR]
                      [--only single,autofp2,workers2] [--sekimori-arg ARG ...]
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.abspath(os.environ.get("SEKIMORI_SHARED", os.path.join(ROOT, "..", "shared")))
BENCH_ZST = os.path.join(SHARED, "bench", "bench.pcap.zst")
BENCH_SIZE = 119072095  # bench.pcap, per shared/bench/README.md
SMOKE = os.path.join(SHARED, "bench", "smoke.pcap")
PEER = os.path.join(SHARED, "bench", "suricata-8.0.7", "timings-summary.json")

CONFIGS = [
    ("single", ["--runmode", "single"]),
    ("autofp2", ["--runmode", "autofp", "--threads", "2"]),
    ("workers2", ["--runmode", "workers", "--threads", "2"]),
]


def unpack_bench(cache_dir):
    """bench.pcap, decompressed once; reused while its size is right."""
    out = os.path.join(cache_dir, "bench.pcap")
    if os.path.exists(out) and os.path.getsize(out) == BENCH_SIZE:
        return out
    if not os.path.exists(BENCH_ZST):
        sys.exit("bench: %s absent (shared/ not beside the project?)" % BENCH_ZST)
    os.makedirs(cache_dir, exist_ok=True)
    tmp = out + ".tmp"
    print("bench: unpacking %s -> %s" % (BENCH_ZST, out), flush=True)
    subprocess.run(["zstd", "-q", "-d", "-f", BENCH_ZST, "-o", tmp], check=True)
    if os.path.getsize(tmp) != BENCH_SIZE:
        sys.exit("bench: %s unpacked to %d bytes, want %d" % (BENCH_ZST, os.path.getsize(tmp),
                                                                BENCH_SIZE))
    os.replace(tmp, out)
    return out


def count_packets(path):
    """(packets, captured frame bytes) of a classic pcap; capinfos for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(24)
        if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            fmt = "<IIII"
        elif head[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            fmt = ">IIII"
        else:
            fmt = None
        if fmt:
            pkts = nbytes = 0
            while True:
                rec = fh.read(16)
                if len(rec) < 16:
                    break
                caplen = struct.unpack(fmt, rec)[2]
                fh.seek(caplen, 1)
                pkts += 1
                nbytes += caplen
            return pkts, nbytes
    out = subprocess.run(["capinfos", "-M", "-c", "-d", path], capture_output=True, text=True)
    pkts = int(re.search(r"Number of packets:\s+(\d+)", out.stdout).group(1))
    nbytes = int(re.search(r"Data size:\s+(\d+)", out.stdout).group(1))
    return pkts, nbytes


def time_once(cmd, stdout=subprocess.DEVNULL):
    """(wall s, cpu s, peak RSS MiB, exit status, stderr) of one run under /usr/bin/time -v."""
    with tempfile.NamedTemporaryFile(prefix="bench-time-", delete=False) as tf:
        tpath = tf.name
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", tpath] + cmd, stdout=stdout,
                              stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        with open(tpath) as fh:
            text = fh.read()
    finally:
        os.unlink(tpath)

    def grab(label):
        m = re.search(re.escape(label) + r":\s*(.+)", text)
        return m.group(1).strip() if m else "0"
    # Wall time from our own clock: time -v prints it to 10 ms only, too coarse for `cat`.
    cpu = float(grab("User time (seconds)")) + float(grab("System time (seconds)"))
    rss = int(grab("Maximum resident set size (kbytes)")) / 1024.0
    return wall, cpu, rss, proc.returncode, proc.stderr.decode(errors="replace")


def best_of(runs, make_cmd, label):
    results = []
    for i in range(runs):
        outdir = tempfile.mkdtemp(prefix="bench-eve-")
        try:
            wall, cpu, rss, rc, err = time_once(make_cmd(outdir))
            if rc != 0:
                print("bench: %s: exit status %d: %s" % (label, rc, err.strip()[-300:]))
                return None
            results.append((wall, cpu, rss))
        finally:
            shutil.rmtree(outdir, ignore_errors=True)
    # Best wall; CPU and RSS from their own best runs (each is noisy on its own).
    return (min(r[0] for r in results), min(r[1] for r in results),
            min(r[2] for r in results))


def peer_figures():
    try:
        with open(PEER) as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    summ = data.get("summary", {})
    out = {}
    for ours, theirs in (("single", "nodet_single"), ("autofp2", "nodet_autofp2")):
        if theirs in summ:
            s = summ[theirs]
            out[ours] = (s["wall_s"]["best"], s["cpu_s"]["best"], s["maxrss_mib"]["best"])
    if data.get("cat_bench_pcap_s"):
        out["cat"] = (min(data["cat_bench_pcap_s"]), None, None)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sekimori", default=os.path.join(ROOT, "build", "sekimori"))
    ap.add_argument("--capture", help="capture to time (default: bench.pcap, unpacked once)")
    ap.add_argument("--smoke", action="store_true", help="quick run on shared/bench/smoke.pcap")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cache-dir", default=os.path.join(ROOT, "build", "bench-cache"))
    ap.add_argument("--only", help="comma-separated subset of: " +
                    ",".join(c[0] for c in CONFIGS))
    ap.add_argument("--sekimori-arg", action="append", default=[],
                    help="extra argument for every sekimori run (repeatable)")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: /usr/bin/time missing (tools/setup.sh installs package 'time')")
    if args.smoke:
        capture = SMOKE
    elif args.capture:
        capture = os.path.abspath(args.capture)
    else:
        capture = unpack_bench(args.cache_dir)
    if not os.access(args.sekimori, os.X_OK):
        sys.exit("bench: no sekimori binary at %s (meson setup build && ninja -C build)" %
                 args.sekimori)
    pkts, nbytes = count_packets(capture)
    is_bench = os.path.getsize(capture) == BENCH_SIZE
    print("bench: %s: %d packets, %d frame bytes, %d file bytes; best of %d runs" % (
        capture, pkts, nbytes, os.path.getsize(capture), args.runs), flush=True)

    rows = []
    cat = best_of(args.runs, lambda outdir: ["cat", capture], "cat")
    rows.append(("cat", cat))
    wanted = set(args.only.split(",")) if args.only else None
    for label, extra in CONFIGS:
        if wanted and label not in wanted:
            continue
        res = best_of(args.runs, lambda outdir, extra=extra: (
            [args.sekimori, "-r", capture, "-l", outdir, "--quiet"] + extra + args.sekimori_arg),
            label)
        rows.append((label, res))
        print("bench: %s done" % label, flush=True)

    peer = peer_figures() if is_bench else {}
    print()
    print("%-9s %9s %12s %8s %8s %9s %9s %9s" % ("run", "wall s", "packets/s", "Gbit/s",
                                                  "CPU s", "RSS MiB", "x cat", "suricata"))
    cat_wall = cat[0] if cat else None
    figures = {}
    for label, res in rows:
        if res is None:
            print("%-9s %9s" % (label, "FAILED"))
            continue
        wall, cpu, rss = res
        wall_eff = max(wall, 1e-6)
        ratio = "%.1f" % (wall / cat_wall) if cat_wall and label != "cat" else "-"
        theirs = "%.2f s" % peer[label][0] if label in peer else "-"
        print("%-9s %9.3f %12.0f %8.3f %8.2f %9.1f %9s %9s" % (
            label, wall, pkts / wall_eff, nbytes * 8 / wall_eff / 1e9, cpu, rss, ratio, theirs))
        figures[label] = {"wall_s": wall, "cpu_s": cpu, "maxrss_mib": round(rss, 1),
                          "pps": round(pkts / wall_eff), "gbps": round(nbytes * 8 / wall_eff / 1e9, 4)}
    res = dict(rows)
    if res.get("single"):
        for label in ("autofp2", "workers2"):
            if res.get(label):
                print("speedup %s vs single: %.2fx (wall); it uses %.2fx the CPU time" % (
                    label, res["single"][0] / res[label][0], res[label][1] / res["single"][1]))
    if peer and res.get("single") and "single" in peer:
        print("vs Suricata 8.0.7 --runmode single, no rules (best wall %.2f s): %.2fx" % (
            peer["single"][0], peer["single"][0] / res["single"][0]))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"capture": capture, "packets": pkts, "frame_bytes": nbytes,
                       "runs": args.runs, "figures": figures}, fh, indent=1)
    return 0 if all(r[1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
