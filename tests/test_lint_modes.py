"""--check, --diff and --fix, through main(argv), and the pre-commit hooks for real."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from cleaner import clean
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DIRTY = "The council met on Tuesday and approved the budget.\n\nLeave a Reply\n"
CLEAN = "The council met on Tuesday and approved the budget.\n"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "dirty.txt").write_text(DIRTY, encoding="utf-8")
    (d / "clean.md").write_text(CLEAN, encoding="utf-8")
    return d


def test_check_lists_findings_and_changes_nothing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(tree)]) == 1
    out = capsys.readouterr().out
    assert out == f"{tree / 'dirty.txt'}:3:1: CM001 Comment form heading\n"
    assert (tree / "dirty.txt").read_text(encoding="utf-8") == DIRTY
    assert main(["--check", str(tree / "clean.md")]) == 0


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_check_formats(tree: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--format", fmt, str(tree / "dirty.txt")]) == 1
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)[0]["code"] == "CM001"
    elif fmt == "github":
        assert out.startswith(f"::warning file={tree / 'dirty.txt'},line=3,col=1,title=CM001 leave-a-reply::")
    else:
        log = json.loads(out)
        assert log["version"] == "2.1.0"
        result = log["runs"][0]["results"][0]
        assert result["ruleId"] == "CM001"
        assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 1}
        assert log["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "CM001"


def test_diff(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--diff", str(tree / "dirty.txt")]) == 1
    out = capsys.readouterr().out
    assert "-Leave a Reply\n" in out and out.startswith("--- a/")
    assert (tree / "dirty.txt").read_text(encoding="utf-8") == DIRTY


def test_fix_in_place_keeps_permissions(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tree / "dirty.txt"
    os.chmod(target, 0o640)
    assert main(["--fix", str(tree)]) == 1
    assert capsys.readouterr().out == f"Fixing {target}\n"
    assert target.read_text(encoding="utf-8") == CLEAN
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in tree.iterdir() if p.name.startswith(".")], "no temporary file left behind"
    assert main(["--fix", str(tree)]) == 0, "a second fix changes nothing"


def test_fix_follows_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text(DIRTY, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert main(["--fix", str(link)]) == 1
    assert link.is_symlink() and real.read_text(encoding="utf-8") == CLEAN


def test_modes_exclude_each_other_and_output(tree: Path) -> None:
    assert main(["--check", "--fix", str(tree)]) == 2
    assert main(["--check", str(tree), "-o", str(tree.parent / "out")]) == 2
    assert main(["--check", "--format", "xml", str(tree)]) == 2


def test_check_on_seeds_matches_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--format", "json", *map(str, SEEDS)]) == 1
    got = json.loads(capsys.readouterr().out)
    expected = sum(len(clean(p.read_bytes().decode()).edits) for p in SEEDS)
    assert len(got) == expected


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def _pre_commit(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files", *files],
                          cwd=repo, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pc-home")})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_hooks_for_real(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="needs pre-commit: pip install -e '.[test]'")
    repo = tmp_path / "data"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "article.txt").write_text(DIRTY, encoding="utf-8")
    (repo / "tidy.txt").write_text(CLEAN, encoding="utf-8")
    _git(repo, "add", ".")

    check = _pre_commit(repo, "cleaner-check", "article.txt")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "article.txt:3:1: CM001" in check.stdout
    assert (repo / "article.txt").read_text(encoding="utf-8") == DIRTY

    fix = _pre_commit(repo, "cleaner-fix", "article.txt")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "Fixing article.txt" in fix.stdout
    assert (repo / "article.txt").read_text(encoding="utf-8") == CLEAN

    again = _pre_commit(repo, "cleaner-fix", "article.txt", "tidy.txt")
    assert again.returncode == 0, again.stdout + again.stderr

    # A file whose cleaning the project's configuration switches off passes untouched.
    (repo / "quoted.txt").write_text(DIRTY, encoding="utf-8")
    (repo / "cleaner.toml").write_text('[per-file-ignores]\n"quoted.txt" = ["CM"]\n', encoding="utf-8")
    _git(repo, "add", ".")
    off = _pre_commit(repo, "cleaner-fix", "quoted.txt")
    assert off.returncode == 0, off.stdout + off.stderr
    assert (repo / "quoted.txt").read_text(encoding="utf-8") == DIRTY


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_readme_pre_commit_snippet_as_written(tmp_path: Path) -> None:
    """The README's configuration, copied as it stands, in a repository of text data."""
    pytest.importorskip("pre_commit", reason="needs pre-commit: pip install -e '.[test]'")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("### pre-commit", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    repo = tmp_path / "data"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    (repo / "article.txt").write_text(DIRTY, encoding="utf-8")
    (repo / "tidy.md").write_text(CLEAN, encoding="utf-8")
    _git(repo, "add", ".")
    # The `clean` of the environment running the tests, as `language: system` expects.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
           "PATH": sysconfig.get_path("scripts") + os.pathsep + os.environ.get("PATH", "")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo,
                              capture_output=True, text=True, timeout=120, env=env)

    fix = run()
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "Fixing article.txt" in fix.stdout and "tidy.md" not in fix.stdout
    assert (repo / "article.txt").read_text(encoding="utf-8") == CLEAN
    again = run()
    assert again.returncode == 0, again.stdout + again.stderr


def test_check_stdin_with_a_name(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DIRTY.encode())))
    assert main(["--check", "--stdin-filename", "notes/a.txt", "-"]) == 1
    assert capsys.readouterr().out == "notes/a.txt:3:1: CM001 Comment form heading\n"
