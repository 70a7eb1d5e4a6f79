"""Cleaning a ``ray.data.Dataset``, and one run summary for the whole run.

>>> import ray
>>> from cleaner.integrations.ray import clean_dataset, run_summary
>>> ds = clean_dataset(ray.data.read_json("crawl/"), text_field="text")
>>> ds.write_json("out/")
>>> run_summary(ds).to_dict()          # the same counts as the CLI's run-summary.json

Each row gets the cleaned text in ``text_field`` and the columns of
``cleaner.integrations.arrow`` (``cleaner_edits``, ``cleaner_error``, ``cleaner_stats``):
a row that cannot be cleaned passes through with its text unchanged and the reason in
``cleaner_error``; nothing is ever dropped. ``learn_dataset`` is ``clean learn`` over a
Dataset. The text column must be a top-level column.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

try:
    import pyarrow as pa
    from ray.data import Dataset
except ImportError as exc:  # pragma: no cover - exercised only without ray installed
    raise ImportError(f"cleaner.integrations.ray needs ray ({exc}); "
                      "install it with: pip install 'scrape-cleaner[ray]'") from exc

from ..engine import Cleaner
from ..learn import (
    AUTO_SITE_FIELDS,
    CountConfig,
    LearnOptions,
    LearnResult,
    Totals,
    learn_from_counts,
    merge_files,
    site_of,
    split_lines,
)
from ..learn.count import ShardCounter
from ..learn.counts_file import write_counts
from ..model import Pack
from ..report import RunSummary
from .arrow import make_arrow_cleaner, summarise, summary_from_dict

__all__ = ["clean_dataset", "learn_dataset", "run_summary"]


def clean_dataset(ds: Dataset, *, text_field: str = "text", select: Sequence[str] | None = None,
                  ignore: Sequence[str] = (), rules: Sequence[str | Path | Pack] = (),
                  packs: Sequence[str | Pack] | None = None, edits_field: str = "cleaner_edits",
                  error_field: str = "cleaner_error", stats_field: str | None = "cleaner_stats",
                  batch_size: int | None = 1024, num_cpus: float = 1.0, full_page: bool = False,
                  scorer: bool | None = None) -> Dataset:
    """``ds`` with ``text_field`` cleaned, and the edits, error and stats columns added.

    ``select``/``ignore`` take rule codes, prefixes, names or pack names, as on the CLI;
    ``rules`` adds user packs (read now, in the driver: workers need not see the files);
    ``packs`` replaces the default packs; ``full_page`` and ``scorer`` are the Cleaner's
    (whole flattened pages; the learned scorer). Options are checked here, so a bad selector
    fails before the run starts. Lazy, as Ray Data is: nothing runs until ``ds`` is consumed.
    """
    fn = make_arrow_cleaner(text_field, select=select, ignore=ignore, rules=rules, packs=packs,
                            edits_field=edits_field, error_field=error_field, stats_field=stats_field,
                            full_page=full_page, scorer=scorer)
    # Tasks, not an actor pool. An actor pool holds its CPUs for as long as it lives: with
    # as many actors as the cluster has CPUs (concurrency=2 on two CPUs), the read stage
    # never gets a CPU and the run hangs, and a pool sized below the CPU count still
    # starves a one-CPU cluster. A task holds a CPU only while it runs, Ray Data schedules
    # it under the same resource budget as the read, and it fuses with the read into one
    # task per block (read, then clean, no copy between them), so no cluster size can
    # starve the read. What an actor would save, building the Cleaner, is paid once per
    # worker process (``cleaner.integrations.arrow``).
    return ds.map_batches(fn, batch_format="pyarrow", batch_size=batch_size, num_cpus=num_cpus,
                          zero_copy_batch=True)


def run_summary(cleaned: Dataset, *, stats_field: str = "cleaner_stats", error_field: str = "cleaner_error",
                id_field: str | None = "id") -> RunSummary:
    """The counts of a whole ``clean_dataset`` run, added up on the workers batch by batch
    and merged here: ``.to_dict()`` is the CLI's run-summary.json for the same records
    (a failure's ``where`` is ``record <id>`` when the rows have an ``id_field``).
    Executes ``cleaned`` (materialise it first to clean only once)."""
    columns = [stats_field, error_field]
    if id_field and id_field in cleaned.columns():
        columns.append(id_field)
    else:
        id_field = None
    parts = cleaned.select_columns(columns).map_batches(
        summarise, batch_format="pyarrow", batch_size=None, zero_copy_batch=True,
        fn_kwargs={"stats_field": stats_field, "error_field": error_field, "id_field": id_field})
    total = RunSummary()
    for row in parts.iter_rows():
        total.merge(summary_from_dict(json.loads(row["summary"])))
    return total


def _count_batch(table: pa.Table, text_field: str, site_fields: tuple[str, ...], config: CountConfig) -> pa.Table:
    """The map step on one batch: its counts, as the bytes of a counts file in one row."""
    texts = table.column(text_field).to_pylist()
    sites = [table.column(f).to_pylist() for f in site_fields if f in table.column_names]
    counter = ShardCounter(config)
    try:
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                continue  # no text, nothing to count (as the corpus reader skips such a record)
            site = next((s for column in sites if (s := site_of(column[i]))), None)
            counter.add(split_lines(text), site)
        with tempfile.TemporaryDirectory(prefix="cleaner-learn-") as tmp:
            path = Path(tmp) / "batch.counts"
            write_counts(path, counter.totals, config, counter.records())
            blob = path.read_bytes()
    finally:
        counter.close()
    return pa.table({"counts": pa.array([blob], pa.binary())})


def learn_dataset(ds: Dataset, options: LearnOptions | None = None, *, text_field: str = "text",
                  site_field: str | None = None, config: CountConfig | None = None, batch_size: int = 4096,
                  base: Cleaner | None = None) -> LearnResult:
    """``clean learn`` over a Dataset: each batch is counted on the cluster (the map
    step), the driver merges the counts streaming from files and emits the pack. The pack
    is byte-identical to ``clean learn`` on the same records, whatever the blocks, batches
    and workers. ``site_field`` None: the first of site, domain, url the row has."""
    options = options or LearnOptions()
    config = config or CountConfig(max_length=options.max_length)
    site_fields = (site_field,) if site_field else AUTO_SITE_FIELDS
    present = ds.columns()
    for name, option in ((text_field, "text_field"), (site_field, "site_field")):
        if name and name not in present:
            raise ValueError(f"the dataset has no column {name!r}; pass {option}= (columns: {', '.join(present)})")
    columns = [c for c in (text_field, *site_fields) if c in present]
    counted = ds.select_columns(columns).map_batches(
        _count_batch, batch_format="pyarrow", batch_size=batch_size,
        fn_kwargs={"text_field": text_field, "site_fields": site_fields, "config": config})
    with tempfile.TemporaryDirectory(prefix="cleaner-learn-") as tmp:
        paths = []
        # Streamed: each batch's counts go to disk as they arrive, then merge one record per file at a time.
        for i, row in enumerate(counted.iter_rows()):
            path = Path(tmp) / f"batch-{i:06d}.counts"
            path.write_bytes(row["counts"])
            paths.append(path)
        if not paths:  # an empty dataset
            return learn_from_counts([], Totals(), options, config=config, base=base)
        merged_config, totals, records = merge_files(paths)
        return learn_from_counts(records, totals, options, config=merged_config, base=base)
