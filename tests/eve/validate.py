#!/usr/bin/python3
"""Validate every line of EVE files against Suricata's EVE schema.

usage: validate.py [--schema PATH] eve.json [eve.json ...]

Every line must parse as JSON and validate against ../shared/suricata-ref/schema.json (which
forbids unknown fields). Exits 77 (skip) when the schema is absent, 1 on any invalid line.
"""
import argparse
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "..", "..", "shared", "suricata-ref", "schema.json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", default=DEFAULT_SCHEMA)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    if not os.path.exists(args.schema):
        print(f"SKIP: EVE schema not found at {args.schema} (../shared absent)")
        return 77
    with open(args.schema) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema)
    bad = 0
    total = 0
    types = {}
    for path in args.files:
        with open(path, "rb") as f:
            for no, raw in enumerate(f, 1):
                total += 1
                try:
                    rec = json.loads(raw)
                except ValueError as e:
                    bad += 1
                    print(f"{path}:{no}: not JSON: {e}")
                    continue
                types[rec.get("event_type")] = types.get(rec.get("event_type"), 0) + 1
                errs = list(validator.iter_errors(rec))
                if errs:
                    bad += 1
                    if bad <= 20:
                        print(f"{path}:{no}: {errs[0].message} at {list(errs[0].absolute_path)}")
    print(f"eve: {total} records ({', '.join(f'{k} {v}' for k, v in sorted(types.items(), key=str))}), "
          f"{bad} invalid")
    return 1 if bad or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
