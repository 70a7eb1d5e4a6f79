"""The clean command end to end, through main(argv) and as a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from cleaner.cli import main
from cleaner.report import schema

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    shutil.copytree(SEEDS, d)
    return d


def _snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_clean_folder(seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(seeds)
    out = tmp_path / "out"
    assert main([str(seeds), "-o", str(out)]) == 0
    assert _snapshot(seeds) == before, "the input tree was modified"
    printed = capsys.readouterr().out
    assert "files changed" in printed and "top rules" in printed
    for src in sorted(seeds.glob("*.txt")):
        clean_text = (out / src.name).read_bytes()
        golden = (ROOT / "fixtures" / "seeds" / src.name).read_bytes()
        assert clean_text == golden
        report = json.loads((out / (src.stem + ".report.json")).read_text(encoding="utf-8"))
        jsonschema.validate(report, schema())
        assert report["input"]["path"] == str(src)
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["files"] == 5 and summary["changed"] == 5 and summary["failed"] == 0
    assert summary["per_rule"]["CM001"]["count"] == 3


def test_restore_round_trip(seeds: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    out = tmp_path / "out"
    assert main([str(seeds), "-o", str(out), "-q"]) == 0
    for src in sorted(seeds.glob("*.txt")):
        dest = tmp_path / "restored.txt"
        assert main(["restore", str(out / src.name), str(out / (src.stem + ".report.json")), "-o", str(dest)]) == 0
        assert dest.read_bytes() == src.read_bytes()
    capsysbinary.readouterr()
    name = "003_f550be25ed6773a1"
    assert main(["restore", str(out / f"{name}.txt"), str(out / f"{name}.report.json")]) == 0
    assert capsysbinary.readouterr().out == (seeds / f"{name}.txt").read_bytes()


@pytest.mark.parametrize("name", ["reports.jsonl", "reports.jsonl.gz", "reports.jsonl.zst"])
def test_reports_to_one_jsonl_file(seeds: Path, tmp_path: Path, name: str) -> None:
    """With -o and --report FILE.jsonl every input's report is one line of that file
    (no .report.json beside the outputs), in input order, and restore reads it."""
    out, reports = tmp_path / "out", tmp_path / name
    assert main([str(seeds), "-o", str(out), "-q", "--report", str(reports)]) == 0
    assert not list(out.glob("*.report.json"))
    from cleaner.files import open_records

    with open_records(reports) as stream:
        lines = [json.loads(raw) for raw in stream]
    sources = sorted(seeds.glob("*.txt"))
    assert [r["input"]["path"] for r in lines] == [str(s) for s in sources]
    for rep, src in zip(lines, sources, strict=True):
        jsonschema.validate(rep, schema())
        assert rep["output"]["path"] == str(out / src.name)
        dest = tmp_path / "restored.txt"
        assert main(["restore", str(out / src.name), str(reports), "-o", str(dest)]) == 0
        assert dest.read_bytes() == src.read_bytes()
    assert main(["restore", str(seeds / sources[0].name), str(reports)]) == 2  # not an output of the run


@pytest.mark.parametrize("out_arg", [".", "./", "sub", "sub/./deeper/"])
def test_report_names_the_output_as_the_folder_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          out_arg: str) -> None:
    """The report's output path is -o joined to the input's place below it, spelled as
    pathlib spells it: -o . gives "nested/a.txt", not "./nested/a.txt"."""
    src = tmp_path / "in" / "nested"
    src.mkdir(parents=True)
    (src / "a.txt").write_text("The council met.\n\nRead More\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main([str(tmp_path / "in"), "-o", out_arg, "-q"]) == 0
    expected = Path(out_arg) / "nested" / "a.txt"
    rep = json.loads((work / expected).with_name("a.report.json").read_text(encoding="utf-8"))
    assert rep["output"]["path"] == str(expected)
    assert (work / expected).read_text(encoding="utf-8") == "The council met.\n"


def test_reports_file_must_be_jsonl(seeds: Path, tmp_path: Path) -> None:
    assert main([str(seeds), "-o", str(tmp_path / "out"), "--report", str(tmp_path / "r.json")]) == 2
    # Nothing is written into an input folder, a report file included.
    assert main([str(seeds), "-o", str(tmp_path / "out"), "--report", str(seeds / "x.jsonl")]) == 2
    assert not (seeds / "x.jsonl").exists()


def test_restore_refuses_edited_output(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    main([str(seeds), "-o", str(out), "-q"])
    name = "001_e8c5965eaa3b4c7d"
    (out / f"{name}.txt").write_text("someone edited this", encoding="utf-8")
    assert main(["restore", str(out / f"{name}.txt"), str(out / f"{name}.report.json")]) == 2


def test_output_inside_input_is_refused(seeds: Path) -> None:
    before = _snapshot(seeds)
    assert main([str(seeds), "-o", str(seeds / "out")]) == 2
    assert main([str(seeds), "-o", str(seeds)]) == 2
    assert _snapshot(seeds) == before


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Story.\n\nRead More\n", encoding="utf-8")
    assert main([str(f), "-o", str(tmp_path)]) == 2
    assert f.read_text(encoding="utf-8") == "Story.\n\nRead More\n"


def test_one_file_to_stdout_with_report(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"Story.\r\n\r\nLeave a Reply\r\n")
    rep = tmp_path / "a.json"
    assert main([str(f), "--report", str(rep)]) == 0
    assert capsysbinary.readouterr().out == b"Story.\r\n"
    assert json.loads(rep.read_text(encoding="utf-8"))["edits"][0]["rule"] == "CM001"


def test_bad_input_fails_cleanly_and_run_goes_on(seeds: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # Latin-1 is detected now (tests/test_robustness_inputs.py); damaged UTF-8 is not guessed at.
    (seeds / "bad.txt").write_bytes("café au lait".encode() + b"\xe9")
    (seeds / "bin.txt").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out"
    assert main([str(seeds), "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert "UTF-8 with an invalid byte 0xe9 at byte 13" in err and "binary" in err
    assert len(list(out.glob("*.report.json"))) == 5


def test_select_and_ignore_flags(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Story.\n\nRead More\n\nLeave a Reply\n", encoding="utf-8")
    assert main([str(f), "--select", "NV", "--report", str(tmp_path / "r.json")]) == 0
    assert capsysbinary.readouterr().out == b"Story.\n\nLeave a Reply\n"
    assert main([str(f), "--ignore", "NV,CM,SC", "--report", str(tmp_path / "r.json")]) == 0
    assert capsysbinary.readouterr().out == f.read_bytes()


def test_user_rules_flag_and_broken_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('[pack]\nname = "p"\n\n[[rule]]\ncode = "PP001"\nname = "x"\nkind = "line"\n'
                    'triggers = ["zap"]\npatterns = ["zap(("]\nmessage = "m"\nwhy = "w"\n'
                    'remove = ["zap"]\nkeep = ["no"]\n', encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text("x", encoding="utf-8")
    assert main([str(f), "--rules", str(pack)]) == 2
    assert "p.toml:5: rule PP001: invalid regex" in capsys.readouterr().err


def test_rule_docs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "CM002"]) == 0
    text = capsys.readouterr().out
    for heading in ("## What it removes", "## Why it is boilerplate", "## Example it removes", "## Example it keeps"):
        assert heading in text
    assert main(["rules"]) == 0
    assert "akismet-notice" in capsys.readouterr().out
    assert main(["rule", "XX999"]) == 2


def test_rule_docs_name_the_rule_a_retired_code_became(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "CR001"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# CR002 src-for-one") and "Replaces the retired CR001." in text


def test_python_m_and_stdin_process() -> None:
    data = (SEEDS / "002_813e1fd6a0543539.txt").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "cleaner", "-"], input=data, capture_output=True, check=True)
    assert proc.stdout == (ROOT / "fixtures" / "seeds" / "002_813e1fd6a0543539.txt").read_bytes()
    report = json.loads(proc.stderr)
    assert report["edits"][0]["rule"] == "SY008" and report["input"]["path"] is None


def test_folder_without_output_is_a_usage_error(seeds: Path) -> None:
    assert main([str(seeds)]) == 2


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-such-option", "x.txt"]) == 2
    assert "No such option" in capsys.readouterr().err


def test_rules_test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "mine.toml"
    pack.write_text('[pack]\nname = "mine"\n\n[[rule]]\ncode = "MY001"\nname = "gazette-app"\nkind = "line"\n'
                    'triggers = ["gazette app"]\npatterns = ["get the gazette app"]\nmessage = "m"\nwhy = "w"\n'
                    'remove = ["Get the Gazette app", "Download the Gazette app today"]\nkeep = ["No."]\n',
                    encoding="utf-8")
    assert main(["rules", "test", str(pack)]) == 1
    out = capsys.readouterr().out
    assert f"{pack}:5: MY001 gazette-app: remove example 'Download the Gazette app today'" in out
    assert "1 rules, 3 examples: 1 failed" in out
    pack.write_text(pack.read_text(encoding="utf-8").replace(', "Download the Gazette app today"', ""),
                    encoding="utf-8")
    assert main(["rules", "test", str(pack)]) == 0
    pack.write_text(pack.read_text(encoding="utf-8").replace("patterns =", "patern ="), encoding="utf-8")
    assert main(["rules", "test", str(pack)]) == 2
    assert "unknown key 'patern'" in capsys.readouterr().err


def test_rules_listing_shows_safety(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--rules", str(ROOT / "fixtures" / "packs" / "gated_repair.toml")]) == 0
    out = capsys.readouterr().out
    assert "rewrites" in out and "removes" in out and "gates repairs" in out and "weighs" in out


def test_bracketed_names_print_as_they_are(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """User text is never read as console markup: [draft] is not a style tag."""
    f = tmp_path / "notes[draft].txt"
    f.write_bytes(b"\x00\x01\x02binary\xff\xfe")
    assert main([str(f), "-o", str(tmp_path / "out"), "-q"]) == 3
    assert f"error: {f}: " in capsys.readouterr().err
    (tmp_path / "pyproject.toml").write_text('[tool.cleaner]\nignroe = ["NV"]\n', encoding="utf-8")
    assert main(["--check", str(tmp_path / "notes[draft].txt")]) == 2
    assert f"error: {tmp_path / 'pyproject.toml'}: [tool.cleaner]: unknown key 'ignroe'" in capsys.readouterr().err


def test_unknown_ignore_is_an_error_in_flags_and_configuration(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Story.\n\nRead More\n", encoding="utf-8")
    assert main(["--check", str(f), "--ignore", "NV,XX9"]) == 2
    assert "error: --ignore XX9 matches no rule; see `clean rules`" in capsys.readouterr().err
    cfg = tmp_path / "cleaner.toml"
    for body, key in (('ignore = ["NV", "navigaton"]', "ignore"), ('select = ["CMM"]', "select"),
                      ('[per-file-ignores]\n"*.txt" = ["CM9"]', "per-file-ignores '*.txt'")):
        cfg.write_text(body + "\n", encoding="utf-8")
        assert main(["--check", str(f)]) == 2
        assert f"error: {cfg}: {key}: " in capsys.readouterr().err


def test_a_file_named_like_a_subcommand_is_cleaned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("rules").write_text("The council met.\n\nLeave a Reply\n", encoding="utf-8")
    assert main(["rules", "-o", "out", "-q"]) == 0
    assert Path("out/rules").read_text(encoding="utf-8") == "The council met.\n"
    Path("rules").unlink()
    Path("rules").mkdir()  # a folder of that name does not hide the subcommand
    capsys.readouterr()
    assert main(["rules"]) == 0
    assert "akismet-notice" in capsys.readouterr().out


def test_profile_times_every_kind_and_cleans_as_usual(seeds: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """--profile wraps each rule's matching methods; the seeds reach the src repair, the
    substitution judge and the echo kind, and the output is the same as without it."""
    out = tmp_path / "profiled"
    assert main([str(seeds), "-o", str(out), "--profile"]) == 0
    printed = capsys.readouterr().out
    assert "profile:" in printed and "CR002" in printed
    for src in sorted(seeds.glob("*.txt")):
        assert (out / src.name).read_bytes() == (ROOT / "fixtures" / "seeds" / src.name).read_bytes()
