"""Inputs that used to empty, crash or stall a run: each is cleaned whole or named as
failed, and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError, clean_html
from cleaner.cli import main
from cleaner.html import api as html_api
from cleaner.loader import parse_pack

PROSE = "<p>" + "The council approved the new budget on Tuesday after a long debate. " * 4 + "</p>"


def _nested(depth: int) -> str:
    return "<html><body>" + "<font>" * depth + PROSE + "</body></html>"


@pytest.mark.parametrize("depth", [254, 300, 1500])
def test_deeply_nested_page_is_read_in_full(depth: int) -> None:
    assert "approved the new budget" in clean_html(_nested(depth)).text


def test_page_deeper_than_the_parser_follows_is_failed_not_emptied(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "deep.html").write_text(_nested(3000), encoding="utf-8")
    (src / "ok.html").write_text(_nested(10), encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 3
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    [failure] = summary["failures"]
    assert failure["where"].endswith("deep.html") and "deeper than the HTML parser follows" in failure["reason"]
    assert not (out / "deep.txt").exists()
    assert "approved the new budget" in (out / "ok.txt").read_text(encoding="utf-8")


def test_page_over_the_size_guard_is_refused_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_api, "MAX_PAGE_CHARS", 1000)
    with pytest.raises(html_api.PageError, match="over the 0 million an HTML page may have"):
        clean_html(_nested(10) + "<!--" + "x" * 2000 + "-->")
    assert clean_html(_nested(2)).text  # under the guard: cleaned


def test_gallery_rule_finds_galleries_among_many_paragraphs() -> None:
    """HT015 takes a slideshow set among the story's paragraphs on a long page too."""
    block = ('<div class="c"><p>The council met on Tuesday and approved the plan after a long debate.</p>'
             '<div class="photo-gallery"><p>Image 1 of 8</p></div></div>')
    res = clean_html("<html><body><article>" + block * 300 + "</article></body></html>")
    assert sum(1 for r in res.removals if r.rule == "HT015") == 300
    assert "Image 1 of 8" not in res.text


def test_pack_nested_too_deep_is_a_rule_error() -> None:
    raw = '[pack]\nname = "deep"\nx = ' + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(RuleError, match="nested too deep to read as TOML"):
        parse_pack(raw, "deep.toml")


def test_deeply_nested_record_is_named_and_the_file_goes_on(tmp_path: Path) -> None:
    # Read by the json module, and edited: written back, the record's nesting is what fails.
    deep = '{"id": 1, "text": "The mayor spoke.\\n\\nLeave a Reply", "meta": ' + "[" * 3000 + "]" * 3000 + "}\n"
    good = json.dumps({"id": 2, "text": "The council met.\n\nLeave a Reply"}) + "\n"
    src = tmp_path / "data.jsonl"
    src.write_text(deep + good, encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 3
    lines = (out / "data.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == deep.rstrip("\n")  # passed through unchanged
    assert json.loads(lines[1])["text"] == "The council met.\n"
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["bad_records"] == 1 and "nested too deep" in summary["failures"][0]["reason"]


def test_report_field_never_overwrites_a_field_the_record_has(tmp_path: Path) -> None:
    rec = {"id": 1, "text": "The council met.\n\nLeave a Reply", "cleaner": "kept"}
    src = tmp_path / "data.jsonl"
    src.write_text(json.dumps(rec) + "\n" + json.dumps({"id": 2, "text": rec["text"]}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    for field in ("text", "cleaner"):
        assert main([str(src), "-o", str(out), "-q", "-j", "1", "--report-field", field]) == 3
        first, second = (json.loads(x) for x in (out / "data.jsonl").read_text(encoding="utf-8").splitlines())
        assert first == rec  # untouched: neither its text nor its own field replaced
        if field == "cleaner":
            assert second["text"] == "The council met.\n" and second["cleaner"]["edits"]
        summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
        assert any(f"already has a field {field!r}" in f["reason"] for f in summary["failures"])


def test_library_cleaner_is_unaffected_by_deep_pages() -> None:
    assert Cleaner().clean("plain text").text == "plain text"
