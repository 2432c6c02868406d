#!/usr/bin/python3
"""Compare two EVE files record by record, ignoring the fields named.

usage: eve-diff.py [--ignore [TYPE:]PATH ...] [--stats-time] [--order] [--max N] A B

Records are compared in file order, as parsed JSON objects (key order does not matter unless
--order is given). PATH is a dotted path into a record ("flow.alerted", "app_proto"); with
TYPE: it applies to records of that event_type only ("stats:stats.uptime"). --stats-time
ignores what differs from run to run in stats records: their timestamp and uptime.
Exits 0 when the files match, 1 when they differ, 2 on bad input.
"""
import argparse
import json
import sys


def load(path):
    with open(path, "rb") as f:
        return [(no, json.loads(line)) for no, line in enumerate(f, 1) if line.strip()]


def drop(rec, path):
    """Removes the dotted path from rec, if there."""
    parts = path.split(".")
    obj = rec
    for p in parts[:-1]:
        obj = obj.get(p) if isinstance(obj, dict) else None
        if obj is None:
            return
    if isinstance(obj, dict):
        obj.pop(parts[-1], None)


def strip(rec, ignores):
    for etype, path in ignores:
        if etype is None or rec.get("event_type") == etype:
            drop(rec, path)
    return rec


def key_orders(obj, prefix=""):
    """Every object's key order, by path."""
    if isinstance(obj, dict):
        yield prefix, list(obj.keys())
        for k, v in obj.items():
            yield from key_orders(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from key_orders(v, f"{prefix}[{i}]")


def first_difference(a, b, prefix=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a.keys()) + [k for k in b if k not in a]:
            path = f"{prefix}.{k}" if prefix else k
            if k not in a:
                return f"{path}: only in B ({json.dumps(b[k])[:80]})"
            if k not in b:
                return f"{path}: only in A ({json.dumps(a[k])[:80]})"
            d = first_difference(a[k], b[k], path)
            if d:
                return d
        return None
    if a != b:
        return f"{prefix}: {json.dumps(a)[:80]} != {json.dumps(b)[:80]}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ignore", action="append", default=[], metavar="[TYPE:]PATH")
    ap.add_argument("--stats-time", action="store_true")
    ap.add_argument("--order", action="store_true", help="key order must match too")
    ap.add_argument("--max", type=int, default=10, help="differences shown (default 10)")
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args()

    ignores = []
    for spec in args.ignore + (["stats:timestamp", "stats:stats.uptime"] if args.stats_time else []):
        etype, _, path = spec.rpartition(":")
        ignores.append((etype or None, path))
    try:
        ra, rb = load(args.a), load(args.b)
    except (OSError, ValueError) as e:
        print(f"eve-diff: {e}", file=sys.stderr)
        return 2

    diffs = 0
    if len(ra) != len(rb):
        print(f"record count: {len(ra)} in A, {len(rb)} in B")
        diffs += 1
    for (na, a), (nb, b) in zip(ra, rb):
        a, b = strip(a, ignores), strip(b, ignores)
        what = first_difference(a, b)
        if what is None and args.order:
            oa, ob = dict(key_orders(a)), dict(key_orders(b))
            bad = [p for p in oa if oa[p] != ob.get(p)]
            if bad:
                what = f"key order of {bad[0] or 'the record'}: {oa[bad[0]]} != {ob[bad[0]]}"
        if what is not None:
            diffs += 1
            if diffs <= args.max:
                print(f"A:{na} B:{nb} ({a.get('event_type')}): {what}")
    if diffs:
        print(f"{diffs} difference(s) in {max(len(ra), len(rb))} records")
        return 1
    print(f"{len(ra)} records match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
