"""Digit substitutions judged by evidence (CR002, src for 1, and a declared second one).

The articles under fixtures/repairs/ were written for these tests: news in four
languages dense with the digit 1 in every shape a number takes, articles about code that
use ``src`` as a word, and prose with ``src`` and no digit 1. Each is corrupted here the way
the broken scraper did it, every 1 written as ``src``, and cleaned.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import bench_scripts
import jsonschema
import pytest
from invariants import assert_invariants

from cleaner import Cleaner, RuleError
from cleaner.loader import parse_pack
from cleaner.report import schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "repairs"
NEWS = sorted(FIXTURES.glob("news_*.txt"))
CODE = sorted(FIXTURES.glob("code_*.txt"))
PROSE = sorted(FIXTURES.glob("prose_src_*.txt"))
TRAPS = sorted((ROOT / "fixtures" / "traps").glob("*.txt"))
REPAIRS = Cleaner(select=["repairs"])
FULL = Cleaner()


def corrupt(text: str, digit: str = "1", token: str = "src") -> tuple[str, set[int], set[int]]:
    """``text`` with every ``digit`` written as ``token`` (bench/eval_repairs.py's
    corruption); where those tokens start, and where the tokens the original had start."""
    broken, made = bench_scripts.load("eval_repairs").corrupt(text, digit, token)
    meant, i = set(), broken.find(token)
    while i >= 0:
        if i not in made:
            meant.add(i)
        i = broken.find(token, i + 1)
    return broken, made, meant


def _tokens(items, code: str = "CR002", width: int = 3) -> set[int]:
    return {t for x in items if x.rule == code for t in range(x.start, x.end, width)}


def test_fixtures_are_there() -> None:
    assert len(NEWS) >= 10 and len(CODE) >= 4 and len(PROSE) >= 2


@pytest.mark.parametrize("path", NEWS + CODE + PROSE + TRAPS, ids=lambda p: p.name)
def test_uncorrupted_text_is_never_repaired(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    res = REPAIRS.clean(text)
    assert not [e for e in res.edits if e.rule == "CR002"] and not [f for f in res.flags if f.rule == "CR002"]
    assert all(ev.decision == "keep" for ev in res.evidence)


@pytest.mark.parametrize("path", NEWS, ids=lambda p: p.name)
def test_corrupted_news_is_restored(path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    broken, made, _ = corrupt(original)
    res = assert_invariants(REPAIRS, broken)
    repaired = _tokens(res.edits)
    assert repaired <= made, "a src the original did not hold was repaired"
    # A few runs stand where only a reader can tell ("Es src de los goles": one of the
    # goals); everything else comes back.
    assert len(repaired) >= 0.95 * len(made), f"{len(repaired)} of {len(made)} restored"
    assert [ev.decision for ev in res.evidence] == ["repair"]


def test_most_corrupted_news_comes_back_exactly() -> None:
    exact = sum(REPAIRS.clean(corrupt(p.read_text(encoding="utf-8"))[0]).text == p.read_text(encoding="utf-8")
                for p in NEWS)
    assert exact >= len(NEWS) - 2


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_corrupted_code_article_keeps_the_word_and_repairs_numbers(path: Path) -> None:
    """An article about a code base, scraped badly: numbers are repaired where they
    stand; src meant as a word is never touched; what cannot be placed is flagged."""
    original = path.read_text(encoding="utf-8")
    broken, made, meant = corrupt(original)
    assert meant, "a code fixture must use src as a word"
    res = assert_invariants(REPAIRS, broken)
    repaired = _tokens(res.edits)
    assert not repaired & meant, [broken[t - 20:t + 20] for t in sorted(repaired & meant)]
    flagged = _tokens(res.flags)
    assert not flagged & meant
    # src1 written as srcsrc cannot be told from 11; the rest of the numbers come back.
    assert len(repaired & made) >= 0.75 * len(made)
    assert len(repaired - made) <= 1


@pytest.mark.parametrize("path", PROSE, ids=lambda p: p.name)
def test_src_without_numbers_is_judged_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "1" not in text and "src" in text
    [ev] = REPAIRS.clean(text).evidence
    assert ev.decision == "keep" and "number" not in ev.runs and ev.runs.get("meant")


def test_one_real_src_path_in_a_clean_article_changes_nothing() -> None:
    text = "The team moved every module under src/ in 2020 and shipped 3 releases since."
    res = FULL.clean(text)
    assert res.text == text and not res.edits and not res.flags


def test_evidence_counts_shapes_and_explains_the_decision() -> None:
    res = REPAIRS.clean("Doors open at src0:30 p.m. and tickets cost $src5.\n\n"
                        "Set <img src=\"a.png\"> and the img.src property.")
    [ev] = res.evidence
    assert ev.decision == "repair" and "no digit 1 left" in ev.reason
    assert ev.runs["number"] == {"currency": 1, "time": 1}
    assert ev.runs["meant"] == {"attribute": 1, "property": 1}
    assert [e.message for e in res.edits] == ["Corrupted digit 1 repaired (time)",
                                              "Corrupted digit 1 repaired (currency)"]


def test_surviving_digits_outweigh_a_few_number_shapes() -> None:
    # A 1 still standing says the scrape did not replace every 1: two shapes are not enough.
    res = REPAIRS.clean("Updated 2021. Shells from the src950s, and src2:25 am.")
    assert not res.edits and res.evidence[0].decision == "keep"
    many = "Updated 2021.\n\n" + " ".join(f"In 20srcsrc, src{d}:30 and $src{d}.50." for d in "2345")
    assert REPAIRS.clean(many).evidence[0].decision == "repair"


def test_unsure_runs_are_flagged_where_the_document_uses_the_word() -> None:
    text = "The src attribute loads in 20srcsrc browsers; src0 of them lazily."
    res = REPAIRS.clean(text)
    assert res.text == "The src attribute loads in 2011 browsers; src0 of them lazily."
    [flag] = res.flags
    assert flag.text == "src" and "would become '1'" in flag.message


@pytest.mark.parametrize(("broken", "clean_text"), [
    ("The vote was close.\n\nsource site-srcsrc", "The vote was close.\n"),
    ("The vote was close.\n\n© 20srcsrc Harbour Media. All rights reserved.", "The vote was close.\n"),
])
def test_packs_judge_the_repaired_text(broken: str, clean_text: str) -> None:
    res = assert_invariants(FULL, broken + "\n\nTurnout was srcsrc percent in 20src9.")
    assert res.text == clean_text + "\nTurnout was 11 percent in 2019."
    assert {e.rule for e in res.edits} >= {"CR002"} and len({e.rule for e in res.edits}) == 2


def test_cleaning_twice_changes_nothing_and_replay_restores() -> None:
    for path in NEWS + CODE:
        assert_invariants(FULL, corrupt(path.read_text(encoding="utf-8"))[0])


def test_a_declared_substitution_runs_end_to_end(tmp_path: Path) -> None:
    """An invented mapping (qz for 7) through the CLI: output, report, restore."""
    pack = ROOT / "fixtures" / "packs" / "qz_for_seven.toml"
    original = (FIXTURES / "news_weekend_sports.txt").read_text(encoding="utf-8")
    broken, made, _ = corrupt(original, "7", "qz")
    src = tmp_path / "in" / "story.txt"
    src.parent.mkdir()
    src.write_text(broken, encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "cleaner", str(src), "-o", str(out), "-q", "--rules", str(pack),
                          "--select", "XS001"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    report = json.loads((out / "story.report.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema())
    assert [ev["decision"] for ev in report["evidence"]] == ["repair"]
    assert _tokens_of(report["edits"], "XS001") == made
    assert (out / "story.txt").read_text(encoding="utf-8") == original
    back = tmp_path / "back.txt"
    run = subprocess.run([sys.executable, "-m", "cleaner", "restore", str(out / "story.txt"),
                          str(out / "story.report.json"), "-o", str(back)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert back.read_bytes() == src.read_bytes()


def _tokens_of(edits: list[dict], code: str) -> set[int]:
    return {t for e in edits if e["rule"] == code for t in range(e["start"], e["end"], 2)}


@pytest.mark.parametrize(("digit", "token"), [("12", "x"), ("a", "x"), ("1", "s1"), ("1", "a b"), ("1", "")])
def test_a_substitution_is_refused_unless_token_and_digit_make_sense(digit: str, token: str) -> None:
    raw = f'''[pack]
name = "p"
[[rule]]
code = "XX001"
name = "sub"
kind = "substitution"
token = "{token}"
digit = "{digit}"
triggers = ["x"]
message = "m"
why = "w"
fix = [{{ input = "a", output = "b" }}]
keep = ["c"]
'''
    with pytest.raises(RuleError, match="'(digit|token)' must be"):
        parse_pack(raw, "p.toml")
