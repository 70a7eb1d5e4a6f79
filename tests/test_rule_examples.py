"""Every example written beside every rule runs as a test (the packs' own suite)."""

from __future__ import annotations

import re

import pytest

from cleaner import Cleaner
from cleaner.examples import check_rule

CLEANER = Cleaner()
RULES = CLEANER.rules


def test_packs_loaded() -> None:
    assert {p.name for p in CLEANER.packs} >= {
        "disclosures", "comments", "syndication", "navigation", "media", "trailers", "repairs"}
    assert len(RULES) >= 20


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_rule_examples(rule) -> None:
    failures = check_rule(CLEANER, rule)
    assert not failures, "\n".join(f"{f.example.text!r}: {f.problem}" for f in failures)


@pytest.mark.parametrize("rule", [r for r in RULES if r.kind != "detector"], ids=lambda r: r.code)
def test_rule_has_both_kinds_of_example(rule) -> None:
    assert any(e.expect == "remove" for e in rule.examples)
    assert any(e.expect == "keep" for e in rule.examples)


# html, echo and scorer rules have no triggers: selectors find their elements, echoes compare
# lines, a scorer reads every line (the loader refuses triggers there).
@pytest.mark.parametrize("rule", [r for r in RULES if r.kind not in ("mojibake", "html", "echo", "scorer")],
                         ids=lambda r: r.code)
def test_remove_examples_contain_a_trigger(rule) -> None:
    """A remove example without any trigger word could never fire: the trigger list is wrong."""
    for ex in rule.examples:
        if ex.expect == "remove":
            assert any(t in ex.text.lower() for t in rule.triggers), ex.text


def test_keep_examples_survive_every_rule() -> None:
    """A keep example is article prose: no default rule at all may touch it."""
    from cleaner.html.examples import html_rule_hits

    touched = []
    for rule in RULES:
        for ex in rule.examples:
            if ex.expect == "keep" and rule.kind == "html":  # a page snippet: no element rule may take any of it
                first = [hit for other in RULES if other.kind == "html"
                         for hit in html_rule_hits(CLEANER, other, ex.text)[0]]
                if first:
                    touched.append((rule.code, ex.text, [(h.rule, h.path) for h in first]))
            elif ex.expect == "keep":
                res = CLEANER.clean(ex.text)
                if res.edits:
                    touched.append((rule.code, ex.text, [(e.rule, e.text) for e in res.edits]))
    assert not touched, touched


def test_codes_are_unique_and_prefixed_by_pack() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for pack in CLEANER.packs:
        assert len({r.code[:2] for r in pack.rules}) == 1, pack.name


def test_rules_doc_covers_every_key_and_kind() -> None:
    """docs/rules.md is how users learn the format: it must name every key of every kind."""
    from pathlib import Path

    from cleaner.kinds import COMMON_KEYS, KIND_KEYS
    doc = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for key in sorted(COMMON_KEYS | {k for keys in KIND_KEYS.values() for k in keys}):
        assert f"`{key}`" in doc or f"`{key} =" in doc, key
    for kind in KIND_KEYS:
        assert f"`{kind}`" in doc and re.search(rf"^###.*`{kind}`", doc, re.M), kind
    for pack in CLEANER.packs:
        assert f"`{pack.name}`" in doc, pack.name


def test_rules_doc_pack_table_counts() -> None:
    """The default-pack table in docs/rules.md states each pack's rule count: keep it true."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for pack in CLEANER.packs:
        m = re.search(rf"^\| `{pack.name}` \| `(\w+)` \| (\d+) \|", doc, re.M)
        assert m, pack.name
        assert m.group(1) == pack.rules[0].code[:2] and int(m.group(2)) == len(pack.rules), pack.name
