"""Replaying a report: edits applied to the input give the output, and undone on the
output give the input back. These two functions are what ``clean restore`` and the
round-trip tests rely on, so they trust nothing and check every edit."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Edit


class ReplayError(ValueError):
    """The edits do not fit the text they are applied to."""


def _ordered(edits: Sequence[Edit]) -> None:
    pos = 0
    for e in edits:
        if e.start < pos or e.end < e.start:
            raise ReplayError(f"edit {e.rule} at {e.start}-{e.end} overlaps or is out of order")
        pos = e.end


def apply_edits(original: str, edits: Sequence[Edit]) -> str:
    """The output that ``edits`` make of ``original``."""
    _ordered(edits)
    out, pos = [], 0
    for e in edits:
        if original[e.start : e.end] != e.text:
            raise ReplayError(f"edit {e.rule} at {e.start}-{e.end}: the input does not hold its text there")
        out.append(original[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(original[pos:])
    return "".join(out)


def restore(output: str, edits: Sequence[Edit]) -> str:
    """The original that ``edits`` were applied to, rebuilt from ``output``."""
    _ordered(edits)
    out, pos, shift = [], 0, 0  # shift: output offset minus original offset so far
    for e in edits:
        o_start = e.start + shift
        o_end = o_start + len(e.replacement)
        if o_start < pos or output[o_start:o_end] != e.replacement:
            raise ReplayError(f"edit {e.rule} at {e.start}-{e.end}: the output does not hold its replacement")
        out.append(output[pos:o_start])
        out.append(e.text)
        pos = o_end
        shift += len(e.replacement) - (e.end - e.start)
    out.append(output[pos:])
    return "".join(out)
