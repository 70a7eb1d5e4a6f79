"""4-gram word-shingle scoring, matching the article-extraction-benchmark's evaluate.py.

Matched against scrapinghub/article-extraction-benchmark evaluate.py (stored copies at
commits 11b407d4 and 7d95432d; the scoring code is identical in both):

- Tokens are stdlib ``re`` ``\\w+`` runs with UNICODE|MULTILINE|IGNORECASE|DOTALL. IGNORECASE
  has no effect on ``findall`` output, so comparison is case-sensitive (no lowercasing).
  Stdlib ``re`` on purpose, not the ``regex`` package: ``regex``'s ``\\w`` also matches
  combining marks and tokenises 7 of the 181 gold texts differently.
- Shingles are counted (a multiset, ``Counter``), not a set: tp += min(counts),
  fp/fn += the surplus on either side.
- A text with 1..3 tokens yields one short shingle of all its tokens; a text with no
  tokens yields no shingles (``range(max(1, n_tokens - 3))`` plus the ``if shingle`` guard).
- Per document, tp/fp/fn are divided by their sum so long texts do not weigh more.
- precision = 1 if fp == fn == 0, else 0 if tp == fp == 0, else tp/(tp+fp); recall alike.
- Mean precision is over documents with tp+fp > 0 only (an empty prediction is left out
  of precision, not scored 0); mean recall over documents with tp+fn > 0 (an empty gold
  is left out of recall). Both empty: left out of both.
- F1 is the harmonic mean of mean precision and mean recall (not a mean of per-doc F1).
- ``accuracy`` (newer upstream only) is exact equality of the token lists.

Only departure: upstream raises on an empty mean or p + r == 0; here those give 0.0, so a
cleaner that empties every document scores 0 instead of crashing the benchmark.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

NGRAM_N = 4

# Same pattern and flags as upstream; see the module docstring for why not ``regex``.
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)

TpFpFn = tuple[float, float, float]


def tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    # max(1, ...) keeps one short shingle for texts of 1..n-1 tokens, as upstream does.
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def is_empty(text: str | None) -> bool:
    """True when the text has no tokens, i.e. upstream would leave it out of precision."""
    return _TOKEN_RE.search(text or "") is None


def match(true: str | None, pred: str | None, n: int = NGRAM_N) -> TpFpFn:
    """Normalised (tp, fp, fn) for one document; all zeros when both texts are empty."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def _mean(values: Sequence[float]) -> float:
    # statistics.mean as upstream (exact, order-independent); 0.0 instead of raising.
    return statistics.mean(values) if values else 0.0


def aggregate(tp_fp_fns: Iterable[TpFpFn]) -> dict[str, float]:
    rows = list(tp_fp_fns)
    precision = _mean([precision_score(*r) for r in rows if r[0] + r[1] > 0])
    recall = _mean([recall_score(*r) for r in rows if r[0] + r[2] > 0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def accuracy(pairs: Iterable[tuple[str, str]]) -> float:
    """Share of documents whose token lists are identical (upstream's ``accuracy``)."""
    return _mean([float(tokenize(t) == tokenize(p)) for t, p in pairs])
