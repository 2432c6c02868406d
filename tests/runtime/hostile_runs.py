#!/usr/bin/python3
"""Hostile run conditions, end to end: the promises of the run itself, not of the decoders.

usage: hostile_runs.py --sekimori BIN --pcap tests/data/sample.pcap [--only NAME]

Each case is one way an operator's mistake or an attacker can break a run:
  pipe-workers      a capture on a pipe in workers mode (each worker would reopen the path):
                    falls back to autofp, same flows as reading the file
  fd-starved        workers mode with too few file descriptors: one error line, exit 1, no
                    double free (the sanitized build aborts on one)
  eve-dev-full      EVE on /dev/full: exit 1, the lost records counted
  eve-fsize         a file-size limit reached mid-run: exit 1, eve.json holds only whole lines
  eve-fifo-gone     EVE a FIFO whose reader leaves: no death by SIGPIPE, exit 1, summary
  eve-fifo-stalled  EVE a FIFO whose reader stops reading, then SIGTERM: the run ends
  input-idle-term   input an idle pipe, then SIGTERM: the run ends, flows written
  sighup-reopen     SIGHUP reopens eve.json by name (logrotate)
  long-paths        a log dir of 600 bytes and an EVE filename of 300 are used whole; an
                    absolute EVE filename is honoured; a path too long is one error line
  forged-name       a file name with a newline cannot forge a second log line
  time-jump         two packets 136 years apart with stats every second: done at once
Exit status 0 when every case holds, 1 otherwise.
"""
import argparse
import fcntl
import json
import os
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

FAILS = []
F_SETPIPE_SZ = 1031  # Linux fcntl


def check(name, cond, detail=""):
    if cond:
        print("ok   %s" % name)
    else:
        print("FAIL %s %s" % (name, detail))
        FAILS.append(name)


def eve_lines(path):
    """Every line of an EVE file, parsed; raises on a partial or broken line."""
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        raise ValueError("file does not end in a whole line")
    return [json.loads(line) for line in data.splitlines() if line]


def flows(records):
    return sorted((r["src_ip"], r["dest_ip"], r.get("src_port", 0), r.get("dest_port", 0),
                   r["proto"]) for r in records if r.get("event_type") == "flow")


def run(args, timeout=60, **kw):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout, **kw)
    sanitizer_check(args, r.stderr)
    return r


def sanitizer_check(args, stderr):
    """A sanitized build reports to stderr (and exits 1, like a refused input): any report is a
    failure of its own, whatever the case checks."""
    if "Sanitizer" in stderr or "runtime error:" in stderr:
        check("no sanitizer report: %s" % " ".join(args[1:])[:120], False, stderr[-1500:])


def pcap_bytes(packets):
    """A classic pcap (Ethernet) of (ts_sec, ts_usec, frame) tuples."""
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for sec, usec, frame in packets:
        out += struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame
    return out


def udp_frame(sport, dport):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 4, 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
    udp = struct.pack("!HHHH", sport, dport, 12, 0) + b"test"
    return b"\x00\x11\x22\x33\x44\x55" + b"\x66\x77\x88\x99\xaa\xbb" + b"\x08\x00" + ip + udp


def case_pipe_workers(b, pcap, tmp):
    ref = os.path.join(tmp, "ref")
    os.mkdir(ref)
    run([b, "-r", pcap, "-l", ref, "--runmode", "single", "--quiet"])
    out = os.path.join(tmp, "pipe")
    os.mkdir(out)
    with open(pcap, "rb") as f:
        # stdin redirected from a file: /dev/stdin opens the file again, workers mode holds.
        r = run([b, "-r", "/dev/stdin", "-l", out, "--runmode", "workers", "--threads", "2"],
                stdin=f)
    check("pipe-workers: < file: exit 0", r.returncode == 0, r.stderr[-400:])
    check("pipe-workers: < file: same flows as the file",
          flows(eve_lines(os.path.join(out, "eve.json")))
          == flows(eve_lines(os.path.join(ref, "eve.json"))))
    # A real pipe (cat |), not a redirected file.
    out2 = os.path.join(tmp, "pipe2")
    os.mkdir(out2)
    cat = subprocess.Popen(["cat", pcap], stdout=subprocess.PIPE)
    r = run([b, "-r", "/dev/stdin", "-l", out2, "--threads", "4"], stdin=cat.stdout)
    cat.wait()
    check("pipe-workers: cat | sekimori -r /dev/stdin: autofp instead, said once",
          r.returncode == 0 and r.stderr.count("autofp instead") == 1, r.stderr[-400:])
    check("pipe-workers: cat | sekimori -r /dev/stdin: same flows", r.returncode == 0
          and flows(eve_lines(os.path.join(out2, "eve.json")))
          == flows(eve_lines(os.path.join(ref, "eve.json"))), r.stderr[-400:])


