"""Cleaning a ``ray.data.Dataset``, and one run summary for the whole run.

>>> import ray
>>> from cleaner.integrations.ray import clean_dataset, run_summary
>>> ds = clean_dataset(ray.data.read_json("crawl/"), text_field="text")
>>> ds.write_json("out/")
>>> run_summary(ds).to_dict()          # the same counts as the CLI's run-summary.json

Each row gets the cleaned text in ``text_field`` and three more columns:

- ``edits_field`` (``cleaner_edits``): the edits as a JSON array of ``Edit.to_dict()``,
  the encoding of the datasets adapter (``cleaner.integrations.datasets.decode_edits``);
- ``error_field`` (``cleaner_error``): ``None``, or why the row was not cleaned (no text,
  not a string, the cleaner failed on it). Such a row passes through with its text
  unchanged: nothing is ever dropped;
- ``stats_field`` (``cleaner_stats``): what the run summary needs from the row (JSON),
  which ``run_summary`` adds up; drop the column after it if you do not need it.

The text column must be a top-level column (Arrow has no dotted paths).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any

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
from ..report import DocStats, RunSummary
from . import LazyCleaner
from .datasets import encode_edits

__all__ = ["DatasetCleaner", "clean_dataset", "learn_dataset", "run_summary"]

# One compiled Cleaner per worker process and set of options. A Ray task receives its
# function pickled, without the Cleaner; Ray reuses worker processes, so the 0.2 s build
# is paid once per process, not once per block.
_CLEANERS: dict[str, Cleaner] = {}


def _cleaner(lazy: LazyCleaner) -> Cleaner:
    key = repr(lazy)
    found = _CLEANERS.get(key)
    if found is None:
        found = _CLEANERS[key] = lazy.cleaner
    return found


def _encode_stats(stats: DocStats) -> str:
    return json.dumps(astuple(stats), ensure_ascii=False, separators=(",", ":"))


def _decode_stats(value: str) -> DocStats:
    changed, chars_in, removed, edits, flags, rules, timeouts, disabled = json.loads(value)
    return DocStats(bool(changed), chars_in, removed, edits, flags, tuple(tuple(r) for r in rules),
                    tuple(timeouts), tuple(disabled))


class DatasetCleaner:
    """The batch function of ``clean_dataset`` (``batch_format="pyarrow"``): picklable,
    it carries the Cleaner's options only."""

    def __init__(self, lazy: LazyCleaner, text_field: str, edits_field: str, error_field: str,
                 stats_field: str | None) -> None:
        self.lazy, self.text_field = lazy, text_field
        self.edits_field, self.error_field, self.stats_field = edits_field, error_field, stats_field

    def __call__(self, table: pa.Table) -> pa.Table:
        if self.text_field not in table.column_names:
            # Every row of the batch lacks it: each is marked, none dropped.
            texts: list[Any] = [None] * table.num_rows
            reason = f"no field {self.text_field!r}; set text_field="
        else:
            texts = table.column(self.text_field).to_pylist()
            reason = ""
        cleaner = _cleaner(self.lazy)
        out_texts, edits, errors, stats = [], [], [], []
        for text in texts:
            out, edit, error, stat = text, "[]", None, None
            if reason:
                error = reason
            elif not isinstance(text, str):
                error = ("no text (null)" if text is None
                         else f"field {self.text_field!r} is {type(text).__name__}, not a string")
            else:
                try:
                    res = cleaner.clean(text)
                except Exception as exc:  # noqa: BLE001 - one bad row must not fail the run
                    error = f"cannot be cleaned: {type(exc).__name__}: {exc}"
                else:
                    out, edit, stat = res.text, encode_edits(res.edits), _encode_stats(DocStats.of(res))
            out_texts.append(out)
            edits.append(edit)
            errors.append(error)
            stats.append(stat)
        if not reason and all(isinstance(t, str) or t is None for t in out_texts):
            index = table.column_names.index(self.text_field)
            table = table.set_column(index, self.text_field, pa.array(out_texts, pa.string()))
        columns = [(self.edits_field, edits), (self.error_field, errors)]
        if self.stats_field is not None:
            columns.append((self.stats_field, stats))
        for name, values in columns:
            if name in table.column_names:
                table = table.drop_columns([name])
            table = table.append_column(name, pa.array(values, pa.string()))
        return table


