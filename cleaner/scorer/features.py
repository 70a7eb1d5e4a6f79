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

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Words: letters and digits of any script; a digit in a word stands for any digit, so
# "2019" and "2020" are one feature (dates and counts, not particular numbers).
_WORD = re.compile(r"\w+")
_DIGITS = str.maketrans("0123456789", "0000000000")
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


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def shape(line: str, toks: Sequence[str]) -> list[str]:
    """Named shape features of one stripped line."""
    n = len(toks)
    out = [f"words<={_bucket(n, _LEN_BUCKETS)}"]
    end = line.rstrip(_CLOSERS)[-1:]
    if line.endswith(("...", "…")):
        out.append("ends:ellipsis")
    elif end in _TERMINAL:
        out.append(f"ends:{end}")
    elif end == ":":
        out.append("ends:colon")
    elif end.isdigit():
        out.append("ends:digit")
    else:
        out.append("ends:no-punctuation")
    raw = _WORD.findall(line)
    alpha = [w for w in raw if w[0].isalpha()]
    if alpha and n >= 2:
        upper = sum(w[0].isupper() for w in alpha)
        if upper == len(alpha):
            out.append("caps:every-word")
        elif upper * 2 >= len(alpha):
            out.append("caps:most-words")
    if line.isupper() and n >= 1:
        out.append("caps:all-capitals")
    if line[:1].islower():
        out.append("starts:lower-case")
    digits = sum(1 for w in toks if "0" in w)
    if digits:
        out.append("digits:most" if digits * 2 >= n else "digits:some")
    seps = [c for c in SEPARATORS if c in line]
    for c in seps:
        out.append(f"separator:{c}")
    if sum(line.count(c) for c in seps) >= 2:
        out.append("separator:several")
    if line[:1] in _BULLETS:
        out.append("starts:bullet")
    if "©" in line or "(c)" in line.lower():
        out.append("has:copyright-sign")
    if "@" in line:
        out.append("has:at-sign")
    if "http" in line or "www." in line:
        out.append("has:web-address")
    if 1 <= n <= 5 and end not in _TERMINAL and line[:1].isupper():
        out.append("look:link-label")  # short, capitalised, no sentence end: a menu item or teaser
    if n > PROSE_WORDS and end in _TERMINAL:
        out.append("look:prose")
    return out


class Vocabularies:
    """Which shared word lists (rules/vocabulary.toml) a line's words hit: a single word
    by lookup, a phrase by its run of words."""

    __slots__ = ("first", "longest", "phrases")

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self.phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for name, items in sorted(lists.items()):
            for item in items:
                key = tuple(words(item))
                if key:
                    self.phrases[key] = (*self.phrases.get(key, ()), name)
        self.longest = max((len(k) for k in self.phrases), default=0)
        self.first = frozenset(k[0] for k in self.phrases)  # most lines share no word with any list

    def hits(self, toks: Sequence[str]) -> list[str]:
        first = self.first
        if first.isdisjoint(toks):
            return []
        found: set[str] = set()
        get, longest, n = self.phrases.get, self.longest, len(toks)
        for i, t in enumerate(toks):
            if t not in first:  # a phrase starts with one of these words
                continue
            for size in range(1, min(longest, n - i) + 1):
                names = get(tuple(toks[i:i + size]))
                if names:
                    found.update(names)
        return [f"vocabulary:{name}" for name in sorted(found)]


SHORT_LINE = 12  # up to this many words, the exact line is a feature too


def own_features(line: str, vocab: Vocabularies) -> list[str]:
    """Every named feature of a line's own text (words, pairs, shape, vocabulary)."""
    toks = words(line)
    out = [f"word:{w}" for w in dict.fromkeys(toks)]
    out.extend(f"pair:{a} {b}" for a, b in dict.fromkeys(zip(toks, toks[1:], strict=False)))
    if len(toks) <= SHORT_LINE:  # labels and headings: the exact short line is itself telling
        out.append(f"line:{' '.join(toks)}")
    out.extend(shape(line, toks))
    out.extend(vocab.hits(toks[:40]))
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


def context_rows(own: Sequence[float], prose: Sequence[bool], short: Sequence[bool]) -> Any:
    """Context feature values (an n x len(CONTEXT_NAMES) array, columns in that order)
    for each line of a document, from each line's own-text score (or the previous
    stage's), whether it reads as prose, and whether it is short. Vectorised: a page has
    hundreds of lines and the fixpoint scores it several times."""
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
    pad = np.concatenate((np.full(5, -np.inf), z, np.full(5, -np.inf)))
    left = np.lib.stride_tricks.sliding_window_view(pad[:-6], 5)  # lines i-5..i-1
    right = np.lib.stride_tricks.sliding_window_view(pad[6:], 5)  # lines i+1..i+5
    big = np.maximum(left.max(axis=1), right.max(axis=1))
    out[:, 9] = np.where(np.isfinite(big), big, 0.0)
    pad = np.concatenate((np.full(5, np.inf), z, np.full(5, np.inf)))
    left = np.lib.stride_tricks.sliding_window_view(pad[:-6], 5)
    right = np.lib.stride_tricks.sliding_window_view(pad[6:], 5)
    small = np.minimum(left.min(axis=1), right.min(axis=1))
    out[:, 10] = np.where(np.isfinite(small), small, 0.0)
    out[:, 11] = around_mean(15)
    p = np.asarray(prose, dtype=bool)
    psum = np.concatenate(([0], np.cumsum(p)))
    lo, hi = np.maximum(idx - 5, 0), np.minimum(idx + 6, n)
    out[:, 12] = (psum[hi] - psum[lo]) / (hi - lo)
    # Distance to the nearest prose line strictly above and strictly below (99: none).
    last = np.maximum.accumulate(np.where(p, idx, -1))
    before = np.concatenate(([-1], last[:-1]))
    above = np.where(before >= 0, idx - before, 99)
    nxt = np.minimum.accumulate(np.where(p, idx, n)[::-1])[::-1]
    after = np.concatenate((nxt[1:], [n]))
    below = np.where(after < n, after - idx, 99)
    for start, d in ((13, above), (17, below)):
        out[:, start] = d == 1
        out[:, start + 1] = (d >= 2) & (d <= 3)
        out[:, start + 2] = (d >= 4) & (d <= 10)
        out[:, start + 3] = d > 10
    rel = idx / n
    out[:, 21] = idx == 0
    out[:, 22] = idx < 5
    out[:, 23] = idx == n - 1
    out[:, 24] = n - 1 - idx < 5
    out[:, 25] = rel < 0.1
    out[:, 26] = rel >= 0.9
    out[:, 27] = rel >= 2 / 3
    out[:, 28] = n < 15
    out[:, 29] = n > 100
    runs = np.asarray(_short_runs(short))
    out[:, 30] = (runs >= 3) & (runs <= 5)
    out[:, 31] = runs >= 6
    return out


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
