"""Precision traps: realistic articles built to tempt a rule, yet pure article content.

Every file under fixtures/traps/ must come out of ``clean`` byte for byte as it went in,
with no edit at all. Losing a sentence of an article is worse than keeping a line of
junk, so a failing trap means a rule must be narrowed; never weaken the trap itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean

TRAPS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "traps"
MIN_TRAPS = 12
TRAPS = sorted(TRAPS_DIR.glob("*.txt"))


def _read(path: Path) -> str:
    # newline="" keeps line endings exactly as stored: offsets must match the file.
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def _describe(path: Path, text: str, result) -> str:
    lines = [f"{path.name}: the cleaner changed a trap article ({len(result.edits)} edit(s))"]
    for e in result.edits:
        what = f"{e.action} -> {e.replacement!r}" if e.action == "repair" else e.action
        where = f"line {e.line} col {e.column}"
        lines.append(f"  {e.rule} {e.name} [{e.pack}] {where}, {what}: {e.text!r}")
        lines.append(f"      {e.message}")
    if not result.edits and result.text != text:
        lines.append("  output differs from input but no edit was reported")
    return "\n".join(lines)


def test_enough_traps() -> None:
    assert len(TRAPS) >= MIN_TRAPS, (
        f"expected at least {MIN_TRAPS} trap articles in {TRAPS_DIR}, found {len(TRAPS)}")


@pytest.mark.parametrize("path", TRAPS, ids=[p.stem for p in TRAPS])
def test_trap_is_left_alone(path: Path) -> None:
    text = _read(path)
    assert text.strip(), f"{path.name} is empty"
    result = clean(text)
    message = _describe(path, text, result)
    assert result.edits == (), message
    assert result.text == text, message
