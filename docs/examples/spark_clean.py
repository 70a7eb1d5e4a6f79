#!/usr/bin/env python3
"""Clean JSON Lines with Spark: a pandas UDF cleans each Arrow batch of rows.

    PYSPARK_PYTHON="$(command -v python)" spark-submit docs/examples/spark_clean.py data/ out/
    PYSPARK_PYTHON="$(command -v python)" python docs/examples/spark_clean.py data/ out/   # local[*]

Writes ``out/`` (Spark's JSON part files: the records with the clean text, and
``cleaner_edits``, ``cleaner_error``, ``cleaner_stats`` columns) and
``out-run-summary.json``, the counts of the CLI's run summary for the same records.

**PYSPARK_PYTHON.** The UDF runs in Python worker processes that Spark starts itself,
with ``python3`` from the PATH unless ``PYSPARK_PYTHON`` names an interpreter. Without
it the workers do not see a virtual environment's packages and every task fails with
``ModuleNotFoundError: No module named 'cleaner'``. Set it to the interpreter where
``scrape-cleaner`` and ``pyarrow`` are installed (``pip install scrape-cleaner pyspark``).

**On a cluster** the executors need the same packages. ``--py-files`` is not enough:
scrape-cleaner depends on compiled wheels (lxml, regex, orjson, zstandard). Pack a whole
environment and ship it::

    python -m venv env && env/bin/pip install scrape-cleaner pyarrow pandas venv-pack
    env/bin/venv-pack -o env.tar.gz
    PYSPARK_PYTHON=./env/bin/python spark-submit --archives env.tar.gz#env docs/examples/spark_clean.py ...

(or ``pip install`` the wheel, ``pip wheel . -w dist/``, on every node's interpreter).
The function the UDF calls is defined at the top level of an importable file, as here,
so Spark can pickle it by reference; the Cleaner's options travel with it and each
Python worker compiles the Cleaner once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cleaner.integrations.arrow import make_arrow_cleaner, summarise, summary_from_dict
from cleaner.report import RunSummary

COLUMNS = ("text", "cleaner_edits", "cleaner_error", "cleaner_stats")
SCHEMA = ", ".join(f"{c} string" for c in COLUMNS)
CLEANER = make_arrow_cleaner("text")  # options checked on the driver, at import


def clean_texts(texts: pd.Series) -> pd.DataFrame:
    """The UDF's body: a batch of texts (a null: no text) -> the text and report columns."""
    table = pa.table({"text": pa.array(texts, type=pa.string(), from_pandas=True)})
    return CLEANER(table).to_pandas()[list(COLUMNS)]


def summary_of(stats: pd.Series, errors: pd.Series) -> RunSummary:
    table = pa.table({"cleaner_stats": pa.array(stats, pa.string(), from_pandas=True),
                      "cleaner_error": pa.array(errors, pa.string(), from_pandas=True)})
    return summary_from_dict(json.loads(summarise(table, "cleaner_stats", "cleaner_error", None)["summary"][0]
                                        .as_py()))


def summarise_group(rows: pd.DataFrame) -> pd.DataFrame:
    """One group of cleaned rows -> its run summary, as JSON in a one-row frame."""
    return pd.DataFrame({"summary": [json.dumps(summary_of(rows["cleaner_stats"], rows["cleaner_error"]).to_dict())]})


def main(source: str, out: str) -> None:
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf

    spark = SparkSession.builder.appName("scrape-cleaner").getOrCreate()
    clean = pandas_udf(clean_texts, SCHEMA)  # type: ignore[call-overload]
    df = spark.read.json(source)
    others = [c for c in df.columns if c not in COLUMNS]
    cleaned = df.withColumn("_c", clean(F.col("text"))).select(*others, "_c.*").cache()
    cleaned.write.mode("overwrite").json(out)

    # One summary per partition, computed beside the data; the driver adds them up.
    parts = cleaned.select(F.spark_partition_id().alias("partition"), "cleaner_stats", "cleaner_error")
    total = RunSummary()
    for row in parts.groupBy("partition").applyInPandas(summarise_group, "summary string").collect():
        total.merge(summary_from_dict(json.loads(row["summary"])))
    Path(f"{out.rstrip('/')}-run-summary.json").write_text(json.dumps(total.to_dict(), indent=2) + "\n",
                                                           encoding="utf-8")
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
