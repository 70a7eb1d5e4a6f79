"""Overlapping candidate edits: one is kept, and each displaced one is reported with the
edit that won and why (``CleanResult.skipped``, the report's ``skipped``)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from cleaner import Cleaner
from cleaner.loader import parse_pack
from cleaner.overlaps import CROSSES, INSIDE_WIDER, LINE_REMOVED
from cleaner.report import document_report, schema

ROOT = Path(__file__).resolve().parent.parent

PACK = '''
[pack]
name = "overlap"

[[rule]]
code = "XO001"
name = "promo-words"
kind = "span"
triggers = ["promo"]
patterns = ['promo code \\w+']
message = "Promo code"
why = "A shop's promotion."
remove = ["Use promo code SAVE now."]
keep = ["The promotion ended."]

[[rule]]
code = "XO002"
name = "code-save"
kind = "span"
triggers = ["save"]
patterns = ['\\bSAVE now']
message = "Save prompt"
why = "A call to action."
remove = ["Use promo code SAVE now."]
keep = ["They save money."]

[[rule]]
code = "XO003"
name = "whole-promo-sentence"
kind = "span"
triggers = ["use promo"]
patterns = ['Use promo code \\w+ now\\.']
message = "Promo sentence"
why = "A shop's promotion."
remove = ["Use promo code SAVE now."]
keep = ["They use promotions."]

[[rule]]
code = "XO004"
name = "promo-line"
kind = "line"
triggers = ["sponsored"]
patterns = ['sponsored:?']
message = "Sponsor label"
why = "A label of an advertisement."
remove = ["Sponsored:"]
keep = ["The council met."]
'''


def _cleaner(*codes: str) -> Cleaner:
    pack = parse_pack(PACK, "overlap.toml")
    return Cleaner(packs=[], extra_packs=[pack], select=list(codes))


def test_a_span_inside_a_wider_one_is_reported_with_the_winner() -> None:
    text = "The sale ran all week. Use promo code SAVE now. It ended Sunday."
    res = _cleaner("XO001", "XO003").clean(text)
    assert [e.rule for e in res.edits] == ["XO003"]
    [s] = res.skipped
    assert (s.rule, s.winner, s.reason) == ("XO001", "XO003", INSIDE_WIDER)
    assert s.text == text[s.start:s.end] == "promo code SAVE"
    assert res.skipped_overlaps == 1


def test_a_span_crossing_an_earlier_one_is_reported() -> None:
    text = "The sale ran all week. Use promo code SAVE now and then."
    res = _cleaner("XO001", "XO002").clean(text)
    assert [e.rule for e in res.edits] == ["XO001"]
    [s] = res.skipped
    assert (s.rule, s.winner, s.reason, s.text) == ("XO002", "XO001", CROSSES, "SAVE now")


def test_inline_edits_on_a_removed_line_go_with_it() -> None:
    text = "The council met.\n\nSponsored: promo code SAVE"
    res = _cleaner("XO001", "XO004").clean(text)
    assert [e.rule for e in res.edits] == ["XO004"]
    [s] = res.skipped
    assert (s.rule, s.winner, s.reason, s.text) == ("XO001", "XO004", LINE_REMOVED, " promo code SAVE")


@pytest.mark.parametrize("path", sorted((ROOT / "fixtures" / "seeds").glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_skipped_edit_is_reported_and_fits_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    res = Cleaner().clean(text)
    assert len(res.skipped) == res.skipped_overlaps
    codes = {r.code for r in Cleaner().rules}
    for s in res.skipped:
        assert text[s.start:s.end] == s.text and s.winner in codes and s.rule in codes
    jsonschema.validate(document_report(res, path=str(path)), schema())
