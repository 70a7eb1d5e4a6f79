"""The scorer's features: named, so a reader can see why a line was judged boilerplate.

Two layers. A line's *own* features depend on its text alone (so they are computed once
per distinct line and cached): its words and word pairs, its shape (length, terminal
punctuation, capitals, digits, separators, the look of a link label) and hits from the
shared vocabularies. Its *context* features come from the lines around it: the own-text
scores of its neighbours, how far the nearest prose paragraph is, and its position.

Only non-blank lines count as lines here: removing a line also removes the blank lines
after it, so anything that depended on blank lines would judge a cleaned text
differently and a second cleaning would not be a no-op.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Words: letters and digits of any script; a digit in a word stands for any digit, so
# "2019" and "2020" are one feature (dates and counts, not particular numbers).
_WORD = re.compile(r"\w+")
_DIGITS = str.maketrans("0123456789", "0000000000")
_ASCII_DIGIT = re.compile(r"[0-9]")  # the same folding as _DIGITS, faster on a whole line
# Separators that join menu items and breadcrumbs on one line.
SEPARATORS = "|·»›•/"
_TERMINAL = ".!?"
_CLOSERS = "\"'”’“»«)]"
_BULLETS = "•-*–—·►▶→"
# Word-count buckets: a linear model needs the step from a label to a sentence spelled out.
_LEN_BUCKETS = (0, 1, 2, 3, 5, 8, 12, 20, 40)
PROSE_WORDS = 15  # a line of this many words ending a sentence reads as a paragraph


def words(line: str) -> list[str]:
    """Lower-cased words, digits folded to 0."""
    return [w if w.isalpha() else w.translate(_DIGITS) for w in _WORD.findall(line.lower())]


# A long line is read by its first HEAD_WORDS and last TAIL_WORDS words (and its shape,
# which counts every word): prose is recognised by its shape and its opening, and the
# cap bounds the work per line whatever its length.
HEAD_WORDS = 24
TAIL_WORDS = 6


def line_tokens(line: str) -> tuple[list[str], list[str], int]:
    """(words as written, the same lower-cased with digits folded to 0, the line's word
    count) of one stripped line; of a long line only its first ``HEAD_WORDS`` and last
    ``TAIL_WORDS`` words. One regex pass, the case folding over all words at once."""
    raw = _WORD.findall(line)
    n = len(raw)
    if n > HEAD_WORDS + TAIL_WORDS:
        raw = raw[:HEAD_WORDS] + raw[-TAIL_WORDS:]
    # Words hold no spaces, so the joined words split back one for one.
    return raw, _ASCII_DIGIT.sub("0", " ".join(raw).lower()).split(" ") if raw else [], n


_PAIR = "{} {}".format


def pairs(toks: list[str], n: int) -> list[str]:
    """Word pairs of a line's words from ``line_tokens``; none across the cap's gap."""
    if n > HEAD_WORDS + TAIL_WORDS:
        h = HEAD_WORDS
        return [*map(_PAIR, toks[:h - 1], toks[1:h]), *map(_PAIR, toks[h:-1], toks[h + 1:])]
    return list(map(_PAIR, toks, toks[1:]))


def _bucket_name(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return f"words<={edge}"
    return f"words<=>{edges[-1]}"


_LEN_NAMES = tuple(_bucket_name(n, _LEN_BUCKETS) for n in range(_LEN_BUCKETS[-1] + 2))
_END_NAMES = {".": "ends:.", "!": "ends:!", "?": "ends:?", ":": "ends:colon"}
_SEPARATOR_NAMES = tuple((c, f"separator:{c}") for c in SEPARATORS)


_FIRST = operator.itemgetter(0)
# A character every separator and sign feature needs (a separator, "©", "(c)", "@").
_MARKS = re.compile("[" + re.escape(SEPARATORS + "©(@") + "]")  # a scan, not a set probe per character


def shape(line: str, raw: Sequence[str], n: int) -> list[str]:
    """Named shape features of one stripped line, from ``line_tokens``' words as written
    and the line's word count."""
    out = [_LEN_NAMES[min(n, len(_LEN_NAMES) - 1)]]
    end = line.rstrip(_CLOSERS)[-1:]
    if line.endswith(("...", "…")):
        out.append("ends:ellipsis")
    elif end in _END_NAMES:
        out.append(_END_NAMES[end])
    elif end.isdigit():
        out.append("ends:digit")
    else:
        out.append("ends:no-punctuation")
    if n >= 2:
        firsts = "".join(map(_FIRST, raw))
        alpha = len(firsts) if firsts.isalpha() else sum(map(str.isalpha, firsts))
        if alpha:
            # An upper-case character is a letter; a string that islower() holds none.
            upper = 0 if firsts.islower() else sum(map(str.isupper, firsts))
            if upper == alpha:
                out.append("caps:every-word")
            elif upper * 2 >= alpha:
                out.append("caps:most-words")
    if n and line.isupper():
        out.append("caps:all-capitals")
    first = line[:1]
    if first.islower():
        out.append("starts:lower-case")
    if n and not "".join(raw).isalpha():  # only letters: no word holds a digit
        digits = sum(1 for w in raw if not w.isalpha() and any(map(str.isdigit, w)))
        if digits:
            out.append("digits:most" if digits * 2 >= len(raw) else "digits:some")
    if _MARKS.search(line) is not None:  # most lines hold no separator nor sign
        several = 0
        for c, name in _SEPARATOR_NAMES:
            if c in line:
                out.append(name)
                several += line.count(c)
        if several >= 2:
            out.append("separator:several")
        if "©" in line or "(c)" in line or "(C)" in line:
            out.append("has:copyright-sign")
        if "@" in line:
            out.append("has:at-sign")
    if "http" in line or "www." in line:
        out.append("has:web-address")
    if first in _BULLETS:
        out.append("starts:bullet")
    if 1 <= n <= 5 and end not in _TERMINAL and first.isupper():
        out.append("look:link-label")  # short, capitalised, no sentence end: a menu item or teaser
    if n > PROSE_WORDS and end in _TERMINAL:
        out.append("look:prose")
    return out


