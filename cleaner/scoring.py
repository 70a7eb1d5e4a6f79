"""The scorer's pass: score the lines the rules kept, then remove or flag (cleaner.scorer.decide).

It runs after the line rules have settled, and the line rules run again after it removes
anything (a removed menu can bring a marker into a tail window), until neither changes:
the fixpoint that keeps a second cleaning a no-op.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from itertools import filterfalse

from .document import Doc, make_flag
from .matchers import ScorerRule
from .scorer import decide
from .scorer.decide import LineInfo


def scorers_may_decide(scorers: Sequence[ScorerRule], lines: Sequence[str], full_page: bool) -> bool:
    """Whether any scorer could remove or flag one of ``lines`` (stripped, non-blank) as
    they stand: on a full page whenever there is a line; by default only when a line
    is a suspect (``decide.has_suspect``)."""
    if full_page:
        return bool(lines)
    return any(decide.has_suspect(c.model, lines) for c in scorers)


def score_lines(doc: Doc, scorers: Sequence[ScorerRule], full_page: bool) -> bool:
    """One scoring of the kept lines by each scorer; True when it removed a line. The
    flags of the last call stand (earlier calls saw lines that later went)."""
    removed_any = False
    doc.score_flags.clear()
    for s, c in enumerate(scorers):
        kept = list(filterfalse(doc.removed.__contains__, doc.lines.nonblank()))
        lines = list(map(doc.bare, kept))
        if full_page:  # every line is scored
            info = _own_info(doc.own_info, s, kept, lines, c.model.line_infos)
            for k, (score, features) in decide.full_page_removals_explained(
                    c.model, lines, c.thresholds["full_page"], info=info):
                removed_any |= _decided(doc, c, kept[k], True, decide.FULL_PAGE_REASON, score, features)
        else:  # prose paragraphs are not: their facts are computed only if asked for
            for d in decide.default(c.model, lines, c.thresholds["remove"], c.thresholds["flag"],
                                    info=_Known(doc.own_info, s, kept, lines, c.model.line_info)):
                removed_any |= _decided(doc, c, kept[d.index], d.remove, d.reason, d.why.score, d.why.features)
    return removed_any


def _decided(doc: Doc, c: ScorerRule, i: int, remove: bool, reason: str, score: float,
             features: tuple[tuple[str, float], ...]) -> bool:
    """Record a scorer's decision on line ``i``: its removal (True) or its flag."""
    why = (round(score, 4), features)
    described = ", ".join([f"{name} {weight:+.2f}" for name, weight in features])
    message = f"{c.rule.message} ({reason}; score {why[0]:.3f}: {described})"
    if remove and not c.rule.flags_only:
        doc.removed[i] = (c.rule, message)
        doc.scored[i] = why
        return True
    doc.score_flags.append(make_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(i), message, *why))
    return False


def _own_info(known: dict[tuple[int, int], LineInfo], scorer: int, kept: Sequence[int], lines: Sequence[str],
              compute: Callable[[Sequence[str]], list[LineInfo]]) -> list[LineInfo]:
    """The own-text facts (``ScorerModel.line_infos``) of each line scored, by position
    among them: kept in ``known`` by (scorer, line), each computed once per cleaning."""
    out = [known.get((scorer, i)) for i in kept]
    todo = list(itertools.compress(itertools.count(), map(operator.not_, out)))
    if todo:
        for k, info in zip(todo, compute([lines[k] for k in todo]), strict=True):
            out[k] = known[(scorer, kept[k])] = info
    return out  # type: ignore[return-value]


class _Known:
    """``_own_info`` line by line, as the default scope asks."""

    __slots__ = ("compute", "known", "kept", "lines", "scorer")

    def __init__(self, known: dict[tuple[int, int], LineInfo], scorer: int, kept: Sequence[int],
                 lines: Sequence[str], compute: Callable[[str], LineInfo]) -> None:
        self.known, self.scorer, self.kept, self.lines, self.compute = known, scorer, kept, lines, compute

    def __getitem__(self, k: int) -> LineInfo:
        key = (self.scorer, self.kept[k])
        hit = self.known.get(key)
        if hit is None:
            hit = self.known[key] = self.compute(self.lines[k])
        return hit
