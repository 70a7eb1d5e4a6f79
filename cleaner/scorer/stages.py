"""The context stages added up directly: each stage's logit for every line of a document,
without building the named rows (``features.context_rows``) that training fits and
explanations read. The sums agree with the rows' (tested). This is the hot path: an
extractor's text has tens of lines, where each numpy call costs more than the
arithmetic, so there the columns that read only which lines are prose or short are
added up by table lookups in plain Python (numpy for a long page); each stage's score
columns take a handful of numpy calls.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from .features import CLIP, CONTEXT_NAMES, PLACE, STATIC, neighbour_rows, place_rows

_R = 15  # the widest window, lines i-15..i+15 (around-15-mean)
_NEAR = 5  # around-5-*
_OFFSETS = {"above-1": -1, "above-2": -2, "above-3": -3, "below-1": 1, "below-2": 2, "below-3": 3}
_GEOMETRY_KEPT = 2048  # document lengths whose index arrays are kept
NUMPY_LINES = 64  # up to this many lines, the prose and short-run columns in plain Python; numpy above
# Distance to the nearest prose line (99: none) -> its bucket: 1, 2-3, 4-10, more.
_DISTANCE_BUCKET = (3, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3)  # distances from 11 read index 11


class Stages:
    """The context stages of one model, ready to add up."""

    def __init__(self, stages: Sequence[tuple[float, Sequence[float]]]) -> None:
        col = {name: i for i, name in enumerate(CONTEXT_NAMES)}
        w = np.asarray([list(ws) for _, ws in stages], dtype=float)
        self.count = len(stages)
        self.biases = [b for b, _ in stages]
        self.own = w[:, col["own"]].tolist()
        self.positive = w[:, col["own:positive"]].tolist()
        self.near_max = w[:, col["around-5-max"]].tolist()
        self.near_min = w[:, col["around-5-min"]].tolist()
        # One (31 x 3) matrix per stage over the window i-15..i+15: the neighbours'
        # weighted sum, and the plain sums the two means divide.
        self.windows = []
        for s in range(self.count):
            k = np.zeros((2 * _R + 1, 3))
            for name, off in _OFFSETS.items():
                k[_R + off, 0] = w[s, col[name]]
            k[_R - _NEAR:_R + _NEAR + 1, 1] = 1.0
            k[:, 2] = 1.0
            k[_R, 1:] = 0.0
            k[:, 1] *= w[s, col["around-5-mean"]]
            k[:, 2] *= w[s, col["around-15-mean"]]
            self.windows.append(k)

        def per_stage(*names: str) -> list[tuple[float, ...]]:
            """For each stage, the weights of ``names`` (a bucket's column each)."""
            return [tuple(float(w[s, col[name]]) for name in names) for s in range(self.count)]

        self.share = [float(x) for x in w[:, col["prose-share-around-5"]]]
        self.above = per_stage("prose-above:1", "prose-above:2-3", "prose-above:4-10", "prose-above:none-near")
        self.below = per_stage("prose-below:1", "prose-below:2-3", "prose-below:4-10", "prose-below:none-near")
        self.runs = [(0.0, *t) for t in per_stage("short-run:3-5", "short-run:6+")]
        # The same columns' weights as a matrix, for long documents (numpy's fixed cost
        # per call is then less than a Python step per line).
        self.around = np.ascontiguousarray(np.concatenate((w[:, STATIC:PLACE], w[:, PLACE + 9:]), axis=1))
        self.place = np.ascontiguousarray(w[:, PLACE:PLACE + 9].T)
        self._geometry: dict[int, tuple[Any, Any, Any, Any]] = {}

    def geometry(self, n: int) -> tuple[Any, Any, Any, Any]:
        """For a document of ``n`` lines: index arrays of each line's window into a
        padded copy of the scores and of its nearest ten lines, 1 / (lines each mean
        counts) for the two means, and each stage's terms of position and size."""
        hit = self._geometry.get(n)
        if hit is None:
            idx = np.arange(n)
            window = idx[:, None] + np.arange(2 * _R + 1)[None, :]  # into a pad of _R each side
            near = np.concatenate((window[:, _R - _NEAR:_R], window[:, _R + 1:_R + _NEAR + 1]), axis=1)
            inv = np.zeros((n, 3))
            inv[:, 0] = 1.0
            for c, r in ((1, _NEAR), (2, _R)):
                count = np.minimum(idx + r + 1, n) - np.maximum(idx - r, 0) - 1
                inv[:, c] = np.divide(1.0, count, out=np.zeros(n), where=count > 0)
            hit = (window, near, inv, (place_rows(n) @ self.place).T)
            if len(self._geometry) >= _GEOMETRY_KEPT:
                self._geometry.clear()
            self._geometry[n] = hit
        return hit

    def fixed(self, prose: Sequence[bool], short: Sequence[bool]) -> list[list[float]]:
        """Per stage, each line's terms of the columns that read which lines around are
        prose (share within five lines, distance to the nearest above and below) and the
        run of short lines it is in: table lookups in plain Python."""
        n = len(prose)
        psum = [0, *itertools.accumulate(prose)]
        frac = [(psum[min(i + 6, n)] - psum[max(i - 5, 0)]) / (min(i + 6, n) - max(i - 5, 0)) for i in range(n)]
        bucket = _DISTANCE_BUCKET
        above = [3] * n
        last = -1
        for i, p in enumerate(prose):
            if last >= 0:
                above[i] = bucket[min(i - last, 11)]
            if p:
                last = i
        below = [3] * n
        nxt = -1
        for i in range(n - 1, -1, -1):
            if nxt >= 0:
                below[i] = bucket[min(nxt - i, 11)]
            if prose[i]:
                nxt = i
        runs = [0] * n
        if any(short):
            i = 0
            while i < n:
                if not short[i]:
                    i += 1
                    continue
                j = i
                while j < n and short[j]:
                    j += 1
                if j - i >= 3:
                    runs[i:j] = [1 if j - i <= 5 else 2] * (j - i)
                i = j
        return [[f * share + a_[a] + b_[b] + r_[r] for f, a, b, r in zip(frac, above, below, runs, strict=True)]
                for share, a_, b_, r_ in zip(self.share, self.above, self.below, self.runs, strict=True)]

    def logits(self, own: Any, prose: Sequence[bool], short: Sequence[bool], rows: Any = None) -> Any:
        """The last stage's logit for each line, from the lines' own-text logits.
        ``rows``: ``neighbour_rows`` of the same lines, if already built."""
        n = len(own)
        z = np.asarray(own, dtype=float)
        if n == 0:
            return z
        window, near, inv, placed = self.geometry(n)
        if rows is not None or n > NUMPY_LINES:
            fixed = self.around @ (neighbour_rows(prose, short) if rows is None else rows).T + placed  # (stages x n)
        else:
            fixed = np.asarray(self.fixed(prose, short)) + placed
        pad = np.zeros(n + 2 * _R)
        low, high = np.full(n + 2 * _R, -CLIP), np.full(n + 2 * _R, CLIP)
        for s, bias in enumerate(self.biases):
            c = np.minimum(np.maximum(z, -CLIP), CLIP)
            pad[_R:_R + n] = c
            # The window matrix's columns, each divided as its mean needs, then summed.
            z = ((pad[window] @ self.windows[s]) * inv).sum(axis=1)
            z += fixed[s] + (bias + self.own[s] * c + self.positive[s] * np.maximum(c, 0.0))
            if n > 1:
                # Beyond the text, -CLIP never wins a maximum nor +CLIP a minimum.
                low[_R:_R + n] = c
                high[_R:_R + n] = c
                z += self.near_max[s] * low[near].max(axis=1) + self.near_min[s] * high[near].min(axis=1)
        return z
