"""Learning boilerplate from a corpus: recurring lines become a reviewable rule pack.

    corpus (documents) -> count (sketch + heavy-hitter table, per site and corpus-wide)
    -> mine (thresholds, quotation and syndication exclusions) -> emit (TOML pack, checked)

See docs/learn.md. ``learn`` is the whole pipeline; the CLI's ``clean learn`` wraps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..engine import Cleaner
from ..lines import Lines
from .corpus import Corpus, Document, site_of
from .count import CountConfig, CountMinSketch, LineCounter
from .emit import Emitted, emit
from .mine import Candidate, LearnOptions, Rejection, is_quoted, mine
from .normalise import normalise, pattern_for

__all__ = ["Candidate", "Corpus", "CountConfig", "CountMinSketch", "Document", "Emitted", "LearnOptions",
           "LearnResult", "LineCounter", "Rejection", "is_quoted", "learn", "mine", "normalise", "pattern_for",
           "site_of", "split_lines"]


@dataclass(frozen=True, slots=True)
class LearnResult:
    pack: Emitted  # pack.text is the TOML ("" when nothing was learned)
    candidates: tuple[Candidate, ...]
    rejected: tuple[Rejection, ...]
    docs: int
    sketch_bytes: int
    table_peak: int
    evictions: int


def split_lines(text: str) -> list[str]:
    """Lines as the engine splits them (\\n, \\r\\n, \\r), so counting and cleaning agree."""
    return Lines(text).contents


def learn(documents: Iterable[Document], options: LearnOptions | None = None, *,
          config: CountConfig | None = None, base: Cleaner | None = None,
          progress: Callable[[Document], None] | None = None) -> LearnResult:
    """Count every document's lines, mine the recurring ones and emit them as a pack whose
    examples pass beside ``base``'s packs (default: the default packs)."""
    options = options or LearnOptions()
    cfg = config or CountConfig(max_length=options.max_length)
    if cfg.max_length < options.max_length:
        raise ValueError("the counter's max_length must not be below --max-length")
    counter = LineCounter(cfg)
    for doc in documents:
        counter.add(split_lines(doc.text), doc.site)
        if progress is not None:
            progress(doc)
    candidates, rejected = mine(counter, options)
    pack = emit(candidates, options, base=base)
    return LearnResult(pack, tuple(candidates), tuple(rejected), counter.docs, counter.sketch.nbytes,
                       counter.peak, counter.evictions)
