"""Splitting a document into lines without losing a single character.

Scrapers put one paragraph on one line, so a line is the unit most rules judge.
Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line: ``str.splitlines`` also splits on
form feeds and U+2028, which would make reported line numbers disagree with editors,
so it is used only on text that has none of those (its C speed matters at scale).
"""

from __future__ import annotations

import re
from itertools import accumulate, compress, count, repeat
from operator import add

_BREAK = re.compile(r"\r\n|\r|\n")
# Where str.splitlines() also breaks a line, and editors (and this tool) do not.
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_WORD = re.compile(r"\w+")
# A sentence ends in terminal punctuation, optionally followed by closing quotes/brackets.
_TERMINALS = frozenset(".!?")
_CLOSERS = "\"'”’»)]"


class Lines:
    """Parallel arrays over a document's lines: where each starts and ends (after its
    line break) and its content (without the break)."""

    __slots__ = ("_nonblank", "contents", "ends", "starts")

    def __init__(self, text: str) -> None:
        if "\r" not in text:
            # The common case: one splitlines() (C speed), trusted only if \n alone
            # explains it: as many lines as \n makes, and lengths adding up to the text
            # (it also breaks at \v, \f, U+2028 and a few more, which would fail one test).
            contents = text.splitlines()
            unended = 1 if text and text[-1] != "\n" else 0
            # Each line is its content and one \n (the last perhaps none).
            starts = list(accumulate(map(add, map(len, contents), repeat(1)), initial=0))
            if len(contents) == text.count("\n") + unended and starts[-1] == len(text) + unended:
                self.contents: list[str] = contents
                self.starts: list[int] = starts[:-1]
                self.ends: list[int] = [*starts[1:-1], len(text)] if contents else []
                self._nonblank: list[int] | None = None
                return
        # With \r, splitlines() is exact when no other character it breaks at occurs.
        parts = text.splitlines(True)
        if any(c in text for c in _OTHER_BREAKS):
            parts = _strict_split(text)
        # A part holds exactly one line break at its end, so rstrip takes just that.
        self.contents = [p.rstrip("\r\n") for p in parts]
        self.ends = list(accumulate(map(len, parts)))
        self.starts = [0, *self.ends[:-1]] if parts else []
        self._nonblank = None

    def __len__(self) -> int:
        return len(self.starts)

    def cend(self, i: int) -> int:
        """Offset just past line ``i``'s content, before its line break."""
        return self.starts[i] + len(self.contents[i])

    def nonblank(self) -> list[int]:
        """Indices of the lines with any non-whitespace character."""
        if self._nonblank is None:
            # str.strip drops exactly the characters isspace() knows: an empty result is
            # a blank line. compress keeps the loop in C.
            self._nonblank = list(compress(count(), map(str.strip, self.contents)))
        return self._nonblank


def _strict_split(text: str) -> list[str]:
    parts, pos = [], 0
    for m in _BREAK.finditer(text):
        parts.append(text[pos : m.end()])
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def word_count(s: str) -> int:
    return len(_WORD.findall(s))


def is_prose(s: str, max_words: int) -> bool:
    """Whether a line reads like article prose rather than a link label or heading.

    Lines of more than ``max_words`` words are prose; so are sentence-shaped lines of two
    words or more (a final full stop, ! or ?). Headlines in related-article lists are
    short and carry no final full stop.
    """
    words = word_count(s)
    if words > max_words:
        return True
    # A full stop, ! or ? after two words or more is a sentence ("He declined to
    # comment."): precision first, so short sentences count as prose. Headlines and
    # labels carry none; an ellipsis ("Loading ...", a truncated teaser) is no sentence end.
    end = s.rstrip().rstrip(_CLOSERS)
    return words >= 2 and end[-1:] in _TERMINALS and not end.endswith(("...", "…"))
