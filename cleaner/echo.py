"""The kind ``echo``: lines that repeat the article's headline.

Extractors often keep a page's headline more than once: as the page title with the
site's name after it ("<headline> | Valley Gazette"), behind a breadcrumb trail ("Home
Business <headline>"), or simply twice. No word list can name these lines, since their
words are the article's own; what gives them away is that they repeat another line.

The headline is one of the first kept lines that reads as a title: a few words, not a
sentence. Another kept line echoes it when, compared word by word (case and punctuation
aside), it is

- the same words, when the headline is the first kept line: the later copy goes, the
  first stays (further down, a repeated short line is as likely the article's own: a
  product page repeats its feature list for each model);
- the same words after a short run of capitalised words (a breadcrumb trail);
- the same words followed by a separator (``|``, ``-``, ``–``, ``:``, ``·``, ``»``) and a
  few words (the site's name).

An article sentence that merely begins with its own headline's words is not an echo:
the words after the headline must stand behind a separator, and there must be few.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import Rule

# The most first lines any echo rule's window may span (a rule's `window` is capped
# by it): the passes ask echoes again only when these lines change.
ECHO_HEAD = 8
# Echoes are looked for among this many first kept lines, and half as many last ones.
ECHO_ZONE = 20
# Letters and digits (str.isalnum): [\p{L}\p{N}] as far as Python's Unicode tables go.
# The standard library's engine splits short lines faster than the regex module, and
# these plain patterns need nothing more.
_WORD = re.compile(r"[^\W_]+")
# A line as cleaner.lines.Lines has it: \r\n, \r and \n end one.
_LINE = re.compile(r"[^\r\n]+")
# What stands between a headline and the site name after it.
_SEPARATOR = re.compile(r"\s*(?:[|:·•»›/~]|[-–—]+)\s*")
# What stands between the steps of a breadcrumb trail: "Home › News", "Home News"; not a
# comma or a colon ("The Briefing, Friday, November 9" is a title of its own).
_CRUMB_GAP = re.compile(r"[\s›»>/|•·→~\-–—]*")
# A title has at most this many characters a word on average: a longer first line is a
# paragraph, and its words are never split.
_CHARS_PER_WORD = 12
# A title does not end like a sentence or a clause.
_SENTENCE_END = (".", ",", ";", ":")
_OPENING_QUOTES = "\"'“‘„«¿¡"


@dataclass(frozen=True, slots=True)
class Echo:
    line: int  # the line that repeats the headline
    headline: int  # the headline's line
    how: str  # what the echo adds to the headline, for the report


@dataclass(frozen=True, slots=True)
class EchoRule:
    rule: Rule
    window: int  # the headline is among the first this many kept lines
    min_words: int  # a headline has at least this many words ...
    max_words: int  # ... and at most this many
    max_affix_words: int  # the longest breadcrumb before, or site name after, the headline

    def could_echo(self, text: str) -> bool:
        """A cheap necessary condition, for texts no trigger armed: one of the first
        lines reads as a title."""
        seen = 0
        for m in _LINE.finditer(text):
            stripped = m.group().strip()
            if not stripped:
                continue
            if self._title_words(stripped):
                return True
            seen += 1
            if seen >= self.window:
                return False
        return False

    def echoes(self, kept: Sequence[int], content: Callable[[int], str]) -> list[Echo]:
        """The kept lines (indices, in order) that echo a headline; ``content`` gives a
        line's stripped text. Echoes are looked for among the first ``ECHO_ZONE`` and
        the last ``ECHO_ZONE // 2`` kept lines, where titles, breadcrumbs and page titles
        are printed: the cost stays the same however long the text."""
        out: list[Echo] = []
        gone: set[int] = set()
        zone: list[tuple[int, str]] | None = None
        for n, i in enumerate(kept[: self.window]):
            if i in gone:
                continue
            head = content(i)
            words = self._title_words(head)
            if not words:
                continue
            if zone is None:
                first = kept[:ECHO_ZONE]
                zone = [(j, content(j)) for j in (*first, *kept[max(len(first), len(kept) - ECHO_ZONE // 2):])]
            title = [w.lower() for w in words]
            key = max(title, key=len)
            lo, hi = len(head) * 3 // 4, len(head) + 10 * (self.max_affix_words + 2)
            for j, other in zone:
                # Length, then the headline's longest word, before any word is split.
                if j == i or j in gone or not lo <= len(other) <= hi or key not in other.lower():
                    continue
                how = self._relation(title, other, plain_copy=n == 0 and j > i)
                if how:
                    out.append(Echo(j, i, how))
                    gone.add(j)
        return out

    def _title_words(self, stripped: str) -> list[str]:
        """The words of a line that reads as a title, or none. Most first lines are
        paragraphs: their full stop or their length rules them out before their words
        are split. A list item (a bullet, a dash) is not a headline either: product
        pages repeat their feature lists, and those repeats are the article's."""
        if (not stripped or stripped.endswith(_SENTENCE_END) or len(stripped) > _CHARS_PER_WORD * self.max_words
                or not (stripped[0].isalnum() or stripped[0] in _OPENING_QUOTES)):
            return []
        words = _WORD.findall(stripped)
        return words if self.min_words <= len(words) <= self.max_words else []

    def _relation(self, title: list[str], other: str, plain_copy: bool) -> str:
        found = list(_WORD.finditer(other))
        folded = [m.group().lower() for m in found]
        n, extra = len(title), len(found) - len(title)
        if extra < 0 or extra > self.max_affix_words:
            return ""
        if extra == 0:
            return "repeats the headline" if plain_copy and folded == title else ""
        if folded[extra:] == title and all(m.group()[0].isupper() or m.group()[0].isdigit() for m in found[:extra]) \
                and all(_CRUMB_GAP.fullmatch(other[a.end():b.start()]) for a, b in zip(found[:extra], found[1:extra + 1], strict=True)):
            return "breadcrumb trail before the headline"
        if folded[:n] == title:
            rest = other[found[n - 1].end():]
            if _SEPARATOR.match(rest) and not rest.rstrip().endswith((".", "!", "?")):
                return "headline with the site's name after it"
        return ""

