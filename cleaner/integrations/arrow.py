"""Cleaning Arrow tables: the batch function behind the Ray adapter, and any engine that
hands over Arrow data (Spark's pandas UDFs and ``mapInArrow``, Dask partitions converted
with ``pyarrow.Table.from_pandas``; see docs/distributed.md).

>>> from cleaner.integrations.arrow import make_arrow_cleaner
>>> clean = make_arrow_cleaner(text_field="text", ignore=["NV"])
>>> table = clean(pyarrow_table)     # text cleaned; cleaner_edits, cleaner_error, cleaner_stats added

Columns added (each a string column):

- ``cleaner_edits``: the edits, a JSON array of ``Edit.to_dict()`` (``"[]"``: none), the
  encoding of the datasets adapter (``cleaner.integrations.datasets.decode_edits``);
- ``cleaner_error``: ``None``, or why the row was not cleaned (no text, not a string, the
  cleaner failed on it). Such a row passes through with its text unchanged: a row is
  never dropped;
- ``cleaner_stats``: what a run summary needs from the row (JSON; ``summarise`` adds
  them up); ``stats_field=None`` leaves it out.

Only pyarrow is needed. The text column must be top-level (Arrow has no dotted paths).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..engine import Cleaner
from ..model import Pack
from ..report import DocStats, RunSummary
from . import LazyCleaner
from .datasets import encode_edits

__all__ = ["ArrowCleaner", "make_arrow_cleaner", "summarise", "summary_from_dict"]

# One compiled Cleaner per worker process and set of options. An engine's task (Ray,
# Spark, Dask) receives its function pickled, without the Cleaner; engines reuse worker
# processes, so the 0.2 s build is paid once per process, not once per block.
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


class ArrowCleaner:
    """Cleans a ``pyarrow.Table`` (see the module's docstring): picklable, it carries
    the Cleaner's options only and uses one compiled Cleaner per process."""

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


def make_arrow_cleaner(text_field: str = "text", *, select: Sequence[str] | None = None,
                       ignore: Sequence[str] = (), rules: Sequence[str | Path | Pack] = (),
                       packs: Sequence[str | Pack] | None = None, edits_field: str = "cleaner_edits",
                       error_field: str = "cleaner_error", stats_field: str | None = "cleaner_stats",
                       full_page: bool = False, scorer: bool | None = None) -> ArrowCleaner:
    """A table cleaner with these Cleaner options, checked now (a bad selector fails here).

    ``select``/``ignore`` take rule codes, prefixes, names or pack names, as on the CLI;
    ``rules`` adds user packs (read now: workers need not see the files); ``packs``
    replaces the default packs; ``full_page`` and ``scorer`` are the Cleaner's.
    """
    lazy = LazyCleaner(packs, select=select, ignore=ignore, extra_packs=rules, full_page=full_page, scorer=scorer)
    return ArrowCleaner(lazy, text_field, edits_field, error_field, stats_field)


def summarise(table: pa.Table, stats_field: str, error_field: str, id_field: str | None) -> pa.Table:
    """The run summary of cleaned rows, as a one-row table holding its JSON (so engines can
    compute it next to the data and send back a few hundred bytes per batch)."""
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


def summary_from_dict(data: dict[str, Any]) -> RunSummary:
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
