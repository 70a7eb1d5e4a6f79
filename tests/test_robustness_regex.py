"""Issue 6, rules: broken packs refused with file, rule and line named; a catastrophic
regex cannot hang a run (load-time check, time limit, rule skipped and reported)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest
from invariants import assert_invariants

import cleaner.regex_safety as rs
from cleaner import Cleaner
from cleaner.cli import main
from cleaner.kinds import RuleError
from cleaner.loader import load_pack_file, parse_pack
from cleaner.report import document_report, schema

RULE = '''[pack]
name = "mine"

[[rule]]
code = "MY001"
name = "my-rule"
kind = "{kind}"
triggers = ["aa"]
patterns = ['{pattern}']
message = "slow"
why = "a test"
remove = ["{remove}"]
keep = ["plain prose here."]
'''
DOC = "The council met on Tuesday.\n\n" + "a" * 40 + "b\n\nLeave a Reply\n"


def pack(tmp_path: Path, pattern: str, kind: str = "span", remove: str = "aac") -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(RULE.format(pattern=pattern, kind=kind, remove=remove), encoding="utf-8")
    return p


@pytest.fixture
def fast_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rs, "TIMEOUT_SECONDS", 0.05)


@pytest.mark.parametrize(("pattern", "shape"), [
    ("(a+)+c", True), (r"(?:\w+\s?)*c", True), ("(?:x*)*c", True), ("((a+)b?)+c", True), ("(x|a+)+c", True),
    ("(a++)+c", False), ("(?>a+)+c", False), (r"(?:\w+ )+c", False), (r"(?: [\w]+){0,4}c", False),
])
def test_nested_quantifiers_refused_at_load_time(tmp_path: Path, pattern: str, shape: bool) -> None:
    path = pack(tmp_path, pattern)
    if not shape:
        load_pack_file(path)
        return
    with pytest.raises(RuleError) as info:
        load_pack_file(path)
    msg = str(info.value)
    assert f"{path}:5: rule MY001: pattern in 'patterns'" in msg and "possessive" in msg


def test_shipped_packs_pass_the_check_and_are_mostly_unguarded() -> None:
    c = Cleaner()
    for r in c.rules:
        for _, p in rs._patterns(r):
            assert rs.exponential(p) is None, (r.code, p)
    guarded = [x.rule.code for x in c.compiled() if rs.is_guarded(x)]
    # Only the shipped rules with nested repeats or repeated alternatives carry the limit.
    assert 0 < len(guarded) < len(c.rules) / 3
    assert all(p.min_len == rs.SHIPPED_MIN_LEN for x in c.compiled() if rs.is_guarded(x)
               for p in getattr(x, "patterns", ()) or getattr(x, "signatures", ()))


@pytest.mark.parametrize("pattern", [
    "(a+)+c", r"(?:\w+\s?)*c", "((a+)b?)+c", "(x|a+)+c", "(?x) (a+) +c", "(?:ab|b){2,}c", r"(?:\w+ )+c",
    "(a+(?1)?)c", "(?P<x>a+(?&x)?)c", "(a+(?R)?)c", "(?x)(a|aa)#c\n+c", "(?x)(a+) # c\n +c",
])
def test_the_cheap_precheck_never_misses_a_risky_pattern(pattern: str) -> None:
    assert rs.risky(pattern) and rs.may_nest(pattern)


def test_the_cheap_precheck_agrees_with_the_full_check_on_shipped_and_probe_patterns() -> None:
    """may_nest only skips parsing patterns that cannot repeat a group: whatever risky()
    finds in a pattern it can read, may_nest finds too (the shipped packs' patterns and
    some probes). risky() also guards what it cannot read (regex-only syntax such as
    \\p{L}); may_nest reads those as text, which is why it serves shipped rules only."""
    probes = [r"\w+\s+\w+", r"[a-z]+(?:x)?", r"(?:a)\+", r"\)+", "a{2,}", "(?>a+)+", "(a++)+", "(?:a|b){2,}c"]
    # The stdlib parser of Python 3.10 cannot read possessive or atomic syntax: those are
    # the patterns risky() guards unread, so only the readable ones can be compared.
    readable = [p for p in [p for r in Cleaner().rules for _, p in rs._patterns(r)] + probes
                if rs._parse(p) is not None]
    assert len(readable) > 150
    for p in readable:
        assert not rs.risky(p) or rs.may_nest(p), p
    assert rs.risky(r"\p{L}+ \d+") and not rs.may_nest(r"\p{L}+ \d+")


def test_a_slow_rule_is_skipped_for_that_document_and_reported(tmp_path: Path, fast_timeout: None) -> None:
    c = Cleaner(extra_packs=[pack(tmp_path, "(a|aa)+c")])  # overlapping alternatives: passes the check
    t = time.perf_counter()
    res = c.clean(DOC)
    assert time.perf_counter() - t < 5
    assert res.timeouts == ("MY001",)
    assert [e.rule for e in res.edits] == ["CM001"], "the other rules still clean the document"
    assert res.text == Cleaner().clean(DOC).text
    report = document_report(res, path=None)
    assert report["timeouts"] == ["MY001"]
    jsonschema.validate(report, schema())
    # A document it is fast on: the rule runs and removes as usual.
    ok = c.clean("Story.\n\nx aac y\n")
    assert ok.timeouts == () and [e.rule for e in ok.edits] == ["MY001"]


def test_a_rule_slow_on_n_documents_is_switched_off_for_the_run(tmp_path: Path, fast_timeout: None) -> None:
    c = Cleaner(extra_packs=[pack(tmp_path, "(a|aa)+c")], max_rule_timeouts=2)
    first, second = c.clean(DOC), c.clean(DOC)
    assert first.timeouts == second.timeouts == ("MY001",) and first.disabled == second.disabled == ()
    assert c.disabled == ("MY001",)
    # From now on it is not tried at all, even where it would be fast, and says so.
    third, fast = c.clean(DOC), c.clean("Story.\n\nx aac y\n")
    assert third.timeouts == () and third.disabled == ("MY001",) and third.text == second.text
    assert fast.disabled == ("MY001",) and "MY001" not in {e.rule for e in fast.edits}
    # Per-file variants share the count; 0 never switches a rule off.
    assert c.variant(["CM"]).disabled == ("MY001",)
    never = Cleaner(extra_packs=[pack(tmp_path, "(a|aa)+c")], max_rule_timeouts=0)
    assert all(never.clean(DOC).timeouts == ("MY001",) for _ in range(3)) and never.disabled == ()


def test_cli_names_switched_off_rules_in_the_summary(tmp_path: Path, fast_timeout: None) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(4):
        (src / f"{i}.txt").write_text(DOC, encoding="utf-8")
    assert main([str(src), "-o", str(out), "-q", "-j", "1", "--max-rule-timeouts", "2",
                 "--rules", str(pack(tmp_path, "(a|aa)+c"))]) == 0
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["timeouts"] == {"MY001": 2} and summary["disabled_rules"] == ["MY001"]
    assert json.loads((out / "3.report.json").read_text(encoding="utf-8"))["disabled"] == ["MY001"]
    assert main([str(src), "-o", str(out), "--max-rule-timeouts", "-1"]) == 2


def test_a_slow_detector_takes_its_repairs_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pack = Path(__file__).resolve().parent.parent / "fixtures" / "packs" / "gated_repair.toml"
    c = Cleaner(extra_packs=[pack])
    detector = next(x for x in c.compiled() if type(x).__name__ == "DetectorRule")
    repairs = [r.code for r in c.rules if detector.rule.code in r.options.get("requires", [])]
    assert repairs
    text = "\n\n".join(ex.text for r in c.rules if r.code in repairs for ex in r.examples if ex.expect == "remove")
    assert any(e.rule in repairs for e in c.clean(text).edits)  # the repair works when in time

    def boom(self: object, text: str) -> bool:
        raise rs.RuleTimeout(detector.rule.code)

    monkeypatch.setattr(type(detector), "fires", boom)
    res = c.clean(text)
    assert res.timeouts == (detector.rule.code,)
    assert not any(e.rule in repairs for e in res.edits)


def test_cli_reports_timeouts_in_report_and_summary(tmp_path: Path, fast_timeout: None) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(DOC, encoding="utf-8")
    (src / "b.jsonl").write_text(json.dumps({"text": DOC}) + "\n", encoding="utf-8")
    assert main([str(src), "-o", str(out), "-q", "--rules", str(pack(tmp_path, "(a|aa)+c"))]) == 0
    assert json.loads((out / "a.report.json").read_text(encoding="utf-8"))["timeouts"] == ["MY001"]
    assert json.loads((out / "b.report.jsonl").read_text(encoding="utf-8"))["timeouts"] == ["MY001"]
    assert json.loads((out / "run-summary.json").read_text(encoding="utf-8"))["timeouts"] == {"MY001": 2}


@pytest.mark.parametrize(("change", "where", "message"), [
    ("kind = \"span\"\nkind = \"line\"", ": not valid TOML", "(at line 8, column 14)"),  # syntax: its line
    ("why = \"a test\"\nwhy_not = 1", ":5: rule MY001", "unknown key 'why_not'"),
    ("patterns = ['(unclosed']", ":5: rule MY001", "invalid regex in 'patterns'"),
    ("keep = [\"plain prose here.\"]", ":5: rule MY001", "needs at least one 'keep' example"),
])
def test_broken_user_packs_name_file_rule_and_line(tmp_path: Path, change: str, where: str, message: str) -> None:
    text = RULE.format(pattern="aac", kind="span", remove="aac")
    old = {"kind": 'kind = "span"', "why": 'why = "a test"', "patt": "patterns = ['aac']",
           "keep": 'keep = ["plain prose here."]'}[change.split()[0][:4]]
    text = text.replace(old, "" if change.startswith("keep") else change)
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pack_file(p)
    assert f"{p}{where}" in str(info.value) and message in str(info.value)


def test_duplicate_code_names_both_places(tmp_path: Path) -> None:
    text = RULE.format(pattern="aac", kind="span", remove="aac")
    p = tmp_path / "dup.toml"
    p.write_text(text + text.split("\n\n", 1)[1], encoding="utf-8")
    with pytest.raises(RuleError, match=rf"{p}:\d+: duplicate rule code MY001"):
        load_pack_file(p)


@pytest.mark.parametrize("raw", [
    "rule = 3\n[pack]\nname='x'\n", "[pack]\nname='x'\n[[rule]]\n", "[pack]\nname = 1\n", "pack = []\n",
    "[pack]\nname='x'\n[[rule]]\ncode='AB001'\nkind='repair'\nname='a'\nmessage='m'\nwhy='w'\ntriggers=['a']\n"
    "patterns=['a']\nreplacement='b'\nrequires=5\nremove=['a']\nkeep=['b']\n",
    "[pack]\nname='x'\n[[rule]]\ncode='AB001'\nkind='span'\nname='a'\nmessage='m'\nwhy='w'\ntriggers=['a']\n"
    "patterns=['" + "(" * 200 + "a" + ")" * 200 + "']\nremove=['a']\nkeep=['b']\n",
    "[pack]\nname='x'\n[[rule]]\ncode='AB001'\nkind='span'\nname='a'\nmessage='m'\nwhy='w'\ntriggers=['a']\n"
    "patterns=['a']\nremove=[1]\nkeep=['b']\nfix=[3]\n",
    "[pack]\nname='x'\nrule=[1, 2]\n",
])
def test_malformed_packs_raise_rule_error_only(raw: str) -> None:
    """Shapes the fuzz target (fuzz/fuzz_loader.py) explores: a RuleError or a pack, never a crash."""
    try:
        parse_pack(raw, "p.toml")
    except RuleError:
        pass


def test_timeouts_keep_the_invariants_on_other_documents(tmp_path: Path, fast_timeout: None) -> None:
    c = Cleaner(extra_packs=[pack(tmp_path, "(a|aa)+c")])
    assert_invariants(c, "Story.\n\nx aac y\n\nLeave a Reply\n")
