"""Where two candidate edits overlap, which one is kept, and the record of the other.

Every place an edit can displace another goes through here, so one set of rules
decides and every displaced edit is reported (``CleanResult.skipped``) with the edit
that won and the reason:

- a span that crosses an edit already taken on its line, or lies inside one, is dropped
  (the earlier wins);
- a span that covers earlier edits whole absorbs them (the wider removal wins);
- among a line's inline edits, sorted, one that starts inside the previous is dropped,
  except that a removal overlapping only the previous one's taken whitespace is trimmed;
- an inline edit on a line removed whole goes with its line;
- in the final, sorted list of edits one that starts inside the previous is dropped.
"""

from __future__ import annotations

from .document import Doc, Proposal
from .model import Rule, Skipped

CROSSES = "crosses an edit already taken on its line"
INSIDE_WIDER = "inside a wider removal"
OVERLAPS = "overlaps an earlier edit"
LINE_REMOVED = "its line is removed whole"


def skip(doc: Doc, loser: Rule, start: int, end: int, winner: Rule, reason: str) -> None:
    doc.skipped.append(Skipped(loser.code, start, end, doc.text[start:end], winner.code, reason))


def take_span(doc: Doc, props: list[Proposal], a: int, b: int, rule: Rule, message: str) -> None:
    """Add a span removal ``a``-``b`` to a line's proposals, as the rules above say."""
    crossed = next((p for p in props if p.start < b and a < p.end and not (a <= p.start and p.end <= b)), None)
    if crossed is not None:
        skip(doc, rule, a, b, crossed.rule, INSIDE_WIDER if crossed.start <= a and b <= crossed.end else CROSSES)
        return
    for p in props:
        if a <= p.start and p.end <= b and p.end > p.start:
            skip(doc, p.rule, p.start, p.end, rule, INSIDE_WIDER)
    props[:] = [p for p in props if not (a <= p.start and p.end <= b)]
    props.append(Proposal(a, b, "", rule, message))


def disjoint(props: list[Proposal], doc: Doc) -> list[Proposal]:
    """A line's inline proposals, sorted; where two overlap the earlier wins."""
    out: list[Proposal] = []
    for p in sorted(props, key=lambda p: (p.start, -p.end)):
        if out and p.start < out[-1].end and not p.replacement and not doc.text[p.start : out[-1].end].strip():
            p.start = out[-1].end  # only the taken whitespace overlaps: the rest is still needed
            if p.start >= p.end:
                continue
        if out and p.start < out[-1].end:
            skip(doc, p.rule, p.start, p.end, out[-1].rule, OVERLAPS)
            continue
        out.append(p)
    return out
