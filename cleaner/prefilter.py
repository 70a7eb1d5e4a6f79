"""The literal prefilter: which rules could possibly match on which lines.

Most lines of a scrape are article prose that no rule matches. Every rule names
literal trigger words it cannot match without; one Aho-Corasick pass over the
lower-cased document finds all of them at once, and a rule's regexes then run only
on the lines where one of its triggers occurs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import ahocorasick


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` keeping every offset where it was.

    ``str.lower`` turns a few characters into two (``İ`` -> ``i̇``); those are kept
    as they are so that an offset in the lowered text is an offset in the original.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


class Prefilter:
    def __init__(self, triggers: Sequence[tuple[str, int]]) -> None:
        """``triggers`` pairs a lower-case literal with the index of the rule it arms."""
        by_word: dict[str, list[int]] = {}
        for word, idx in triggers:
            by_word.setdefault(word, []).append(idx)
        self._auto: ahocorasick.Automaton | None = None
        if by_word:
            auto = ahocorasick.Automaton()
            for word, idxs in by_word.items():
                auto.add_word(word, tuple(sorted(set(idxs))))
            auto.make_automaton()
            self._auto = auto

    def candidates(self, lowered: str, line_starts: Sequence[int]) -> dict[int, set[int]]:
        """Map rule index -> indices of the lines where one of its triggers occurs."""
        found: dict[int, set[int]] = {}
        if self._auto is None:
            return found
        for end, idxs in self._auto.iter(lowered):
            line = bisect_right(line_starts, end) - 1
            for idx in idxs:
                found.setdefault(idx, set()).add(line)
        return found
