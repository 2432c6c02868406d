#!/usr/bin/env python3
"""Every key docs/configuration.md documents is read, type-checked and counted as used, and
the docs list exactly the keys of the engine's settings tables.

The table under "## Keys sekimori reads" is parsed: each backticked key (with its shorthands:
`a.{x,y}`, `a-{x,y}`, `...types.N.x` for an eve-log type, `.y` and `y` for a sibling of the
key before, `N` for a list index, `<NAME>` for any name) and its type. For each key:

  * a wrong-typed value (a map or a list where a scalar belongs, and a word that is not of the
    key's kind) in a -c file must stop `-T` with exit status 1 and one stderr line naming the
    key by its full path;
  * a right value must pass `-T -v` without the key listed as "not used by sekimori".

A key documented but never read, or read without a type check, fails here; so does a
documentation table that no longer parses into keys (a row this script cannot read).

Both ways against the stages' settings tables (`sekimori --dump-config -v` lists them): every
documented key is in a table with the same kind and built-in value, every table key is
documented, and the built-in configuration (`--dump-config`) holds the tables' values.

usage: doc_keys.py --sekimori PATH --doc docs/configuration.md
"""
import argparse
import itertools
import os
import re
import subprocess
import sys
import tempfile

# Lists whose elements are fixed words.
LIST_GOOD = {"action-order": ["drop", "pass", "reject", "alert"]}
# host-os-policy.<policy>: address lists.
LIST_GOOD.update({"host-os-policy." + n: ["192.0.2.0/24", "2001:db8::1"] for n in (
    "windows", "bsd", "bsd-right", "old-linux", "linux", "old-solaris", "solaris", "hpux10",
    "hpux11", "irix", "macos", "vista", "windows2k3", "first", "last", "openbsd")})
# Keys whose right value needs a sibling set too (YAML text added to the right-value file).
COMPANION = {"run-as.group": '{"run-as": {"user": "root", "group": "root"}}\n'}
# A good value for each kind; every documented key of that kind accepts it.
GOOD = {"boolean": "yes", "integer": "1", "size": "128mb", "number": "1.5", "ports": "4789",
        "string": "lo", "list": ["flow"], "type": None}
# A word that is not of the kind. Strings take any word; those with a fixed set of values are
# listed by key below.
BAD_WORD = {"boolean": "maybe", "integer": "12abc", "size": "12 parsecs", "number": "1.5x",
            "ports": "1234abc", "list": "flow"}
# Strings whose value is one of a few words (a wrong one must be refused), and strings whose
# good value is not "lo".
STRING_WORDS = {"runmode": ("workers", "fast"),
                "logging.default-log-level": ("info", "chatty"),
                "logging.outputs.0.file.level": ("info", "chatty"),
                "logging.outputs.0.file.type": ("json", "xml"),
                "pcap-file.checksum-checks": ("auto", "sometimes"),
                "flow.memcap-policy": ("pass-packet", "drop-everything"),
                "defrag.memcap-policy": ("pass-packet", "drop-everything"),
                "stream.memcap-policy": ("pass-packet", "drop-everything"),
                "stream.midstream-policy": ("pass-packet", "drop-everything"),
                "stream.reassembly.memcap-policy": ("pass-packet", "drop-everything"),
                "stream.reassembly.urgent.policy": ("oob", "sideways"),
                "stream.reassembly.urgent.oob-limit-policy": ("drop", None),
                "stream.inline": ("auto", None),
                "exception-policy": ("ignore", "drop-everything"),
                "outputs.0.eve-log.types.0.drop.flows": ("all", "some")}
STRING_GOOD = {"default-log-dir": ".", "outputs.0.eve-log.filetype": "regular",
               "run-as.user": "root", "run-as.group": "root",
               "outputs.0.eve-log.filename": "eve.json", "pcap.0.bpf-filter": "tcp"}

FAILS = []


def check(name, ok, detail=""):
    if not ok:
        print("FAIL " + name + ": " + detail)
        FAILS.append(name)


def kind_of(cell):
    """'integer (s)' -> 'integer'; '(type)' -> 'type'."""
    cell = cell.strip()
    if cell == "(type)":
        return "type"
    word = cell.split()[0] if cell else ""
    if word not in GOOD:
        raise ValueError("unknown type %r" % cell)
    return word


def expand_braces(s):
    m = re.search(r"\{([^}]*)\}", s)
    if not m:
        return [s]
    out = []
    for alt in m.group(1).split(","):
        out += expand_braces(s[:m.start()] + alt + s[m.end():])
    return out


def sibling(prev, seg):
    """'.stream' or 'community-id-seed' after a full key: the same key's parent + seg."""
    parent = prev.rsplit(".", 1)[0]
    return parent + "." + seg.lstrip(".")


