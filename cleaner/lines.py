"""Splitting a document into lines without losing a single character.

Scrapers put one paragraph on one line, so a line is the unit most rules judge.
Only ``\\r\\n``, ``\\r`` and ``\\n`` end a line: ``str.splitlines`` also splits on
form feeds and U+2028, which would make reported line numbers disagree with editors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"\w+")
# A sentence end: terminal punctuation, optionally followed by closing quotes/brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offset of the first character
    content_end: int  # offset just past the last character before the line break
    end: int  # offset just past the line break (== content_end on the last line)

    def content(self, text: str) -> str:
        return text[self.start : self.content_end]


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for m in _BREAK.finditer(text):
        lines.append(Line(pos, m.start(), m.end()))
        pos = m.end()
    if pos < len(text):
        lines.append(Line(pos, len(text), len(text)))
    return lines


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
