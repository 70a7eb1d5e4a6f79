"""The five invariants every cleaning must satisfy, checked in one place."""

from __future__ import annotations

from cleaner import Cleaner, CleanResult, apply_edits, restore


def assert_invariants(cleaner: Cleaner, text: str) -> CleanResult:
    res = cleaner.clean(text)
    assert res.original == text
    pos = 0
    for e in res.edits:
        # 1. offsets slice out exactly the edit's text
        assert text[e.start : e.end] == e.text, e
        # 2. sorted and disjoint
        assert e.start >= pos, f"edit {e} overlaps or is out of order"
        pos = e.end
        # line/column point at the start
        assert e.line == text.count("\n", 0, e.start) + text.count("\r", 0, e.start) - text.count("\r\n", 0, e.start) + 1
    # 3. replaying the edits on the input gives the output
    assert apply_edits(text, res.edits) == res.text
    # 4. output plus edits restore the input exactly
    assert restore(res.text, res.edits) == text
    # 5. cleaning the output again changes nothing
    again = cleaner.clean(res.text)
    assert again.text == res.text and not again.edits, (
        f"second pass changed the output: {[(e.rule, e.text) for e in again.edits]}")
    return res