def case_fd_starved(b, pcap, tmp):
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (8, 8))
    r = run([b, "-r", pcap, "-l", tmp, "--runmode", "workers", "--threads", "16"],
            preexec_fn=limit)
    errs = [l for l in r.stderr.splitlines() if l.startswith("Error:")]
    check("fd-starved: no crash, exit 0 or 1 with one error line",
          r.returncode == 0 or (r.returncode == 1 and len(errs) == 1),
          "rc=%d %s" % (r.returncode, r.stderr[-600:]))


def case_eve_dev_full(b, pcap, tmp):
    r = run([b, "-r", pcap, "-l", tmp, "--set", "outputs.0.eve-log.filename=/dev/full"])
    check("eve-dev-full: exit 1", r.returncode == 1, "rc=%d" % r.returncode)
    check("eve-dev-full: lost records counted", "LOST" in r.stderr and "records lost" in r.stderr,
          r.stderr)


def case_eve_fsize(b, pcap, tmp):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
    for mode in ("single", "workers", "autofp"):
        d = os.path.join(tmp, mode)
        os.mkdir(d)
        r = run([b, "-r", pcap, "-l", d, "--runmode", mode], preexec_fn=limit)
        check("eve-fsize %s: exit 1" % mode, r.returncode == 1, "rc=%d" % r.returncode)
        try:
            recs = eve_lines(os.path.join(d, "eve.json"))
            whole = True
        except ValueError as e:
            whole, recs = False, str(e)
        check("eve-fsize %s: only whole JSON lines left" % mode, whole, recs)
        summary = [l for l in r.stderr.splitlines() if "records ->" in l]
        written = int(summary[0].split("eve: ")[1].split()[0]) if summary else -1
        check("eve-fsize %s: summary counts the records written" % mode,
              whole and written == len(recs), "%s vs %s" % (written, recs if not whole
                                                            else len(recs)))


