"""Learning boilerplate from a corpus: recurring lines become a reviewable rule pack.

    map:   documents -> per-shard exact counts of normalised lines, per site and corpus-wide
           (``count.ShardCounter``; a counts file with ``counts_file.write_counts``)
    merge: shards' counts added (``merge.merge_records``; order and number of shards do not matter)
    emit:  mine (thresholds, quotation and syndication exclusions) -> TOML pack, checked

The pack is a function of the merged counts alone, so it is byte-identical whether the
corpus was counted in one process, in ``-j N`` processes, on a Ray cluster or on many
machines whose counts files were merged. See docs/learn.md. ``learn`` is the whole
pipeline in one process; the CLI's ``clean learn`` wraps it and the parallel forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..engine import Cleaner
from ..lines import Lines
from .corpus import AUTO_SITE_FIELDS, Corpus, Document, site_of
from .count import CORPUS, CountConfig, LineCounts, ShardCounter, Totals
from .counts_file import CountsFileError, read_counts, write_counts
from .emit import Emitted, emit
from .merge import merge_files, merge_records
from .mine import Candidate, LearnOptions, Rejection, is_quoted, mine
from .normalise import normalise, pattern_for

__all__ = ["AUTO_SITE_FIELDS", "CORPUS", "Candidate", "Corpus", "CountConfig", "CountsFileError", "Document", "Emitted",
           "LearnOptions", "LearnResult", "LineCounts", "Rejection", "ShardCounter", "Totals", "count_documents",
           "is_quoted", "learn", "learn_from_counts", "merge_files", "merge_records", "mine", "normalise",
           "pattern_for", "read_counts", "site_of", "split_lines", "write_counts"]


@dataclass(frozen=True, slots=True)
class LearnResult:
    pack: Emitted  # pack.text is the TOML ("" when nothing was learned)
    candidates: tuple[Candidate, ...]
    rejected: tuple[Rejection, ...]
    docs: int


def split_lines(text: str) -> list[str]:
    """Lines as the engine splits them (\\n, \\r\\n, \\r), so counting and cleaning agree."""
    return Lines(text).contents


def count_documents(documents: Iterable[Document], config: CountConfig | None = None, *,
                    spill_dir: Path | None = None,
                    progress: Callable[[Document], None] | None = None) -> ShardCounter:
    """The map step: a ShardCounter holding the counts of ``documents`` (``close()`` it)."""
    counter = ShardCounter(config, spill_dir)
    for doc in documents:
        counter.add(split_lines(doc.text), doc.site)
        if progress is not None:
            progress(doc)
    return counter


def _config_for(options: LearnOptions, config: CountConfig | None) -> CountConfig:
    cfg = config or CountConfig(max_length=options.max_length)
    if cfg.max_length < options.max_length:
        raise ValueError("the counter's max_length must not be below --max-length")
    return cfg


def learn_from_counts(records: Iterable[LineCounts], totals: Totals, options: LearnOptions | None = None, *,
                      config: CountConfig | None = None, base: Cleaner | None = None) -> LearnResult:
    """The emit step: mine merged counts (sorted by key, scope) and write the pack."""
    options = options or LearnOptions()
    if config is not None:
        _config_for(options, config)
    candidates, rejected = mine(records, totals, options)
    pack = emit(candidates, options, base=base)
    return LearnResult(pack, tuple(candidates), tuple(rejected), totals.docs)


def learn(documents: Iterable[Document], options: LearnOptions | None = None, *,
          config: CountConfig | None = None, base: Cleaner | None = None, spill_dir: Path | None = None,
          progress: Callable[[Document], None] | None = None) -> LearnResult:
    """Count every document's lines, mine the recurring ones and emit them as a pack whose
    examples pass beside ``base``'s packs (default: the default packs)."""
    options = options or LearnOptions()
    counter = count_documents(documents, _config_for(options, config), spill_dir=spill_dir, progress=progress)
    try:
        return learn_from_counts(counter.records(), counter.totals, options, base=base)
    finally:
        counter.close()