def clean_dataset(ds: Dataset, *, text_field: str = "text", select: Sequence[str] | None = None,
                  ignore: Sequence[str] = (), rules: Sequence[str | Path | Pack] = (),
                  packs: Sequence[str | Pack] | None = None, edits_field: str = "cleaner_edits",
                  error_field: str = "cleaner_error", stats_field: str | None = "cleaner_stats",
                  batch_size: int | None = 1024, num_cpus: float = 1.0) -> Dataset:
    """``ds`` with ``text_field`` cleaned, and the edits, error and stats columns added.

    ``select``/``ignore`` take rule codes, prefixes, names or pack names, as on the CLI;
    ``rules`` adds user packs (read now, in the driver: workers need not see the files);
    ``packs`` replaces the default packs. Options are checked here, so a bad selector
    fails before the run starts. Lazy, as Ray Data is: nothing runs until ``ds`` is consumed.
    """
    # An HTML page mode (``full_page``) would be one more Cleaner option carried by
    # LazyCleaner and passed through here; the Cleaner has no such option yet.
    lazy = LazyCleaner(packs, select=select, ignore=ignore, extra_packs=rules)
    fn = DatasetCleaner(lazy, text_field, edits_field, error_field, stats_field)
    # Tasks, not an actor pool. An actor pool holds its CPUs for as long as it lives: with
    # as many actors as the cluster has CPUs (concurrency=2 on two CPUs), the read stage
    # never gets a CPU and the run hangs, and a pool sized below the CPU count still
    # starves a one-CPU cluster. A task holds a CPU only while it runs, Ray Data schedules
    # it under the same resource budget as the read, and it fuses with the read into one
    # task per block (read, then clean, no copy between them), so no cluster size can
    # starve the read. What an actor would save, building the Cleaner, is paid once per
    # worker process (``_CLEANERS``).
    return ds.map_batches(fn, batch_format="pyarrow", batch_size=batch_size, num_cpus=num_cpus,
                          zero_copy_batch=True)


def _summarise(table: pa.Table, stats_field: str, error_field: str, id_field: str | None) -> pa.Table:
    summary = RunSummary()
    stats = table.column(stats_field).to_pylist()
    errors = table.column(error_field).to_pylist()
    ids = table.column(id_field).to_pylist() if id_field and id_field in table.column_names else None
    for i, (stat, error) in enumerate(zip(stats, errors, strict=True)):
        if error is not None:
            summary.fail(f"record {ids[i]}" if ids is not None else "record", error, record=True)
        elif stat is not None:
            summary.add(_decode_stats(stat), record=True)
    return pa.table({"summary": [json.dumps(summary.to_dict(), ensure_ascii=False)]})


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
        _summarise, batch_format="pyarrow", batch_size=None, zero_copy_batch=True,
        fn_kwargs={"stats_field": stats_field, "error_field": error_field, "id_field": id_field})
    total = RunSummary()
    for row in parts.iter_rows():
        total.merge(_from_dict(json.loads(row["summary"])))
    return total


def _from_dict(data: dict[str, Any]) -> RunSummary:
    """A RunSummary back from its ``to_dict()``."""
    s = RunSummary(**{k: data[k] for k in ("files", "records", "changed", "failed", "bad_records",
                                           "chars_in", "chars_removed", "edits", "flags")})
    for code, entry in data["per_rule"].items():
        s.per_rule[code] = entry["count"]
        s.names[code] = entry["name"]
    s.per_pack.update(data["per_pack"])
    s.failures.extend((f["where"], f["reason"]) for f in data["failures"])
    s.timeouts.update(data["timeouts"])
    s.disabled.update(data["disabled_rules"])
    return s


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
    columns = [c for c in (text_field, *site_fields) if c in ds.columns()]
    if text_field not in columns:
        raise ValueError(f"the dataset has no column {text_field!r}; pass text_field=")
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
