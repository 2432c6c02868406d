#!/usr/bin/python3
"""Tests of the verify runner itself (tests/verify/run.py), with a fake engine.

Run: /usr/bin/python3 -m unittest discover -s tests/verify -p 'test_run.py' -v
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import run  # noqa: E402

FAKE = os.path.join(HERE, "fake_engine.sh")


class EngineStub:
    def __init__(self, version="8.0.7", features=(), keywords=()):
        self.path = FAKE
        self.version = run.version_parts(version)
        self.version_text = version
        self.features = set(features)
        self.keywords = set(keywords)
        self.keywords_note = ""


class VersionTest(unittest.TestCase):
    def test_parts(self):
        self.assertEqual(run.version_parts(8), [8])
        self.assertEqual(run.version_parts(8.0), [8, 0])
        self.assertEqual(run.version_parts("7.0.12"), [7, 0, 12])
        self.assertEqual(run.version_parts("9.0.0-dev"), [9, 0, 0])

    def test_compare(self):
        engine = [8, 0, 7]
        self.assertTrue(run.version_at_least(engine, 8))
        self.assertTrue(run.version_at_least(engine, "8.0.7"))
        self.assertFalse(run.version_at_least(engine, "8.0.8"))
        self.assertFalse(run.version_at_least(engine, 9))
        self.assertTrue(run.version_below(engine, 9))
        self.assertFalse(run.version_below(engine, 8))
        self.assertTrue(run.version_above(engine, "6.0.11"))
        self.assertTrue(run.version_matches(engine, 8))
        self.assertTrue(run.version_matches(engine, "8.0"))
        self.assertFalse(run.version_matches(engine, 7))
        self.assertFalse(run.version_matches(engine, "8.0.6"))

    def test_requires(self):
        engine = EngineStub(features=["HAVE_LUA"])
        self.assertIsNone(run.requires_unmet({"min-version": 8, "features": ["HAVE_LUA"]},
                                             engine, HERE))
        self.assertIn("min-version 9", run.requires_unmet({"min-version": 9}, engine, HERE))
        self.assertIn("lt-version", run.requires_unmet({"lt-version": 8}, engine, HERE))
        self.assertIn("feature ASAN", run.requires_unmet({"features": ["ASAN"]}, engine, HERE))
        self.assertIn("script", run.requires_unmet({"script": ["grep x y"]}, engine, HERE))
        self.assertIsNone(run.requires_unmet({"lambda": 'sys.platform != "win32"'}, engine,
                                             HERE))
        self.assertIsNotNone(run.requires_unmet({"lambda": 'sys.platform == "win32"'}, engine,
                                                HERE))
        self.assertIsNone(run.requires_unmet({"pcap": False}, engine, HERE))
        self.assertIsNotNone(run.requires_unmet({"files": ["no/such/file"]}, engine, HERE))

    def test_skip_entries(self):
        engine = EngineStub(features=["HAVE_JA4"])
        self.assertIn("HAVE_JA4", run.skip_reason([{"feature": "HAVE_JA4"}], engine, dict))
        self.assertIsNone(run.skip_reason([{"feature": "HAVE_JA3"}], engine, dict))
        self.assertEqual(run.skip_reason(True, engine, dict), "skip: true")
        dump = lambda: {"app-layer.protocols.ja4.enabled": "yes"}  # noqa: E731
        self.assertIsNotNone(run.skip_reason([{"config": {r"ja4\.enabled": "yes"}}], engine,
                                             dump))


class RulesTest(unittest.TestCase):
    def test_options(self):
        rule = ('alert http any any -> any any (msg:"semi; colon \\" quote"; '
                'content:"a\\;b"; nocase; pcre:"/x;y/i"; sid:1; rev:2;)')
        names = [name for name, _ in run.rule_options(rule)]
        self.assertEqual(names, ["msg", "content", "nocase", "pcre", "sid", "rev"])
        values = dict(run.rule_options(rule))
        self.assertEqual(values["msg"], '"semi; colon \\" quote"')
        self.assertIsNone(values["nocase"])

    def test_file(self):
        text = textwrap.dedent("""\
            # a comment
            #alert ip any any -> any any (msg:"disabled"; ttl:1; sid:9;)
            alert tcp any any -> any 80 (msg:"two \\
                lines"; flow:established; \\
                sid:2;)

            drop:packet tcp:all any any -> any any (alert; sid:99;)
            """)
        with tempfile.NamedTemporaryFile("w", suffix=".rules", delete=False) as handle:
            handle.write(text)
        try:
            names = [name for name, _ in run.rules_file_keywords(handle.name)]
        finally:
            os.unlink(handle.name)
        self.assertEqual(names, ["msg", "flow", "sid", "alert", "sid"])


class MatchTest(unittest.TestCase):
    record = {
        "event_type": "flow",
        "src_port": 80,
        "flag": True,
        "vlan": [100, 200],
        "dns": {"queries": [{"rrname": "example.com"}], "empty": None},
        "name": "hello world",
        "n": 2.5,
    }

    def matches(self, match):
        return run.record_matches(self.record, match)

    def test_equality_is_strict(self):
        self.assertTrue(self.matches({"src_port": 80}))
        self.assertFalse(self.matches({"src_port": "80"}))
        self.assertFalse(self.matches({"flag": 1}))
        self.assertTrue(self.matches({"flag": True}))
        self.assertTrue(self.matches({"vlan": [100, 200]}))
        self.assertFalse(self.matches({"vlan": [100]}))
        self.assertTrue(self.matches({"dns.queries[0].rrname": "example.com"}))
        self.assertFalse(self.matches({"dns.queries[1].rrname": "example.com"}))
        self.assertFalse(self.matches({"no.such.key": None}))
        self.assertTrue(self.matches({"vlan[1]": 200}))

    def test_operators(self):
        self.assertTrue(self.matches({"vlan.__len": 2}))
        self.assertTrue(self.matches({"name.__len": 11}))
        self.assertTrue(self.matches({"vlan.__contains": 200}))
        self.assertTrue(self.matches({"name.__contains": "lo wo"}))
        self.assertTrue(self.matches({"name.__find": "world"}))
        self.assertTrue(self.matches({"name.__startswith": "hell"}))
        self.assertTrue(self.matches({"name.__endswith": "orld"}))
        self.assertFalse(self.matches({"name.__endswith": "hell"}))
        self.assertTrue(self.matches({"src_port.__gt": 79}))
        self.assertTrue(self.matches({"src_port.__gte": 80}))
        self.assertTrue(self.matches({"n.__lt": 3}))
        self.assertTrue(self.matches({"n.__lte": 2.5}))
        self.assertFalse(self.matches({"flag.__gt": 0}))
        self.assertFalse(self.matches({"name.__gt": 0}))

    def test_has_key(self):
        self.assertTrue(self.matches({"has-key": "dns.empty"}))
        self.assertTrue(self.matches({"has-key": ["dns", "vlan"]}))
        self.assertFalse(self.matches({"has-key": "alert"}))
        self.assertTrue(self.matches({"not-has-key": ["alert", "tcp.rst"]}))
        self.assertFalse(self.matches({"not-has-key": "src_port"}))


def case_make(suite, name, test_yaml, files=None):
    folder = os.path.join(suite, name)
    os.makedirs(folder)
    with open(os.path.join(folder, "test.yaml"), "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(test_yaml))
    for file_name, content in (files or {}).items():
        path = os.path.join(folder, file_name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    return folder


class EndToEndTest(unittest.TestCase):
    """The whole runner, as a subprocess, over a small suite made here, with the fake engine."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.suite = os.path.join(self.tmp.name, "suite")
        os.makedirs(self.suite)
        pcap = b"\xd4\xc3\xb2\xa1" + b"\x00" * 20
        case_make(self.suite, "passes-count-zero", """
            checks:
              - filter:
                  count: 0
                  match:
                    event_type: alert
            """, {"input.pcap": pcap})
        case_make(self.suite, "fails-count-one", """
            checks:
              - filter:
                  count: 1
                  match:
                    event_type: flow
            """, {"input.pcap": pcap})
        case_make(self.suite, "skips-version", """
            requires:
              min-version: 9
            """, {"input.pcap": pcap})
        case_make(self.suite, "skips-keyword", """
            checks: []
            """, {"input.pcap": pcap,
                  "test.rules": b'alert ip any any -> any any (msg:"x"; ttl:3; sid:1;)\n'})
        case_make(self.suite, "skips-no-pcap", "checks: []\n")
        case_make(self.suite, "skips-missing-input", "pcap: ../elsewhere/input.pcap\n")
        case_make(self.suite, "skips-lfs", "checks: []\n", {
            "input.pcap": b"version https://git-lfs.github.com/spec/v1\noid sha256:00\n"})
        case_make(self.suite, "group/nested-shell", """
            pcap: false
            args:
              - --set foo=${TEST_DIR}
            checks:
              - shell:
                  args: test -f eve.json && echo $TZ
                  expect: UTC
              - shell:
                  requires:
                    min-version: 10
                  args: "false"
            """)
        case_make(self.suite, "command-case", """
            pcap: false
            command: |
              ${SRCDIR}/src/suricata -l ${OUTPUT_DIR} -c ${SRCDIR}/suricata.yaml
            checks:
              - filter:
                  count: 0
                  match:
                    event_type: flow
              - shell:
                  args: test -e ${SRCDIR}/etc/classification.config
            """)
        case_make(self.suite, "exit-code-mismatch", """
            pcap: false
            exit-code: 1
            """)
        case_make(self.suite, "file-compare", """
            pcap: false
            checks:
              - file-compare:
                  filename: eve.json
                  expected: expected/eve.json
            """, {"expected/eve.json": b""})
        self.ratchet = os.path.join(self.tmp.name, "ratchet.txt")

    def tearDown(self):
        self.tmp.cleanup()

    def runner(self, *extra, env=None):
        full_env = dict(os.environ)
        full_env["FAKE_KEYWORDS"] = "msg sid"
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, os.path.join(HERE, "run.py"), "--sekimori", FAKE,
             "--suite", self.suite, "--ratchet", self.ratchet] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, timeout=120)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def statuses(self, output):
        found = {}
        for line in output.splitlines():
            parts = line.split(None, 2)
            if len(parts) >= 2 and parts[0] in ("PASS", "FAIL", "SKIP"):
                found[parts[1]] = (parts[0], parts[2] if len(parts) > 2 else "")
        return found

    def test_outcomes(self):
        code, out, err = self.runner("-j", "2")
        self.assertEqual(code, 0, out + err)
        got = self.statuses(out)
        self.assertEqual(got["passes-count-zero"][0], "PASS")
        self.assertEqual(got["fails-count-one"][0], "FAIL")
        self.assertIn("requires min-version 9", got["skips-version"][1])
        self.assertEqual(got["skips-keyword"], ("SKIP", "rule keyword 'ttl' unsupported"))
        self.assertEqual(got["skips-no-pcap"], ("SKIP", "no pcap file found"))
        self.assertIn("missing (incomplete snapshot)", got["skips-missing-input"][1])
        self.assertIn("git-lfs pointer", got["skips-lfs"][1])
        self.assertEqual(got["group/nested-shell"][0], "PASS", out)
        self.assertEqual(got["command-case"][0], "PASS", out)
        self.assertEqual(got["exit-code-mismatch"],
                         ("FAIL", "exit code 0, expected 1"))
        self.assertEqual(got["file-compare"][0], "PASS", out)
        self.assertIn("verify: 4 passed, 2 failed, 5 skipped", out.splitlines()[-1])
        self.assertIn("verify: 4 of the passes expect no output", out)

    def test_selection(self):
        code, out, _ = self.runner("--case", "skips-", "--list")
        self.assertEqual(code, 0)
        self.assertEqual(out.split(), ["skips-keyword", "skips-lfs", "skips-missing-input",
                                       "skips-no-pcap", "skips-version"])
        code, out, _ = self.runner("--sample", "1/3", "--list")
        everything = sorted(self.runner("--list")[1].split())
        self.assertEqual(out.split(), everything[1::3])

    def test_ratchet(self):
        with open(self.ratchet, "w", encoding="utf-8") as handle:
            handle.write("passes-count-zero\nfails-count-one\n")
        code, out, _ = self.runner("--case", "count")
        self.assertEqual(code, 1)
        self.assertIn("RATCHET fails-count-one", out)
        code, out, _ = self.runner("--case", "passes-count-zero")
        self.assertEqual(code, 0)
        os.unlink(self.ratchet)
        code, out, _ = self.runner("--update-ratchet")
        with open(self.ratchet, encoding="utf-8") as handle:
            listed = [line.strip() for line in handle if not line.startswith("#")]
        self.assertEqual(listed, sorted(["command-case", "file-compare", "group/nested-shell",
                                         "passes-count-zero"]))

    def test_strict(self):
        code, _, _ = self.runner("--strict", "--case", "fails-count-one")
        self.assertEqual(code, 1)


if __name__ == "__main__":
    unittest.main()
