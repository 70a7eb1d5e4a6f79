"""Training a scorer from labelled pages (needs the ``train`` extra: scikit-learn, numpy).

Two logistic regressions, fitted in turn. The *own-text* model weighs a line's words,
word pairs, shape and vocabulary hits. The *context* model weighs that score for the line
and its neighbours, the distance to the nearest prose paragraph and the line's position;
it is fitted on own-text scores predicted out of fold (pages grouped by site), so it
learns how far a neighbour's score can be trusted on pages the first model never saw.
Everything is seeded, sorted and single-threaded: the same pages give the same model.
"""

from __future__ import annotations

import math
import pickle
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .features import CONTEXT_NAMES, PROSE_WORDS, Vocabularies, context_rows, own_features, words
from .label import labels
from .model import FORMAT, ScorerModel, doc_lines, is_prose, is_short


@dataclass(frozen=True)
class Page:
    """One training page: its text (one block per line) and its gold (the content)."""

    id: str
    group: str  # pages of one group (site) never sit on both sides of a split
    text: str
    gold: str


@dataclass(frozen=True)
class Prepared:
    page: Page
    lines: tuple[str, ...]
    labels: tuple[int | None, ...]
    feats: tuple[tuple[str, ...], ...]


def prepare(pages: Sequence[Page], vocab: Vocabularies) -> list[Prepared]:
    out = []
    for p in pages:
        lines = tuple(doc_lines(p.text))
        out.append(Prepared(p, lines, tuple(labels(lines, p.gold)),
                            tuple(tuple(own_features(ln, vocab)) for ln in lines)))
    return out


def _weight(line: str) -> float:
    # The benchmarks score word 4-grams, so a long line weighs more than a menu item;
    # the square root keeps the many short lines from being drowned out.
    return math.sqrt(1 + len(words(line)))


def _folds(items: Sequence[Prepared], k: int) -> list[int]:
    """Fold of each page, by a stable hash of its group (no random state to carry); by
    page when there are too few groups to fill every fold (a user's pages of one site)."""
    import zlib

    by_group = [zlib.crc32(p.page.group.encode("utf-8")) % k for p in items]
    if len(set(by_group)) == k:
        return by_group
    return [i % k for i in range(len(items))]


def fit(pages: Sequence[Page], vocab_lists: Mapping[str, Sequence[str]], *, min_pages: int = 3,
        c_own: float = 0.5, c_context: float = 1.0, folds: int = 3, seed: int = 0,
        progress: Callable[[str], None] | None = None,
        own_cache: Path | None = None, context_stages: int = 2) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit a scorer on ``pages``; returns the model (as the JSON the loader reads) and
    training figures. ``min_pages``: a feature seen on fewer pages is dropped (one site's
    phrases would otherwise be learnt as boilerplate everywhere). ``own_cache``: a file
    keeping the own-text stage (its fits dominate the time) between runs that change
    only the context stage."""
    import numpy as np

    say = progress or (lambda _msg: None)
    vocab = Vocabularies(vocab_lists)
    prepared = prepare(pages, vocab)
    say(f"prepared {len(prepared)} pages, {sum(len(p.lines) for p in prepared)} lines")
    df: Counter[str] = Counter()
    for p in prepared:
        df.update({f for fs in p.feats for f in fs})
    names = sorted(f for f, n in df.items() if n >= min_pages)
    col = {f: i for i, f in enumerate(names)}
    if own_cache is not None and own_cache.exists():
        own_coef, own_bias, oof = pickle.loads(own_cache.read_bytes())
    else:
        fold_of = _folds(prepared, folds)
        # Out-of-fold own-text scores for every line, labelled or not (context needs them all).
        oof = [[0.0] * len(p.lines) for p in prepared]
        for k in range(folds):
            train = [p for p, f in zip(prepared, fold_of, strict=True) if f != k]
            model = _fit_own(train, col, c_own, seed)
            for i, p in enumerate(prepared):
                if fold_of[i] == k:
                    oof[i] = _own_scores(model, p, col)
            say(f"own-text fold {k + 1}/{folds}")
        own = _fit_own(prepared, col, c_own, seed)
        own_coef, own_bias = own.coef_[0], float(own.intercept_[0])
        if own_cache is not None:
            own_cache.write_bytes(pickle.dumps((own_coef, own_bias, oof)))
    stages = fit_context(prepared, oof, c_context, seed, stages=context_stages, progress=say)
    y = [lab for p in prepared for lab in p.labels if lab is not None]
    coef = own_coef
    weights = {names[i]: round(float(coef[i]), 4) for i in np.flatnonzero(np.abs(coef) >= 5e-4)}
    model_json = {
        "format": FORMAT,
        "vocabularies": {k: list(v) for k, v in sorted(vocab_lists.items())},
        "own": {"bias": round(own_bias, 4), "weights": dict(sorted(weights.items()))},
        "context": [{"bias": round(b, 4), "names": list(CONTEXT_NAMES), "weights": [round(x, 4) for x in w]}
                    for b, w in stages],
    }
    figures = {"pages": len(prepared), "lines": sum(len(p.lines) for p in prepared), "labelled": len(y),
               "boilerplate_share": round(sum(y) / max(1, len(y)), 3), "features_seen": len(df),
               "features_kept": len(weights), "min_pages": min_pages, "c_own": c_own, "c_context": c_context,
               "folds": folds, "seed": seed, "prose_words": PROSE_WORDS,
               "context_stages": context_stages}
    return model_json, figures


EDGE = 3  # lines of page kept either side of the article in the extractor-output view
Stage = tuple[float, tuple[float, ...]]  # a context stage: bias, weights in CONTEXT_NAMES order


def _cascade(stages: Sequence[Stage], p: Prepared, scores: Sequence[float], keep: Sequence[int]) -> list[float]:
    """The logits the given context stages give the lines ``keep`` of a page, from their
    own-text scores (what ScorerModel does at run time)."""
    import numpy as np

    z: Any = [scores[i] for i in keep]
    prose = [is_prose(p.lines[i]) for i in keep]
    short = [is_short(p.lines[i]) for i in keep]
    for bias, w in stages:
        z = context_rows(z, prose, short) @ np.asarray(w) + bias
    return list(z)


def _views(p: Prepared, scores: list[float], stages: Sequence[Stage]) -> list[list[int]]:
    """The line sets a context stage learns from: the whole page; the page after a first
    round of removals by the stages so far (what the fixpoint's later rounds, and a
    second cleaning, see); and the article's span with a few lines either side (an
    extractor's output, the default scope)."""
    every = list(range(len(p.lines)))
    if not every:
        return []
    views = [every]
    if stages:
        first = _cascade(stages, p, scores, every)
        views.append([i for i in every if first[i] < -0.4])  # below a probability of 0.4
    content = [i for i in every if p.labels[i] == 0]
    if content:
        # An extractor's output: the article's span with what lies inside it and a few
        # lines either side (the leftovers the default scope is for).
        views.append(every[max(0, content[0] - EDGE):content[-1] + 1 + EDGE])
    return [v for v in views if v]


