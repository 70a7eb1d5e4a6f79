"""The JSON Schemas shipped beside report.schema.json: run-summary.json and the lines of a
JSON Lines or Parquet side report, checked against what the CLI really writes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from cleaner.cli import main

DIRTY = "The council met on Tuesday.\n\nRead More\n\nLeave a Reply\n"
# A record per case: cleaned, left alone, with an id of another type, lacking the field,
# holding null, not JSON at all.
RECORDS = [{"id": 1, "text": DIRTY}, {"id": "b", "text": "Nothing to remove."}, {"id": [3], "text": DIRTY},
           {"id": 4}, {"text": None}]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    """The schema as the package ships it; its references resolve to its neighbours."""
    folder = resources.files("cleaner")
    schemas = [json.loads(f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".schema.json")]
    registry: Registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    schema = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _lines(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(DIRTY, encoding="utf-8")
    (src / "b.txt").write_bytes(b"\x00\x01binary")
    (src / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS) + "not json\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q"]) == 3
    return out


def test_run_summary_matches_its_schema(run: Path) -> None:
    summary = json.loads((run / "run-summary.json").read_text(encoding="utf-8"))
    assert summary["failed"] == 1 and summary["bad_records"] == 3 and summary["per_rule"]
    validator = _validator("run-summary.schema.json")
    validator.validate(summary)
    # The schema holds the run to its shape: a missing or misspelled key is refused.
    for broken in ({k: v for k, v in summary.items() if k != "failures"}, {**summary, "per_rules": {}},
                   {**summary, "per_rule": {"NV1": {"name": "x", "count": 1}}}):
        assert not validator.is_valid(broken)


def test_jsonl_side_report_lines_match_their_schema(run: Path) -> None:
    lines = _lines(run / "r.report.jsonl")
    assert [(r["line"], r["id"]) for r in lines] == [(1, 1), (3, [3])]  # only the edited records
    validator = _validator("record-report.schema.json")
    for line in lines:
        validator.validate(line)
    assert not validator.is_valid({**lines[0], "line": 0})
    assert not validator.is_valid({**lines[0], "edits": [{"rule": "NV001"}]})  # an edit is a whole edit


def test_report_field_matches_the_record_report_schema(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    assert main([str(src), "-o", str(tmp_path / "out"), "--report-field", "cleaner", "-q"]) == 0
    (record,) = _lines(tmp_path / "out" / "r.jsonl")
    _validator("record-report.schema.json").validate(record["cleaner"])


@pytest.mark.integration
def test_parquet_side_report_lines_match_their_schema(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="needs pyarrow: pip install -e '.[parquet]'")
    pq = pytest.importorskip("pyarrow.parquet", reason="needs pyarrow: pip install -e '.[parquet]'")
    src = tmp_path / "d.parquet"
    pq.write_table(pa.table({"text": [DIRTY, None, "Plain prose."]}), src)
    assert main([str(src), "-o", str(tmp_path / "out"), "-q"]) == 0
    lines = _lines(tmp_path / "out" / "d.report.jsonl")
    assert [r["row"] for r in lines] == [0]
    validator = _validator("record-report.schema.json")
    for line in lines:
        validator.validate(line)
