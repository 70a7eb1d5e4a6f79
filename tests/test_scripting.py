"""What scripts rely on: machine-readable listings, JSON Lines through standard input and
output, options refused where they would do nothing, one set of exit codes, colour control."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.cli import main

DIRTY = "The council met on Tuesday.\n\nRead More\n"
CLEAN = "The council met on Tuesday.\n"
BINARY = b"\x00\x01\x02binary\xff"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_rules_json_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == [r.code for r in Cleaner(scorer=True).rules]
    assert set(rows[0]) == {"code", "name", "pack", "kind", "safety", "status"}
    assert main(["rules", "--format", "yaml"]) == 2


def test_rules_text_is_not_cut_when_piped() -> None:
    """Through a pipe, as a script reads it: every name whole, on one line per rule."""
    proc = subprocess.run([sys.executable, "-m", "cleaner", "rules"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "40"}, check=True)
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "pack", "kind", "safety", "status"]
    rules = Cleaner(scorer=True).rules
    assert len(lines) == len(rules) + 1
    for line, rule in zip(lines[1:], rules, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, rule.pack]
    assert "…" not in proc.stdout


@pytest.mark.parametrize("mode", [[], ["-o", "OUT"], ["--diff"], ["--fix"]], ids=["stdout", "-o", "diff", "fix"])
def test_format_is_refused_where_it_does_nothing(tmp_path: Path, mode: list[str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DIRTY, encoding="utf-8")
    args = [str(tmp_path / "out") if a == "OUT" else a for a in mode]
    assert main(["--format", "json", *args, str(f)]) == 2
    assert "--format chooses how --check lists its findings" in capsys.readouterr().err
    assert f.read_text(encoding="utf-8") == DIRTY and not (tmp_path / "out").exists()


def test_jsonl_on_standard_input(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes],
                                 tmp_path: Path) -> None:
    records = [{"id": 1, "text": DIRTY}, {"id": 2}, {"id": 3, "text": "Nothing to do."}]
    data = "".join(json.dumps(r) + "\n" for r in records).encode() + b"not json\n"
    _stdin(monkeypatch, data)
    report = tmp_path / "edits.jsonl"
    assert main(["-", "--stdin-format", "jsonl", "--report", str(report)]) == 3
    captured = capsysbinary.readouterr()
    out = captured.out.decode().splitlines()
    assert json.loads(out[0]) == {"id": 1, "text": CLEAN}
    assert out[1:] == [json.dumps(records[1]), json.dumps(records[2]), "not json"]  # passed through as they were
    err = captured.err.decode()
    assert "error: -:2: no field 'text'" in err and "error: -:4: not valid JSON" in err
    (line,) = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()]
    assert line["line"] == 1 and line["id"] == 1 and [e["rule"] for e in line["edits"]] == ["NV001"]

    _stdin(monkeypatch, json.dumps({"meta": {"body": DIRTY}}).encode() + b"\n")
    assert main(["-", "--stdin-format", "jsonl", "--text-field", "meta.body", "--report-field", "cl"]) == 0
    got = json.loads(capsysbinary.readouterr().out)
    assert got["meta"]["body"] == CLEAN and got["cl"]["counts"] == {"NV001": 1}


def test_stdin_format_needs_standard_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text("{}\n", encoding="utf-8")
    assert main([str(f), "--stdin-format", "jsonl"]) == 2
    assert main(["-", "--stdin-format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "give - as the only input" in err and "choose text or jsonl" in err


def _modes(tmp_path: Path, name: str) -> list[list[str]]:
    p = str(tmp_path / name)
    return [[p], [p, "-o", str(tmp_path / "out")], ["--check", p], ["--diff", p], ["--fix", p]]


def test_exit_codes_agree_across_modes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "binary.txt").write_bytes(BINARY)
    (tmp_path / "d.txt").write_text(DIRTY, encoding="utf-8")
    for args in _modes(tmp_path, "missing.txt"):  # an input that is not there: usage
        assert main([*args, "-q"]) == 2, args
    for args in _modes(tmp_path, "binary.txt"):  # an input that cannot be cleaned
        assert main([*args, "-q"]) == 3, args
    _stdin(monkeypatch, BINARY)
    assert main(["-"]) == 3
    _stdin(monkeypatch, b"not json\n")
    assert main(["-", "--stdin-format", "jsonl"]) == 3
    assert main(["--check", str(tmp_path / "d.txt"), "-q"]) == 1  # something to act on
    assert main(["--check", str(tmp_path / "d.txt"), str(tmp_path / "binary.txt"), "-q"]) == 3  # 3 wins over 1
    assert main(["learn", str(tmp_path / "missing"), "-o", str(tmp_path / "p.toml"), "-q"]) == 2


def test_colour_control(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "d.txt"
    f.write_text(DIRTY, encoding="utf-8")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["--diff", str(f), "-q", "--color", "always"]) == 1
    assert "\x1b[31m-Read More" in capsys.readouterr().out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # auto, on a terminal
    assert main(["--diff", str(f), "-q"]) == 1
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["--diff", str(f), "-q"]) == 1
    assert "\x1b[" not in capsys.readouterr().out
    assert main(["--diff", str(f), "-q", "--color", "always"]) == 1  # the flag wins over the variable
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.delenv("NO_COLOR")
    assert main(["--diff", str(f), "-q", "--color", "never"]) == 1
    assert "\x1b[" not in capsys.readouterr().out
    missing = str(tmp_path / "missing.txt")
    assert main([missing, "--color", "always"]) == 2
    assert capsys.readouterr().err.startswith("\x1b[31merror\x1b[0m: ")
    assert main([missing, "--color", "never"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {missing}: no such file")
    assert main([missing, "--color", "sometimes"]) == 2
