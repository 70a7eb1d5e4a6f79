"""What the scorer does with its scores, in each scope.

- Full page (the input is a whole page flattened to text): a line scoring at or above
  the full-page threshold goes, wherever it is; a prose paragraph, a sentence, or a
  line between prose paragraphs needs the higher ``prose`` threshold (a comment thread
  is prose too, but its context gives it away; a subheading or a list inside the
  article is not boilerplate however short).
- Default (the input is an extractor's article text, which is mostly article): a line
  goes only when its score is near certain, its own text leans boilerplate too, and it
  sits in the head or tail zone or in a run of such lines; prose paragraphs are never
  removed nor flagged. Such a line scoring above the flag threshold that is not removed
  is flagged. A text with no such line is not scored further.

Both re-score the lines still kept until nothing more goes: a removed menu changes its
neighbours' context, and a second cleaning of the output must find nothing to remove.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .features import CLIP, neighbour_rows
from .model import CLOSERS, Explained, ScorerModel, is_prose
from .stages import NUMPY_LINES

_FIRST = operator.itemgetter(0)
ZONE = 3  # kept lines at each end that count as the head or tail zone
RUN = 3  # near-certain lines in a row that make a boilerplate run anywhere
INSIDE = 6  # full page: a run of this many lines or fewer between prose paragraphs is the article's
HEAD = 2  # full page: lines above the article's first paragraph kept as its title and byline
SENTENCE = 7  # full page: a line of this many words ending a sentence is guarded like prose
# Full page: a paragraph of the article's main run of prose goes only from this score. The
# end of a page is boilerplate so often that its position alone lifts a last paragraph
# towards the prose threshold; a comment thread is a run of its own or scores higher.
ARTICLE_BAR = 0.9


@dataclass(frozen=True)
class Decision:
    index: int  # into the lines given
    remove: bool  # False: flag
    why: Explained
    reason: str


class _Round:
    """One scoring of the lines still kept: scores now, explanations (the named rows
    the scores add up) only for the lines a decision names."""

    def __init__(self, model: ScorerModel, lines: Sequence[str], info: _Info, kept: list[int]) -> None:
        import numpy as np

        self.model, self.kept = model, kept
        self.sub = [lines[i] for i in kept]
        own, prose, short = info
        self.own = [own[i] for i in kept]
        self.prose, self.short = [prose[i] for i in kept], [short[i] for i in kept]
        # The columns that read the lines around, for the scores and the explanations
        # alike (a short text's scores add them up in plain Python instead).
        self.near = neighbour_rows(self.prose, self.short) if len(kept) > NUMPY_LINES else None
        self.scores = (1.0 / (1.0 + np.exp(-model.logits(self.own, self.prose, self.short, self.near)))).tolist()

    def explain(self, ks: Sequence[int]) -> list[Explained]:
        return [Explained(*why) for why in self.explain_raw(ks)]

    def explain_raw(self, ks: Sequence[int]) -> list[tuple[float, tuple[tuple[str, float], ...]]]:
        if not ks:
            return []
        rows = self.model.rows(self.own, self.prose, self.short, self.near)
        return self.model.explain_raw(self.sub, self.own, rows, ks)


LineInfo = tuple[float, bool, bool]  # own-text logit, reads as prose, is short
_Info = tuple[list[float], list[bool], list[bool]]


class Known(Protocol):
    """A line's own-text facts by its position among the lines given."""

    def __getitem__(self, k: int, /) -> LineInfo: ...


def guarded(lines: Sequence[str]) -> tuple[list[bool], list[bool]]:
    """Lines of a full page that need the ``prose`` threshold, not the full-page one: a
    prose paragraph, a sentence (``SENTENCE`` words or more, ending in . ! or ?), the
    lines of a run of at most ``INSIDE`` lines with prose on both sides (a subheading,
    a list or a short quote inside the article body), and the ``HEAD`` lines above the
    first paragraph of the page's main run of prose (the title and the byline). Second,
    the prose paragraphs of that main run, which need ``ARTICLE_BAR``."""
    prose = [is_prose(ln) for ln in lines]
    return _guarded(prose, [p or is_sentence(ln) for p, ln in zip(prose, lines, strict=True)])


def _guarded(prose: Sequence[bool], sentence: Sequence[bool]) -> tuple[list[bool], list[bool]]:
    """``guarded`` from each line's facts: it reads as prose; it is prose or a sentence."""
    out = list(sentence)
    start = None  # the first line of the current run after a prose line
    # The article: the region with the most prose paragraphs, gaps of at most INSIDE lines.
    best = (0, -1, -1)  # (paragraphs, first line, last line)
    region = (0, -1, -1)
    for i in itertools.compress(itertools.count(), prose):
        if start is not None and i - start <= INSIDE:
            out[start:i] = itertools.repeat(True, i - start)
            region = (region[0] + 1, region[1], i)
        else:
            region = (1, i, i)
        if region[0] > best[0]:
            best = region
        start = i + 1
    # Its title and byline stand just above its first paragraph.
    for j in range(max(0, best[1] - HEAD), max(0, best[1])):
        out[j] = True
    core = [False] * len(prose)
    if best[0]:
        core[best[1]:best[2] + 1] = prose[best[1]:best[2] + 1]
    return out, core


