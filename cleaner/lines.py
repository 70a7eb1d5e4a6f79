"""Splitting a document into lines without losing a single character.

Scrapers put one paragraph on one line, so a line is the unit most rules judge.
Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line: ``str.splitlines`` also splits on
form feeds and U+2028, which would make reported line numbers disagree with editors,
so it is used only on text that has none of those (its C speed matters at scale).
"""

from __future__ import annotations

import re
from itertools import accumulate

_BREAK = re.compile(r"\r\n|\r|\n")
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_WORD = re.compile(r"\w+")
# A sentence end: terminal punctuation, optionally followed by closing quotes/brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


class Lines:
    """Parallel arrays over a document's lines: where each starts, where its content
    ends (before the line break), where it ends, and its content."""

    __slots__ = ("_nonblank", "cends", "contents", "ends", "starts")

    def __init__(self, text: str) -> None:
        if _OTHER_BREAKS.search(text) is None:
            contents = text.splitlines()
            lengths = [len(s) for s in text.splitlines(True)]
        else:
            contents, lengths, pos = [], [], 0
            for m in _BREAK.finditer(text):
                contents.append(text[pos : m.start()])
                lengths.append(m.end() - pos)
                pos = m.end()
            if pos < len(text):
                contents.append(text[pos:])
                lengths.append(len(text) - pos)
        self.contents: list[str] = contents
        self.ends: list[int] = list(accumulate(lengths))
        self.starts: list[int] = [0, *self.ends[:-1]] if lengths else []
        self.cends: list[int] = [s + len(c) for s, c in zip(self.starts, contents)]
        self._nonblank: list[int] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def nonblank(self) -> list[int]:
        """Indices of the lines with any non-whitespace character."""
        if self._nonblank is None:
            self._nonblank = [i for i, c in enumerate(self.contents) if c and not c.isspace()]
        return self._nonblank

    def is_blank(self, i: int) -> bool:
        c = self.contents[i]
        return not c or c.isspace()


def word_count(s: str) -> int:
    return len(_WORD.findall(s))


def is_prose(s: str, max_words: int) -> bool:
    """Whether a line reads like article prose rather than a link label or heading.

    Long lines are prose; so are sentence-shaped lines of six words or more.
    Headlines in related-article lists are short and carry no final full stop.
    """
    words = word_count(s)
    if words > max_words:
        return True
    return words >= 6 and bool(_SENTENCE_END.search(s))
