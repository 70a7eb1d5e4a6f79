"""Issue 6, inputs: encodings, odd bytes, odd paths. Every input gets a clear outcome,
nothing crashes, nothing is written where it should not be."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from invariants import assert_invariants

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.decoding import DecodeError, decode_bytes

CL = Cleaner()
STORY = "Café owners in Zürich said “prices rose” by a tenth.\r\n\r\nLeave a Reply\r\n"


@pytest.mark.parametrize(("raw", "encoding"), [
    (STORY.encode(), "utf-8"),
    (codecs.BOM_UTF8 + STORY.encode(), "utf-8"),
    (STORY.encode("utf-16"), "utf-16-le"),  # with a mark, native (little-endian) order
    (codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"), "utf-16-be"),
    (STORY.encode("utf-16-le"), "utf-16-le"),  # no mark: told by where the NULs sit
    (STORY.encode("cp1252"), "cp1252"),
    ("Grüße aus München, schöne Straße.\n".encode("latin-1"), "cp1252"),  # Latin-1 prose reads the same
    ("Zażółć gęślą jaźń, dzień dobry.\n".encode("cp1250"), "cp1250"),
])
def test_encodings_are_detected_and_round_trip(raw: bytes, encoding: str) -> None:
    d = decode_bytes(raw)
    assert d.encoding == encoding
    assert d.text.encode(d.encoding) == raw, "restore re-encodes with the recorded encoding"


def test_undecodable_bytes_fail_with_a_clear_message() -> None:
    with pytest.raises(DecodeError, match="binary file"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DecodeError, match=r"UTF-8 with an invalid byte 0xff at byte 6"):
        decode_bytes("Café ".encode() + b"\xff and more")  # damaged UTF-8: not guessed as cp1252
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode_bytes(b"x", "no-such-codec")
    with pytest.raises(DecodeError, match="cannot be decoded as utf-8"):
        decode_bytes(b"caf\xe9", "utf-8")
    assert decode_bytes(b"caf\xe9", "latin-1").text == "café"


def test_non_utf8_file_cleans_reports_encoding_and_restores_byte_for_byte(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    raw = STORY.encode("cp1252")
    (src / "a.txt").write_bytes(raw)
    (src / "u16.txt").write_bytes(STORY.encode("utf-16"))
    assert main([str(src), "-o", str(out), "-q"]) == 0
    for name, enc in (("a", "cp1252"), ("u16", "utf-16-le")):
        report = json.loads((out / f"{name}.report.json").read_text(encoding="utf-8"))
        assert report["input"]["encoding"] == enc
        assert report["counts"] == {"CM001": 1}
        # The output is UTF-8 (the mark, kept as U+FEFF, becomes a UTF-8 one).
        assert (out / f"{name}.txt").read_bytes().decode("utf-8").lstrip("\ufeff").startswith("Café owners")
        back = tmp_path / f"{name}.back"
        assert main(["restore", str(out / f"{name}.txt"), str(out / f"{name}.report.json"), "-o", str(back)]) == 0
        assert back.read_bytes() == (src / f"{name}.txt").read_bytes()


def test_forced_encoding_and_fix_keep_the_files_own_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("Résumé of the day.\n\nRead More\n".encode("cp1252"))
    assert main(["--fix", "--encoding", "cp1252", str(f), "-q"]) == 1
    assert f.read_bytes() == "Résumé of the day.\n".encode("cp1252")
    g = tmp_path / "b.txt"
    g.write_bytes(b"caf\xe9")
    assert main(["--check", "--encoding", "utf-8", str(g), "-q"]) == 3
    assert "cannot be decoded as utf-8" in capsys.readouterr().err


@pytest.mark.parametrize("text", [
    "",
    "\x00\x00 NUL bytes inside text \x00\n\nLeave a Reply\x00\n",
    "\x01\x02\x1b[31mcontrol\x7f\x85\u2028\u2029\x0b\x0c characters\r\rRead More\r",
    "مرحبا بالعالم \u202eRTL override\u202c and עברית\n\nRead More\n",
    "Emoji 👩‍👩‍👧‍👦 and flags 🇫🇷 🏳️‍🌈\n\nLeave a Reply\n",
    "Combining: e\u0301\u0301\u0301 a\u0308\u0308 Z\u0335\u0336\u0337\u0338\n\nRead More\n",
    "\ufeff\ufeffTwo marks\n\ufeff\nLeave a Reply\n",
    "mixed\r\nline\rendings\n\r\n\rLeave a Reply\r",
    "\ud800 lone surrogate \udfff\n\nRead More\n",
])
def test_odd_characters_keep_the_invariants(text: str) -> None:
    assert_invariants(CL, text)


def test_mixed_line_endings_are_kept_byte_for_byte(tmp_path: Path) -> None:
    f = tmp_path / "m.txt"
    raw = b"One.\r\nTwo.\rThree.\n\r\nLeave a Reply\r\n"
    f.write_bytes(raw)
    out = tmp_path / "out"
    assert main([str(f), "-o", str(out), "-q"]) == 0
    assert (out / "m.txt").read_bytes() == b"One.\r\nTwo.\rThree.\n"


def test_binary_empty_and_nul_files_get_clear_outcomes(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "bin.txt").write_bytes(bytes(range(256)) * 64)
    (src / "nul.txt").write_bytes(b"text\x00with a NUL early")
    assert main([str(src), "-o", str(out), "-q"]) == 3
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    reasons = {Path(f["where"]).name: f["reason"] for f in summary["failures"]}
    assert set(reasons) == {"bin.txt", "nul.txt"} and all("binary" in r for r in reasons.values())
    assert (out / "empty.txt").read_bytes() == b""
    assert not (out / "bin.txt").exists() and not (out / "nul.txt").exists()


def test_symlink_out_of_the_input_tree_is_not_followed(tmp_path: Path) -> None:
    src, out, outside = tmp_path / "in", tmp_path / "out", tmp_path / "secret"
    src.mkdir()
    outside.mkdir()
    (outside / "s.txt").write_text("Secret.\n\nLeave a Reply\n", encoding="utf-8")
    (src / "a.txt").write_text("Story.\n\nLeave a Reply\n", encoding="utf-8")
    (src / "inside.txt").symlink_to(src / "a.txt")
    (src / "leak.txt").symlink_to(outside / "s.txt")
    (src / "dir").symlink_to(outside, target_is_directory=True)
    assert main([str(src), "-o", str(out), "-q"]) == 3
    assert sorted(p.name for p in out.glob("*.txt")) == ["a.txt", "inside.txt"]
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    assert [Path(f["where"]).name for f in summary["failures"]] == ["leak.txt"]
    assert "not followed" in summary["failures"][0]["reason"]
    assert main(["--check", str(src), "-q"]) == 3  # the lint modes refuse it too


def test_outputs_cannot_escape_through_a_symlinked_output_folder(tmp_path: Path) -> None:
    src, out, elsewhere = tmp_path / "in", tmp_path / "out", tmp_path / "elsewhere"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text("Story.\n", encoding="utf-8")
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    assert main([str(src), "-o", str(out), "-q"]) == 2
    assert list(elsewhere.iterdir()) == []


def test_odd_file_names_do_not_crash_the_run(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    names = [os.fsencode(src) + b"/bad\xff name.txt", os.fsencode(src) + b"/new\nline.txt",
             os.fsencode(src) + b"/-dash.txt", os.fsencode(src) + b"/..dots...txt"]
    for n in names:
        with open(n, "wb") as f:
            f.write(b"Story.\n\nLeave a Reply\n")
    assert main([str(src), "-o", str(out), "-q"]) == 0
    reports = sorted(out.glob("*.report.json"))
    assert len(reports) == 4
    paths = [json.loads(r.read_text(encoding="utf-8"))["input"]["path"] for r in reports]
    assert any(p.endswith("bad\\xff name.txt") for p in paths), paths
    assert all(Path(os.fsdecode(n)).parent == src for n in names)
    assert {p.name for p in out.iterdir()} >= {"-dash.txt", "..dots...txt"}
    assert main(["--check", str(src), "-q"]) == 1  # names printed, not a crash


def test_input_tree_is_never_written(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Story.\n\nLeave a Reply\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in src.rglob("*")}
    assert main([str(src), "-o", str(src / "out"), "-q"]) == 2
    assert main([str(src), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert main(["--check", str(src), "-q"]) == 1
    assert main(["--diff", str(src), "-q"]) == 1
    assert {p: p.read_bytes() for p in src.rglob("*")} == before


def test_restore_reads_the_output_as_utf8_even_with_a_nul_near_its_start(tmp_path: Path) -> None:
    """Regression (bench/robustness.py): a NUL past the first 8 KB of the input moved into
    the output's first 8 KB once lines were removed, and restore refused it as binary."""
    f = tmp_path / "n.txt"
    raw = b"Leave a Reply\n\n" * 600 + b"Story.\x00 A late NUL.\n"
    f.write_bytes(raw)
    out = tmp_path / "out"
    assert main([str(f), "-o", str(out), "-q"]) == 0
    assert b"\x00" in (out / "n.txt").read_bytes()[:8192]
    back = tmp_path / "back"
    assert main(["restore", str(out / "n.txt"), str(out / "n.report.json"), "-o", str(back)]) == 0
    assert back.read_bytes() == raw


def test_lone_surrogates_do_not_crash_the_prefilter() -> None:
    """Regression: the trigger automaton takes UTF-8 only; a lone surrogate (a JSON escape)
    raised UnicodeEncodeError out of clean()."""
    res = CL.clean("Story \ud800.\n\nLeave a Reply\n")
    assert [e.rule for e in res.edits] == ["CM001"] and "\ud800" in res.text