def is_sentence(line: str) -> bool:
    return line.rstrip(CLOSERS)[-1:] in ".!?" and not line.endswith(("...", "…")) and \
        len(line.split()) >= SENTENCE


def _facts(model: ScorerModel, lines: Sequence[str], info: Known | None) -> Callable[[int], LineInfo]:
    """How to read line k's own-text facts: from ``info`` (facts a caller keeps between
    scorings of one document) or computed."""
    if info is None:
        return lambda k: model.line_info(lines[k])
    return info.__getitem__


def _all(get: Callable[[int], LineInfo], n: int) -> _Info:
    own, prose, short = zip(*map(get, range(n)), strict=True) if n else ((), (), ())
    return list(own), list(prose), list(short)


FULL_PAGE_REASON = "boilerplate region of a full page"
Why = tuple[float, tuple[tuple[str, float], ...]]  # a score and its top features (``Explained``)


def full_page(model: ScorerModel, lines: Sequence[str], threshold: float | None = None, *,
              explain: bool = True, info: Known | None = None) -> list[Decision]:
    return [Decision(i, True, Explained(*why), FULL_PAGE_REASON)
            for i, why in full_page_removals_explained(model, lines, threshold, explain=explain, info=info)]


def full_page_removals_explained(model: ScorerModel, lines: Sequence[str], threshold: float | None = None, *,
                                 explain: bool = True, info: Known | None = None) -> list[tuple[int, Why]]:
    """``full_page``'s decisions, each (line, (score, top features)), in line order: all
    removals, for the reason ``FULL_PAGE_REASON``."""
    t = model.full_page_threshold if threshold is None else threshold
    sure = max(t, model.thresholds["prose"])
    article = max(sure, ARTICLE_BAR)
    kept = list(range(len(lines)))
    facts = _all(_facts(model, lines, info), len(lines))
    # What guards a line depends on its own text (read once) and on which lines remain.
    prose = [is_prose(ln) for ln in lines]
    sentence = [p or is_sentence(ln) for p, ln in zip(prose, lines, strict=True)]
    out: list[tuple[int, Why]] = []
    while kept:
        r = _Round(model, lines, facts, kept)
        guard, core = _guarded([prose[i] for i in kept], [sentence[i] for i in kept])
        new = [k for k, s in enumerate(r.scores) if s >= (article if core[k] else sure if guard[k] else t)]
        if not new:
            break
        whys = r.explain_raw(new) if explain else [(r.scores[k], ()) for k in new]
        out.extend(zip([kept[k] for k in new], whys, strict=True))
        gone = {kept[k] for k in new}
        kept = [i for i in kept if i not in gone]
    out.sort(key=_FIRST)
    return out


def full_page_removals(model: ScorerModel, lines: Sequence[str], threshold: float | None = None) -> set[int]:
    """The lines a full-page cleaning removes (no explanations: for tuning and benchmarks)."""
    return {d.index for d in full_page(model, lines, threshold, explain=False)}


# The default scope reads a prose paragraph as certain article: the extractor kept it and
# the scope never removes nor flags one, so its own text is not scored (most of an
# article's text is prose) and its neighbours see the floor of the own-text logit.
ARTICLE: LineInfo = (-CLIP, True, False)


def has_suspect(model: ScorerModel, lines: Sequence[str]) -> bool:
    """Whether the default scope has a suspect among ``lines`` (see ``default``): without
    one it decides nothing, and the text need not be scored."""
    return any(not is_prose(ln) and model.line_info(ln)[0] >= 0.0 for ln in lines)


def default(model: ScorerModel, lines: Sequence[str], sure: float | None = None,
            flag: float | None = None, *, info: Known | None = None) -> list[Decision]:
    """Decisions of the default scope: removals of suspects scoring ``sure`` or more in
    the head or tail zone or a run, flags of other suspects scoring ``flag`` or more.
    Suspects are the lines that do not read as prose and whose own text leans
    boilerplate (own-text probability 0.5 or more), so that a neighbourhood of menus
    alone never takes an article's line; a text without one (a third of the benchmark's
    extractor outputs) is not scored further. Prose paragraphs count as ``ARTICLE``."""
    sure = model.thresholds["remove"] if sure is None else sure
    flag = model.thresholds["flag"] if flag is None else flag
    get = _facts(model, lines, info)
    prose = [is_prose(ln) for ln in lines]
    suspect = [not p and get(k)[0] >= 0.0 for k, p in enumerate(prose)]
    if not any(suspect):
        return []
    facts = _all(lambda k: ARTICLE if prose[k] else get(k), len(lines))
    kept = list(range(len(lines)))
    out: list[Decision] = []
    while kept:
        r = _Round(model, lines, facts, kept)
        hot = [suspect[i] and s >= sure for i, s in zip(kept, r.scores, strict=True)]
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
            shown = [k for k, s in enumerate(r.scores) if suspect[kept[k]] and s >= flag]
            out.extend(Decision(kept[k], False, why, "kept: not at the head or tail, nor in a run of boilerplate lines")
                       for k, why in zip(shown, r.explain(shown), strict=True))
            break
        explained = r.explain([k for k, _ in new])
        out.extend(Decision(kept[k], True, why, reason) for (k, reason), why in zip(new, explained, strict=True))
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
