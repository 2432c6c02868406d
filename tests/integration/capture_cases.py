#!/usr/bin/python3
"""Capture and link-layer robustness (issue 13), end to end through the binary.

usage: capture_cases.py --sekimori BIN --cases DIR

DIR is tests/data/capture-cases (written by tests/data/make_capture_cases.py). Each check runs
sekimori on one crafted capture in single mode and reads the last stats record of eve.json and
the warnings on stderr (sekimori's own counters, decoder.nflog and the like, are not in EVE
stats, which keep to Suricata's schema: the checks use what EVE does show):
  nflog             NFLOG: IPv4 and IPv6 payloads (both TLV byte orders), a lying TLV counted
  radiotap          radiotap + 802.11: the QoS data frame reaches UDP, the rest stops, counted
  framerelay        a link type nobody decodes: one line, its packets counted
  mixed-linktypes   pcapng: one line per interface whose link type is not decoded
  ts-extreme        timestamps past year 9999 and before 1970: one line, EVE times in range
  ts-jumps          backwards and 2106 times kept; a fraction over 1 s said once
  idle-pipe-term    -r on a pipe that goes quiet (after a packet, and in the middle of one),
                    then SIGTERM: the run ends within 2 s with its summary, exit 0
Exit status 0 when every check holds, 1 otherwise.
"""
import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

FAILS = []


def check(name, cond, detail=""):
    print("%s %s %s" % ("ok  " if cond else "FAIL", name, "" if cond else detail))
    if not cond:
        FAILS.append(name)


