"""Bugs found in review, each kept as a test so it stays fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from invariants import assert_invariants
from operations import growth

from cleaner import Cleaner, clean
from cleaner.cli import main

CL = Cleaner()
ART = "The council met on Tuesday to discuss the new budget, which rose by a tenth."


def test_symlinked_input_is_never_overwritten(tmp_path: Path) -> None:
    out, src = tmp_path / "out", tmp_path / "in"
    out.mkdir()
    src.mkdir()
    (out / "x.txt").write_text("The council met.\n\nLeave a Reply\n", encoding="utf-8")
    (src / "x.txt").symlink_to(out / "x.txt")
    assert main([str(src), "-o", str(out), "-q"]) == 2
    assert (out / "x.txt").read_text(encoding="utf-8") == "The council met.\n\nLeave a Reply\n"


def test_report_and_rejects_cannot_overwrite(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("Story.\n\nRead More\n", encoding="utf-8")
    assert main([str(f), "--report", str(f)]) == 2
    assert f.read_text(encoding="utf-8") == "Story.\n\nRead More\n"
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main([str(tmp_path / "b.jsonl"), "-o", str(out), "--rejects", str(out / "b.jsonl")]) == 2


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    assert main([str(f), "-o", str(f)]) == 2


def test_one_unwritable_record_does_not_lose_the_file(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    # The surrogate sits in a kept line, so the edited record cannot be written back as UTF-8
    # (the prefilter no longer fails on it first: tests/test_robustness_inputs.py).
    src.write_bytes(b'{"text":"The council met \\ud800.\\n\\nLeave a Reply"}\n{"text":"ok"}\n')
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q"]) == 3
    assert (out / "a.jsonl").read_bytes() == src.read_bytes(), "the bad record passes through, the rest is written"


def test_jsonl_keeps_line_endings(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_bytes(b'{"text": "Story.\\n\\nRead More"}\r\n{"text": "plain"}')
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q"]) == 0
    # The edited record is written compactly; the untouched one byte for byte.
    assert (out / "a.jsonl").read_bytes() == b'{"text":"Story.\\n"}\r\n{"text": "plain"}'


@pytest.mark.parametrize("tail", [
    "Copyright 2022 Example Media. This material may not be published, broadcast, rewritten or redistributed.",
    "12 Comments. This material may not be published, broadcast, rewritten or redistributed.",
])
def test_tail_span_then_line_rule_in_one_pass(tail: str) -> None:
    res = assert_invariants(CL, f"{ART}\n\n{tail}\n")
    assert res.text == ART + "\n"


@pytest.mark.parametrize("text", [
    "The meeting started at src0:25 am and ran late.\nThe bridge at dusk. (AP Photo/Jane Doe 1)\n",
    "src2:25Click To Tweet",
])
def test_detector_sees_text_without_removed_spans(text: str) -> None:
    assert_invariants(CL, text)


@pytest.mark.parametrize("text", ["Small habits beat big plans." + "Click To Tweet" * 12,
                                  "The bridge at dusk." + " (AP Photo/Jane Doe)" * 12])
def test_stacked_spans_go_in_one_pass(text: str) -> None:
    assert_invariants(CL, text)


def test_mojibake_on_long_repetitive_lines_is_linear() -> None:
    res = clean("cafÃ© " * 2000)
    assert res.text == "café " * 2000
    assert growth(CL.clean, lambda n: "cafÃ© " * n, 2000) < 4.5, "mojibake repair must not be super-linear"


@pytest.mark.parametrize("text, kept", [
    (f"Breaking news:\n\nThe prime minister has resigned.\n\n{ART}", "The prime minister has resigned."),
    (f"{ART}\n\nRelated reading\n\nIt was not.\n\nHe declined to comment.\n", "He declined to comment."),
])
def test_short_sentences_are_prose(text: str, kept: str) -> None:
    assert kept in assert_invariants(CL, text).text


def test_files_named_report_are_cleaned(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "annual.report.txt").write_text("Story.\n\nRead More\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q"]) == 0
    assert (out / "annual.report.txt").read_text(encoding="utf-8") == "Story.\n"


def test_restore_with_a_malformed_report(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"version": 1, "edits": []}), encoding="utf-8")
    assert main(["restore", str(tmp_path / "a.txt"), str(tmp_path / "a.json")]) == 2


@pytest.mark.integration
def test_parquet_column_that_is_not_text(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="needs pyarrow: pip install -e '.[parquet]'")
    pq = pytest.importorskip("pyarrow.parquet", reason="needs pyarrow: pip install -e '.[parquet]'")
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(pa.table({"text": [1, 2, 3]}), src / "a.parquet")
    (src / "b.txt").write_text("Story.\n\nRead More\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q"]) == 3
    assert (out / "b.txt").read_text(encoding="utf-8") == "Story.\n", "the other files are still cleaned"
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    assert "not text" in summary["failures"][0]["reason"]


def test_byte_order_mark_does_not_hide_the_first_line() -> None:
    res = assert_invariants(CL, "\ufeffBreaking News:\n\nOil Prices Fall\n\nThe real headline\n\nBody text goes on here.\n")
    assert "Breaking News" not in res.text


def test_diff_uses_the_engine_line_breaks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text("One\u2028two.\n\nRead More\n", encoding="utf-8")
    assert main(["--diff", str(f)]) == 1
    out = capsys.readouterr().out
    assert "-Read More\n" in out and "No newline" not in out


def test_config_globs_are_anchored_with_a_slash() -> None:
    from cleaner.config import _match

    assert _match("vendor/a.txt", "vendor/*.txt") and not _match("src/vendor/a.txt", "vendor/*.txt")
    assert _match("docs/a.md", "docs/**/*.md") and _match("docs/x/a.md", "docs/**/*.md")
    assert _match("deep/down/notes.md", "*.md")


def test_a_span_cut_before_a_src_run_does_not_flip_its_role_on_a_second_cleaning() -> None:
    """"reserved.src9" reads as a property (src kept); once the usage notice before it is
    cut, "src9" alone reads as a number. The rerun judges the line as it is kept, so the
    first cleaning already repairs it and a second one changes nothing."""
    text = ("This material may not be published, broadcast, rewritten, or redistributed. "
            "©2019 Harbour TV Network, LLC. All rights reserved.src9\n")
    res = assert_invariants(CL, text)
    assert "src" not in res.text


def test_a_mojibake_fix_after_a_src_run_does_not_flip_its_role_on_a_second_cleaning() -> None:
    """"srcsrcâ€™" reads as one word (â is a letter), so src is kept; once the mojibake is
    fixed, "srcsrc’" reads as a number. The document is judged again as it is kept, with
    its encoding fixed, so the first cleaning already restores it and a second one
    changes nothing."""
    res = assert_invariants(CL, "srcsrcâ€™\n")
    assert res.text == "11’\n"
