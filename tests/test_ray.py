"""Cleaning and learning on a real local Ray cluster, compared with the CLI on the same records.

The cluster is started once for the module, as the docs tell users to start one on a
laptop: ``ray.init(num_cpus=2, include_dashboard=False)``. Two CPUs is the case that hangs
an actor pool of two (the read stage never gets a CPU), so every test here finishing
is also the proof that ``clean_dataset`` does not starve the read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_integrations import corpus, read_jsonl, write_jsonl

from cleaner.cli import main
from cleaner.integrations.datasets import decode_edits

pytestmark = pytest.mark.integration

ray = pytest.importorskip("ray", reason="needs ray: pip install -e '.[ray]'")

USER_PACK = """\
[pack]
name = "mine"
prefix = "USR"

[[rule]]
code = "USR001"
name = "plain-marker"
kind = "line"
triggers = ["paragraphs"]
patterns = ['just two short paragraphs of prose\\.']
message = "A test line."
why = "A test pack."
remove = ["Just two short paragraphs of prose."]
keep = ["Not just two short paragraphs of prose. More."]
"""


@pytest.fixture(scope="module")
def cluster() -> Any:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def records() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"id": k, "text": v} for k, v in corpus().items()]
    rows.insert(2, {"id": "no-text"})  # passed through and marked, never dropped
    return rows


def cli_run(tmp_path: Path, rows: list[dict[str, Any]], *options: str) -> tuple[dict[str, dict[str, Any]],
                                                                                   dict[str, list[Any]],
                                                                                   dict[str, Any]]:
    """The CLI on ``rows`` as data.jsonl: the records out, the edits per id, the run summary."""
    write_jsonl(tmp_path / "in" / "data.jsonl", rows)
    rc = main([str(tmp_path / "in" / "data.jsonl"), "-o", str(tmp_path / "cli"), "-q", *options])
    assert rc == 3  # the record without text is a failure the run reports
    out = {r["id"]: r for r in read_jsonl(tmp_path / "cli") if "line" not in r}
    report = [json.loads(line) for line in (tmp_path / "cli" / "data.report.jsonl").read_text().splitlines()]
    edits = {r["id"]: r["edits"] for r in report}
    return out, edits, json.loads((tmp_path / "cli" / "run-summary.json").read_text())


@pytest.mark.parametrize("options", [(), ("--ignore", "CM,NV005", "--rules", "USER")], ids=["defaults", "options"])
def test_clean_dataset_equals_the_cli(cluster: Any, tmp_path: Path, options: tuple[str, ...]) -> None:
    from cleaner.integrations.ray import clean_dataset, run_summary

    (tmp_path / "mine.toml").write_text(USER_PACK, encoding="utf-8")
    options = tuple(str(tmp_path / "mine.toml") if o == "USER" else o for o in options)
    rows = records()
    cli_out, cli_edits, cli_summary = cli_run(tmp_path, rows, *options)

    kwargs: dict[str, Any] = {}
    if options:
        kwargs = {"ignore": ["CM", "NV005"], "rules": [tmp_path / "mine.toml"]}
    # Read as a user would, from the same file, in two blocks.
    ds = ray.data.read_json(str(tmp_path / "in" / "data.jsonl"), override_num_blocks=2)
    cleaned = clean_dataset(ds, **kwargs).materialize()
    got = {r["id"]: r for r in cleaned.take_all()}

    assert set(got) == {r["id"] for r in rows}  # nothing dropped
    for rid, row in got.items():
        if rid == "no-text":
            assert row["text"] is None and row["cleaner_error"] and row["cleaner_stats"] is None
            continue
        assert row["cleaner_error"] is None
        assert row["text"] == cli_out[rid]["text"], rid
        assert json.loads(row["cleaner_edits"]) == cli_edits.get(rid, []), rid
        assert [e.to_dict() for e in decode_edits(row["cleaner_edits"])] == cli_edits.get(rid, [])
    assert any(cli_edits.values())  # the records do exercise rules
    if options:
        assert "USR001" in cli_summary["per_rule"] and not any(c.startswith("CM") for c in cli_summary["per_rule"])

    summary = run_summary(cleaned).to_dict()
    # Everything but where a failure was: the CLI names file:line, the adapter the row's id.
    assert [f["where"] for f in summary["failures"]] == ["record no-text"]
    assert len(cli_summary["failures"]) == 1
    for s in (summary, cli_summary):
        s.pop("failures")
    assert summary == cli_summary


def test_clean_dataset_on_many_blocks_merges_one_summary(cluster: Any) -> None:
    from cleaner import Cleaner
    from cleaner.integrations.ray import clean_dataset, run_summary

    texts = list(corpus().values()) * 6
    ds = ray.data.from_items([{"text": t} for t in texts], override_num_blocks=9)
    summary = run_summary(clean_dataset(ds, batch_size=4))
    expected = [Cleaner().clean(t) for t in texts]
    assert summary.records == len(texts) and summary.bad_records == 0
    assert summary.edits == sum(len(r.edits) for r in expected)
    assert dict(summary.per_rule) == {code: sum(r.counts.get(code, 0) for r in expected)
                                      for code in {c for r in expected for c in r.counts}}


def test_datatrove_step_under_the_ray_executor_equals_the_cli(cluster: Any, tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="needs datatrove: pip install -e '.[datatrove]'")
    from datatrove.executor.ray import RayPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove import CleanerStep

    rows = [r for r in records() if "text" in r]
    cli_out, cli_edits, _ = cli_run(tmp_path, [*rows, {"id": "no-text"}])
    write_jsonl(tmp_path / "dt" / "a.jsonl", rows[0::2])
    write_jsonl(tmp_path / "dt" / "b.jsonl", rows[1::2])
    RayPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "dt")), CleanerStep(),
                  JsonlWriter(str(tmp_path / "dt-out"), compression=None)],
        tasks=2, workers=2, logging_dir=str(tmp_path / "dt-logs"), mem_per_cpu_gb=0.5,
    ).run()
    out = {r["id"]: r for r in read_jsonl(tmp_path / "dt-out")}
    assert set(out) == {r["id"] for r in rows}
    for rid, row in out.items():
        assert row.get("text", "") == cli_out[rid]["text"], rid  # the writer leaves out empty fields
        assert row["metadata"]["cleaner_edits"] == cli_edits.get(rid, []), rid


def test_learn_dataset_writes_the_cli_pack_byte_for_byte(cluster: Any, tmp_path: Path) -> None:
    from test_learn import _write_jsonl
    from test_learn_scale import DOCS

    from cleaner.integrations.ray import learn_dataset

    data = _write_jsonl(tmp_path / "corpus.jsonl", DOCS)
    pack = tmp_path / "cli.toml"
    assert main(["learn", str(data), "-o", str(pack), "--text-field", "meta.body", "--site-field", "source",
                 "-q"]) == 0
    rows = [{"body": json.loads(line)["meta"]["body"], "url": json.loads(line)["source"]}
            for line in data.read_text(encoding="utf-8").splitlines()]
    # Blocks and batches cut the corpus where the CLI's single pass does not.
    ds = ray.data.from_items(rows, override_num_blocks=4)
    result = learn_dataset(ds, text_field="body", batch_size=7)
    assert result.docs == len(rows)
    assert result.pack.text.encode("utf-8") == pack.read_bytes()
    with pytest.raises(ValueError, match="site_field"):
        learn_dataset(ds, text_field="body", site_field="source")
