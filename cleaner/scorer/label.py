"""Labelling a page's lines from its gold text, deterministically.

The page's words are read as one stream across lines. A word is *in the gold* when some
run of ``N`` consecutive words through it also occurs in the gold; a line is content
when at least half its words are. Runs that cross line ends place short lines (a
headline, a byline) by the article text around them, as an alignment would, at a cost
linear in the page's length.
"""

from __future__ import annotations

from collections.abc import Sequence

from .features import words

N = 3


def coverage(lines: Sequence[str], gold: str, n: int = N) -> list[float | None]:
    """For each line, the share of its words found in the gold (None: a line without words)."""
    gold_words = words(gold)
    grams = {tuple(gold_words[i:i + n]) for i in range(len(gold_words) - n + 1)}
    stream: list[str] = []
    owner: list[int] = []
    for li, line in enumerate(lines):
        toks = words(line)
        stream.extend(toks)
        owner.extend([li] * len(toks))
    hit = [False] * len(stream)
    for i in range(len(stream) - n + 1):
        if tuple(stream[i:i + n]) in grams:
            for j in range(i, i + n):
                hit[j] = True
    if len(gold_words) < n and gold_words:  # a tiny gold: whole-word matches only
        vocab = set(gold_words)
        hit = [w in vocab for w in stream]
    total = [0] * len(lines)
    found = [0] * len(lines)
    for j, li in enumerate(owner):
        total[li] += 1
        found[li] += hit[j]
    return [found[i] / total[i] if total[i] else None for i in range(len(lines))]


def labels(lines: Sequence[str], gold: str) -> list[int | None]:
    """1 = boilerplate, 0 = content, None = no words to judge by."""
    return [None if c is None else int(c < 0.5) for c in coverage(lines, gold)]
