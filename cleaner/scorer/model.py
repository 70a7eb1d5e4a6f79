"""A trained scorer, read from its data file, and how it scores a document's lines.

The file is JSON (gzip-compressed when its name ends in ``.gz``): the own-text weights
by feature name, each context stage's weights in ``CONTEXT_NAMES`` order, the
vocabularies it was trained with (so later edits to rules/vocabulary.toml do not shift
its features), its thresholds and its training figures. Inference is plain Python and
numpy: the runtime needs no training library.
"""

from __future__ import annotations

import gzip
import itertools
import json
import operator
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .features import (
    _WORD,
    CLIP,
    CONTEXT_NAMES,
    HEAD_WORDS,
    PROSE_WORDS,
    SHORT_LINE,
    TAIL_WORDS,
    Vocabularies,
    context_rows,
    line_tokens,
    shape,
    static_rows,
)

FORMAT = "cleaner-scorer/1"
# Distinct short lines whose own score is kept (menus and footers repeat across a site's
# pages; prose never does, so long lines are not kept).
_CACHE_LINES = 50_000
_TERMINAL = ".!?"
# Distinct words, distinct pairs, the whole short line, other feature names, word count.
_Keys = tuple[Iterable[str], Iterable[tuple[str, str]], list[str], list[str], int]
# Closing quotes and brackets after a sentence's end: English, German („…“), French («…»).
CLOSERS = "\"'”’“»«)]"


class ModelError(ValueError):
    """A scorer file that cannot be used; the message names the file and what to do."""


def doc_lines(text: str) -> list[str]:
    """The non-blank lines of a text, stripped: what the scorer reads."""
    return [s for s in (ln.strip() for ln in text.splitlines()) if s]


# More than PROSE_WORDS words (runs of word characters), found without listing them.
_MANY_WORDS = re.compile(rf"\W*(?:\w+\W+){{{PROSE_WORDS}}}\w")


def is_prose(line: str) -> bool:
    """A paragraph: many words, ending a sentence."""
    # More than PROSE_WORDS words and the spaces between them: a shorter line is not prose.
    return (len(line) > 2 * PROSE_WORDS and line.rstrip(CLOSERS)[-1:] in _TERMINAL
            and _MANY_WORDS.match(line) is not None)


def is_short(line: str) -> bool:
    return len(_WORD.findall(line)) <= 4


