"""The line table: only \r\n, \r and \n end a line, whatever else str.splitlines() knows."""

from __future__ import annotations

import re
from itertools import accumulate

from hypothesis import given
from hypothesis import strategies as st

from cleaner.lines import _BREAK, Lines

# Every character str.splitlines() breaks at, and some that it does not.
ALPHABET = "ab \n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\u00e9"


def _reference(text: str) -> tuple[list[str], list[int], list[int]]:
    """Contents, starts and ends from re.split on the three line breaks (kept)."""
    pieces = re.split(r"(\r\n|\r|\n)", text)  # content, break, content, break, ..., content
    contents, breaks = pieces[0::2], pieces[1::2]
    if contents and contents[-1] == "":  # the text ends with a break (or is empty)
        contents.pop()
    sizes = [len(c) + len(b) for c, b in zip(contents, [*breaks, ""], strict=False)]
    ends = list(accumulate(sizes))
    return contents, [0, *ends[:-1]] if contents else [], ends


@given(st.text(alphabet=ALPHABET, max_size=30))
def test_line_table_matches_a_split_on_the_three_line_breaks(text: str) -> None:
    lines = Lines(text)
    assert (lines.contents, lines.starts, lines.ends) == _reference(text)


def test_a_separator_only_splitlines_knows_stays_inside_its_line() -> None:
    # Each of these once fooled a count of lines: a trailing U+2028 vanished from content.
    for text in ["b\u2028", "a\n\u2028", "a\rb\u2028", "a\u2028b", "x\x0cy\n"]:
        lines = Lines(text)
        assert "".join(lines.contents) == _BREAK.sub("", text), text
        assert (lines.contents, lines.starts, lines.ends) == _reference(text)