class Vocabularies:
    """Which shared word lists (rules/vocabulary.toml) a line's words hit: a single word
    by lookup, a phrase by its run of words."""

    __slots__ = ("first", "phrases", "sizes")

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self.phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for name, items in sorted(lists.items()):
            for item in items:
                key = tuple(words(item))
                if key:
                    self.phrases[key] = (*self.phrases.get(key, ()), name)
        # For each word a phrase starts with, the lengths of those phrases.
        sizes: dict[str, set[int]] = {}
        for key in self.phrases:
            sizes.setdefault(key[0], set()).add(len(key))
        self.sizes = {w: tuple(sorted(s)) for w, s in sizes.items()}
        self.first = frozenset(self.sizes)  # most lines share no word with any list

    def hits(self, toks: Sequence[str]) -> list[str]:
        first = self.first
        if first.isdisjoint(toks):
            return []
        found: set[str] = set()
        get, sizes, n = self.phrases.get, self.sizes, len(toks)
        for i in itertools.compress(itertools.count(), map(first.__contains__, toks)):
            for size in sizes[toks[i]]:
                if i + size > n:
                    break
                names = get(tuple(toks[i:i + size]))
                if names:
                    found.update(names)
        return [f"vocabulary:{name}" for name in sorted(found)]


SHORT_LINE = 12  # up to this many words, the exact line is a feature too


def own_features(line: str, vocab: Vocabularies) -> list[str]:
    """Every named feature of a line's own text (words, pairs, shape, vocabulary); of a
    long line, the words and pairs of its first and last words (``line_tokens``)."""
    raw, toks, n = line_tokens(line)
    out = [f"word:{w}" for w in dict.fromkeys(toks)]
    out.extend(f"pair:{p}" for p in dict.fromkeys(pairs(toks, n)))
    if n <= SHORT_LINE:  # labels and headings: the exact short line is itself telling
        out.append(f"line:{' '.join(toks)}")
    out.extend(shape(line, raw, n))
    out.extend(vocab.hits(toks))
    return out


# --- context -------------------------------------------------------------------------------

# Context features are numbers (the neighbours' own-text scores) or 0/1 buckets.
CONTEXT_NAMES: tuple[str, ...] = (
    "own", "own:positive", "above-1", "above-2", "above-3", "below-1", "below-2", "below-3",
    "around-5-mean", "around-5-max", "around-5-min", "around-15-mean", "prose-share-around-5",
    "prose-above:1", "prose-above:2-3", "prose-above:4-10", "prose-above:none-near",
    "prose-below:1", "prose-below:2-3", "prose-below:4-10", "prose-below:none-near",
    "position:first", "position:first-5", "position:last", "position:last-5",
    "position:first-tenth", "position:last-tenth", "position:last-third",
    "document:under-15-lines", "document:over-100-lines",
    "short-run:3-5", "short-run:6+",
)
CLIP = 8.0


STATIC = 12  # CONTEXT_NAMES[STATIC:] depend on which lines are prose or short, not on scores
PLACE = STATIC + 9  # CONTEXT_NAMES[PLACE:PLACE + 9]: position and document size, from n alone
_PLACES_KEPT = 2048


def neighbour_rows(prose: Sequence[bool], short: Sequence[bool]) -> Any:
    """The static columns that read the lines around (prose around and runs of short
    lines): ``CONTEXT_NAMES[STATIC:PLACE]`` then the two short-run columns."""
    import numpy as np

    n = len(prose)
    out = np.zeros((n, 11))
    if n == 0:
        return out
    idx = np.arange(n)
    p = np.asarray(prose, dtype=bool)
    psum = np.concatenate(([0], np.cumsum(p)))
    lo, hi = np.maximum(idx - 5, 0), np.minimum(idx + 6, n)
    out[:, 0] = (psum[hi] - psum[lo]) / (hi - lo)
    # Distance to the nearest prose line strictly above and strictly below (99: none).
    last = np.maximum.accumulate(np.where(p, idx, -1))
    before = np.concatenate(([-1], last[:-1]))
    above = np.where(before >= 0, idx - before, 99)
    nxt = np.minimum.accumulate(np.where(p, idx, n)[::-1])[::-1]
    after = np.concatenate((nxt[1:], [n]))
    below = np.where(after < n, after - idx, 99)
    for start, d in ((1, above), (5, below)):
        out[:, start] = d == 1
        out[:, start + 1] = (d >= 2) & (d <= 3)
        out[:, start + 2] = (d >= 4) & (d <= 10)
        out[:, start + 3] = d > 10
    if any(short):
        runs = np.asarray(_short_runs(short))
        out[:, 9] = (runs >= 3) & (runs <= 5)
        out[:, 10] = runs >= 6
    return out


