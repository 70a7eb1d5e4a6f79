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


def _records(n: int) -> bytes:
    return b"".join(json.dumps({"id": i, "text": "The council met.\n\nLeave a Reply"}).encode() + b"\n"
                    for i in range(n))


@pytest.mark.parametrize(("mangle", "reason"), [
    (lambda data: data[: len(data) // 2], "truncated"),  # cut inside the frame
    (lambda data: b"these bytes are not zstd at all\n" * 40, "not zstd, or corrupt"),
])
def test_truncated_or_corrupt_zstd_is_failed_and_the_run_goes_on(tmp_path: Path, mangle, reason: str) -> None:
    zstandard = pytest.importorskip("zstandard")
    src = tmp_path / "in"
    src.mkdir()
    full = zstandard.ZstdCompressor().compress(_records(5000))
    (src / "bad.jsonl.zst").write_bytes(mangle(full))
    (src / "good.jsonl.zst").write_bytes(full)
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 3
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    [failure] = summary["failures"]
    assert failure["where"].endswith("bad.jsonl.zst") and reason in failure["reason"]
    assert not (out / "bad.jsonl.zst").exists()  # no half file that reads as complete
    good = zstandard.ZstdDecompressor().decompressobj().decompress((out / "good.jsonl.zst").read_bytes())
    assert good.count(b"\n") == 5000


def test_zstd_of_several_frames_is_read_to_the_end(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    from cleaner.files import open_records

    z = zstandard.ZstdCompressor()
    f = tmp_path / "multi.jsonl.zst"
    f.write_bytes(z.compress(_records(300)) + z.compress(_records(200)))
    with open_records(f) as stream:
        assert sum(1 for _ in stream) == 500


def test_corrupt_parquet_page_is_failed_and_the_run_goes_on(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow: pip install -e '.[parquet]'")
    import pyarrow.parquet as pq

    table = pa.table({"id": list(range(3000)), "text": [f"Day {i}.\n\nLeave a Reply" for i in range(3000)]})
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(table, src / "good.parquet", compression="snappy", row_group_size=1000)
    raw = bytearray((src / "good.parquet").read_bytes())
    raw[200:1200] = b"\xab" * 1000  # inside the first data page; the footer still reads
    (src / "bad.parquet").write_bytes(bytes(raw))
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 3
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    assert [f["where"].endswith("bad.parquet") for f in summary["failures"]] == [True]
    assert not (out / "bad.parquet").exists()
    assert pq.read_table(out / "good.parquet").num_rows == 3000


@pytest.mark.parametrize("text", ["It’s “fine”.", "“OK”", "‘a’ “b” – c…", "The “end”.\r\n", "—“Why?”—",
                                  "Café “prices” rose — 5 € off…"])
def test_short_windows_1252_with_smart_quotes_is_read_as_windows_1252(text: str) -> None:
    from cleaner.decoding import decode_bytes

    decoded = decode_bytes(text.encode("cp1252"))
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


def test_smart_quote_preference_leaves_other_code_pages_alone() -> None:
    from cleaner.decoding import decode_bytes

    for text, codec in [("Zażółć gęślą jaźń, dzień dobry.\n", "cp1250"), ("Привет, как дела? Всё хорошо.\n", "cp1251")]:
        assert decode_bytes(text.encode(codec)).text == text


def _special_files(folder: Path) -> None:
    import os

    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop.txt")


def test_special_files_are_listed_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _special_files(src)
    (src / "ok.txt").write_text("The council met.\n\nLeave a Reply\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 3
    reasons = {Path(f["where"]).name: f["reason"]
               for f in json.loads((out / "run-summary.json").read_text(encoding="utf-8"))["failures"]}
    assert "FIFO" in reasons["pipe.txt"] and "missing file" in reasons["dangling.txt"]
    assert "loop" in reasons["loop.txt"] and "loop" in reasons["loop2.txt"]
    assert (out / "ok.txt").read_text(encoding="utf-8") == "The council met.\n"
    # Named on the command line, a FIFO is refused at once in every mode instead of blocking.
    for argv in ([str(src / "pipe.txt")], ["--check", str(src / "pipe.txt")], [str(src / "pipe.txt"), "-o", str(out)]):
        assert main(argv) == 3
        assert "FIFO (named pipe)" in capsys.readouterr().err


def test_fix_keeps_read_only_files_hard_links_and_owners(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    story = "The council met.\n\nLeave a Reply\n"
    ro, linked, other = tmp_path / "ro.txt", tmp_path / "a.txt", tmp_path / "b.txt"
    for f in (ro, linked):
        f.write_text(story, encoding="utf-8")
    ro.chmod(0o444)
    os.link(linked, other)
    assert main(["--fix", str(ro), str(linked)]) == 3
    err = capsys.readouterr().err
    assert "read-only" in err and "2 hard links" in err
    assert ro.read_text(encoding="utf-8") == story and linked.read_text(encoding="utf-8") == story
    assert os.stat(linked).st_ino == os.stat(other).st_ino
    if os.geteuid() == 0:  # only root can give a file to another owner
        owned = tmp_path / "owned.txt"
        owned.write_text(story, encoding="utf-8")
        os.chown(owned, 1234, 1234)
        assert main(["--fix", str(owned)]) == 1
        st = os.stat(owned)
        assert (st.st_uid, st.st_gid) == (1234, 1234) and owned.read_text(encoding="utf-8") == "The council met.\n"


def test_errors_print_and_name_their_cause_when_the_summary_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    import cleaner.cli as cli

    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    real = cli.write_atomic

    def refuse(path, data, **kw):  # the summary's folder turned read-only mid-run
        if Path(path).name == "run-summary.json":
            raise PermissionError(errno.EROFS, "Read-only file system")
        return real(path, data, **kw)

    monkeypatch.setattr(cli, "write_atomic", refuse)
    assert main([str(src), "-o", str(tmp_path / "out"), "-q"]) == 3
    err = capsys.readouterr().err
    assert "bad.txt" in err and "binary" in err
    assert "Read-only file system; choose a folder you can write to with -o" in err and "free some space" not in err


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from Linux's /proc")
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    src = tmp_path / "in"
    src.mkdir()
    para = "The council met on Tuesday and approved the plan after a long debate.\n\nLeave a Reply\n\n"
    for i in range(400):
        (src / f"{i:03d}.txt").write_text(para * 400, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", str(src), "-o", str(tmp_path / "out"), "-q", "-j", "2"])
    workers: set[int] = set()
    for _ in range(600):  # until the pool has started (bounded: 60 s)
        workers = {c for c in _children(proc.pid) if _alive(c)}
        if len(workers) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert len(workers) >= 2, "the run ended before its pool started; give it more input"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(300):  # bounded wait for the workers to go (30 s)
        if not any(_alive(w) for w in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "workers outlived their killed parent"


def test_folder_past_the_path_length_limit_is_named_and_the_run_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    src = tmp_path / "in"
    src.mkdir()
    (src / "ok.txt").write_text("The council met.\n\nLeave a Reply\n", encoding="utf-8")
    monkeypatch.chdir(src)
    for _ in range(45):  # 45 levels of 100 characters: past PATH_MAX (4,096) as one path
        os.mkdir("d" * 100)
        os.chdir("d" * 100)
    Path("deep.txt").write_text("Text.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["in", "-o", "out", "-q", "-j", "1"]) == 3
    summary = json.loads(Path("out/run-summary.json").read_text(encoding="utf-8"))
    [failure] = summary["failures"]
    assert "folder cannot be read" in failure["reason"] and "too long" in failure["reason"]
    assert Path("out/ok.txt").read_text(encoding="utf-8") == "The council met.\n"


def test_report_of_one_file_never_replaces_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("art.txt").write_text("The council met.\n\nLeave a Reply\n", encoding="utf-8")
    Path("notes.txt").write_text("precious notes\n", encoding="utf-8")
    assert main(["art.txt", "--report", "notes.txt"]) == 2
    assert "exists and is not a report of this tool" in capsys.readouterr().err
    assert Path("notes.txt").read_text(encoding="utf-8") == "precious notes\n"
    assert main(["art.txt", "--report", "art.report.json"]) == 0
    assert main(["art.txt", "--report", "art.report.json"]) == 0  # an earlier report is replaced
    assert json.loads(Path("art.report.json").read_text(encoding="utf-8"))["tool"]["name"] == "cleaner"
