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

# Words: letters and digits of any script; a digit in a word stands for any digit, so
# "2019" and "2020" are one feature (dates and counts, not particular numbers).
_WORD = re.compile(r"\w+")
_DIGITS = str.maketrans("0123456789", "0000000000")
# Separators that join menu items and breadcrumbs on one line.
SEPARATORS = "|·»›•/"
_TERMINAL = ".!?"
_CLOSERS = "\"'”’»)]"
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
        if self.first.isdisjoint(toks):
            return []
        found: set[str] = set()
        get = self.phrases.get
        for size in range(1, min(self.longest, len(toks)) + 1):
            for i in range(len(toks) - size + 1):
                names = get(tuple(toks[i:i + size]))
                if names:
                    found.update(names)
        return [f"vocabulary:{name}" for name in sorted(found)]


SHORT_LINE = 12  # up to this many words, the exact line is a feature too


def own_features(line: str, vocab: Vocabularies) -> list[str]:
    """Every named feature of a line's own text (words, pairs, shape, vocabulary)."""
    toks = words(line)
    out = [f"word:{w}" for w in dict.fromkeys(toks)]
    out.extend(f"pair:{a} {b}" for a, b in dict.fromkeys(zip(toks, toks[1:])))
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


def context_rows(own: Sequence[float], prose: Sequence[bool], short: Sequence[bool]) -> list[list[float]]:
    """Context feature values (in ``CONTEXT_NAMES`` order) for each line of a document,
    from each line's own-text score, whether it reads as prose, and whether it is short."""
    n = len(own)
    z = [max(-CLIP, min(CLIP, v)) for v in own]
    prose_idx = [i for i, p in enumerate(prose) if p]
    runs = _short_runs(short)
    rows: list[list[float]] = []
    k = 0  # index into prose_idx of the first prose line at or after i
    for i in range(n):
        while k < len(prose_idx) and prose_idx[k] < i:
            k += 1
        above = i - prose_idx[k - 1] if k > 0 else 99
        nxt = k + 1 if k < len(prose_idx) and prose_idx[k] == i else k
        below = prose_idx[nxt] - i if nxt < len(prose_idx) else 99
        window = z[max(0, i - 5):i] + z[i + 1:i + 6]
        row = [z[i], max(z[i], 0.0),
               z[i - 1] if i >= 1 else 0.0, z[i - 2] if i >= 2 else 0.0, z[i - 3] if i >= 3 else 0.0,
               z[i + 1] if i + 1 < n else 0.0, z[i + 2] if i + 2 < n else 0.0, z[i + 3] if i + 3 < n else 0.0,
               sum(window) / len(window) if window else 0.0, max(window, default=0.0), min(window, default=0.0)]
        wide = z[max(0, i - 15):i] + z[i + 1:i + 16]
        row.append(sum(wide) / len(wide) if wide else 0.0)
        near = prose[max(0, i - 5):i + 6]
        row.append(sum(near) / len(near))
        row.extend(_distance(above))
        row.extend(_distance(below))
        rel = i / n
        row.extend((float(i == 0), float(i < 5), float(i == n - 1), float(n - 1 - i < 5),
                    float(rel < 0.1), float(rel >= 0.9), float(rel >= 2 / 3),
                    float(n < 15), float(n > 100)))
        r = runs[i]
        row.extend((float(3 <= r <= 5), float(r >= 6)))
        rows.append(row)
    return rows


def _distance(d: int) -> tuple[float, float, float, float]:
    return (float(d == 1), float(2 <= d <= 3), float(4 <= d <= 10), float(d > 10))


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
