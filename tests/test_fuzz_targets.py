"""Short runs of the coverage-guided fuzz targets in fuzz/ (a few seconds each; the long
runs are documented in docs/robustness.md), and every crash they found, kept as a test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
REGRESSIONS = Path(__file__).resolve().parent / "fuzz_regressions"


def _fuzz(target: str, tmp_path: Path, seconds: int = 4) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("atheris", reason="the fuzz runs need atheris: pip install -e '.[fuzz]'")
    corpus = tmp_path / "corpus"
    shutil.copytree(FUZZ / "corpus" / target, corpus)
    return subprocess.run([sys.executable, str(FUZZ / f"fuzz_{target}.py"), f"-max_total_time={seconds}",
                           "-rss_limit_mb=2048", "-timeout=20", str(corpus)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("target", [
    "engine",
    "loader",
])
def test_short_fuzz_run_finds_no_crash(target: str, tmp_path: Path) -> None:
    proc = _fuzz(target, tmp_path)
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert proc.returncode == 0 and not crashes, proc.stderr[-3000:]
    assert "DONE" in proc.stderr  # it really ran


@pytest.mark.slow
def test_short_html_fuzz_run_finds_no_crash(tmp_path: Path) -> None:
    proc = _fuzz("html", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_html_fuzz_crash_regression() -> None:
    from cleaner import Cleaner
    from cleaner.html.api import clean_html

    data = (REGRESSIONS / "html-control-char-in-tag.html").read_bytes()
    assert isinstance(clean_html(data, cleaner=Cleaner()).text, str)


@pytest.mark.parametrize("name", ["engine-not-idempotent-pt001.txt", "engine-not-idempotent-repaired-year.txt",
                                  "engine-not-idempotent-mojibake-over-repair.txt"])
def test_engine_fuzz_idempotence_regression(name: str) -> None:
    """Both: a line holding the only digit 1 is removed, so the src detector fires on
    what is kept; the repair then lets PT001 remove the copyright line with the hash.
    The second adds a repaired year that stays in the text. The third: a src inside a
    stretch that the mojibake fix rewrites was repaired only by a second cleaning."""
    from invariants import assert_invariants

    from cleaner import Cleaner

    text = (REGRESSIONS / name).read_bytes().decode("utf-8")
    assert_invariants(Cleaner(), text)
