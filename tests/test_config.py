"""[tool.cleaner] / cleaner.toml: found by walking up, checked, overridden by flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.cli import main

DIRTY = "The council met on Tuesday and approved the budget.\n\nRead More\n\nLeave a Reply\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cleaner]\nignore = ["NV"]\n',
                                             encoding="utf-8")
    data = tmp_path / "data" / "sub"
    data.mkdir(parents=True)
    (data / "a.txt").write_text(DIRTY, encoding="utf-8")
    return tmp_path


def test_pyproject_found_walking_up(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(project / "data")]) == 1
    out = capsys.readouterr().out
    assert "CM001" in out and "NV001" not in out


def test_cli_select_overrides_and_ignore_adds(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--select", "NV", str(project / "data")]) == 0, "the file's ignore still applies"
    assert main(["--check", "--select", "CM002,NV,CM001", str(project / "data")]) == 1
    out = capsys.readouterr().out
    assert "CM001" in out and "NV001" not in out
    assert main(["--check", "--ignore", "CM", str(project / "data")]) == 0


def test_nearest_cleaner_toml_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "data" / "cleaner.toml").write_text('select = ["NV001"]\n', encoding="utf-8")
    assert main(["--check", str(project / "data")]) == 1
    out = capsys.readouterr().out
    assert "NV001" in out and "CM001" not in out


def test_misspelled_key_suggests(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.cleaner]\nignroe = ["NV"]\n', encoding="utf-8")
    assert main(["--check", str(project / "data")]) == 2
    assert "unknown key 'ignroe' (did you mean 'ignore'?)" in capsys.readouterr().err


def test_exclude_and_per_file_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "data" / "sub" / "b.txt").write_text(DIRTY, encoding="utf-8")
    (project / "data" / "sub" / "skip.md").write_text(DIRTY, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.cleaner]\nexclude = ["*.md"]\n[tool.cleaner.per-file-ignores]\n"data/sub/b.txt" = ["CM", "NV"]\n',
        encoding="utf-8")
    assert main(["--fix", str(project / "data")]) == 1
    assert capsys.readouterr().out == f"Fixing {project / 'data' / 'sub' / 'a.txt'}\n"
    assert (project / "data" / "sub" / "b.txt").read_text(encoding="utf-8") == DIRTY
    assert (project / "data" / "sub" / "skip.md").read_text(encoding="utf-8") == DIRTY


def test_config_rules_are_relative_to_the_file(project: Path, tmp_path: Path) -> None:
    pack = project / "packs" / "mine.toml"
    pack.parent.mkdir()
    pack.write_text('[pack]\nname = "mine"\n\n[[rule]]\ncode = "MY001"\nname = "budget-line"\nkind = "line"\n'
                    'triggers = ["approved the budget"]\npatterns = [".*approved the budget.*"]\n'
                    'message = "m"\nwhy = "w"\nremove = ["It approved the budget."]\nkeep = ["No."]\n',
                    encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.cleaner]\nrules = ["packs/mine.toml"]\nselect = ["MY"]\n',
                                            encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(project / "data"), "-o", str(out), "-q", "-j", "1"]) == 0
    assert (out / "sub" / "a.txt").read_text(encoding="utf-8") == "Read More\n\nLeave a Reply\n"


def test_config_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", str(project / "data")]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["source"] == str((project / "pyproject.toml").resolve()) and shown["ignore"] == ["NV"]
