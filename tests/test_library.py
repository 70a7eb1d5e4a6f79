"""The library API: clean, Cleaner selection, the record filter, thread safety."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cleaner import Cleaner, CleanResult, RuleError, clean

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "000_5eda273307ca1d0e.txt").read_bytes().decode()


def test_clean_returns_text_and_edits() -> None:
    res = clean(SEED)
    assert isinstance(res, CleanResult)
    assert "Leave a Reply" not in res.text
    assert {e.rule for e in res.edits} >= {"CM001", "CM002", "AF001"}
    assert res.counts["CM001"] == 1
    assert res.chars_removed == len(SEED) - len(res.text)


def test_select_by_code_prefix_pack_and_name() -> None:
    assert {e.rule for e in Cleaner(select=["CM"]).clean(SEED).edits} == {"CM001", "CM002"}
    assert {e.rule for e in Cleaner(select=["comments"]).clean(SEED).edits} == {"CM001", "CM002"}
    assert {e.rule for e in Cleaner(select=["akismet-notice"]).clean(SEED).edits} == {"CM002"}


def test_ignore() -> None:
    rules = {e.rule for e in Cleaner(ignore=["comments", "AF001"]).clean(SEED).edits}
    assert not rules & {"CM001", "CM002", "AF001"}
    assert "NV001" in rules


def test_choice_of_packs() -> None:
    cl = Cleaner(packs=["media"])
    assert {r.pack for r in cl.rules} == {"media"}
    with pytest.raises(RuleError, match="unknown pack"):
        Cleaner(packs=["nope"])


def test_select_that_matches_nothing_is_an_error() -> None:
    with pytest.raises(RuleError, match="matches no rule"):
        Cleaner(select=["ZZ9"])


def test_substitution_selected_alone_repairs() -> None:
    cl = Cleaner(select=["CR002"])
    res = cl.clean("Shells from the src950s were fired at src2:25 am.")
    assert res.text == "Shells from the 1950s were fired at 12:25 am."


def test_retired_code_selects_the_rule_that_replaces_it() -> None:
    assert [r.code for r in Cleaner(select=["CR001"]).rules] == ["CR002"]
    assert "CR002" not in {r.code for r in Cleaner(ignore=["CR001"]).rules}


def test_rules_fitted_to_one_site_are_retired_into_family_rules() -> None:
    """A retired code names the family rule that took it over; --ignore OLD keeps working."""
    taken = {r.code: set(r.options.get("replaces", ())) for r in Cleaner().rules}
    retired = {"SY001": "SY008", "SY003": "SY011", "SY004": "SY009", "SY006": "SY012", "PT003": "PT018", "PT004": "PT020"}
    assert {old: new for new, olds in taken.items() for old in olds if old in retired} == retired
    assert [r.code for r in Cleaner(select=["SY001"]).rules] == ["SY008"]
    assert "SY009" not in {r.code for r in Cleaner(ignore=["SY004"]).rules}
    cl = Cleaner()
    assert [e.rule for e in cl.clean("Story.\n\nsource site-34").edits] == ["SY008"]
    assert [e.rule for e in cl.clean("Story.\n\n(Reporting by Ana Lima; Editing by Sam Bell)").edits] == ["SY009"]


def test_repair_keeps_its_detector_when_selected_alone() -> None:
    pack = Path(__file__).resolve().parent.parent / "fixtures" / "packs" / "gated_repair.toml"
    cl = Cleaner(select=["XR002"], extra_packs=[pack])
    assert {r.code for r in cl.rules} == {"XR001", "XR002"}
    assert cl.clean("In 2O19 the town spent 4OO pounds.").text == "In 2019 the town spent 400 pounds."


def test_filter_over_texts_and_records() -> None:
    cl = Cleaner()
    texts = list(cl.filter(["Story.\n\nRead More", "Nothing to do."]))
    assert [r.text for r in texts] == ["Story.\n", "Nothing to do."]
    records = list(cl.filter([{"id": 1, "text": "Story.\n\nRead More"}, {"id": 2, "text": "Leave a Reply"}],
                             drop_empty=True))
    assert len(records) == 1
    assert records[0]["id"] == 1 and records[0]["text"] == "Story.\n"
    assert records[0]["cleaner_edits"][0]["rule"] == "NV001"
    with pytest.raises(KeyError, match="no field 'body'"):
        list(cl.filter([{"text": "x"}], text_field="body", errors="raise"))
    with pytest.raises(TypeError, match="'text' is NoneType, not a string"):
        list(cl.filter([{"text": None}], errors="raise"))


def test_filter_passes_bad_records_through_marked() -> None:
    """As the CLI does: the stream goes on, and each bad record says what is wrong."""
    cl = Cleaner()
    records = [{"id": 1, "body": "x"}, {"id": 2, "text": None}, {"id": 3, "text": 7},
               {"id": 4, "text": "Story.\n\nRead More"}]
    out = list(cl.filter(records))
    assert out[:3] == [
        {"id": 1, "body": "x", "cleaner_error": "record has no field 'text'; pass text_field="},
        {"id": 2, "text": None, "cleaner_error": "record field 'text' is NoneType, not a string"},
        {"id": 3, "text": 7, "cleaner_error": "record field 'text' is int, not a string"},
    ]
    assert out[3]["text"] == "Story.\n" and "cleaner_error" not in out[3]
    assert list(cl.filter([{"t": None}], text_field="t", error_field="why"))[0]["why"].endswith("not a string")
    with pytest.raises(ValueError, match="choose 'mark' or 'raise'"):
        list(cl.filter([{"t": None}], text_field="t", errors="ignore"))  # type: ignore[arg-type]


def test_unknown_ignore_is_an_error_like_select() -> None:
    with pytest.raises(RuleError, match="--ignore NV999 matches no rule"):
        Cleaner(ignore=["NV999"])
    with pytest.raises(RuleError, match="--select CX matches no rule"):
        Cleaner(select=["CX"])
    assert Cleaner(ignore=["NV", "leave-a-reply", "comments"]).rules


def test_non_str_is_refused() -> None:
    with pytest.raises(TypeError, match="decode bytes first"):
        clean(b"bytes")  # type: ignore[arg-type]


def test_empty_text() -> None:
    assert clean("").text == "" and clean("").edits == ()


def test_shared_across_threads() -> None:
    cl = Cleaner()
    docs = [SEED, SEED.replace("\n", "\r\n"), "plain prose only."] * 30
    expected = [cl.clean(d) for d in docs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(cl.clean, docs))
    assert got == expected
