"""A trained scorer, read from its data file, and how it scores a document's lines.

The file is JSON (gzip-compressed when its name ends in ``.gz``): the own-text weights
by feature name, the context weights in ``CONTEXT_NAMES`` order, the vocabularies it was
trained with (so later edits to rules/vocabulary.toml do not shift its features) and its
thresholds. Inference is plain Python: the runtime needs no training library.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .features import (
    CLIP,
    CONTEXT_NAMES,
    PROSE_WORDS,
    SHORT_LINE,
    Vocabularies,
    context_rows,
    own_features,
    shape,
    sigmoid,
    words,
)

FORMAT = "cleaner-scorer/1"
_CACHE_LINES = 100_000  # distinct lines whose own score is kept (menus repeat across a site's pages)
_TERMINAL = ".!?"
_PAIR = "{} {}".format
_CLOSERS = "\"'”’»)]"


class ModelError(ValueError):
    """A scorer file that cannot be used; the message names the file and what to do."""


def doc_lines(text: str) -> list[str]:
    """The non-blank lines of a text, stripped: what the scorer reads."""
    return [s for s in (ln.strip() for ln in text.splitlines()) if s]


def is_prose(line: str) -> bool:
    """A paragraph: many words, ending a sentence."""
    return line.rstrip(_CLOSERS)[-1:] in _TERMINAL and len(words(line)) > PROSE_WORDS


def is_short(line: str) -> bool:
    return len(words(line)) <= 4


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
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def full_page_threshold(self) -> float:
        return self.thresholds["full_page"]

    def __post_init__(self) -> None:
        # The weights split by family, keyed by the bare word, pair or line: the hot path
        # looks words up without building a feature name for each (own_features names
        # them all, for explanations; the sums agree).
        fam: dict[str, dict[str, float]] = {"word": {}, "pair": {}, "line": {}, "": {}}
        for name, w in self.own_weights.items():
            head, _, rest = name.partition(":")
            fam[head if head in fam else ""][rest if head in fam else name] = w
        object.__setattr__(self, "_families", (fam["word"], fam["pair"], fam["line"], fam[""]))

    def own_score(self, line: str) -> float:
        """The own-text logit of one stripped line: the bias plus the weight of every
        feature ``own_features`` names for it."""
        return self._line(line)[0]

    def _line(self, line: str) -> tuple[float, bool, bool]:
        """(own-text logit, reads as prose, is short) of one stripped line, cached by its
        text: menus and footers repeat across a site's pages."""
        hit = self._cache.get(line)
        if hit is not None:
            return hit
        word_w, pair_w, line_w, other_w = self._families  # type: ignore[attr-defined]
        toks = words(line)
        n = len(toks)
        z = self.own_bias + sum(filter(None, map(word_w.get, dict.fromkeys(toks))))
        if n > 1:
            z += sum(filter(None, map(pair_w.get, dict.fromkeys(map(_PAIR, toks, toks[1:])))))
        if n <= SHORT_LINE:
            z += line_w.get(" ".join(toks), 0.0)
        get = other_w.get
        z += sum(get(f, 0.0) for f in shape(line, toks))
        z += sum(get(f, 0.0) for f in self.vocab.hits(toks[:40]))
        info = (z, n > PROSE_WORDS and line.rstrip(_CLOSERS)[-1:] in _TERMINAL, n <= 4)
        with self._lock:
            if len(self._cache) >= _CACHE_LINES:
                self._cache.clear()
            self._cache[line] = info
        return info

    def context(self, lines: Sequence[str]) -> tuple[list[float], list[list[list[float]]]]:
        """Own-text logits and, for each context stage, the feature rows it read."""
        info = [self._line(ln) for ln in lines]
        own = [x[0] for x in info]
        prose, short = [x[1] for x in info], [x[2] for x in info]
        z, rows_by_stage = own, []
        for bias, w in self.stages:
            rows = context_rows(z, prose, short)
            rows_by_stage.append(rows)
            z = [bias + sum(a * b for a, b in zip(w, row, strict=True)) for row in rows]
        return own, rows_by_stage

    def scores(self, lines: Sequence[str]) -> list[float]:
        """Probability of boilerplate for each line (stripped, non-blank) of one document."""
        return self.row_scores(self.context(lines)[1])

    def row_scores(self, rows_by_stage: Sequence[Sequence[Sequence[float]]]) -> list[float]:
        bias, w = self.stages[-1]
        return [sigmoid(bias + sum(a * b for a, b in zip(w, row, strict=True))) for row in rows_by_stage[-1]]

    def explain(self, line: str, own: float, rows: Sequence[Sequence[float]]) -> Explained:
        """The score of a line from its context rows (one per stage), and the three
        features that weighed most towards it. Each stage's logit is its bias plus its
        terms; the term on the line's own previous logit is passed down, so an own-text
        feature weighs its weight times the product of those factors, and a context
        feature of stage k its term times the factors of the stages after k."""
        parts: dict[str, float] = {}
        factor = 1.0
        logit = 0.0
        for level in range(len(self.stages) - 1, -1, -1):
            bias, w = self.stages[level]
            row = rows[level]
            if level == len(self.stages) - 1:
                logit = bias + sum(a * b for a, b in zip(w, row, strict=True))
            prefix = "context" if level == 0 else "region"
            for name, wt, x in zip(CONTEXT_NAMES[2:], w[2:], row[2:], strict=True):
                if x:
                    key = f"{prefix}:{name}"
                    parts[key] = parts.get(key, 0.0) + factor * wt * x
            # The stage's own-line term: w0 * clip(z) + w1 * max(clip(z), 0), linear in z
            # on each side of 0, so it passes down as a factor on z.
            z_prev = _previous_logit(self, own, rows, level)
            clipped = max(-CLIP, min(CLIP, z_prev))
            factor *= (w[0] + (w[1] if clipped > 0 else 0.0)) * (clipped / z_prev if z_prev else 0.0)
        for f in own_features(line, self.vocab):
            wt = self.own_weights.get(f)
            if wt:
                parts[f] = parts.get(f, 0.0) + factor * wt
        sign = 1.0 if logit >= 0 else -1.0
        top = sorted(parts.items(), key=lambda kv: (-sign * kv[1], kv[0]))[:3]
        return Explained(sigmoid(logit), tuple((k, round(v, 2)) for k, v in top))


def _previous_logit(model: ScorerModel, own: float, rows: Sequence[Sequence[float]], level: int) -> float:
    """The logit stage ``level`` read for the line itself: the own-text logit for the
    first stage, else the previous stage's output."""
    if level == 0:
        return own
    bias, w = model.stages[level - 1]
    return bias + sum(a * b for a, b in zip(w, rows[level - 1], strict=True))


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
            data = json.loads(raw)
        except OSError as exc:
            raise ModelError(f"{path}: cannot read scorer model: {exc.strerror or exc}") from exc
        except (ValueError, EOFError) as exc:
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
