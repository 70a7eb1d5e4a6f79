"""The literal prefilter: which rules could possibly match on which lines.

Most lines of a scrape are article prose that no rule matches. Every rule names
literal trigger words it cannot match without; one Aho-Corasick pass over the
lower-cased document finds all of them at once, and a rule's regexes then run only
on the lines where one of its triggers occurs.

The automaton is the Rust aho-corasick crate's DFA: on 3 MB of extractor output it
scanned four times faster than a Python-object trie (measured while choosing), and the
scan is the largest single cost of cleaning a document that has nothing to remove.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import ahocorasick_rs


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
        by_word: dict[str, set[int]] = {}
        for word, idx in triggers:
            by_word.setdefault(word, set()).add(idx)
        self._words = sorted(by_word)
        self._rules: list[tuple[int, ...]] = [tuple(sorted(by_word[w])) for w in self._words]
        self._auto = (ahocorasick_rs.AhoCorasick(self._words, implementation=ahocorasick_rs.Implementation.DFA)
                      if self._words else None)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # The automaton is native and not picklable: rebuild it from the words in a worker.
        return (Prefilter, ([(w, i) for w, idxs in zip(self._words, self._rules, strict=False) for i in idxs],))

    def hits(self, lowered: str) -> list[tuple[int, int, int]]:
        """Every trigger occurrence as (word index, start, end), overlapping ones included."""
        if self._auto is None:
            return []
        return self._auto.find_matches_as_indexes(lowered, overlapping=True)

    def arm(self, hits: Sequence[tuple[int, int, int]], text: str, limits: Sequence[int],
            starts: Sequence[int] | None = None) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        """Split trigger hits into the lines that arm each rule (rule index -> line
        indices), and those deferred because the line is longer than the rule's
        ``max_chars``.

        Line bounds come from find/rfind around each hit (once per line: hits arrive in
        text order), so a document whose hits all sit in long prose lines is done
        without ever being split into lines. Line numbers are counted newlines; a text
        with any \r (which also ends a line) passes ``starts``, its line starts.
        """
        armed: dict[int, set[int]] = {}
        deferred: dict[int, set[int]] = {}
        rules = self._rules
        line_start = line_end = -1
        length = 0
        lineno = counted_to = 0  # newlines before offset counted_to
        for word, start, end in hits:
            if not line_start <= start < line_end:
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                if line_end < 0:
                    line_end = len(text)
                length = -1  # measured only if a rule of this line has a limit
                if starts is not None:
                    pass  # numbered per hit below: these bounds know only \n
                elif line_start >= counted_to:
                    lineno += text.count("\n", counted_to, line_start)
                    counted_to = line_start
                else:  # overlapping hits can arrive slightly out of order
                    lineno -= text.count("\n", line_start, counted_to)
                    counted_to = line_start
            if starts is not None:
                lineno = bisect_right(starts, start) - 1
            for idx in rules[word]:
                limit = limits[idx]
                if limit:
                    if length < 0:
                        length = _stripped_length(text, line_start, line_end)
                    if length > limit:
                        deferred.setdefault(idx, set()).add(lineno)
                        continue
                armed.setdefault(idx, set()).add(lineno)
        return armed, deferred


def _stripped_length(text: str, line_start: int, line_end: int) -> int:
    """Length of the stripped line. Any \r makes it 0 (always armed): a lone \r ends
    a line too, and these bounds only know \n."""
    if line_end - line_start <= 80:  # short lines pass any sensible limit without slicing
        return 0
    seg = text[line_start:line_end]
    return 0 if "\r" in seg else len(seg.strip())
