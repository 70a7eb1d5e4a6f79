"""Counting one corpus in several processes: ``-j N`` of ``clean learn``.

Worker i counts documents i, i + N, ... (``Corpus.part``), reading the same files as the
others but parsing only its own documents, and writes its counts as a counts file in a
temporary folder; the parent merges the N files. Since counts merge exactly, the pack
is the same for any N (and the same as ``learn`` in one process).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..runner import _die_with_parent
from . import count_documents
from .corpus import Corpus
from .count import CountConfig
from .counts_file import write_counts


@dataclass(frozen=True, slots=True)
class PartCounts:
    path: Path  # the part's counts file
    skipped: int
    reasons: tuple[str, ...]


def count_part(corpus: Corpus, part: tuple[int, int], config: CountConfig, out: Path) -> PartCounts:
    """Count one part of ``corpus`` into the counts file ``out``."""
    mine = replace(corpus, part=part, skipped=0, reasons=[])
    counter = count_documents(mine, config, spill_dir=None)
    try:
        write_counts(out, counter.totals, config, counter.records())
    finally:
        counter.close()
    return PartCounts(out, mine.skipped, tuple(mine.reasons))


def _init(parent: int) -> None:
    _die_with_parent(parent)


def count_parallel(corpus: Corpus, config: CountConfig, jobs: int, folder: Path) -> list[PartCounts]:
    """Count ``corpus`` in ``jobs`` processes; one counts file per process in ``folder``."""
    if jobs <= 1:
        return [count_part(corpus, (0, 1), config, folder / "part-00000.counts")]
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init,
                             initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(count_part, corpus, (i, jobs), config, folder / f"part-{i:05d}.counts")
                   for i in range(jobs)]
        return [f.result() for f in futures]