_PLACES: dict[int, Any] = {}


def place_rows(n: int) -> Any:
    """Position and document-size columns (``CONTEXT_NAMES[PLACE:PLACE + 9]``) of a
    document of ``n`` lines; kept per length, as they depend on nothing else."""
    hit = _PLACES.get(n)
    if hit is None:
        import numpy as np

        idx = np.arange(n)
        rel = idx / max(n, 1)
        hit = np.stack([idx == 0, idx < 5, idx == n - 1, n - 1 - idx < 5, rel < 0.1, rel >= 0.9,
                        rel >= 2 / 3, np.full(n, n < 15), np.full(n, n > 100)], axis=1).astype(float)
        hit.setflags(write=False)
        if len(_PLACES) >= _PLACES_KEPT:
            _PLACES.clear()
        _PLACES[n] = hit
    return hit


def static_rows(prose: Sequence[bool], short: Sequence[bool], near: Any = None) -> Any:
    """The context columns from ``STATIC`` on (prose around, position, document size,
    runs of short lines) for each line: the same for every stage of one scoring.
    ``near``: ``neighbour_rows`` of the same lines, if already built."""
    import numpy as np

    if near is None:
        near = neighbour_rows(prose, short)
    return np.concatenate((near[:, :9], place_rows(len(prose)), near[:, 9:]), axis=1)


def context_rows(own: Sequence[float], prose: Sequence[bool], short: Sequence[bool],
                 static: Any = None) -> Any:
    """Context feature values (an n x len(CONTEXT_NAMES) array, columns in that order)
    for each line of a document, from each line's own-text score (or the previous
    stage's), whether it reads as prose, and whether it is short. The named rows that
    training fits and explanations read; scoring adds them up directly
    (``ScorerModel.logits``)."""
    import numpy as np

    n = len(own)
    out = np.zeros((n, len(CONTEXT_NAMES)))
    if n == 0:
        return out
    z = np.clip(np.asarray(own, dtype=float), -CLIP, CLIP)
    idx = np.arange(n)
    out[:, 0] = z
    out[:, 1] = np.maximum(z, 0.0)
    for col, k in ((2, -1), (3, -2), (4, -3), (5, 1), (6, 2), (7, 3)):
        if k < 0:
            out[-k:, col] = z[:k]
        else:
            out[:-k, col] = z[k:]
    csum = np.concatenate(([0.0], np.cumsum(z)))

    def around_mean(r: int) -> Any:  # mean over i-r..i+r without i itself
        lo, hi = np.maximum(idx - r, 0), np.minimum(idx + r + 1, n)
        total = csum[hi] - csum[lo] - z
        count = hi - lo - 1
        return np.divide(total, count, out=np.zeros(n), where=count > 0)

    out[:, 8] = around_mean(5)
    near = _near(n)  # lines i-5..i-1 and i+1..i+5, in a copy padded by 5 each side
    pad = np.full(n + 10, -np.inf)
    pad[5:-5] = z
    big = pad[near].max(axis=1)
    out[:, 9] = np.where(np.isfinite(big), big, 0.0)
    pad = np.full(n + 10, np.inf)
    pad[5:-5] = z
    small = pad[near].min(axis=1)
    out[:, 10] = np.where(np.isfinite(small), small, 0.0)
    out[:, 11] = around_mean(15)
    out[:, STATIC:] = static_rows(prose, short) if static is None else static
    return out


_NEAR: dict[int, Any] = {}


def _near(n: int) -> Any:
    """For each line of a document of ``n`` lines, the indices of the five lines above
    and the five below in a copy padded by five each side; kept per length."""
    hit = _NEAR.get(n)
    if hit is None:
        import numpy as np

        hit = np.arange(n)[:, None] + np.array([0, 1, 2, 3, 4, 6, 7, 8, 9, 10])[None, :]
        hit.setflags(write=False)
        if len(_NEAR) >= _PLACES_KEPT:
            _NEAR.clear()
        _NEAR[n] = hit
    return hit


def _short_runs(short: Sequence[bool]) -> list[int]:
    """For each line, the length of the run of consecutive short lines it is in (0 if long)."""
    out = [0] * len(short)
    i = 0
    while i < len(short):
        if not short[i]:
            i += 1
            continue
        j = i
        while j < len(short) and short[j]:
            j += 1
        for t in range(i, j):
            out[t] = j - i
        i = j
    return out


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
