#!/usr/bin/python3
"""Compare sekimori run modes on a noisy machine: the modes run in turn, round after round, so
a slow minute slows all of them alike; prints the min and median wall time of each.

usage: bench/interleave.py [--rounds 15] [--sekimori build/sekimori] [--capture FILE]
                           [MODE ...]

MODE is a label, '=', and sekimori's arguments: 'single=--runmode single'. The default modes
are single, workers with 2 threads and autofp with 2 threads; the default capture is
bench.pcap unpacked by bench.py into build/bench-cache. Every run writes to a fresh directory,
so eve.json never grows across runs.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODES = [
    "single=--runmode single",
    "workers2=--runmode workers --threads 2",
    "autofp2=--runmode autofp --threads 2",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--sekimori", default=os.path.join(ROOT, "build", "sekimori"))
    ap.add_argument("--capture", default=os.path.join(ROOT, "build", "bench-cache", "bench.pcap"))
    ap.add_argument("modes", nargs="*", default=DEFAULT_MODES)
    a = ap.parse_args()
    if not os.path.exists(a.capture):
        print(f"interleave: {a.capture} missing (bench/bench.py unpacks bench.pcap there)",
              file=sys.stderr)
        return 1
    modes = []
    for m in a.modes:
        label, _, args = m.partition("=")
        modes.append((label, args.split()))
    times = {label: [] for label, _ in modes}
    with tempfile.TemporaryDirectory(prefix="interleave-") as tmp:
        out = os.path.join(tmp, "out")
        for _ in range(a.rounds):
            for label, args in modes:
                shutil.rmtree(out, ignore_errors=True)
                os.makedirs(out)
                t0 = time.perf_counter()
                subprocess.run([a.sekimori, "-r", a.capture, "-l", out, "--quiet"] + args,
                               check=True)
                times[label].append(time.perf_counter() - t0)
    base = min(times[modes[0][0]])
    base_med = statistics.median(times[modes[0][0]])
    print(f"{a.rounds} rounds, {os.path.basename(a.capture)}")
    for label, _ in modes:
        v = times[label]
        print(f"{label:10s} min {min(v) * 1e3:6.1f} ms  median {statistics.median(v) * 1e3:6.1f} ms"
              f"  ({base / min(v):.2f}x / {base_med / statistics.median(v):.2f}x "
              f"of {modes[0][0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