@dataclass(frozen=True)
class Explained:
    """One line's score and the three features that pushed it most towards that score."""

    score: float
    features: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ScorerModel:
    source: str
    own_bias: float
    own_weights: Mapping[str, float]
    # Context stages, each (bias, weights in CONTEXT_NAMES order) over the context
    # features of the previous stage's logits; the first reads the own-text logits.
    stages: tuple[tuple[float, tuple[float, ...]], ...]
    vocab: Vocabularies
    thresholds: Mapping[str, float]
    card: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict[str, tuple[float, bool, bool]] = field(default_factory=dict, compare=False, repr=False)
    _why: dict[tuple[str, bool], tuple[tuple[float, str], ...]] = field(
        default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def full_page_threshold(self) -> float:
        return self.thresholds["full_page"]

    def __post_init__(self) -> None:
        # The weights split by family, keyed by the bare word, the pair's two words (a
        # tuple: zip makes them without formatting a name) or the whole line: the hot path
        # looks words up without building a feature name for each (own_features names
        # them all, for explanations; the sums agree).
        fam: dict[str, dict[Any, float]] = {"word": {}, "pair": {}, "line": {}, "": {}}
        for name, w in self.own_weights.items():
            head, _, rest = name.partition(":")
            if head == "pair":
                # Words hold no spaces: a pair a line makes is "a b", one space.
                first, _, second = rest.partition(" ")
                fam["pair"][(first, second)] = w
            else:
                fam[head if head in fam else ""][rest if head in fam else name] = w
        object.__setattr__(self, "_families", (fam["word"], fam["pair"], fam["line"], fam[""]))
        import numpy as np  # here, not at import: runs without a scorer never load it

        object.__setattr__(self, "_arrays", tuple((b, np.asarray(w)) for b, w in self.stages))
        from .stages import Stages

        object.__setattr__(self, "_stages", Stages(self.stages))
        # The context features' names as explain lists their terms: the last stage's first.
        object.__setattr__(self, "_ctx_names", tuple(
            ("context:" if level == 0 else "region:") + name
            for level in range(len(self.stages) - 1, -1, -1) for name in CONTEXT_NAMES[2:]))

    def own_score(self, line: str) -> float:
        """The own-text logit of one stripped line: the bias plus the weight of every
        feature ``own_features`` names for it."""
        return self.line_info(line)[0]

    def line_info(self, line: str) -> tuple[float, bool, bool]:
        """(own-text logit, reads as prose, is short) of one stripped line; short lines
        are cached by their text."""
        hit = self._cache.get(line)
        return self._info(line, line_tokens(line)) if hit is None else hit

    def line_infos(self, lines: Sequence[str]) -> list[tuple[float, bool, bool]]:
        """``line_info`` of each of a page's lines, each distinct line computed once, with
        its explanation's own features."""
        out = list(map(self._cache.get, lines))
        todo = list(itertools.compress(itertools.count(), map(operator.not_, out)))
        if todo:
            # Each distinct line once: a page repeats its menu items and its "Reply"s.
            texts = list(dict.fromkeys([lines[k] for k in todo]))
            found = {line: self._info(line, line_tokens(line), True) for line in texts}
            for k in todo:
                out[k] = found[lines[k]]
        return out  # type: ignore[return-value]

    def _info(self, line: str, tokens: tuple[list[str], list[str], int],
              explain_ahead: bool = False) -> tuple[float, bool, bool]:
        """``line_info`` of a line not cached, from its ``line_tokens``; ``explain_ahead``:
        and its explanation's own features (``_extremes``)."""
        keys = self._keys(line, tokens)
        words_, pairs_, whole, other, n = keys
        weights = self._weights(keys)
        # Family by family, in order (an unknown feature weighs 0.0, which adds nothing).
        a, b = len(words_), len(words_) + len(pairs_)
        z = self.own_bias + sum(weights[:a])
        z += sum(weights[a:b])
        if whole:
            z += weights[b]
        z += sum(weights[b + len(whole):])
        info = (z, n > PROSE_WORDS and line.rstrip(CLOSERS)[-1:] in _TERMINAL, n <= 4)
        # No lock: a dict's single operations are atomic, and two threads that both
        # empty a full cache lose nothing but cached work.
        if n <= SHORT_LINE:
            if len(self._cache) >= _CACHE_LINES:
                self._cache.clear()
            self._cache[line] = info
        if explain_ahead and (line, True) not in self._why:
            # Most lines a full page scores, it removes: their explanation's own features
            # (the stages' factor on them is positive) are read while the weights are at hand.
            self._keep_why(line, True, _top_own(keys, weights, True))
        return info

    def _weights(self, keys: _Keys) -> list[float]:
        """The weight of each of a line's features (``_keys``), family by family."""
        word_w, pair_w, line_w, other_w = self._families  # type: ignore[attr-defined]
        words_, pairs_, whole, other, _ = keys
        zero = itertools.repeat(0.0)
        return [*map(word_w.get, words_, zero), *map(pair_w.get, pairs_, zero), *map(line_w.get, whole, zero),
                *map(other_w.get, other, zero)]

    def _keys(self, line: str, tokens: tuple[list[str], list[str], int] | None = None) -> _Keys:
        """A line's own features, as keys into the weight families (``_families``):
        distinct words, distinct pairs (tuples of two words), the whole short line,
        shape and vocabulary names; and its word count. ``tokens``: its ``line_tokens``,
        if already found."""
        raw, toks, n = line_tokens(line) if tokens is None else tokens
        other = shape(line, raw, n)
        if not self.vocab.first.isdisjoint(toks):
            other.extend(self.vocab.hits(toks))
        if n <= 1:
            twos: dict[tuple[str, str], None] = {}
        elif n > HEAD_WORDS + TAIL_WORDS:  # none across the gap of a long line's words
            h = HEAD_WORDS
            twos = dict.fromkeys(itertools.chain(zip(toks[:h], toks[1:h], strict=False),
                                                 zip(toks[h:], toks[h + 1:], strict=False)))
        else:
            twos = dict.fromkeys(zip(toks, toks[1:], strict=False))
        return dict.fromkeys(toks), twos, [" ".join(toks)] if n <= SHORT_LINE else [], other, n

    def infos(self, lines: Sequence[str]) -> tuple[list[float], list[bool], list[bool]]:
        """(own-text logits, prose, short) of a document's lines."""
        if not lines:
            return [], [], []
        own, prose, short = zip(*map(self.line_info, lines), strict=True)
        return list(own), list(prose), list(short)

    def logits(self, own: Sequence[float], prose: Sequence[bool], short: Sequence[bool], near: Any = None) -> Any:
        """The final logit of each line (a numpy array) from ``infos``' lists (and, if
        already built, their ``neighbour_rows``)."""
        return self._stages.logits(own, prose, short, near)  # type: ignore[attr-defined]

    def context(self, lines: Sequence[str]) -> tuple[list[float], list[Any]]:
        """Own-text logits and, for each context stage, the named feature rows it read
        (arrays): what training fits and explanations weigh."""
        own, prose, short = self.infos(lines)
        return own, self.rows(own, prose, short)

    def rows(self, own: Sequence[float], prose: Sequence[bool], short: Sequence[bool], near: Any = None) -> list[Any]:
        z: Any = own
        rows_by_stage = []
        static = static_rows(prose, short, near)  # the same columns for every stage
        for bias, w in self._arrays:  # type: ignore[attr-defined]
            rows = context_rows(z, prose, short, static)
            rows_by_stage.append(rows)
            z = rows @ w + bias
        return rows_by_stage

    def scores(self, lines: Sequence[str]) -> list[float]:
        """Probability of boilerplate for each line (stripped, non-blank) of one document."""
        import numpy as np

        return (1.0 / (1.0 + np.exp(-self.logits(*self.infos(lines))))).tolist()

    def row_scores(self, rows_by_stage: Sequence[Any]) -> list[float]:
        import numpy as np

        bias, w = self._arrays[-1]  # type: ignore[attr-defined]
        return (1.0 / (1.0 + np.exp(-(rows_by_stage[-1] @ w + bias)))).tolist()

    def explain(self, lines: Sequence[str], own: Sequence[float], rows: Sequence[Any],
                which: Sequence[int]) -> list[Explained]:
        """``explain_raw``'s scores and features, each an ``Explained``."""
        return [Explained(*why) for why in self.explain_raw(lines, own, rows, which)]

    def explain_raw(self, lines: Sequence[str], own: Sequence[float], rows: Sequence[Any],
                    which: Sequence[int]) -> list[tuple[float, tuple[tuple[str, float], ...]]]:
        """Scores of lines ``which`` of a document (from ``context``'s own logits and rows)
        and, for each, the three features that weighed most towards boilerplate. Each stage's
        logit is its bias plus its terms; its term on the line's own previous logit is
        passed down as a factor, so an own-text feature weighs its weight times the
        product of those factors, and a context feature of stage k its term times the
        factors of the stages after k. Exact for the linear model, vectorised per call."""
        import numpy as np

        if not which:
            return []
        ks = np.asarray(which)
        arrays = self._arrays  # type: ignore[attr-defined]
        last = len(arrays) - 1
        factor = np.ones(len(ks))
        logit = rows[last][ks] @ arrays[last][1] + arrays[last][0]
        # Every decision the scorer reports is towards boilerplate (a removal or a flag,
        # at whatever threshold): the features shown are those that pushed that way most.
        ctx_parts: list[Any] = []
        for level in range(last, -1, -1):
            bias, w = arrays[level]
            ctx_parts.append(factor[:, None] * rows[level][ks, 2:] * w[2:])
            prev = (np.asarray(own)[ks] if level == 0
                    else rows[level - 1][ks] @ arrays[level - 1][1] + arrays[level - 1][0])
            # The stage's own-line term, w0 * clip(z) + w1 * max(clip(z), 0), is linear
            # in z on each side of 0: it passes down as a factor on z.
            clipped = np.clip(prev, -CLIP, CLIP)
            ratio = np.divide(clipped, prev, out=np.zeros(len(ks)), where=prev != 0)
            factor = factor * (w[0] + np.where(clipped > 0, w[1], 0.0)) * ratio
        ctx = np.hstack(ctx_parts)  # towards boilerplate: larger is stronger
        top_ctx = np.argsort(-ctx, axis=1, kind="stable")[:, :3]
        # Plain lists from here: indexing numpy scalars one at a time costs more.
        top_vals = np.take_along_axis(ctx, top_ctx, axis=1).tolist()
        scores = (1.0 / (1.0 + np.exp(-logit))).tolist()
        names = self._ctx_names  # type: ignore[attr-defined]
        extremes = self._extremes
        out = []
        for k, f, idx, vals, score in zip(which, factor.tolist(), top_ctx.tolist(), top_vals, scores, strict=True):
            # (-weight, name): sorted as they stand, largest weight first, ties by name.
            cands = [(-v, names[c]) for c, v in zip(idx, vals, strict=True) if v > 0]
            for wt, name in extremes(lines[k], f > 0):
                v = f * wt
                if v > 0:
                    cands.append((-v, name))
            cands.sort()
            out.append((score, tuple([(name, round(-v, 2)) for v, name in cands[:3]])))
        return out

    def _extremes(self, line: str, positive: bool) -> tuple[tuple[float, str], ...]:
        """A line's three own-text features of largest weight (``positive``) or of
        smallest: whichever way the stages' factor points, its strongest own features are
        among them. Names are built for those three only."""
        hit = self._why.get((line, positive))
        if hit is None:
            keys = self._keys(line)
            hit = self._keep_why(line, positive, _top_own(keys, self._weights(keys), positive))
        return hit

    def _keep_why(self, line: str, positive: bool, hit: tuple[tuple[float, str], ...]) -> tuple[tuple[float, str], ...]:
        with self._lock:
            if len(self._why) >= _CACHE_LINES:
                self._why.clear()
            self._why[(line, positive)] = hit
        return hit


def _top_own(keys: _Keys, weights: list[float], positive: bool) -> tuple[tuple[float, str], ...]:
    """``ScorerModel._extremes`` of a line from its ``_keys`` and ``_weights``."""
    signed = weights if positive else list(map(float.__neg__, weights))
    # The three largest signed weights, and any tied with the third (ties are broken by
    # name below): most lines have only a few such features.
    top = [w for w in sorted(signed, reverse=True)[:3] if w > 0]
    if not top:
        return ()
    words_, pairs_, whole, other, _ = keys
    flat = [*words_, *pairs_, *whole, *other]
    a, b, c = len(words_), len(words_) + len(pairs_), len(words_) + len(pairs_) + len(whole)
    pool: list[tuple[float, str, str]] = []
    for i in itertools.compress(itertools.count(), map(top[-1].__le__, signed)):
        key = flat[i]
        if i < a:
            pool.append((signed[i], key, "word:"))
        elif i < b:  # named as a pair is: "a b"
            pool.append((signed[i], " ".join(key), "pair:"))
        else:
            pool.append((signed[i], key, "line:" if i < c else ""))
    pool.sort(reverse=True)
    # A tuple, not a list: kept in a cache, it is nothing the garbage collector walks.
    return tuple([(w if positive else -w, prefix + key) for w, key, prefix in pool[:3]])


def from_json(data: Mapping[str, Any], source: str) -> ScorerModel:
    if data.get("format") != FORMAT:
        raise ModelError(f"{source}: not a scorer model (format {data.get('format')!r}, expected {FORMAT!r}); "
                         "train one with `clean train PAGES GOLD -o MODEL`")
    try:
        stages = []
        for ctx in data["context"]:
            if list(ctx["names"]) != list(CONTEXT_NAMES):
                raise ModelError(f"{source}: its context features differ from this version's; retrain it "
                                 "with `clean train`")
            stages.append((float(ctx["bias"]), tuple(float(x) for x in ctx["weights"])))
        if not stages:
            raise ModelError(f"{source}: the model has no context stage; retrain it with `clean train`")
        thresholds = {k: float(v) for k, v in data["thresholds"].items()}
        for key in ("remove", "flag", "full_page", "prose"):
            if not 0.0 < thresholds[key] < 1.0:
                raise ModelError(f"{source}: threshold {key!r} must lie between 0 and 1")
        return ScorerModel(source, float(data["own"]["bias"]),
                           {str(k): float(v) for k, v in data["own"]["weights"].items()},
                           tuple(stages), Vocabularies(data.get("vocabularies", {})), thresholds,
                           data.get("card", {}))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{source}: scorer model is missing or has a malformed {exc}; retrain it with "
                         "`clean train`") from exc


