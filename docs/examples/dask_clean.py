#!/usr/bin/env python3
"""Clean JSON Lines with Dask (``map_partitions``), and write the run summary.

    python docs/examples/dask_clean.py data/*.jsonl out/ --text-field text --workers 2

Writes ``out/part-N.jsonl`` (the records with the clean text, and ``cleaner_edits``,
``cleaner_error``, ``cleaner_stats`` columns) and ``out/run-summary.json``, the counts
of the CLI's run summary for the same records. Needs ``pip install scrape-cleaner
'dask[dataframe]'`` (pyarrow comes with it).

The ``if __name__ == "__main__":`` guard at the end is required: Dask's process
scheduler (like ``distributed.LocalCluster``) starts its workers with ``spawn``, which
imports this file again in every worker. Without the guard each worker would start the
whole run anew instead of waiting for its tasks (Python stops it with "An attempt has
been made to start a new process before the current process has finished its
bootstrapping phase"). The functions the tasks call must therefore be defined at the top
level of an importable file, as here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cleaner.integrations.arrow import ArrowCleaner, make_arrow_cleaner, summarise, summary_from_dict
from cleaner.report import RunSummary


def clean_partition(part: pd.DataFrame, cleaner: ArrowCleaner) -> pd.DataFrame:
    """One partition: pandas -> Arrow -> cleaned -> pandas (a missing text becomes null)."""
    table = pa.Table.from_pandas(part, preserve_index=False)
    return cleaner(table).to_pandas()


def summarise_partition(part: pd.DataFrame) -> pd.DataFrame:
    table = pa.Table.from_pandas(part, preserve_index=False)
    return summarise(table, "cleaner_stats", "cleaner_error", "id" if "id" in part.columns else None).to_pandas()


def main() -> None:
    import dask
    import dask.dataframe as dd

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="JSON Lines files")
    ap.add_argument("out", type=Path, help="output folder")
    ap.add_argument("--text-field", default="text")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--blocksize", default="16MB", help="bytes of input per partition")
    args = ap.parse_args()

    # Checked here, in the driver: a bad selector or pack fails before any task starts.
    cleaner = make_arrow_cleaner(args.text_field)
    # dtype=False: ids and texts stay as they are in the file (pandas would guess types).
    ddf = dd.read_json(args.inputs, lines=True, blocksize=args.blocksize, dtype=False, convert_dates=False)
    cleaned = ddf.map_partitions(clean_partition, cleaner, meta=clean_partition(ddf._meta, cleaner))
    args.out.mkdir(parents=True, exist_ok=True)
    columns = ["cleaner_stats", "cleaner_error", *(["id"] if "id" in ddf.columns else [])]
    with dask.config.set(scheduler="processes", num_workers=args.workers):
        cleaned = cleaned.persist()  # cleaned once, written and summarised from memory
        cleaned.to_json(str(args.out / "part-*.jsonl"), orient="records", lines=True, force_ascii=False)
        parts = cleaned[columns].map_partitions(summarise_partition, meta={"summary": "object"}).compute()
    total = RunSummary()
    for text in parts["summary"]:
        total.merge(summary_from_dict(json.loads(text)))
    (args.out / "run-summary.json").write_text(json.dumps(total.to_dict(), indent=2) + "\n", encoding="utf-8")
    print(f"{total.records} records cleaned, {total.bad_records} passed through; {args.out}/run-summary.json")


if __name__ == "__main__":
    main()
