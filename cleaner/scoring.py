"""The scorer's pass: score the lines the rules kept, then remove or flag (cleaner.scorer.decide).

It runs after the line rules have settled, and the line rules run again after it removes
anything (a removed menu can bring a marker into a tail window), until neither changes:
the fixpoint that keeps a second cleaning a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import filterfalse

from .document import Doc, make_flag
from .matchers import ScorerRule
from .scorer import decide


def _describe(features: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {weight:+.2f}" for name, weight in features)


def score_lines(doc: Doc, scorers: Sequence[ScorerRule], full_page: bool) -> bool:
    """One scoring of the kept lines by each scorer; True when it removed a line. The
    flags of the last call stand (earlier calls saw lines that later went)."""
    removed_any = False
    doc.score_flags.clear()
    for c in scorers:
        kept = list(filterfalse(doc.removed.__contains__, doc.lines.nonblank()))
        lines = [doc.bare(i) for i in kept]
        if full_page:
            decisions = decide.full_page(c.model, lines, c.thresholds["full_page"])
        else:
            decisions = decide.default(c.model, lines, c.thresholds["remove"], c.thresholds["flag"])
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