def fit_context(prepared: Sequence[Prepared], oof: Sequence[list[float]], c: float, seed: int, *,
                stages: int = 2, progress: Callable[[str], None] | None = None) -> list[Stage]:
    """The context stages, each a logistic regression over the context features of the
    previous stage's logits (the first reads the own-text scores): a second stage sees
    whether the lines around were judged boilerplate in their own context, which is how
    a comment thread between bylines and reply buttons gives itself away. Each stage is
    fitted twice: on whole pages, then on every view (``_views``) of each page as the
    stages so far would clean it."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    done: list[Stage] = []
    for level in range(stages):
        current: Stage | None = None
        for _ in range(2):
            X: list[Any] = []
            y: list[int] = []
            w: list[float] = []
            for p, scores in zip(prepared, oof, strict=True):
                for keep in _views(p, scores, [*done, current] if current else done):
                    z = _cascade(done, p, scores, keep)
                    rows = context_rows(z, [is_prose(p.lines[i]) for i in keep], [is_short(p.lines[i]) for i in keep])
                    mine = [k for k, i in enumerate(keep) if p.labels[i] is not None]
                    X.append(rows[mine])
                    y.extend(int(p.labels[keep[k]] or 0) for k in mine)
                    w.extend(_weight(p.lines[keep[k]]) for k in mine)
            lr = LogisticRegression(C=c, max_iter=3000, random_state=seed)
            lr.fit(np.vstack(X), np.asarray(y), sample_weight=np.asarray(w))
            current = (float(lr.intercept_[0]), tuple(float(x) for x in lr.coef_[0]))
        assert current is not None
        done.append(current)
        if progress:
            progress(f"context stage {level + 1}/{stages}")
    return done


def _matrix(items: Sequence[Prepared], col: Mapping[str, int], labelled_only: bool) -> Any:
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr, indices, y, w = [0], [], [], []
    for p in items:
        for fs, lab, ln in zip(p.feats, p.labels, p.lines, strict=True):
            if labelled_only and lab is None:
                continue
            cols = sorted({col[f] for f in fs if f in col})
            indices.extend(cols)
            indptr.append(len(indices))
            y.append(lab if lab is not None else 0)
            w.append(_weight(ln))
    X = csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
                   shape=(len(indptr) - 1, len(col)))
    return X, np.asarray(y), np.asarray(w)


def _fit_own(items: Sequence[Prepared], col: Mapping[str, int], c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    X, y, w = _matrix(items, col, True)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=200, random_state=seed)
    model.fit(X, y, sample_weight=w)
    return model


def _own_scores(model: Any, p: Prepared, col: Mapping[str, int]) -> list[float]:
    X, _, _ = _matrix([p], col, False)
    return [float(v) for v in model.decision_function(X)] if X.shape[0] else []


def evaluate(model: ScorerModel, pages: Sequence[Page]) -> dict[str, float]:
    """Line-level precision/recall/F1 of the boilerplate class at the model's full-page
    threshold, weighted as in training, on pages the model was not fitted on."""
    tp = fp = fn = 0.0
    for page in pages:
        lines = doc_lines(page.text)
        scores = model.scores(lines)
        for ln, lab, s in zip(lines, labels(lines, page.gold), scores, strict=True):
            if lab is None:
                continue
            wgt = _weight(ln)
            pred = s >= model.full_page_threshold
            tp += wgt * (pred and lab == 1)
            fp += wgt * (pred and lab == 0)
            fn += wgt * (not pred and lab == 1)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0}