def case_eve_fifo_gone(b, pcap, tmp):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:  # the smallest pipe: the run's output cannot all fit before the reader leaves
        fcntl.fcntl(fd, F_SETPIPE_SZ, 4096)
    except OSError:
        pass
    p = subprocess.Popen([b, "-r", pcap, "-l", tmp, "--set", "outputs.0.eve-log.filename=fifo",
                          "--runmode", "single"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    os.read(fd, 100)
    os.close(fd)  # the reader goes away with the pipe full
    try:
        _, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check("eve-fifo-gone: the run ends", False, "hung")
        return
    sanitizer_check(p.args, err)
    check("eve-fifo-gone: not killed by SIGPIPE, exit 1", p.returncode == 1,
          "rc=%d" % p.returncode)
    check("eve-fifo-gone: the error and the summary are printed",
          "Broken pipe" in err and "packets" in err, err)


def case_eve_fifo_stalled(b, pcap, tmp):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader that never reads
    try:
        fcntl.fcntl(fd, F_SETPIPE_SZ, 4096)  # the smallest pipe: a small capture fills it
    except OSError:
        pass
    try:
        for mode in ("single", "workers", "autofp"):
            p = subprocess.Popen([b, "-r", pcap, "-l", tmp, "--runmode", mode,
                                  "--set", "outputs.0.eve-log.filename=fifo",
                                  "--set", "outputs.0.eve-log.types.0.flow.enabled=yes"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)
            p.send_signal(signal.SIGTERM)
            try:
                _, err = p.communicate(timeout=10)
                sanitizer_check(p.args, err)
                check("eve-fifo-stalled %s: SIGTERM ends the run" % mode, p.returncode in (0, 1),
                      "rc=%d" % p.returncode)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
                check("eve-fifo-stalled %s: SIGTERM ends the run" % mode, False, "hung")
            # Drain what was written so the next mode starts on an empty pipe.
            try:
                while os.read(fd, 65536):
                    pass
            except BlockingIOError:
                pass
    finally:
        os.close(fd)


def case_input_idle_term(b, pcap, tmp):
    with open(pcap, "rb") as f:
        data = f.read()
    for mode in ("single", "autofp", "workers"):
        d = os.path.join(tmp, mode)
        os.mkdir(d)
        p = subprocess.Popen([b, "-r", "/dev/stdin", "-l", d, "--runmode", mode],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdin.write(data)  # the whole capture, then the pipe stays open and quiet
        p.stdin.flush()
        time.sleep(1.0)
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)  # stdin still open: only the signal can end the run
            err = p.stderr.read().decode(errors="replace")
            sanitizer_check(p.args, err)
            check("input-idle-term %s: SIGTERM ends the run, exit 0" % mode, p.returncode == 0,
                  "rc=%d %s" % (p.returncode, err[-300:]))
            check("input-idle-term %s: flows written" % mode,
                  len(flows(eve_lines(os.path.join(d, "eve.json")))) > 0)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            check("input-idle-term %s: SIGTERM ends the run" % mode, False, "hung")
        p.stdin.close()
        p.stdout.close()
        p.stderr.close()


def case_sighup_reopen(b, pcap, tmp):
    with open(pcap, "rb") as f:
        data = f.read()
    eve = os.path.join(tmp, "eve.json")
    p = subprocess.Popen([b, "-r", "/dev/stdin", "-l", tmp, "--runmode", "single",
                          "--set", "stats.interval=1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=False)
    p.stdin.write(data)
    p.stdin.flush()
    time.sleep(0.5)
    os.rename(eve, eve + ".1")  # as logrotate does, then SIGHUP
    p.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    p.stdin.close()  # end of input: flows are flushed, into the new file
    p.stdin = None
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        check("sighup-reopen: run ends", False, "hung")
        return
    check("sighup-reopen: not killed, exit 0", p.returncode == 0, "rc=%d" % p.returncode)
    check("sighup-reopen: a new eve.json with the flows",
          os.path.exists(eve) and len(flows(eve_lines(eve))) > 0, err.decode()[-300:])


def case_long_paths(b, pcap, tmp):
    deep = tmp
    while len(deep) < 600:
        deep = os.path.join(deep, "d" * 60)
    os.makedirs(deep)
    name = "e" * 250 + ".json"
    r = run([b, "-r", pcap, "-l", deep, "--set", "outputs.0.eve-log.filename=" + name])
    check("long-paths: 600-byte log dir and 255-byte name used whole",
          r.returncode == 0 and os.path.exists(os.path.join(deep, name)), r.stderr[-300:])
    absolute = os.path.join(tmp, "abs.json")
    r = run([b, "-r", pcap, "-l", deep, "--set", "outputs.0.eve-log.filename=" + absolute])
    check("long-paths: absolute EVE filename honoured",
          r.returncode == 0 and os.path.exists(absolute), r.stderr[-300:])
    r = run([b, "-r", pcap, "-l", deep, "--set", "outputs.0.eve-log.filename=" + "f" * 5000])
    errs = [l for l in r.stderr.splitlines() if l.startswith("Error:")]
    check("long-paths: a name too long is one error line, exit 1",
          r.returncode == 1 and len(errs) == 1, r.stderr[-300:])


def case_forged_name(b, pcap, tmp):
    bad = os.path.join(tmp, "x\nError: forged line\x1b[2J")
    r = run([b, "-r", bad, "-l", tmp])
    lines = r.stderr.splitlines()
    check("forged-name: one line, control characters escaped",
          r.returncode == 1 and len(lines) == 1 and "\\n" in lines[0] and "\x1b" not in r.stderr,
          repr(r.stderr))
    # The same name as a real capture: the run's own messages stay one line each.
    real = os.path.join(tmp, "y\nNotice: forged")
    with open(pcap, "rb") as s, open(real, "wb") as d:
        d.write(s.read())
    r = run([b, "-r", real, "-l", tmp, "-v"])
    check("forged-name: no line of a run starts with the forged text",
          r.returncode == 0 and not any(l.startswith("Notice: forged")
                                        for l in r.stderr.splitlines()), repr(r.stderr))


def case_time_jump(b, pcap, tmp):
    cap = os.path.join(tmp, "jump.pcap")
    with open(cap, "wb") as f:
        f.write(pcap_bytes([(1, 0, udp_frame(1000, 53)), (0xFFFFFFFF, 999999,
                                                        udp_frame(1001, 53)),
                            (5, 0, udp_frame(1002, 53))]))
    start = time.monotonic()
    try:
        r = run([b, "-r", cap, "-l", tmp, "--set", "stats.interval=1", "--runmode", "single"],
                timeout=20)
        took = time.monotonic() - start
        check("time-jump: done within 5 s (%.2f s), exit 0" % took,
              r.returncode == 0 and took < 5, r.stderr[-300:])
    except subprocess.TimeoutExpired:
        check("time-jump: done within 5 s", False, "hung")


CASES = {
    "pipe-workers": case_pipe_workers,
    "fd-starved": case_fd_starved,
    "eve-dev-full": case_eve_dev_full,
    "eve-fsize": case_eve_fsize,
    "eve-fifo-gone": case_eve_fifo_gone,
    "eve-fifo-stalled": case_eve_fifo_stalled,
    "input-idle-term": case_input_idle_term,
    "sighup-reopen": case_sighup_reopen,
    "long-paths": case_long_paths,
    "forged-name": case_forged_name,
    "time-jump": case_time_jump,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--only")
    a = ap.parse_args()
    b = os.path.abspath(a.sekimori)
    pcap = os.path.abspath(a.pcap)
    for name, fn in CASES.items():
        if a.only and name != a.only:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            try:
                fn(b, pcap, tmp)
            except Exception as e:  # a case that throws is a failed case, not a crashed suite
                check(name, False, "exception: %r" % e)
    print("%d failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
