"""What the scorer does with its scores, in each scope.

- Full page (the input is a whole page flattened to text): a line scoring at or above
  the full-page threshold goes, wherever it is; a prose paragraph needs the higher
  ``prose`` threshold (a comment thread is prose too, but its context gives it away).
- Default (the input is an extractor's article text, which is mostly article): a line
  goes only when its score is near certain and it sits in the head or tail zone, or in a
  run of such lines; prose paragraphs are never removed. A line scoring above the flag
  threshold that is not removed is flagged.

Both re-score the lines still kept until nothing more goes: a removed menu changes its
neighbours' context, and a second cleaning of the output must find nothing to remove.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Explained, ScorerModel, is_prose

ZONE = 3  # kept lines at each end that count as the head or tail zone
RUN = 3  # near-certain lines in a row that make a boilerplate run anywhere


@dataclass(frozen=True)
class Decision:
    index: int  # into the lines given
    remove: bool  # False: flag
    why: Explained
    reason: str


class _Round:
    """One scoring of the lines still kept: scores now, explanations on demand."""

    def __init__(self, model: ScorerModel, lines: Sequence[str], kept: list[int]) -> None:
        self.model, self.kept = model, kept
        self.sub = [lines[i] for i in kept]
        self.own, self.rows = model.context(self.sub)
        self.scores = model.row_scores(self.rows)

    def explain(self, k: int) -> Explained:
        return self.model.explain(self.sub[k], self.own[k], [rows[k] for rows in self.rows])


def full_page(model: ScorerModel, lines: Sequence[str], threshold: float | None = None) -> list[Decision]:
    t = model.full_page_threshold if threshold is None else threshold
    sure = max(t, model.thresholds["prose"])
    kept = list(range(len(lines)))
    out: list[Decision] = []
    while kept:
        r = _Round(model, lines, kept)
        new = [k for k, (i, s) in enumerate(zip(kept, r.scores, strict=True))
               if s >= t and (s >= sure or not is_prose(lines[i]))]
        if not new:
            break
        out.extend(Decision(kept[k], True, r.explain(k), "boilerplate region of a full page") for k in new)
        gone = {kept[k] for k in new}
        kept = [i for i in kept if i not in gone]
    return sorted(out, key=lambda d: d.index)


def full_page_removals(model: ScorerModel, lines: Sequence[str], threshold: float | None = None) -> set[int]:
    """The lines a full-page cleaning removes (no explanations: for tuning and benchmarks)."""
    t = model.full_page_threshold if threshold is None else threshold
    sure = max(t, model.thresholds["prose"])
    kept = list(range(len(lines)))
    while kept:
        scores = model.scores([lines[i] for i in kept])
        gone = {i for i, s in zip(kept, scores, strict=True) if s >= t and (s >= sure or not is_prose(lines[i]))}
        if not gone:
            break
        kept = [i for i in kept if i not in gone]
    return set(range(len(lines))) - set(kept)


def default(model: ScorerModel, lines: Sequence[str], sure: float | None = None,
            flag: float | None = None) -> list[Decision]:
    sure = model.thresholds["remove"] if sure is None else sure
    flag = model.thresholds["flag"] if flag is None else flag
    kept = list(range(len(lines)))
    out: list[Decision] = []
    while kept:
        r = _Round(model, lines, kept)
        hot = [s >= sure and not is_prose(lines[i]) for i, s in zip(kept, r.scores, strict=True)]
        n = len(kept)
        new: list[tuple[int, str]] = []
        for k in range(n):
            if not hot[k]:
                continue
            if k < ZONE or n - 1 - k < ZONE:
                new.append((k, "at the article's head or tail"))
            elif _in_run(hot, k):
                new.append((k, f"in a run of {RUN} or more boilerplate lines"))
        if not new:
            # What stays but looks like boilerplate is shown, not touched.
            for k, s in enumerate(r.scores):
                if s >= flag:
                    why = ("kept: reads as prose" if is_prose(r.sub[k])
                           else "kept: not at the head or tail, nor in a run of boilerplate lines")
                    out.append(Decision(kept[k], False, r.explain(k), why))
            break
        out.extend(Decision(kept[k], True, r.explain(k), reason) for k, reason in new)
        gone = {kept[k] for k, _ in new}
        kept = [i for i in kept if i not in gone]
    return sorted(out, key=lambda d: d.index)


def _in_run(hot: Sequence[bool], k: int) -> bool:
    lo = k
    while lo > 0 and hot[lo - 1]:
        lo -= 1
    hi = k
    while hi + 1 < len(hot) and hot[hi + 1]:
        hi += 1
    return hi - lo + 1 >= RUN
