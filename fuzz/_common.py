"""Shared by the fuzz targets: the invariants every cleaning must keep (the same five as
tests/invariants.py), checked without pytest so a target runs on its own."""

from __future__ import annotations

from cleaner import Cleaner, CleanResult, apply_edits, restore


def check_invariants(cleaner: Cleaner, text: str) -> CleanResult:
    res = cleaner.clean(text)
    pos = 0
    for e in res.edits:
        if text[e.start : e.end] != e.text:
            raise AssertionError(f"offsets: {e}")
        if e.start < pos:
            raise AssertionError(f"order: {e}")
        pos = e.end
    if apply_edits(text, res.edits) != res.text:
        raise AssertionError("replay differs from the output")
    if restore(res.text, res.edits) != text:
        raise AssertionError("restore differs from the input")
    again = cleaner.clean(res.text)
    if again.text != res.text or again.edits:
        raise AssertionError(f"not idempotent: {[(e.rule, e.text) for e in again.edits]}")
    return res
