#!/usr/bin/python3
"""TCP sessions end to end: crafted conversations (written here with scapy) through the whole
binary, checked in its EVE output: the flow record's tcp object (state, flags), stream anomaly
records, tcp.* stats, and raw stream detection (a signature split across two segments; an
overlap whose reading depends on the receiver's host-os-policy). Each expectation is what
Suricata 8.0.7 writes for the same capture (checked with ../shared/suricata-8.0.7-bin, see
--suricata).

usage: stream_sessions.py --sekimori PATH [--suricata RUN]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from scapy.all import IP, TCP, Ether, Raw, wrpcap  # noqa: E402

CLI, SRV = "10.1.0.1", "10.2.0.2"
FAILS = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        FAILS.append(name)


class Conv:
    """One TCP conversation, client port `sport` to server port 80, packets in order given."""

    def __init__(self, sport, t0):
        self.sport, self.t, self.pkts = sport, t0, []

    def add(self, to_server, flags, seq, ack, data=b"", opts=None):
        ip = IP(src=CLI, dst=SRV) if to_server else IP(src=SRV, dst=CLI)
        sp, dp = (self.sport, 80) if to_server else (80, self.sport)
        p = Ether() / ip / TCP(sport=sp, dport=dp, flags=flags, seq=seq, ack=ack,
                                window=65535, options=opts or [])
        if data:
            p = p / Raw(data)
        p.time = self.t
        self.t += 0.001
        self.pkts.append(p)
        return self

    def handshake(self, cisn=1000, sisn=5000):
        return (self.add(True, "S", cisn, 0).add(False, "SA", sisn, cisn + 1)
                .add(True, "A", cisn + 1, sisn + 1))


def captures(d):
    out = {}
    # Closed by a FIN each way: tcp.state closed, flow state closed.
    c = Conv(40001, 1700000000).handshake()
    c.add(True, "PA", 1001, 5001, b"GET / HTTP/1.0\r\n\r\n").add(False, "A", 5001, 1019)
    c.add(True, "FA", 1019, 5001).add(False, "FA", 5001, 1020).add(True, "A", 1020, 5002)
    out["fin"] = c.pkts
    # A RST at a wrong sequence number (an injection guess) does not end the session.
    c = Conv(40002, 1700000010).handshake()
    c.add(False, "R", 5400, 0)
    c.add(True, "PA", 1001, 5001, b"still here").add(False, "A", 5001, 1011)
    out["rst-guess"] = c.pkts
    # Midstream: no handshake seen.
    c = Conv(40003, 1700000020)
    c.add(True, "PA", 7000, 9000, b"hello").add(False, "A", 9000, 7005)
    out["midstream"] = c.pkts
    # A signature split over two segments, then acknowledged: found in the raw stream.
    c = Conv(40004, 1700000030).handshake()
    c.add(True, "PA", 1001, 5001, b"xxEVIL").add(True, "PA", 1007, 5001, b"SIGNxx")
    c.add(False, "A", 5001, 1013)
    c.add(True, "FA", 1013, 5001).add(False, "FA", 5001, 1014).add(True, "A", 1014, 5002)
    out["split"] = c.pkts
    # An overlap with different data: reassembly_overlap_different_data.
    c = Conv(40005, 1700000040).handshake()
    c.add(True, "PA", 1001, 5001, b"GOOD").add(True, "PA", 1001, 5001, b"EVIL")
    c.add(False, "A", 5001, 1005)
    out["overlap"] = c.pkts
    paths = {}
    for name, pkts in out.items():
        paths[name] = os.path.join(d, name + ".pcap")
        wrpcap(paths[name], pkts)
    return paths


def run(cmd, pcap, out, rules=None, extra=()):
    os.makedirs(out, exist_ok=True)
    args = cmd + ["-r", pcap, "-l", out, "-k", "none"] + list(extra)
    if rules:
        args += ["-S", rules]
    r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       timeout=60, cwd=out)
    check("run " + os.path.basename(pcap), r.returncode == 0, r.stderr[-300:])
    recs = []
    path = os.path.join(out, "eve.json")
    if os.path.exists(path):
        with open(path) as f:
            recs = [json.loads(line) for line in f if line.strip()]
    return recs


def flows(recs):
    return [r for r in recs if r.get("event_type") == "flow" and r.get("proto") == "TCP"]


def anomalies(recs):
    return [r["anomaly"]["event"] for r in recs if r.get("event_type") == "anomaly"]


def stats_tcp(recs):
    st = [r for r in recs if r.get("event_type") == "stats"]
    return st[-1]["stats"].get("tcp", {}) if st else {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    ap.add_argument("--suricata", help="also run this Suricata and print its records")
    a = ap.parse_args()
    cmd = [os.path.abspath(a.sekimori)]
    with tempfile.TemporaryDirectory() as d:
        caps = captures(d)
        rules = os.path.join(d, "r.rules")
        with open(rules, "w") as f:
            f.write('alert tcp any any -> any any (msg:"split"; content:"EVILSIGN"; sid:1;)\n')

        recs = run(cmd, caps["fin"], os.path.join(d, "o1"))
        fl = flows(recs)
        check("fin: one flow", len(fl) == 1, str(len(fl)))
        if fl:
            t = fl[0].get("tcp", {})
            check("fin: tcp.state closed", t.get("state") == "closed", str(t))
            check("fin: flow.state closed", fl[0]["flow"]["state"] == "closed", str(fl[0]["flow"]))
            check("fin: tcp_flags 1b", t.get("tcp_flags") == "1b", str(t))
        check("fin: tcp.sessions 1", stats_tcp(recs).get("sessions") == 1, str(stats_tcp(recs)))

        recs = run(cmd, caps["rst-guess"], os.path.join(d, "o2"))
        fl = flows(recs)
        check("rst-guess: still established",
              bool(fl) and fl[0].get("tcp", {}).get("state") == "established", str(fl[:1]))

        recs = run(cmd, caps["midstream"], os.path.join(d, "o3"))
        fl = flows(recs)
        check("midstream off: no session (flags 00, no state)",
              bool(fl) and fl[0]["tcp"].get("tcp_flags") == "00" and "state" not in fl[0]["tcp"],
              str(fl[:1]))
        recs = run(cmd, caps["midstream"], os.path.join(d, "o4"),
                   extra=["--set", "stream.midstream=true"])
        fl = flows(recs)
        check("midstream on: established",
              bool(fl) and fl[0]["tcp"].get("state") == "established", str(fl[:1]))
        check("midstream on: tcp.midstream_pickups 1",
              stats_tcp(recs).get("midstream_pickups") == 1, str(stats_tcp(recs)))

        recs = run(cmd, caps["split"], os.path.join(d, "o5"), rules=rules)
        alerts = [r for r in recs if r.get("event_type") == "alert"]
        check("split signature: one alert from the stream", len(alerts) == 1,
              str([(r["alert"]["signature_id"], r.get("pkt_src")) for r in alerts]))

        recs = run(cmd, caps["overlap"], os.path.join(d, "o6"), extra=[
            "--set", "stream.reassembly.check-overlap-different-data=true"])
        an = anomalies(recs)
        check("overlap: stream.reassembly_overlap_different_data",
              "stream.reassembly_overlap_different_data" in an, str(an))
        check("overlap: tcp.overlap_diff_data 1",
              stats_tcp(recs).get("overlap_diff_data") == 1, str(stats_tcp(recs)))

        if a.suricata:
            for name, pcap in caps.items():
                out = os.path.join(d, "s-" + name)
                os.makedirs(out)
                subprocess.run([a.suricata, "-r", pcap, "-l", out, "-k", "none", "-S", rules],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(os.path.join(out, "eve.json")) as f:
                    for line in f:
                        r = json.loads(line)
                        if r["event_type"] in ("flow", "alert", "anomaly"):
                            print(name, r["event_type"], json.dumps(r.get("tcp") or
                                  r.get("alert", {}).get("signature_id") or r.get("anomaly")))
    print("stream_sessions: %d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
