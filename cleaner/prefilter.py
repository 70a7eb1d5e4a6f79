"""The literal prefilter: which rules could possibly match on which lines.

Most lines of a scrape are article prose that no rule matches. Every rule names
literal trigger words it cannot match without; one Aho-Corasick pass over the
document finds all of them at once, and a rule's regexes then run only on the lines
where one of its triggers occurs.

The automaton is the Rust aho-corasick crate's contiguous NFA: on 3 MB of extractor
output it scanned four times faster than a Python-object trie (measured while choosing).
Not the crate's DFA: the DFA runs half the instructions, but its tables (megabytes, for
thousands of triggers) fall out of the CPU cache while the rest of the cleaning runs
between two documents, and whole cleaning passes took as long with either (within 3%,
alternating runs on the bench corpus); the NFA builds in 7 ms instead of 46. It runs
on the document's UTF-8 bytes with only ASCII lower-cased (``bytes.lower``), not on
``str.lower()`` of the text: most scraped text holds some non-ASCII character, and on
such text ``str.lower`` and the automaton's own UTF-8 conversion cost twice what the
scan does (21 against 10 ms on those 3 MB). What ``str.lower`` would have done to the
non-ASCII characters is done to the triggers instead: each is also searched in every
spelling whose lower case it is (``é`` as ``É`` too), so a rule is armed on exactly
the lines it was armed on when the text was lower-cased.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from itertools import accumulate, product

import ahocorasick_rs

# Characters whose lower case is a single other character that neither its upper nor
# its title case gives back: the Kelvin sign lower-cases to ASCII "k". Checked against
# the running Python's Unicode tables by tests/test_engine.py.
_OTHER_UPPER = {"k": "\u212a", "\u00e5": "\u212b", "\u03c9": "\u2126", "\u03b8": "\u03f4", "\u00df": "\u1e9e"}
# A trigger with many cased non-ASCII letters would need every mix of cases; past this
# many spellings its longest prefix within the bound stands in (arming more lines, never
# fewer: the prefilter only has to be a necessary condition).
MAX_SPELLINGS = 64


@cache  # a few dozen distinct letters among the triggers' thousands: start-up time
def _cases(ch: str) -> tuple[str, ...]:
    """``ch`` and the other characters that lower-case to it and that ``bytes.lower``
    leaves alone (the non-ASCII ones)."""
    out = [ch]
    for c in (ch.upper(), ch.title(), _OTHER_UPPER.get(ch, "")):
        if len(c) == 1 and not c.isascii() and c not in out and c.lower() == ch:
            out.append(c)
    if ch == "\u03c2":  # final sigma: str.lower() makes Σ a ς at a word's end, a σ elsewhere
        out.append("\u03a3")
    return tuple(out)


def spellings(word: str) -> list[str]:
    """Every form of the lower-case ``word`` that ASCII-only lower-casing of a text
    could leave where ``str.lower`` would have left ``word`` (see the module docstring)."""
    options = [_cases(ch) for ch in word]
    count, n = 1, 0
    for opts in options:
        if count * len(opts) > MAX_SPELLINGS:
            break
        count *= len(opts)
        n += 1
    return ["".join(p) for p in product(*options[: max(n, 1)])]


class Prefilter:
    def __init__(self, triggers: Sequence[tuple[str, int]], limits: Sequence[int] = ()) -> None:
        """``triggers`` pairs a lower-case literal with the index of the rule it arms;
        ``limits[idx]`` is that rule's ``max_chars`` (0 or missing: none): on a longer line
        its triggers defer it instead of arming it."""
        self._triggers = list(triggers)
        self._limits = list(limits)
        by_word: dict[str, set[int]] = {}
        for word, idx in triggers:
            by_word.setdefault(word, set()).add(idx)
        patterns: list[bytes] = []
        self._rules: list[tuple[int, ...]] = []  # per pattern: the rules its word arms
        seen: dict[bytes, int] = {}
        for w in sorted(by_word):
            rules = by_word[w]
            for s in spellings(w):
                b = s.encode("utf-8", "surrogatepass")
                if b in seen:  # a shortened spelling another word shares: arm both words' rules
                    k = seen[b]
                    self._rules[k] = tuple(sorted({*self._rules[k], *rules}))
                    continue
                seen[b] = len(patterns)
                patterns.append(b)
                self._rules.append(tuple(sorted(rules)))
        self._auto = (ahocorasick_rs.BytesAhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
                      if patterns else None)
        # Per pattern: the rules it arms on any line, and those with a length limit.
        limit = self.limit
        self._free = [tuple(i for i in idxs if not limit(i)) for idxs in self._rules]
        self._capped = [tuple((i, limit(i)) for i in idxs if limit(i)) for idxs in self._rules]

    def limit(self, idx: int) -> int:
        return self._limits[idx] if idx < len(self._limits) else 0

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # The automaton is native and not picklable: rebuild it from the words in a worker.
        return (Prefilter, (self._triggers, self._limits))

    def scan(self, text: str, starts: Sequence[int] | None = None
             ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        """The lines that arm each rule (rule index -> line indices), and those deferred
        because the line is longer than the rule's ``max_chars``.

        Lines are numbered by counting newlines; a text with any \\r (which also ends a
        line) must pass ``starts``, its line starts as ``cleaner.lines.Lines`` has them.
        """
        if self._auto is None:
            return {}, {}
        # surrogatepass: lone surrogates (from JSON escapes) are not UTF-8 but must not
        # fail the scan; no trigger can match inside one, since UTF-8 resynchronises.
        data = text.encode("utf-8", "surrogatepass")
        hits = self._auto.find_matches_as_indexes(data.lower(), overlapping=True)
        if not hits:
            return {}, {}
        byte_starts = None
        if starts is not None:
            if data.isascii():
                byte_starts = starts
            else:  # line starts as byte offsets: add up each line's UTF-8 length
                ends = [*starts[1:], len(text)]
                sizes = (len(text[a:b].encode("utf-8", "surrogatepass")) for a, b in zip(starts, ends, strict=True))
                byte_starts = [0, *accumulate(sizes)][: len(starts)]
        return self._arm(hits, data, byte_starts)

    def _arm(self, hits: Sequence[tuple[int, int, int]], data: bytes, starts: Sequence[int] | None
             ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        """Split trigger hits (pattern, byte start, byte end) into armed and deferred lines.

        Line bounds come from find/rfind around each hit (once per line: hits arrive in
        text order), so a document whose hits all sit in long prose lines is done
        without ever being split into lines. Line numbers are counted newlines; with
        ``starts`` (byte offsets of the line starts, for text with a \\r) each hit is
        placed among them instead.
        """
        armed: defaultdict[int, set[int]] = defaultdict(set)
        deferred: defaultdict[int, set[int]] = defaultdict(set)
        free, capped = self._free, self._capped
        line_start = line_end = -1
        length = size = 0
        lineno = counted_to = 0  # newlines before offset counted_to
        for word, start, end in hits:
            if not line_start <= start < line_end:
                line_start = data.rfind(b"\n", 0, start) + 1
                line_end = data.find(b"\n", end)
                if line_end < 0:
                    line_end = len(data)
                # A line's UTF-8 size bounds its length in characters: the exact stripped
                # length is measured only for a rule whose limit the size exceeds.
                size = line_end - line_start
                length = -1
                if starts is None:  # with starts, numbered per hit below: these bounds know only \n
                    if line_start >= counted_to:
                        lineno += data.count(b"\n", counted_to, line_start)
                    else:  # overlapping hits can arrive slightly out of order
                        lineno -= data.count(b"\n", line_start, counted_to)
                    counted_to = line_start
            if starts is not None:
                lineno = bisect_right(starts, start) - 1
            for idx in free[word]:
                armed[idx].add(lineno)
            for idx, limit in capped[word]:
                if limit < size:
                    if length < 0:
                        length = _stripped_length(data, line_start, line_end)
                    if length > limit:
                        deferred[idx].add(lineno)
                        continue
                armed[idx].add(lineno)
        # Plain dicts: a missing rule must not spring into being on lookup downstream.
        return dict(armed), dict(deferred)


def _stripped_length(data: bytes, line_start: int, line_end: int) -> int:
    """Length in characters of the stripped line. Any \\r makes it 0 (always armed): a
    lone \\r ends a line too, and these bounds only know \\n."""
    if line_end - line_start <= 80:  # short lines pass any sensible limit without decoding
        return 0
    seg = data[line_start:line_end]
    return 0 if b"\r" in seg else len(seg.decode("utf-8", "surrogatepass").strip())
