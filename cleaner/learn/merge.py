"""The merge step of learning: the counts of many shards become the counts of their union.

Shards' records arrive sorted by (key, scope); ``heapq.merge`` interleaves them and equal
(key, scope) records are combined with ``LineCounts.merged``, which adds counts and keeps
the smallest samples and sites of the union. Addition and "smallest of a union" do not
depend on order or grouping, so neither the number of shards nor their order can change
the result. Memory: one record per input at a time, plus the site totals. More than
``MAX_OPEN`` files are merged in groups into temporary counts files first (a merge of
merges is the same merge), so a run never holds more files open than that.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .count import CountConfig, LineCounts, Totals
from .counts_file import CountsFile, CountsFileError, read_counts, write_counts

MAX_OPEN = 128  # counts files read at once; well below the usual limit of 1,024 open files


def merge_records(streams: Iterable[Iterable[LineCounts]], config: CountConfig) -> Iterator[LineCounts]:
    """The records of every stream (each sorted by key, scope), combined, in that order."""
    current: LineCounts | None = None
    for rec in heapq.merge(*streams, key=lambda r: r.sort_key):
        if current is None:
            current = rec
        elif current.sort_key == rec.sort_key:
            current = current.merged(rec, config)
        else:
            yield current
            current = rec
    if current is not None:
        yield current


def open_shards(paths: Sequence[Path]) -> tuple[list[CountsFile], CountConfig, Totals]:
    """Open counts files that can be merged: the same counting settings in each."""
    if not paths:
        raise CountsFileError("no counts files to merge")
    files = [read_counts(p) for p in paths]
    first = files[0]
    for f in files[1:]:
        if f.config != first.config:
            raise CountsFileError(f"{f.path} was counted with {f.config}, {first.path} with {first.config}: "
                                  "count every shard with the same options")
    try:
        config = CountConfig(**first.config)
    except (TypeError, ValueError) as exc:
        raise CountsFileError(f"{first.path}: counting settings this cleaner does not know ({exc})") from exc
    totals = Totals()
    for f in files:
        totals = totals + f.totals
    return files, config, totals


def merge_files(paths: Sequence[Path]) -> tuple[CountConfig, Totals, Iterator[LineCounts]]:
    """The merged counts of the files at ``paths``: their settings, totals and records."""
    files, config, totals = open_shards(paths)
    return config, totals, _merged(files, config)


def _merged(files: Sequence[CountsFile], config: CountConfig) -> Iterator[LineCounts]:
    if len(files) <= MAX_OPEN:
        yield from merge_records([f.records() for f in files], config)
        return
    with tempfile.TemporaryDirectory(prefix="cleaner-merge-") as tmp:
        groups = []
        for n, start in enumerate(range(0, len(files), MAX_OPEN)):
            path = Path(tmp) / f"group-{n:05d}.counts"
            write_counts(path, Totals(), config,
                         merge_records([f.records() for f in files[start:start + MAX_OPEN]], config))
            groups.append(read_counts(path))
        yield from _merged(groups, config)
