#!/usr/bin/python3
"""Live capture on the loopback interface, end to end.

usage: live_capture.py --sekimori BIN [--runmode single,autofp]

For each run mode: starts `sekimori -i lo`, sends five UDP datagrams between two local sockets
(the receiver is bound, so no ICMP error comes back), and then leaves the link quiet. With the
UDP timeouts set to 1 s, the flow must be written with reason "timeout" while the link is
quiet: the wall clock, not packets, moves time on in live capture. Then SIGINT must end the run
with exit status 0, and the stats records must carry the capture.kernel_* counters.

Exits 77 (skipped, for meson) when live capture cannot run here: not root, or a build without
libpcap.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


def eve_records(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                if line.endswith("\n"):
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    return out


def our_flow(records, sport, dport):
    for r in records:
        if (r.get("event_type") == "flow" and r.get("src_port") == sport
                and r.get("dest_port") == dport and r.get("proto") == "UDP"):
            return r
    return None


def run_mode(binary, runmode):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind(("127.0.0.1", 0))
    sport, dport = tx.getsockname()[1], rx.getsockname()[1]
    with tempfile.TemporaryDirectory() as out:
        eve = os.path.join(out, "eve.json")
        cmd = [binary, "-i", "lo", "-l", out, "--runmode", runmode, "--threads", "2",
               "--set", "stats.interval=1",
               "--set", "flow-timeouts.udp.new=1", "--set", "flow-timeouts.udp.established=1"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # Capture is up once the first stats record is written (stats.interval is 1 s).
            deadline = time.time() + 10
            while time.time() < deadline and p.poll() is None:
                if any(r.get("event_type") == "stats" for r in eve_records(eve)):
                    break
                time.sleep(0.1)
            if p.poll() is not None:
                err = p.stderr.read()
                if "cannot capture" in err or "needs libpcap" in err:
                    print(f"SKIP: live capture unavailable: {err.strip()}")
                    sys.exit(SKIP)
                print(f"FAIL {runmode}: sekimori exited early ({p.returncode}): {err.strip()}")
                return False
            for i in range(5):
                tx.sendto(b"sekimori live %d" % i, ("127.0.0.1", dport))
                rx.recvfrom(100)
            # Quiet now: the flow must time out within its 1 s timeout plus the sweep's pace.
            flow = None
            deadline = time.time() + 8
            while flow is None and time.time() < deadline:
                time.sleep(0.2)
                flow = our_flow(eve_records(eve), sport, dport)
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                print(f"FAIL {runmode}: did not stop within 10 s of SIGINT")
                return False
            err = p.stderr.read()
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        ok = True
        if p.returncode != 0:
            print(f"FAIL {runmode}: exit status {p.returncode}: {err.strip()}")
            ok = False
        if flow is None:
            print(f"FAIL {runmode}: no flow record for udp {sport} -> {dport} while the link "
                  "was quiet")
            ok = False
        else:
            f = flow["flow"]
            if f["reason"] != "timeout" or f["pkts_toserver"] != 5 or f["pkts_toclient"] != 0:
                print(f"FAIL {runmode}: flow record {json.dumps(f)}: expected reason timeout, "
                      "5 packets to server, 0 to client")
                ok = False
        stats = [r for r in eve_records(eve) if r.get("event_type") == "stats"]
        cap = stats[-1]["stats"].get("capture", {}) if stats else {}
        if cap.get("kernel_packets", 0) < 5 or "kernel_drops" not in cap:
            print(f"FAIL {runmode}: last stats record's capture counters: {cap}")
            ok = False
        if "capture on lo" not in err:
            print(f"FAIL {runmode}: the summary names no capture: {err.strip()}")
            ok = False
        if ok:
            print(f"PASS {runmode}: flow timed out on the wall clock, {len(stats)} stats "
                  f"records, kernel packets {cap['kernel_packets']}")
        return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    ap.add_argument("--runmode", default="single,autofp")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIP: live capture needs root (or CAP_NET_RAW)")
        return SKIP
    info = subprocess.run([a.sekimori, "--build-info"], stdout=subprocess.PIPE, text=True).stdout
    if "live capture (libpcap):                  yes" not in info:
        print("SKIP: this build has no live capture (no libpcap)")
        return SKIP
    results = [run_mode(a.sekimori, m) for m in a.runmode.split(",")]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
