"""One document's working state while it is cleaned, and the small helpers the passes share.

Decisions are taken on the lines of the original text: a line's inline edits
(repairs, span removals) are kept as proposals with offsets into the original, so every
edit stays an exact slice of it, and the line as rules see it next is spliced from them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .kinds import FROM_END, FROM_START
from .lines import Lines
from .matchers import LineRule, TailRule
from .model import Flag, Rule, Skipped
from .substitution import Verdict


@dataclass(slots=True)
class Proposal:
    """An inline edit of one line: offsets into the original, what replaces them, and why."""

    start: int
    end: int
    replacement: str
    rule: Rule
    message: str


@dataclass(slots=True)
class Doc:
    """Per-document working state; lives only for one call of ``clean``."""

    text: str
    lines: Lines
    cands: dict[int, set[int]]
    removed: dict[int, tuple[Rule, str]] = field(default_factory=dict)
    inline: dict[int, list[Proposal]] = field(default_factory=dict)  # line -> spans/repairs
    flags: list[Flag] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # candidate edits another edit displaced
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # substitution code -> verdict
    _clean_content: dict[int, str] = field(default_factory=dict)
    _bare_content: dict[int, str] = field(default_factory=dict)
    # (rule index, a line's cleaned content) -> whether the rule matches it: keyed by the
    # text, so an edited line is judged afresh and a line repeated on the page (a menu
    # printed at the top and again at the foot) is judged once.
    _matched: dict[tuple[int, str], bool] = field(default_factory=dict)
    _flagged: set[tuple[str, int]] = field(default_factory=set)
    # Lines a scorer removed -> (score, top features), for their edits in the report.
    scored: dict[int, tuple[float, tuple[tuple[str, float], ...]]] = field(default_factory=dict)
    score_flags: list[Flag] = field(default_factory=list)  # a scorer's flags, from its last call
    # (tail rule index, marker line) -> the flag of a marker that prose followed
    tail_flags: dict[tuple[int, int], Flag] = field(default_factory=dict)
    # (scorer, line) -> the line's own-text logit, prose and short: a page is scored
    # several times as lines go, and its long lines are not in the model's cache.
    own_info: dict[tuple[int, int], tuple[float, bool, bool]] = field(default_factory=dict)

    def content(self, i: int) -> str:
        """The line's text after the inline edits proposed for it."""
        if i in self._clean_content:
            return self._clean_content[i]
        s = self._splice(i, self.inline.get(i, ()))
        self._clean_content[i] = s
        return s

    def bare(self, i: int) -> str:
        """The line's cleaned content as line rules judge it (see ``bare_text``), cached:
        several rules often judge one line."""
        b = self._bare_content.get(i)
        if b is None:
            b = self._bare_content[i] = bare_text(self.content(i))
        return b

    def flag_line(self, rule: Rule, i: int, message: str) -> None:
        """Flag line ``i`` whole for ``rule``, once: the fixpoint loop and the passes
        after it may come to the same line again."""
        if (rule.code, i) not in self._flagged:
            self._flagged.add((rule.code, i))
            self.flags.append(make_flag(self, rule, self.lines.starts[i], self.lines.cend(i), message))

    def cuts(self, i: int) -> list[Proposal]:
        """Line ``i``'s inline removals and encoding fixes, in order: the edits that
        stand whatever the document judges (its repairs left out)."""
        return [p for p in self.inline.get(i, ()) if not p.replacement or p.rule.kind == "mojibake"]

    def without_removals(self, i: int) -> str:
        """The line with its inline removals and encoding fixes applied but not its
        repairs: the text a second cleaning's detectors would see, before they decide on
        repairs ("srcsrcâ€™" reads as a word, "srcsrc’" as a number)."""
        return self._splice(i, self.cuts(i))

    def _splice(self, i: int, props: Sequence[Proposal]) -> str:
        """Line ``i`` with ``props`` (sorted, disjoint) applied."""
        if not props:
            return self.lines.contents[i]
        out, pos = [], self.lines.starts[i]
        for p in props:
            out.append(self.text[pos : p.start])
            out.append(p.replacement)
            pos = p.end
        out.append(self.text[pos : self.lines.cend(i)])
        return "".join(out)

    def arm_deferred(self, later: dict[int, set[int]], lines: Iterable[int]) -> None:
        """Make the rules a line's length had deferred candidates on ``lines``, which
        edits have shortened: a second cleaning would judge them there."""
        lines = set(lines)
        for idx, line_ids in later.items():
            for i in line_ids & lines:
                self.cands.setdefault(idx, set()).add(i)

    def invalidate(self, i: int) -> None:
        self._clean_content.pop(i, None)
        self._bare_content.pop(i, None)

    def matches(self, idx: int, c: LineRule | TailRule, i: int) -> bool:
        s = self.bare(i)
        hit = self._matched.get((idx, s))
        if hit is None:
            hit = self._matched[(idx, s)] = c.matches(s)
        return hit

    def to_original(self, i: int, x: int, is_end: bool, props: Sequence[Proposal] | None = None) -> int:
        """Map offset ``x`` in line ``i``'s cleaned content to an offset in the original;
        ``props`` (sorted) names the edits that content was spliced from, all of the
        line's by default (``cuts(i)`` for the text ``without_removals`` gives).

        A position inside a replacement maps to the replacement's edge, so an edit built
        from mapped offsets covers whole earlier edits or none of them.
        """
        orig = self.lines.starts[i]
        clean = 0
        for p in self.inline.get(i, ()) if props is None else props:
            unchanged = p.start - orig
            if x < clean + unchanged or (is_end and x == clean + unchanged):
                return orig + (x - clean)
            clean += unchanged
            r = len(p.replacement)
            if x < clean + r or (is_end and r and x == clean + r):
                return p.end if is_end else p.start
            clean += r
            orig = p.end
        return orig + (x - clean)


def bare_text(line: str) -> str:
    """The line as rules see it: without surrounding whitespace or a byte-order mark,
    so a file's first line matches like any other."""
    return line.strip().lstrip("\ufeff").lstrip()


def take_whitespace(content: str, s: int, e: int) -> tuple[int, int]:
    """Widen a removal over the whitespace it would leave dangling at either line end."""
    if not content[e:].strip():
        e = len(content)
        while s > 0 and content[s - 1].isspace():
            s -= 1
    if not content[:s].strip():
        s = 0
        while e < len(content) and content[e].isspace():
            e += 1
    return s, e


def window_lines(position: str, window: int, kept: list[int]) -> frozenset[int]:
    """The kept lines among the first (head, top), the last (tail, bottom) or either
    (edge) ``window`` kept lines."""
    first = kept[:window] if position in FROM_START else ()
    last = kept[-window:] if window > 0 and position in FROM_END else ()
    return frozenset((*first, *last))


def make_flag(doc: Doc, rule: Rule, start: int, end: int, message: str, score: float | None = None,
              features: tuple[tuple[str, float], ...] = ()) -> Flag:
    starts = doc.lines.starts
    li = bisect_right(starts, start) - 1
    col = start - starts[li] + 1
    return Flag(rule.code, rule.name, rule.pack, start, end, li + 1, col, doc.text[start:end], message,
                score, features)
