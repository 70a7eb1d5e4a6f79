"""The scorer's pass: score the lines the rules kept, then remove or flag (cleaner.scorer.decide).

It runs after the line rules have settled, and the line rules run again after it removes
anything (a removed menu can bring a marker into a tail window), until neither changes:
the fixpoint that keeps a second cleaning a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import filterfalse

from .document import Doc, make_flag
from .matchers import ScorerRule
from .scorer import decide


def _describe(features: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {weight:+.2f}" for name, weight in features)


class _Known:
    """A document's own-text line facts (``ScorerModel.line_info``) by position among
    the lines scored, each computed once per cleaning."""

    __slots__ = ("compute", "known", "kept", "lines", "scorer")

    def __init__(self, known: dict[tuple[int, int], tuple[float, bool, bool]], scorer: int,
                 kept: Sequence[int], lines: Sequence[str],
                 compute: Callable[[str], tuple[float, bool, bool]]) -> None:
        self.known, self.scorer, self.kept, self.lines, self.compute = known, scorer, kept, lines, compute

    def __getitem__(self, k: int) -> tuple[float, bool, bool]:
        key = (self.scorer, self.kept[k])
        hit = self.known.get(key)
        if hit is None:
            hit = self.known[key] = self.compute(self.lines[k])
        return hit


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
        lines = [doc.bare(i) for i in kept]
        info = _Known(doc.own_info, s, kept, lines, c.model.line_info)
        if full_page:
            decisions = decide.full_page(c.model, lines, c.thresholds["full_page"], info=info)
        else:
            decisions = decide.default(c.model, lines, c.thresholds["remove"], c.thresholds["flag"], info=info)
        for d in decisions:
            i = kept[d.index]
            why = (round(d.why.score, 4), d.why.features)
            message = f"{c.rule.message} ({d.reason}; score {why[0]:.3f}: {_describe(why[1])})"
            if d.remove and not c.rule.flags_only:
                doc.removed[i] = (c.rule, message)
                doc.scored[i] = why
                removed_any = True
            else:
                doc.score_flags.append(make_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(i), message, *why))
    return removed_any