_LOADED: dict[str, ScorerModel] = {}
_LOAD_LOCK = threading.Lock()


def load(path: str | Path) -> ScorerModel:
    """Read a scorer file once per process (every Cleaner of a run shares it)."""
    key = str(Path(path).resolve())
    with _LOAD_LOCK:
        hit = _LOADED.get(key)
        if hit is not None:
            return hit
        try:
            raw = Path(path).read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            data = orjson.loads(raw)  # a quarter of json's time on the 3 MB of weights
        except OSError as exc:
            raise ModelError(f"{path}: cannot read scorer model: {exc.strerror or exc}") from exc
        except (ValueError, EOFError, orjson.JSONDecodeError) as exc:
            raise ModelError(f"{path}: scorer model is not (gzipped) JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ModelError(f"{path}: scorer model must be a JSON object")
        model = _LOADED[key] = from_json(data, str(path))
        return model


def save(model_json: Mapping[str, Any], path: str | Path) -> int:
    """Write a model file (gzip when the name ends in .gz); returns its size in bytes."""
    raw = json.dumps(model_json, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    if str(path).endswith(".gz"):
        raw = gzip.compress(raw, compresslevel=9, mtime=0)  # mtime 0: the same model, the same bytes
    Path(path).write_bytes(raw)
    return len(raw)
