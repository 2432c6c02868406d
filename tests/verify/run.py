#!/usr/bin/python3
"""Run suricata-verify-format cases against sekimori.

The case format is described in ../shared/verify/README.md (test.yaml: requires, skip, args, pcap,
rules, command, setup, pre-check, exit-code, checks). This runner is written from that
description; see docs/testing-verify.md for how to use it and what each skip reason means.

Every case ends as exactly one line `PASS|FAIL|SKIP <case> [reason]`; the run ends with
`verify: N passed, N failed, N skipped`. The exit status is 1 when a case listed in the ratchet
file was selected and did not pass (or, with --strict, when any case failed), 2 on a usage or
engine-probe error, 0 otherwise.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")

DEFAULT_OWN_SUITE = os.path.join(HERE, "cases")
DEFAULT_SHARED_SUITE = os.path.join(SHARED, "verify", "tests")
DEFAULT_RATCHET = os.path.join(HERE, "ratchet.txt")

LFS_POINTER_PREFIX = b"version https://git-lfs.github.com/spec/"

# Options after which the next command-line token names a rules file.
RULE_FILE_OPTIONS = ("-S", "-s", "--firewall-rules-exclusive")


class CaseSkip(Exception):
    """The case cannot run here; the message says which detectable condition decided it."""


class CaseFail(Exception):
    """The case ran (or tried to) and an expectation did not hold."""


# ------------------------------------------------------------------------------------------------
# Versions


def version_parts(value):
    """Parse a version as text ("8", 8, 8.0, "7.0.12", "9.0.0-dev") into a list of ints.

    YAML hands us ints, floats and strings; all are read as text so that 7.10 stays 7.10.
    """
    text = str(value).strip()
    parts = []
    for piece in text.split("."):
        match = re.match(r"\d+", piece)
        if not match:
            break
        parts.append(int(match.group(0)))
    if not parts:
        raise ValueError("not a version: %r" % (value,))
    return parts


def version_padded(parts):
    return tuple((list(parts) + [0, 0, 0])[:3])


def version_at_least(engine, wanted):
    return version_padded(engine) >= version_padded(version_parts(wanted))


def version_below(engine, limit):
    return version_padded(engine) < version_padded(version_parts(limit))


def version_above(engine, limit):
    return version_padded(engine) > version_padded(version_parts(limit))


def version_matches(engine, wanted):
    """`version: 7` matches any 7.x.y, `7.0` any 7.0.y: equality on the parts given only."""
    want = version_parts(wanted)
    return list(version_padded(engine)[: len(want)]) == want


# ------------------------------------------------------------------------------------------------
# Engine probing


class EngineInfo:
    """What the engine says about itself; computed once and shipped to every worker."""

    def __init__(self, path, version, version_text, features, keywords, keywords_note):
        self.path = path
        self.version = version
        self.version_text = version_text
        self.features = features
        self.keywords = keywords
        self.keywords_note = keywords_note


def engine_probe(path, version_override=None):
    proc = subprocess.run([path, "--build-info"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=30)
    text = proc.stdout.decode("utf-8", "replace")
    features = set()
    version_text = version_override
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("Features:"):
            features.update(stripped[len("Features:"):].split())
            continue
        match = re.match(r"(.+?)\s+support:\s*yes\b", stripped)
        if match:
            features.add(match.group(1).strip())
            continue
        match = re.match(r"Suricata compatibility:\s*(\S+)", stripped)
        if match and version_text is None:
            version_text = match.group(1)
    if version_text is None:
        raise SystemExit("run.py: %s --build-info printed no 'Suricata compatibility:' line "
                         "(exit %d); pass --compat-version" % (path, proc.returncode))

    keywords = set()
    note = ""
    try:
        listing = subprocess.run([path, "--list-keywords"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, timeout=30)
        if listing.returncode != 0:
            note = "--list-keywords exited %d" % listing.returncode
        for line in listing.stdout.decode("utf-8", "replace").splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("="):
                continue
            match = re.match(r"^[-*\s]*([A-Za-z0-9_.\-]+)", stripped)
            if match:
                keywords.add(match.group(1).lower())
    except (OSError, subprocess.TimeoutExpired) as exc:
        note = "--list-keywords failed: %s" % exc
    return EngineInfo(os.path.abspath(path), version_parts(version_text), version_text, features,
                      keywords, note)


# ------------------------------------------------------------------------------------------------
# Rules files: enough parsing to know which keywords a case needs.


def rules_statements(text):
    """Yield each rule of a rules file: comments dropped, backslash-continued lines joined."""
    pending = ""
    for raw in text.splitlines():
        line = raw.rstrip("\r\n")
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1]
            continue
        line = pending + line
        pending = ""
        rule = line.strip()
        if not rule or rule.startswith("#"):
            continue
        yield rule
    if pending.strip() and not pending.strip().startswith("#"):
        yield pending.strip()


def rule_options(rule):
    """Split a rule's option block into (keyword, value-or-None) pairs.

    Values may hold quoted strings, escaped `\\;` and `\\"`, and `;` inside quotes.
    """
    start = rule.find("(")
    if start < 0:
        return []
    end = rule.rfind(")")
    body = rule[start + 1:end if end > start else len(rule)]
    options = []
    i = 0
    length = len(body)
    while i < length:
        while i < length and body[i] in " \t;":
            i += 1
        if i >= length:
            break
        name_start = i
        while i < length and body[i] not in ":;":
            i += 1
        name = body[name_start:i].strip()
        value = None
        if i < length and body[i] == ":":
            i += 1
            value_chars = []
            in_quote = False
            while i < length:
                char = body[i]
                if char == "\\" and i + 1 < length:
                    value_chars.append(body[i:i + 2])
                    i += 2
                    continue
                if char == '"':
                    in_quote = not in_quote
                elif char == ";" and not in_quote:
                    break
                value_chars.append(char)
                i += 1
            value = "".join(value_chars).strip()
        i += 1  # the ';'
        if name:
            options.append((name, value))
    return options


def rules_file_keywords(path):
    with open(path, "r", encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    keywords = []
    for rule in rules_statements(text):
        for name, value in rule_options(rule):
            keywords.append((name.lower(), value))
    return keywords


# ------------------------------------------------------------------------------------------------
# Input files


def input_problem(path, allow_empty=False):
    """Why an input file cannot be used (missing, empty, a git-lfs pointer), or None."""
    if os.path.isdir(path):
        return None
    if not os.path.exists(path):
        return "missing"
    if not os.path.isfile(path):
        return None  # /dev/stdin, a fifo: nothing to judge before the engine reads it
    if os.path.getsize(path) == 0:
        return None if allow_empty else "empty"
    with open(path, "rb") as handle:
        head = handle.read(len(LFS_POINTER_PREFIX))
    if head == LFS_POINTER_PREFIX:
        return "a git-lfs pointer"
    return None


# ------------------------------------------------------------------------------------------------
# Requirements and skips


def requires_unmet(requires, engine, case_dir):
    """Return the reason a `requires:` block is not met, or None when it is."""
    if not requires:
        return None
    if not isinstance(requires, dict):
        raise CaseFail("requires: is not a mapping")
    for key, value in requires.items():
        if key == "min-version":
            if not version_at_least(engine.version, value):
                return "requires min-version %s (engine %s)" % (value, engine.version_text)
        elif key == "lt-version":
            if not version_below(engine.version, value):
                return "requires lt-version %s (engine %s)" % (value, engine.version_text)
        elif key == "gt-version":
            if not version_above(engine.version, value):
                return "requires gt-version %s (engine %s)" % (value, engine.version_text)
        elif key == "version":
            if not version_matches(engine.version, value):
                return "requires version %s (engine %s)" % (value, engine.version_text)
        elif key == "features":
            for feature in as_list(value):
                if str(feature) not in engine.features:
                    return "requires feature %s" % feature
        elif key == "files":
            for name in as_list(value):
                if not os.path.exists(os.path.join(case_dir, str(name))):
                    return "requires file %s" % name
        elif key == "env":
            for name in as_list(value):
                if str(name) not in os.environ:
                    return "requires env %s" % name
        elif key == "script":
            return "requires script: grep in Suricata source"
        elif key == "os":
            if not sys.platform.startswith(str(value)) and \
                    not platform.system().lower().startswith(str(value).lower()):
                return "requires os %s" % value
        elif key == "arch":
            if not platform.machine().startswith(str(value)):
                return "requires arch %s" % value
        elif key == "lambda":
            if not lambda_holds(str(value)):
                return "requires lambda %s" % value
        elif key == "pcap":
            continue  # decides whether -r is used, not whether the case runs
        else:
            raise CaseFail("unknown requires key %r" % key)
    return None


def lambda_holds(expression):
    """Evaluate a `lambda:` platform guard (a Python expression over sys/os/platform)."""
    namespace = {"sys": sys, "os": os, "platform": platform}
    try:
        return bool(eval(expression, {"__builtins__": {}}, namespace))  # noqa: S307 - test data
    except Exception:  # noqa: BLE001 - any failure means the guard does not hold here
        return False


def as_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def skip_reason(skip, engine, config_dump):
    """Return why a `skip:` block applies, or None."""
    if skip is None or skip is False:
        return None
    if skip is True:
        return "skip: true"
    for entry in as_list(skip):
        if not isinstance(entry, dict):
            continue
        msg = entry.get("msg")
        suffix = (": %s" % msg) if msg else ""
        if "feature" in entry and str(entry["feature"]) in engine.features:
            return "skip: feature %s present%s" % (entry["feature"], suffix)
        if "uid" in entry and hasattr(os, "getuid") and os.getuid() == int(entry["uid"]):
            return "skip: running as uid %s%s" % (entry["uid"], suffix)
        if "config" in entry and isinstance(entry["config"], dict):
            dump = config_dump()
            for pattern, wanted in entry["config"].items():
                for key, value in dump.items():
                    if re.search(str(pattern), key) and value == str(wanted):
                        return "skip: config %s = %s%s" % (key, value, suffix)
    return None


# ------------------------------------------------------------------------------------------------
# Check evaluation


MISSING = object()
SUFFIX_OPS = ("__len", "__contains", "__find", "__startswith", "__endswith", "__gt", "__gte",
              "__lt", "__lte")


def path_lookup(record, path):
    """Follow a dotted path with `[i]` indexes; MISSING when any step does not exist."""
    value = record
    for part in path.split("."):
        match = re.match(r"^([^\[]*)((?:\[-?\d+\])*)$", part)
        if not match:
            return MISSING
        name, indexes = match.group(1), match.group(2)
        if name:
            if not isinstance(value, dict) or name not in value:
                return MISSING
            value = value[name]
        for index in re.findall(r"\[(-?\d+)\]", indexes):
            position = int(index)
            if not isinstance(value, list) or not -len(value) <= position < len(value):
                return MISSING
            value = value[position]
    return value


def json_equal(actual, expected):
    """Strict JSON equality: 1 != "1", true != 1, containers compared as a whole."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and actual == expected
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and actual == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if expected is None:
        return actual is None
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and \
            all(json_equal(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and set(actual) == set(str(k) for k in expected) and \
            all(json_equal(actual[str(k)], v) for k, v in expected.items())
    return str(expected) == actual  # dates and other YAML scalars: compare as text


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def value_satisfies(record, key, expected):
    """Does one `key: expected` entry of a match block (or stats block) hold for record?"""
    path, _, last = key.rpartition(".")
    if last in SUFFIX_OPS and path:
        actual = path_lookup(record, path)
        if actual is MISSING:
            return False
        if last == "__len":
            return isinstance(actual, (str, list, dict)) and json_equal(len(actual), expected)
        if last == "__contains":
            if isinstance(actual, list):
                return any(json_equal(item, expected) for item in actual)
            if isinstance(actual, str):
                return isinstance(expected, str) and expected in actual
            if isinstance(actual, dict):
                return isinstance(expected, str) and expected in actual
            return False
        if last == "__find":
            return isinstance(actual, str) and isinstance(expected, str) and expected in actual
        if last == "__startswith":
            return isinstance(actual, str) and isinstance(expected, str) and \
                actual.startswith(expected)
        if last == "__endswith":
            return isinstance(actual, str) and isinstance(expected, str) and \
                actual.endswith(expected)
        if not is_number(actual) or not is_number(expected):
            return False
        if last == "__gt":
            return actual > expected
        if last == "__gte":
            return actual >= expected
        if last == "__lt":
            return actual < expected
        return actual <= expected
    actual = path_lookup(record, key)
    if actual is MISSING:
        return False
    return json_equal(actual, expected)


def record_matches(record, match):
    if not isinstance(record, dict):
        return False
    for key, expected in (match or {}).items():
        if key in ("has-key", "not-has-key"):
            for path in as_list(expected):
                present = path_lookup(record, str(path)) is not MISSING
                if present != (key == "has-key"):
                    return False
            continue
        if not value_satisfies(record, str(key), expected):
            return False
    return True


def json_lines(path):
    """Parsed JSON records of a JSON-lines file; lines that are not JSON are left out."""
    records = []
    with open(path, "rb") as handle:
        for raw in handle:
            raw = raw.strip()
            if not raw:
                continue
            try:
                records.append(json.loads(raw))
            except ValueError:
                continue
    return records


def check_filter(spec, out_dir, cache):
    filename = spec.get("filename") or "eve.json"
    path = os.path.join(out_dir, filename)
    if not os.path.isfile(path):
        raise CaseFail("filter: %s does not exist" % filename)
    if path not in cache:
        cache[path] = json_lines(path)
    if "count" not in spec:
        raise CaseFail("filter without count")
    wanted = spec["count"]
    match = spec.get("match") or {}
    got = sum(1 for record in cache[path] if record_matches(record, match))
    if got != wanted:
        raise CaseFail("filter %s: expected %s, got %d (%s)" % (
            filename, wanted, got, json.dumps(match, sort_keys=True, default=str)[:300]))


def check_stats(spec, out_dir, cache):
    path = os.path.join(out_dir, "eve.json")
    if not os.path.isfile(path):
        raise CaseFail("stats: eve.json does not exist")
    if path not in cache:
        cache[path] = json_lines(path)
    last = None
    for record in cache[path]:
        if isinstance(record, dict) and record.get("event_type") == "stats":
            last = record
    if last is None:
        raise CaseFail("stats: no stats record in eve.json")
    stats = last.get("stats", {})
    for key, expected in spec.items():
        if key == "requires":
            continue
        if not value_satisfies(stats, str(key), expected):
            actual = path_lookup(stats, str(key).rsplit(".__", 1)[0])
            shown = "absent" if actual is MISSING else json.dumps(actual)
            raise CaseFail("stats %s: expected %s, got %s" % (key, expected, shown))


def check_shell(spec, out_dir, env, timeout):
    command = spec.get("args")
    if command is None:
        raise CaseFail("shell check without args")
    try:
        proc = subprocess.run(["bash", "-c", str(command)], cwd=out_dir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CaseFail("shell %r timed out" % command)
    if proc.returncode != 0:
        raise CaseFail("shell %r exited %d" % (command, proc.returncode))
    if "expect" in spec:
        got = proc.stdout.decode("utf-8", "replace").strip()
        wanted = yaml_text(spec["expect"])
        if got != wanted:
            raise CaseFail("shell %r: expected %r, got %r" % (command, wanted, got[:200]))


def yaml_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def check_file_compare(spec, out_dir, case_dir):
    got_path = os.path.join(out_dir, str(spec.get("filename")))
    want_path = os.path.join(case_dir, str(spec.get("expected")))
    if not os.path.isfile(got_path):
        raise CaseFail("file-compare: %s does not exist" % spec.get("filename"))
    if not os.path.isfile(want_path):
        raise CaseFail("file-compare: reference %s does not exist" % spec.get("expected"))
    with open(got_path, "rb") as got, open(want_path, "rb") as want:
        if got.read() != want.read():
            raise CaseFail("file-compare: %s differs from %s" % (
                spec.get("filename"), spec.get("expected")))


# ------------------------------------------------------------------------------------------------
# One case


class Case:
    def __init__(self, name, directory, suite):
        self.name = name
        self.dir = directory
        self.suite = suite


def cases_discover(suite):
    """Every folder holding test.yaml is one case; nothing below it is another case."""
    found = []
    for current, dirs, files in os.walk(suite):
        dirs.sort()
        if "test.yaml" in files and os.path.abspath(current) != os.path.abspath(suite):
            rel = os.path.relpath(current, suite).replace(os.sep, "/")
            found.append(Case(rel, os.path.abspath(current), suite))
            dirs[:] = []
    return found


def substitute(text, variables):
    """Replace $VAR and ${VAR} for the runner's variables; leave others to the shell."""
    def repl(match):
        name = match.group(1) or match.group(2)
        return variables.get(name, match.group(0))
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", repl, str(text))


class Result:
    def __init__(self, name, status, reason="", no_output=False, detail=""):
        self.name = name
        self.status = status
        self.reason = reason
        self.no_output = no_output
        self.detail = detail


class CasePlan:
    """Everything decided before the engine runs: argv or shell command, inputs, rules."""

    def __init__(self):
        self.argv = None
        self.shell = None
        self.rule_files = []
        self.config_files = []


def case_rules_default(case, test, engine):
    """Rules options for the default command line (explicit `rules:` or the *.rules glob)."""
    if "rules" in test:
        value = test.get("rules")
        if not value:
            return ["--disable-detection"], []
        path = os.path.join(case.dir, str(value))
        if not os.path.isfile(path):
            raise CaseFail("rules file %s does not exist" % value)
        return ["-S", path], [path]
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(glob.escape(case.dir),
                                                                       "*.rules")))
    if not names:
        return ["--disable-detection"], []
    if len(names) == 1:
        name = names[0]
        path = os.path.join(case.dir, name)
        if name == "firewall.rules":
            return ["--firewall-rules-exclusive", path], [path]
        match = re.match(r"^min(\d+(?:\.\d+)*)\.rules$", name)
        if match:
            if version_at_least(engine.version, match.group(1)):
                return ["-S", path], [path]
            return ["--disable-detection"], []
        return ["-S", path], [path]
    if names == ["firewall.rules", "td.rules"]:
        fw = os.path.join(case.dir, "firewall.rules")
        td = os.path.join(case.dir, "td.rules")
        return ["--firewall-rules-exclusive", fw, "-S", td], [fw, td]
    raise CaseFail("ambiguous rules files: %s" % " ".join(names))


def case_pcap(case, test):
    """The capture for the default command line, None for none; SKIP when none can be found."""
    requires = test.get("requires") or {}
    if test.get("pcap") is False or (isinstance(requires, dict) and requires.get("pcap") is False):
        return None
    if isinstance(test.get("pcap"), str):
        path = os.path.join(case.dir, test["pcap"])
        problem = input_problem(path)
        if problem:
            raise CaseSkip("input %s is %s (incomplete snapshot)" % (test["pcap"], problem))
        return path
    found = sorted(glob.glob(os.path.join(glob.escape(case.dir), "*.pcap")) +
                   glob.glob(os.path.join(glob.escape(case.dir), "*.pcapng")))
    if not found:
        raise CaseSkip("no pcap file found")
    if len(found) > 1:
        raise CaseFail("more than one capture in the case folder")
    problem = input_problem(found[0])
    if problem:
        raise CaseSkip("input %s is %s (incomplete snapshot)" % (os.path.basename(found[0]),
                                                                  problem))
    return found[0]


def tokens_rule_files(tokens, cwd):
    """Rules files named after -S/-s/--firewall-rules-exclusive in a token list."""
    files = []
    for i, token in enumerate(tokens):
        value = None
        if token in RULE_FILE_OPTIONS and i + 1 < len(tokens):
            value = tokens[i + 1]
        else:
            for option in RULE_FILE_OPTIONS:
                if option.startswith("--") and token.startswith(option + "="):
                    value = token[len(option) + 1:]
        if value:
            files.append(os.path.normpath(os.path.join(cwd, value)))
    return files


def tokens_option_value(tokens, short, long_name=None):
    for i, token in enumerate(tokens):
        if token == short or (long_name and token == long_name):
            if i + 1 < len(tokens):
                return tokens[i + 1]
        if long_name and token.startswith(long_name + "="):
            return token[len(long_name) + 1:]
    return None


def config_rule_files(config_path, case_dir):
    """rule-files of a case config, resolved against its default-rule-path (best effort)."""
    try:
        with open(config_path, "r", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        doc = yaml.safe_load(re.sub(r"^%YAML.*$", "", text, flags=re.M))
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(doc, dict):
        return []
    base = str(doc.get("default-rule-path") or case_dir)
    files = []
    for name in as_list(doc.get("rule-files")):
        path = os.path.join(case_dir, base, str(name))
        if os.path.isfile(path):
            files.append(path)
    return files


def case_plan(case, test, engine, variables):
    plan = CasePlan()
    config = os.path.join(case.dir, "suricata.yaml")
    if test.get("command"):
        command = substitute(test["command"], variables)
        plan.shell = command
        try:
            tokens = shlex.split(command.replace("\\\n", " "))
        except ValueError:
            tokens = command.split()
        plan.rule_files = tokens_rule_files(tokens, case.dir)
        config_arg = tokens_option_value(tokens, "-c")
        if config_arg:
            plan.config_files.append(os.path.join(case.dir, config_arg))
        pcap_arg = tokens_option_value(tokens, "-r")
        if pcap_arg and not test.get("setup"):
            problem = input_problem(os.path.join(case.dir, pcap_arg))
            if problem:
                raise CaseSkip("input %s is %s (incomplete snapshot)" % (
                    pcap_arg.replace(case.dir, "${TEST_DIR}"), problem))
        for path in plan.rule_files:
            if not os.path.exists(path):
                raise CaseFail("rules file %s does not exist" % os.path.relpath(path, case.dir))
        if not plan.rule_files and config_arg:
            plan.rule_files = config_rule_files(os.path.join(case.dir, config_arg), case.dir)
        return plan

    args = []
    for entry in as_list(test.get("args")):
        args.extend(substitute(entry, variables).split())
    pcap = case_pcap(case, test)
    rules_args, rule_files = case_rules_default(case, test, engine)
    argv = [engine.path] + args
    argv += ["--set", "classification-file=%s" % os.path.join(variables["SRCDIR"],
                                                               "classification.config")]
    argv += ["--set", "reference-config-file=%s" % os.path.join(variables["SRCDIR"],
                                                                 "reference.config")]
    argv += ["--init-errors-fatal", "-l", variables["OUTPUT_DIR"]]
    if "ips" in os.path.basename(case.name):
        argv.append("--simulate-ips")
    if os.path.isfile(config):
        argv += ["-c", config]
        plan.config_files.append(config)
    elif variables.get("STOCK_CONFIG"):
        argv += ["-c", variables["STOCK_CONFIG"]]
    if pcap:
        argv += ["-r", pcap]
    argv += rules_args
    plan.argv = argv
    plan.rule_files = rule_files + tokens_rule_files(args, case.dir)
    for path in plan.rule_files:
        if not os.path.exists(path):
            raise CaseFail("rules file %s does not exist" % os.path.relpath(path, case.dir))
    # Without rules the run has --disable-detection, so the config's rule-files load nothing.
    return plan


LUA_NAME = re.compile(r"[\w./-]+\.lua\b")


def lua_missing(case, plan):
    """A .lua script named by the case's rules or config that is not in the case folder."""
    texts = []
    for path in plan.rule_files:
        for name, value in rules_file_keywords(path):
            if name in ("lua", "luajit", "luaxform") and value:
                texts.append(value)
    for path in plan.config_files:
        try:
            with open(path, "r", encoding="utf-8", errors="replace") as handle:
                texts.append("\n".join(line for line in handle
                                       if not line.lstrip().startswith("#")))
        except OSError:
            continue
    for text in texts:
        for name in LUA_NAME.findall(text):
            candidates = [os.path.join(case.dir, name),
                          os.path.join(case.dir, os.path.basename(name))]
            if not any(os.path.exists(c) for c in candidates):
                return name
    return None


def dataset_missing(case, test, plan):
    """A dataset/datarep `load` file that is absent (a large input missing from the snapshot).

    Only for cases that expect a clean start: a case expecting exit 1 may be testing exactly
    that error, and absolute paths are the engine's to refuse.
    """
    if int(test.get("exit-code", 0) or 0) != 0:
        return None
    for path in plan.rule_files:
        for name, value in rules_file_keywords(path):
            if name not in ("dataset", "datarep") or not value:
                continue
            match = re.search(r"\bload\s+([^,\s]+)", value)
            if not match:
                continue
            target = match.group(1).strip('"')
            if os.path.isabs(target):
                continue
            candidates = [os.path.join(case.dir, target),
                          os.path.join(os.path.dirname(path), target)]
            problems = [input_problem(c) for c in candidates]
            if all(problems):
                return target, problems[0]
    return None


def keywords_unsupported(plan, engine):
    for path in plan.rule_files:
        for name, _ in rules_file_keywords(path):
            if name not in engine.keywords:
                return name
    return None


def check_gate(spec, engine, case_dir):
    requires = spec.get("requires") if isinstance(spec, dict) else None
    return requires_unmet(requires, engine, case_dir) if requires else None


def process_group_kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def engine_run(plan, case, env, out_dir, timeout):
    """Run the engine once; stdout/stderr land in the output folder like upstream's."""
    stdout_path = os.path.join(out_dir, "stdout")
    stderr_path = os.path.join(out_dir, "stderr")
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        if plan.shell is not None:
            proc = subprocess.Popen(["bash", "-c", plan.shell], cwd=case.dir, env=env,
                                    stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        else:
            proc = subprocess.Popen(plan.argv, cwd=case.dir, env=env, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process_group_kill(proc)
            proc.wait()
            raise CaseFail("engine timed out after %ss" % timeout)
    for path in (stdout_path, stderr_path):
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise CaseFail("invalid UTF-8 in engine %s" % os.path.basename(path))
    return code


def stderr_tail(out_dir, lines=15):
    path = os.path.join(out_dir, "stderr")
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""


def checks_run(test, case, engine, env, out_dir, timeout):
    """Run every check; return how many ran (not gated out) or raise CaseFail on a failure."""
    cache = {}
    executed = 0
    for check in as_list(test.get("checks")):
        if not isinstance(check, dict) or len(check) != 1:
            raise CaseFail("malformed check %r" % (check,))
        kind, spec = next(iter(check.items()))
        spec = spec if spec is not None else {}
        gate = check_gate(spec, engine, case.dir)
        if gate:
            continue
        executed += 1
        if kind == "filter":
            check_filter(spec, out_dir, cache)
        elif kind == "shell":
            check_shell(spec, out_dir, env, timeout)
        elif kind == "stats":
            check_stats(spec, out_dir, cache)
        elif kind == "file-compare":
            check_file_compare(spec, out_dir, case.dir)
        else:
            raise CaseFail("unknown check type %r" % kind)
    return executed


def config_dump_loader(engine, case, env):
    """`skip: - config:` needs the engine's dumped configuration; asked for only then."""
    cache = {}

    def load():
        if "dump" in cache:
            return cache["dump"]
        dump = {}
        argv = [engine.path, "--dump-config"]
        config = os.path.join(case.dir, "suricata.yaml")
        if os.path.isfile(config):
            argv += ["-c", config]
        try:
            proc = subprocess.run(argv, cwd=case.dir, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=30)
            for line in proc.stdout.decode("utf-8", "replace").splitlines():
                key, sep, value = line.partition(" = ")
                if sep:
                    dump[key.strip()] = value.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
        cache["dump"] = dump
        return dump

    return load


def case_execute(case, engine, options, out_root):
    """Run one case to its end; always returns a Result, never raises."""
    out_dir = tempfile.mkdtemp(prefix="case-", dir=out_root)
    keep = options["keep"]
    try:
        result = case_execute_in(case, engine, options, out_dir)
    except CaseSkip as exc:
        result = Result(case.name, "SKIP", str(exc))
    except CaseFail as exc:
        result = Result(case.name, "FAIL", str(exc))
    except Exception as exc:  # noqa: BLE001 - a runner bug must not take other cases down
        result = Result(case.name, "FAIL", "runner error: %s: %s" % (type(exc).__name__, exc))
    if result.status == "FAIL" and options["verbose"]:
        result.detail = stderr_tail(out_dir)
    if keep:
        result.detail = (result.detail + "\n" if result.detail else "") + "output: %s" % out_dir
    else:
        shutil.rmtree(out_dir, ignore_errors=True)
    return result


def case_execute_in(case, engine, options, out_dir):
    with open(os.path.join(case.dir, "test.yaml"), "r", encoding="utf-8") as handle:
        test = yaml.safe_load(handle)
    if test is None:
        test = {}
    if not isinstance(test, dict):
        raise CaseFail("test.yaml is not a mapping")

    reason = requires_unmet(test.get("requires"), engine, case.dir)
    if reason:
        raise CaseSkip(reason)

    variables = {
        "TEST_DIR": case.dir,
        "OUTPUT_DIR": out_dir,
        "SRCDIR": options["srcdir"],
    }
    env = dict(os.environ)
    env.update(variables)
    env["TZ"] = "UTC"
    env["SEKIMORI"] = engine.path
    case_env = test.get("env") or {}
    if isinstance(case_env, dict):
        for key, value in case_env.items():
            env[str(key)] = yaml_text(value)
            variables[str(key)] = yaml_text(value)
    elif isinstance(case_env, list):
        for key in case_env:
            if str(key) not in os.environ:
                raise CaseSkip("requires env %s" % key)
    subst = dict(variables)
    if options.get("stock_config"):
        subst["STOCK_CONFIG"] = options["stock_config"]

    reason = skip_reason(test.get("skip"), engine, config_dump_loader(engine, case, env))
    if reason:
        raise CaseSkip(reason)
    if test.get("unix-commands"):
        raise CaseSkip("requires unix-socket commands (not supported by this runner)")

    plan = case_plan(case, test, engine, subst)
    lua = lua_missing(case, plan)
    if lua:
        raise CaseSkip("requires Lua script %s, not shipped" % lua)
    dataset = dataset_missing(case, test, plan)
    if dataset:
        raise CaseSkip("input %s is %s (incomplete snapshot)" % dataset)
    keyword = keywords_unsupported(plan, engine)
    if keyword:
        raise CaseSkip("rule keyword '%s' unsupported" % keyword)

    runs = int(test.get("count", 1) or 1)
    attempts = max(1, int(test.get("retry", 1) or 1))
    timeout = options["timeout"]
    last_error = None
    for _ in range(attempts):
        try:
            executed = None
            for _ in range(runs):
                executed = case_attempt(case, test, plan, engine, env, out_dir, timeout)
            last_error = None
            break
        except CaseFail as exc:
            last_error = exc
    if last_error is not None:
        raise last_error
    if as_list(test.get("checks")) and executed == 0:
        raise CaseSkip("every check gated out by its requires")
    return Result(case.name, "PASS", no_output=null_engine_passes(case, test, engine, env,
                                                                   out_dir, timeout))


def null_engine_passes(case, test, engine, env, out_dir, timeout):
    """Would an engine that exits 0 and writes an empty eve.json pass this case too?

    Such passes (every filter expects count 0, a grep that must find nothing, no checks at
    all) say little about the engine, so the summary counts them apart.
    """
    if int(test.get("exit-code", 0) or 0) != 0:
        return False
    empty = out_dir.rstrip(os.sep) + "-null"
    os.makedirs(empty)
    try:
        for name in ("eve.json", "stdout", "stderr"):
            with open(os.path.join(empty, name), "wb"):
                pass
        null_env = dict(env)
        null_env["OUTPUT_DIR"] = empty
        checks_run(test, case, engine, null_env, empty, timeout)
        return True
    except CaseFail:
        return False
    finally:
        shutil.rmtree(empty, ignore_errors=True)


def case_attempt(case, test, plan, engine, env, out_dir, timeout):
    for entry in os.listdir(out_dir):
        path = os.path.join(out_dir, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    for step in as_list(test.get("setup")):
        script = step.get("script") if isinstance(step, dict) else step
        if script is None:
            continue
        proc = subprocess.run(["bash", "-c", str(script)], cwd=out_dir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if proc.returncode != 0:
            raise CaseFail("setup script exited %d" % proc.returncode)
    code = engine_run(plan, case, env, out_dir, timeout)
    expected = int(test.get("exit-code", 0) or 0)
    if code != expected:
        raise CaseFail("exit code %d, expected %d" % (code, expected))
    if test.get("pre-check"):
        proc = subprocess.run(["bash", "-c", str(test["pre-check"])], cwd=out_dir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if proc.returncode != 0:
            raise CaseFail("pre-check exited %d" % proc.returncode)
    return checks_run(test, case, engine, env, out_dir, timeout)


# ------------------------------------------------------------------------------------------------
# The fake source tree behind ${SRCDIR}


def srcdir_build(root, engine, stock_config, conf_dir):
    """Lay out what commands expect under ${SRCDIR}: src/suricata, suricata.yaml, *.config."""
    srcdir = os.path.join(root, "srcdir")
    os.makedirs(os.path.join(srcdir, "src"))
    os.makedirs(os.path.join(srcdir, "etc"))
    os.symlink(engine.path, os.path.join(srcdir, "src", "suricata"))
    os.symlink(engine.path, os.path.join(srcdir, "src", "sekimori"))
    if stock_config:
        os.symlink(stock_config, os.path.join(srcdir, "suricata.yaml"))
    for name in ("classification.config", "reference.config", "threshold.config"):
        source = os.path.join(conf_dir, name) if conf_dir else None
        if source and os.path.isfile(source):
            os.symlink(source, os.path.join(srcdir, name))
            os.symlink(source, os.path.join(srcdir, "etc", name))
        else:
            for where in (srcdir, os.path.join(srcdir, "etc")):
                with open(os.path.join(where, name), "w", encoding="utf-8") as handle:
                    handle.write("")
    return srcdir


def first_existing(paths):
    for path in paths:
        if path and os.path.exists(path):
            return os.path.abspath(path)
    return None


# ------------------------------------------------------------------------------------------------
# Ratchet


def ratchet_load(path):
    if not path or not os.path.isfile(path):
        return []
    names = []
    with open(path, "r", encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def ratchet_save(path, names):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("# suricata-verify cases that must keep passing (tests/verify/run.py "
                     "--update-ratchet adds to it)\n")
        for name in sorted(set(names)):
            handle.write(name + "\n")


# ------------------------------------------------------------------------------------------------
# Main


def options_parse(argv):
    parser = argparse.ArgumentParser(description="Run suricata-verify-format cases against "
                                     "sekimori.")
    parser.add_argument("--sekimori", default=None,
                        help="engine binary (default: build/sekimori under the project root)")
    parser.add_argument("--suite", action="append", default=None,
                        help="folder of cases (repeatable; default: tests/verify/cases and "
                        "../shared/verify/tests when present)")
    parser.add_argument("--case", action="append", default=None,
                        help="run only cases whose name contains this text (repeatable)")
    parser.add_argument("--sample", default=None, metavar="N/M",
                        help="run the cases whose index in the sorted list is N modulo M (the "
                        "own cases in tests/verify/cases always run)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--ratchet", default=DEFAULT_RATCHET)
    parser.add_argument("--update-ratchet", action="store_true",
                        help="add the cases that passed to the ratchet file")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per engine run")
    parser.add_argument("--verbose", action="store_true",
                        help="print the engine's stderr tail under each failure")
    parser.add_argument("--keep", action="store_true", help="keep every case's output folder")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any case fails")
    parser.add_argument("--stock-config", default=None,
                        help="config for cases without their own suricata.yaml and for "
                        "${SRCDIR}/suricata.yaml (default: the engine's built-in one; "
                        "${SRCDIR}/suricata.yaml falls back to ../shared/suricata-ref)")
    parser.add_argument("--compat-version", default=None,
                        help="override the Suricata version the engine claims to follow")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")
    parser.add_argument("--reasons", action="store_true",
                        help="after the run, count the skip and fail reasons")
    return parser.parse_args(argv)


def cases_select(options):
    suites = options.suite
    if not suites:
        suites = [DEFAULT_OWN_SUITE]
        if os.path.isdir(DEFAULT_SHARED_SUITE):
            suites.append(DEFAULT_SHARED_SUITE)
    cases = {}
    for suite in suites:
        if not os.path.isdir(suite):
            raise SystemExit("run.py: suite %s does not exist" % suite)
        for case in cases_discover(suite):
            if case.name in cases:
                raise SystemExit("run.py: case %s is in both %s and %s" % (
                    case.name, cases[case.name].suite, suite))
            cases[case.name] = case
    ordered = [cases[name] for name in sorted(cases)]
    if options.sample:
        match = re.match(r"^(\d+)/(\d+)$", options.sample)
        if not match or int(match.group(2)) == 0:
            raise SystemExit("run.py: --sample wants N/M")
        residue, modulus = int(match.group(1)), int(match.group(2))
        # sekimori's own cases are few and always run; the sample is taken from the other
        # suites' sorted list, so adding an own case does not shift which upstream cases run.
        own = os.path.abspath(DEFAULT_OWN_SUITE)
        others = [c for c in ordered if os.path.abspath(c.suite) != own]
        chosen = set(c.name for i, c in enumerate(others) if i % modulus == residue % modulus)
        ordered = [c for c in ordered if os.path.abspath(c.suite) == own or c.name in chosen]
    if options.case:
        ordered = [c for c in ordered if any(p in c.name for p in options.case)]
    return ordered


def reason_class(reason):
    """Group reasons for the --reasons table (drop versions and file names)."""
    reason = re.sub(r"\(engine [^)]*\)", "", reason)
    reason = re.sub(r"min-version \S+", "min-version X", reason)
    reason = re.sub(r"lt-version \S+", "lt-version X", reason)
    reason = re.sub(r"gt-version \S+", "gt-version X", reason)
    reason = re.sub(r"^input \S+ is", "input X is", reason)
    reason = re.sub(r"Lua script \S+", "Lua script X", reason)
    reason = re.sub(r"expected .*", "expected ...", reason)
    return reason.strip()


def main(argv=None):
    options = options_parse(argv if argv is not None else sys.argv[1:])
    binary = options.sekimori or first_existing([os.path.join(ROOT, "build", "sekimori")])
    if not binary or not os.access(binary, os.X_OK):
        print("run.py: no engine binary (pass --sekimori PATH)", file=sys.stderr)
        return 2
    engine = engine_probe(binary, options.compat_version)
    cases = cases_select(options)
    if options.list:
        for case in cases:
            print(case.name)
        return 0

    stock = first_existing([options.stock_config]) if options.stock_config else None
    if options.stock_config and not stock:
        print("run.py: --stock-config %s does not exist" % options.stock_config, file=sys.stderr)
        return 2
    srcdir_config = stock or first_existing([
        os.path.join(ROOT, "etc", "suricata.yaml"),
        os.path.join(ROOT, "suricata.yaml"),
        os.path.join(SHARED, "suricata-ref", "suricata.yaml"),
    ])
    conf_dir = None
    for candidate in (os.path.join(ROOT, "etc"), os.path.join(SHARED, "suricata-ref")):
        if os.path.isfile(os.path.join(candidate, "classification.config")):
            conf_dir = candidate
            break

    root = tempfile.mkdtemp(prefix="sekimori-verify-")
    srcdir = srcdir_build(root, engine, srcdir_config, conf_dir)
    run_options = {
        "srcdir": srcdir,
        "stock_config": stock,
        "timeout": options.timeout,
        "verbose": options.verbose,
        "keep": options.keep,
    }
    print("verify: engine %s (Suricata compatibility %s), %d features, %d rule keywords%s" % (
        engine.path, engine.version_text, len(engine.features), len(engine.keywords),
        (" [%s]" % engine.keywords_note) if engine.keywords_note else ""), flush=True)

    results = []
    started = time.monotonic()
    jobs = max(1, options.jobs)
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(case_execute, case, engine, run_options, root)
                       for case in cases]
            for future in futures:
                result = future.result()
                results.append(result)
                line = "%s %s" % (result.status, result.name)
                if result.reason:
                    line += " " + result.reason
                print(line, flush=True)
                if result.detail and (options.verbose or options.keep):
                    for detail in result.detail.rstrip().splitlines():
                        print("    | " + detail)
    except KeyboardInterrupt:
        print("verify: interrupted", file=sys.stderr)
        return 130
    finally:
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)

    passed = [r for r in results if r.status == "PASS"]
    failed = [r for r in results if r.status == "FAIL"]
    skipped = [r for r in results if r.status == "SKIP"]
    no_output = [r for r in passed if r.no_output]

    if options.reasons:
        for label, group in (("SKIP", skipped), ("FAIL", failed)):
            counts = {}
            for result in group:
                key = reason_class(result.reason)
                counts[key] = counts.get(key, 0) + 1
            for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                print("verify: %s %5d  %s" % (label, count, key))

    status = 0
    ratchet = ratchet_load(options.ratchet)
    by_name = {r.name: r for r in results}
    regressions = [name for name in ratchet if name in by_name and by_name[name].status != "PASS"]
    for name in regressions:
        print("verify: RATCHET %s was passing and is now %s" % (name, by_name[name].status))
    if regressions:
        status = 1
    if options.update_ratchet:
        new = [r.name for r in passed if r.name not in set(ratchet)]
        ratchet_save(options.ratchet, ratchet + new)
        print("verify: ratchet %s: %d added, %d listed" % (options.ratchet, len(new),
                                                            len(set(ratchet + new))))
    if options.strict and failed:
        status = 1
    print("verify: %d of the passes expect no output (an engine writing no events passes "
          "them); %.0fs" % (len(no_output), time.monotonic() - started))
    print("verify: %d passed, %d failed, %d skipped" % (len(passed), len(failed), len(skipped)))
    return status


if __name__ == "__main__":
    sys.exit(main())
