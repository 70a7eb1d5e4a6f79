"""The Spark and Dask recipes of docs/distributed.md (docs/examples/*.py) give the CLI's output.

The Dask script runs for real, as a user would run it (a new process, Dask's process
scheduler with two workers, which needs the script's ``__main__`` guard). Spark needs a
JVM and a 450 MB package, so CI checks the Spark script's UDF body and summary on the
same records, without Spark itself.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from test_integrations import read_jsonl
from test_ray import cli_run, records

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def without_failures(summary: dict[str, Any]) -> dict[str, Any]:
    # Where a failure was is named differently (file:line on the CLI); what failed is compared.
    return {k: v for k, v in summary.items() if k != "failures"}


@pytest.mark.integration
def test_dask_recipe_equals_the_cli(tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe", reason="needs dask: pip install 'dask[dataframe]'")
    rows = records()
    cli_out, cli_edits, cli_summary = cli_run(tmp_path, rows)
    out = tmp_path / "dask"
    # Small partitions, so the two worker processes share the records.
    proc = subprocess.run([sys.executable, str(EXAMPLES / "dask_clean.py"), str(tmp_path / "in" / "data.jsonl"),
                           str(out), "--workers", "2", "--blocksize", "4kB"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {r["id"]: r for r in read_jsonl(out)}
    assert len(list(out.glob("part-*.jsonl"))) > 1
    assert set(got) == {r["id"] for r in rows}
    for rid, row in got.items():
        if rid == "no-text":
            assert row["cleaner_error"] and row.get("text") is None
            continue
        assert row["text"] == cli_out[rid]["text"], rid
        assert json.loads(row["cleaner_edits"]) == cli_edits.get(rid, []), rid
    summary = json.loads((out / "run-summary.json").read_text())
    assert len(summary["failures"]) == len(cli_summary["failures"]) == 1
    assert without_failures(summary) == without_failures(cli_summary)


def test_spark_recipe_udf_and_summary_equal_the_cli(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas", reason="needs pandas and pyarrow: pip install -e '.[ray]'")
    pytest.importorskip("pyarrow")
    spark = load("spark_clean")
    rows = records()
    cli_out, cli_edits, cli_summary = cli_run(tmp_path, rows)
    texts = pd.Series([r.get("text") for r in rows], dtype=object)
    # Two batches, as Arrow hands them to a pandas UDF.
    frames = [spark.clean_texts(texts.iloc[:3]), spark.clean_texts(texts.iloc[3:].reset_index(drop=True))]
    cleaned = pd.concat(frames, ignore_index=True)
    assert list(cleaned.columns) == list(spark.COLUMNS)
    for row, src in zip(cleaned.to_dict("records"), rows, strict=True):
        if "text" not in src:
            assert row["cleaner_error"] and pd.isna(row["text"])
            continue
        assert row["text"] == cli_out[src["id"]]["text"]
        assert json.loads(row["cleaner_edits"]) == cli_edits.get(src["id"], [])
    parts = [spark.summarise_group(f) for f in frames]
    from cleaner.integrations.arrow import summary_from_dict
    from cleaner.report import RunSummary

    total = RunSummary()
    for part in parts:
        total.merge(summary_from_dict(json.loads(part["summary"][0])))
    assert without_failures(total.to_dict()) == without_failures(cli_summary)
