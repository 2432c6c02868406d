#!/usr/bin/python3
"""The detection engine's figures with ET Open, beside stock Suricata 8.0.7.

usage: bench/detect.py [--sekimori BIN] [--suricata RUN] [--runs N] [--cache-dir DIR]

With all of ../shared/rules/et-open (one concatenated file) and bench.pcap, each row runs
`--runs` times under /usr/bin/time and prints the median wall seconds and the median peak RSS:

  T-cold        sekimori -T, an empty Vectorscan cache directory each run (everything compiled)
  T-warm        sekimori -T, the cache filled by a run before
  full-1        sekimori -r bench.pcap --runmode workers --threads 1 (warm cache, EVE on)
  full-2        the same with --threads 2
  suri-T-cold   Suricata -T with detect.sgh-mpm-caching=false      (when --suricata is given
  suri-T-warm   Suricata -T with its cache filled                    or found beside us)

and the ratios the detection issue asks for: Suricata / sekimori for -T cold and warm, and the
processing speed-up of two workers over one, where processing = full run minus the warm -T
start-up (the same rules, the same warm cache). It measures; it never fails.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def timed(cmd, env=None):
    """(wall s, peak RSS MiB, exit code) of one run of cmd."""
    fmt = "%e %M"
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        r = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", fmt] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wall, rss = tf.read().split()[-2:]
    return float(wall), int(rss) / 1024.0, r.returncode


def median_row(name, cmd, runs, before=None):
    walls, rsss, codes = [], [], set()
    for _ in range(runs):
        if before:
            before()
        w, m, c = timed(cmd)
        walls.append(w)
        rsss.append(m)
        codes.add(c)
    w, m = statistics.median(walls), statistics.median(rsss)
    note = "" if codes == {0} else "  (exit codes %s)" % sorted(codes)
    print("%-12s %7.2f s  %7.1f MiB   (min %.2f, max %.2f)%s" % (name, w, m, min(walls),
                                                               max(walls), note))
    return w, m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", default=os.path.join(ROOT, "build", "sekimori"))
    ap.add_argument("--suricata", default=os.path.join(SHARED, "suricata-8.0.7-bin", "run"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cache-dir", default=os.path.join(ROOT, "build", "bench-cache"))
    a = ap.parse_args()

    rule_files = sorted(glob.glob(os.path.join(SHARED, "rules", "et-open", "*.rules")))
    if not rule_files:
        print("detect.py: %s/rules/et-open not found; nothing to measure" % SHARED)
        return 0
    os.makedirs(a.cache_dir, exist_ok=True)
    rules = os.path.join(a.cache_dir, "et-open.rules")
    with open(rules, "w") as out:
        for f in rule_files:
            out.write(open(f, errors="replace").read())
    pcap = os.path.join(a.cache_dir, "bench.pcap")
    if not os.path.exists(pcap):
        subprocess.run(["zstd", "-q", "-d", os.path.join(SHARED, "bench", "bench.pcap.zst"),
                        "-o", pcap], check=True)
    work = tempfile.mkdtemp(prefix="sk-detect-bench-")
    sgh = os.path.join(work, "sgh")
    home = "vars.address-groups.HOME_NET=[198.18.0.0/15,2001:db8::/32]"
    sk = [a.sekimori, "--set", "detect.sgh-mpm-caching-path=" + sgh, "--set", home]

    def empty_cache():
        shutil.rmtree(sgh, ignore_errors=True)

    print("rules: %s (%d files); capture: %s" % (rules, len(rule_files), pcap))
    t_cold, _ = median_row("T-cold", sk + ["-T", "-S", rules], a.runs, empty_cache)
    timed(sk + ["-T", "-S", rules])  # fill the cache
    t_warm, _ = median_row("T-warm", sk + ["-T", "-S", rules], a.runs)
    full = {}
    for n in (1, 2):
        full[n], _ = median_row("full-%d" % n, sk + ["-r", pcap, "-S", rules, "-l", work, "-k",
                                                     "none", "--runmode", "workers",
                                                     "--threads", str(n)], a.runs)
    p1, p2 = full[1] - t_warm, full[2] - t_warm
    print("processing (full - T-warm): 1 worker %.2f s, 2 workers %.2f s: %.2fx" %
          (p1, p2, p1 / p2 if p2 > 0 else float("nan")))

    if os.path.exists(a.suricata):
        sdir = os.path.join(work, "suri")
        os.makedirs(sdir, exist_ok=True)
        su = [a.suricata, "-l", sdir, "--set", home]
        s_cold, _ = median_row("suri-T-cold", su + ["-T", "-S", rules, "--set",
                                                     "detect.sgh-mpm-caching=false"], a.runs)
        scache = os.path.join(work, "suri-sgh")
        su_w = su + ["--set", "detect.sgh-mpm-caching=true",
                     "--set", "detect.sgh-mpm-caching-path=" + scache]
        timed(su_w + ["-T", "-S", rules])
        s_warm, _ = median_row("suri-T-warm", su_w + ["-T", "-S", rules], a.runs)
        print("Suricata / sekimori -T: cold %.1fx, warm %.1fx" % (s_cold / t_cold,
                                                                 s_warm / t_warm))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
