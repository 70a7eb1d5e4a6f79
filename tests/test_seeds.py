"""The owner's seeds: reviewed golden outputs and keep/drop snippets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from cleaner import clean

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
EXPECT = tomllib.loads((ROOT / "fixtures" / "seed_expectations.toml").read_text(encoding="utf-8"))


def _fold(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def test_every_seed_has_expectations() -> None:
    assert [p.name for p in SEEDS] == sorted(EXPECT)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_golden_output(path: Path) -> None:
    golden = (ROOT / "fixtures" / "seeds" / path.name).read_bytes().decode("utf-8")
    assert clean(path.read_bytes().decode("utf-8")).text == golden


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_keep_and_drop_snippets(path: Path) -> None:
    out = _fold(clean(path.read_bytes().decode("utf-8")).text)
    spec = EXPECT[path.name]
    for snippet in spec["keep"]:
        assert _fold(snippet) in out, f"lost article text: {snippet!r}"
    for snippet in spec["drop"]:
        assert _fold(snippet) not in out, f"boilerplate left in: {snippet!r}"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_golden_lines_come_from_the_seed(path: Path) -> None:
    """Every golden line is a seed line, or its start where a glued credit was cut,
    with the src repairs applied: nothing the editor kept was rewritten."""
    src = path.read_bytes().decode("utf-8").replace("src", "1")
    golden = (ROOT / "fixtures" / "seeds" / path.name).read_bytes().decode("utf-8")
    seed_lines = src.splitlines()
    for ln in filter(None, golden.splitlines()):
        assert any(s.startswith(ln) for s in seed_lines), f"golden line not in seed: {ln!r}"