def doc_rows(doc_path):
    """[(key pattern as the docs write it, kind, default or None)] from the keys table: N,
    <NAME> and <TYPE> stay as written; the default is the key's backticked value in the
    Default cell (one per key when the row has as many, all of them joined with ", " for a
    row of one key), None when the cell has none ("(none)", "off")."""
    text = open(doc_path).read()
    section = text.split("## Keys sekimori reads", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        segs = re.findall(r"`([^`]+)`", cells[0])
        kinds = [kind_of(k) for k in cells[1].split(" / ")]
        defaults = re.findall(r"`([^`]+)`", cells[2])
        row = []
        prev = None
        for seg in segs:
            if seg.startswith("..."):
                seg = "outputs.N.eve-log." + seg[3:]
            if prev is not None and (seg.startswith(".") or "." not in seg):
                seg = sibling(prev, seg)
            prev = seg
            row += expand_braces(seg)
        if len(kinds) == 1:
            kinds = kinds * len(row)
        if len(defaults) == len(row):
            dflts = defaults
        elif len(row) == 1:
            dflts = [", ".join(defaults) if defaults else None]
        elif not defaults:
            dflts = [None] * len(row)
        else:
            raise ValueError("row %r: %d keys, %d defaults" % (cells[0], len(row), len(defaults)))
        if len(kinds) != len(row):
            # braces expand within one kind: repeat each kind over its segment's keys
            kinds = []
            for seg, kind in zip(segs, [kind_of(k) for k in cells[1].split(" / ")]):
                kinds += [kind] * len(expand_braces(seg))
        rows += list(zip(row, kinds, dflts))
    return rows


def pattern_of(doc_key):
    """outputs.N.eve-log.types.N.<TYPE>.enabled -> outputs.*.eve-log.types.*.*.enabled"""
    return ".".join("*" if p in ("N", "<NAME>", "<TYPE>") else p for p in doc_key.split("."))


def table_rows(binary):
    """{pattern: (kind, built-in value or None)} from `--dump-config -v`'s listing of the
    settings tables."""
    r = run(binary, ["--dump-config", "-v", "-c", "/dev/null"])
    rows = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^# (\S+)(?: = (.*?))? \(([a-z]+)(?: [-0-9]+ to [0-9]+)?\): (.*)$", line)
        if m:
            rows[m.group(1)] = (m.group(3), m.group(2))
    return rows


def same_value(kind, a, b):
    if kind == "boolean" and a is not None and b is not None:
        truth = {"yes": True, "true": True, "on": True, "1": True,
                 "no": False, "false": False, "off": False, "0": False}
        return truth.get(a.lower()) == truth.get(b.lower())
    return a == b


def check_tables(binary, doc_path):
    """The docs' table and the engine's settings tables list the same keys, kinds and
    built-in values, both ways; and the built-in configuration holds the tables' values."""
    tables = table_rows(binary)
    check("the settings tables list keys", len(tables) > 50, "%d keys" % len(tables))
    documented = {}
    for key, kind, dflt in doc_rows(doc_path):
        documented[pattern_of(key)] = (kind, dflt, key)
    for pat, (kind, dflt, key) in documented.items():
        if pat not in tables:
            check("doc key %s is in a settings table" % key, False,
                  "documented, but no stage's table has %s" % pat)
            continue
        tkind, tdef = tables[pat]
        check("%s: kind" % key, tkind == kind, "docs say %s, the table %s" % (kind, tkind))
        if "<NAME>" not in key:
            check("%s: default" % key, same_value(kind, dflt, tdef),
                  "docs say %r, the table %r" % (dflt, tdef))
    for pat in tables:
        check("table key %s is documented" % pat, pat in documented,
              "a stage's table has %s; add it to docs/configuration.md" % pat)
    # Built-in configuration against the tables' values.
    r = run(binary, ["--dump-config"])
    dump = [l.partition(" = ") for l in r.stdout.splitlines()]
    for pat, (kind, tdef) in tables.items():
        if tdef is None:
            continue
        if kind == "list":
            vals = [v for k, _, v in dump if key_matches(k, pat + ".*")]
            got = ", ".join(vals) if vals else None
        else:
            vals = [v for k, _, v in dump if key_matches(k, pat)]
            got = vals[0] if vals else None
        if got is not None:
            check("built-in %s" % pat, same_value(kind, got, tdef),
                  "built-in configuration says %r, the table %r" % (got, tdef))


def key_matches(key, pattern):
    k, p = key.split("."), pattern.split(".")
    return len(k) == len(p) and all(b == "*" or a == b for a, b in zip(k, p))


def doc_keys(doc_path):
    """[(key path with N and <NAME> filled in, kind)] from the keys table."""
    text = open(doc_path).read()
    section = text.split("## Keys sekimori reads", 1)[1]
    section = section.split("\n## ", 1)[0]
    keys = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        segs = re.findall(r"`([^`]+)`", cells[0])
        kinds = [kind_of(k) for k in cells[1].split(" / ")]
        row = []
        prev = None
        for seg in segs:
            if seg.startswith("..."):
                seg = "outputs.N.eve-log." + seg[3:]
            if prev is not None and (seg.startswith(".") or "." not in seg):
                seg = sibling(prev, seg)
            prev = seg
            row.append(seg)
        if len(kinds) == 1:
            kinds = kinds * len(row)
        if len(kinds) != len(row):
            raise ValueError("row %r: %d keys, %d types" % (cells[0], len(row), len(kinds)))
        for seg, kind in zip(row, kinds):
            for k in expand_braces(seg):
                k = k.replace("<NAME>", "HOME_NET").replace("<TYPE>", "anomaly")
                k = re.sub(r"(^|\.)N(?=\.|$)", r"\g<1>0", k)
                keys.append((k, kind))
    return keys


def yaml_scalar(v):
    return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')


def nest(path, value_yaml):
    """YAML text giving path the value (YAML text, flow style); numeric components are list
    indexes (index 0 only)."""
    parts = path.split(".")
    node = value_yaml
    for i in range(len(parts) - 1, -1, -1):
        p = parts[i]
        if p.isdigit():
            assert p == "0", path
            node = "[" + node + "]"
        else:
            node = "{" + yaml_scalar(p) + ": " + node + "}"
    # The top is a map in flow style; a file holding it is a map like any other.
    return node + "\n"


def flow_value(v):
    if isinstance(v, list):
        return "[" + ", ".join(yaml_scalar(x) for x in v) + "]"
    return yaml_scalar(v)


RUN_DIR = tempfile.mkdtemp(prefix="sk-doc-keys-run-")


def run(binary, args):
    # In a scratch folder: a run writes its log files (suricata.log, a file named by a value
    # under test) into the current directory, which must not be the source tree.
    return subprocess.run([os.path.abspath(binary)] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60, cwd=RUN_DIR)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sekimori", required=True)
    ap.add_argument("--doc", required=True)
    a = ap.parse_args()
    b = a.sekimori
    keys = doc_keys(a.doc)
    check("the keys table parses into keys", len(keys) > 50, "%d keys" % len(keys))
    check_tables(b, a.doc)
    tmp = tempfile.mkdtemp(prefix="sk-doc-keys-")
    cfg = os.path.join(tmp, "c.yaml")
    runs = 0

    for key, kind in keys:
        if kind == "type":
            # `...types.N.netflow`: an event type. Right: "- netflow"; wrong: options that are
            # a list. The entry is types.0 and its options types.0.netflow.
            parent, name = key.rsplit(".", 1)
            good = nest(parent, yaml_scalar(name))
            bad = [(nest(key, "[1, 2]"), key)]
            listed_as = parent
        else:
            if kind == "string":
                good_v = STRING_WORDS.get(key, (STRING_GOOD.get(key, GOOD["string"]),))[0]
            elif kind == "list" and key in LIST_GOOD:
                good_v = LIST_GOOD[key]
            else:
                good_v = GOOD[kind]
            good = COMPANION.get(key, nest(key, flow_value(good_v)))
            bad = [(nest(key, "{wrong: 1}"), key)]
            if kind == "ports":
                bad.append((nest(key, "[4789, {a: 1}]"), key))  # a list of ports is right
            elif kind != "list":
                bad.append((nest(key, "[1, 2]"), key))
            word = STRING_WORDS.get(key, (None, None))[1] if kind == "string" \
                else BAD_WORD.get(kind)
            if word is not None:
                bad.append((nest(key, yaml_scalar(word)), key))
            listed_as = key
        for text, named in bad:
            with open(cfg, "w") as f:
                f.write(text)
            r = run(b, ["-T", "-c", cfg])
            runs += 1
            lines = r.stderr.splitlines()
            check("%s: wrong value %s" % (key, text.strip()),
                  r.returncode == 1 and len(lines) == 1 and named in lines[0],
                  "rc=%d stderr=%r" % (r.returncode, r.stderr[:400]))
        with open(cfg, "w") as f:
            f.write(good)
        r = run(b, ["-T", "-v", "-c", cfg])
        runs += 1
        unused = [l for l in r.stderr.splitlines() if "not used by sekimori" in l
                  and ("config: " + listed_as) in l]
        check("%s: right value %s" % (key, good.strip()),
              r.returncode == 0 and not unused,
              "rc=%d stderr=%r" % (r.returncode, r.stderr[:400]))

    # The built-in configuration holds only keys sekimori reads.
    r = run(b, ["-T", "-v"])
    unused = [l for l in r.stderr.splitlines() if "not used by sekimori" in l]
    check("built-in configuration: every key used", r.returncode == 0 and not unused,
          "rc=%d unused=%r" % (r.returncode, unused[:5]))

    subprocess.run(["rm", "-rf", tmp])
    print("%d documented keys, %d runs, %d failure(s)" % (len(keys), runs, len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