def flatten(obj, prefix=""):
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            out.update(flatten(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def run(binary, capture, *extra):
    with tempfile.TemporaryDirectory() as out:
        p = subprocess.run([binary, "-r", capture, "-l", out, "--runmode", "single"] + list(extra),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        records = []
        with open(os.path.join(out, "eve.json")) as f:
            for line in f:
                records.append(json.loads(line))
    stats = {}
    for r in records:
        if r.get("event_type") == "stats":
            stats = flatten(r["stats"])
    return p.returncode, p.stderr, stats, records


def clean(name, rc, err):
    check(name + ": exit 0", rc == 0, "exit %d" % rc)
    check(name + ": no sanitizer report", "runtime error" not in err and "Sanitizer" not in err,
          err[-2000:])


def anomalies(records):
    return sorted(r["anomaly"]["event"] for r in records if r.get("event_type") == "anomaly")


def lines_with(err, text):
    return [l for l in err.splitlines() if text in l]


def case_nflog(binary, cases):
    rc, err, st, records = run(binary, os.path.join(cases, "nflog.pcap"))
    clean("nflog", rc, err)
    want = {"decoder.pkts": 3, "decoder.ipv4": 1, "decoder.ipv6": 1, "decoder.udp": 1,
            "decoder.tcp": 1, "decoder.invalid": 1}
    got = {k: st.get(k) for k in want}
    check("nflog: counters", got == want, "got %s" % got)
    check("nflog: the lying TLV's anomaly", anomalies(records) == ["decoder.nflog.malformed_tlv"],
          str(anomalies(records)))
    check("nflog: no link type line", not lines_with(err, "is not decoded"), err)


def case_radiotap(binary, cases):
    rc, err, st, records = run(binary, os.path.join(cases, "radiotap.pcap"))
    clean("radiotap", rc, err)
    want = {"decoder.pkts": 4, "decoder.ipv4": 1, "decoder.udp": 1, "decoder.invalid": 1}
    got = {k: st.get(k) for k in want}
    check("radiotap: counters", got == want, "got %s" % got)
    check("radiotap: the lying header's anomaly",
          anomalies(records) == ["decoder.radiotap.pkt_too_small"], str(anomalies(records)))


def case_framerelay(binary, cases):
    rc, err, st, _ = run(binary, os.path.join(cases, "framerelay.pcap"))
    clean("framerelay", rc, err)
    said = lines_with(err, "link type 107 is not decoded")
    check("framerelay: one line", len(said) == 1, err)
    check("framerelay: packets read, nothing decoded", st.get("decoder.pkts") == 2
          and st.get("decoder.ipv4", 0) == 0 and st.get("decoder.invalid", 0) == 0, str(st))


def case_mixed(binary, cases):
    rc, err, st, _ = run(binary, os.path.join(cases, "mixed-linktypes.pcapng"))
    clean("mixed-linktypes", rc, err)
    said = lines_with(err, "is not decoded")
    want = ["interface 1: link type 227", "interface 2: link type 253",
            "interface 3: link type 227"]
    check("mixed-linktypes: one line per interface",
          len(said) == 3 and all(w in l for w, l in zip(want, said)), err)
    check("mixed-linktypes: counters", st.get("decoder.pkts") == 4
          and st.get("decoder.ipv4") == 1,
          str({k: v for k, v in st.items() if k in ("decoder.pkts", "decoder.ipv4")}))


def eve_years(records):
    years = set()
    for r in records:
        for k in ("timestamp",):
            if k in r:
                years.add(int(r[k][:4]))
        for k in ("start", "end"):
            if k in r.get("flow", {}):
                years.add(int(r["flow"][k][:4]))
    return years


def case_ts_extreme(binary, cases):
    t0 = time.monotonic()
    rc, err, st, records = run(binary, os.path.join(cases, "ts-extreme.pcapng"),
                               "--set", "stats.interval=1")
    clean("ts-extreme", rc, err)
    check("ts-extreme: quick", time.monotonic() - t0 < 20, "%.1f s" % (time.monotonic() - t0))
    said = lines_with(err, "outside 1970..9999, clamped")
    check("ts-extreme: one line", len(said) == 1, err)
    years = eve_years(records)
    check("ts-extreme: EVE times within 1970..9999", years and min(years) >= 1970
          and max(years) <= 9999, str(sorted(years)))
    check("ts-extreme: every packet read", st.get("decoder.pkts") == 7, str(st.get("decoder.pkts")))


def case_ts_jumps(binary, cases):
    rc, err, st, records = run(binary, os.path.join(cases, "ts-jumps.pcap"),
                               "--set", "stats.interval=1")
    clean("ts-jumps", rc, err)
    check("ts-jumps: fraction said once",
          len(lines_with(err, "fraction of a second of 1 s or more")) == 1, err)
    years = eve_years(records)
    check("ts-jumps: the capture's own times", {2020, 2024, 2106} <= years, str(sorted(years)))


PCAP_HDR = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)
IPV4_UDP = bytes.fromhex("4500001c 00010000 40110000 c6120d01 c6120d02 04000035 00080000")


def record(sec, data):
    return struct.pack("<IIII", sec, 0, len(data), len(data)) + data


def idle_pipe_term(binary, runmode, feed, want_pkts):
    name = "idle-pipe-term %s after %d bytes" % (runmode, len(feed))
    with tempfile.TemporaryDirectory() as out:
        p = subprocess.Popen([binary, "-r", "/dev/stdin", "-l", out, "--runmode", runmode],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(feed)
        p.stdin.flush()
        time.sleep(0.7)  # reads what came, then blocks on the quiet pipe
        check(name + ": still running while the pipe is quiet", p.poll() is None)
        p.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        try:
            _, err = p.communicate(timeout=2)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
            check(name + ": ends within 2 s of SIGTERM", False, "killed")
            return
        err = err.decode(errors="replace")
        p.stdin.close()
        check(name + ": ends within 2 s of SIGTERM", time.monotonic() - t0 < 2)
        check(name + ": exit 0", p.returncode == 0, "exit %d: %s" % (p.returncode, err))
        check(name + ": summary", ("sekimori: %d packets" % want_pkts) in err, err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    ap.add_argument("--cases", required=True)
    a = ap.parse_args()
    for fn in (case_nflog, case_radiotap, case_framerelay, case_mixed, case_ts_extreme,
               case_ts_jumps):
        fn(a.sekimori, a.cases)
    whole = PCAP_HDR + record(1717495200, IPV4_UDP)
    for runmode in ("single", "autofp"):
        idle_pipe_term(a.sekimori, runmode, whole, 1)
        idle_pipe_term(a.sekimori, runmode, whole + record(1717495201, IPV4_UDP)[:20], 1)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
