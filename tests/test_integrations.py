"""The datatrove step and the datasets map function, run for real on a small corpus.

The corpus is the five seeds plus synthetic documents: one that cleans to nothing,
one with nothing to clean. Expected outputs come from ``Cleaner().clean`` itself.
"""

from __future__ import annotations

import gzip
import importlib
import json
import pickle
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cleaner import Cleaner, Edit, RuleError

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
EMPTIED = ("Leave a Reply\n\nThis site uses Akismet to reduce spam. "
           "Learn how your comment data is processed.")
PLAIN = "Nothing here is boilerplate.\n\nJust two short paragraphs of prose.\n"


def corpus() -> dict[str, str]:
    docs = {p.stem: p.read_bytes().decode() for p in SEEDS}
    docs["emptied"] = EMPTIED
    docs["plain"] = PLAIN
    docs["short"] = "A sentence worth keeping.\n\nRead more: Another story here\n"
    return docs


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def read_jsonl(folder: Path) -> list[dict[str, Any]]:
    rows = []
    for f in sorted(folder.rglob("*.jsonl*")):
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rt", encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def test_corpus_has_what_the_tests_need() -> None:
    assert len(SEEDS) == 5
    cl = Cleaner()
    assert cl.clean(EMPTIED).text.strip() == ""
    assert not cl.clean(PLAIN).changed


# -- datatrove ----------------------------------------------------------------


@pytest.mark.integration
def test_datatrove_local_executor_two_tasks(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="needs datatrove: pip install -e '.[datatrove]'")
    pytest.importorskip("orjson")  # JsonlReader/JsonlWriter need it
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove import CleanerStep

    docs = corpus()
    ids = list(docs)
    # Two input files, so each of the two tasks reads one.
    write_jsonl(tmp_path / "in" / "a.jsonl", [{"id": i, "text": docs[i]} for i in ids[0::2]])
    write_jsonl(tmp_path / "in" / "b.jsonl", [{"id": i, "text": docs[i]} for i in ids[1::2]])
    logs = tmp_path / "logs"
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(tmp_path / "in")),
            CleanerStep(drop_empty=True),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=2, workers=2, logging_dir=str(logs),
    )
    returned = executor.run()

    cl = Cleaner()
    expected = {i: cl.clean(t) for i, t in docs.items()}
    out = {r["id"]: r for r in read_jsonl(tmp_path / "out")}
    assert set(out) == set(ids) - {"emptied"}
    for i, row in out.items():
        # The writer leaves out empty fields.
        assert row.get("text", "") == expected[i].text, i
        assert row["metadata"]["cleaner_edits"] == [e.to_dict() for e in expected[i].edits], i
    assert out["plain"]["metadata"]["cleaner_edits"] == []

    merged = json.loads((logs / "stats.json").read_text())
    assert merged == json.loads(returned.to_json())
    stats = step_stats(merged)
    rule_counts = sum((Counter(r.counts) for r in expected.values()), Counter())
    assert rule_counts  # the corpus does exercise rules
    for code, n in rule_counts.items():
        assert total(stats[code]) == n, code
    assert total(stats["edits"]) == sum(rule_counts.values())
    assert total(stats["changed"]) == sum(r.changed for r in expected.values())
    assert total(stats["chars_removed"]) == sum(r.chars_removed for r in expected.values())
    assert total(stats["total"]) == len(docs)
    assert total(stats["forwarded"]) == len(docs) - 1
    assert total(stats["dropped"]) == total(stats["dropped_empty"]) == total(stats["empty"]) == 1
    # Both tasks got work.
    for rank in (0, 1):
        task = step_stats(json.loads((logs / "stats" / f"{rank:05d}.json").read_text()))
        assert total(task["total"]) > 0, rank


def step_stats(pipeline_stats: list[dict[str, Any]]) -> dict[str, Any]:
    [block] = [b for b in pipeline_stats if "scrape-cleaner" in b["name"]]
    return block["stats"]


def total(stat: int | float | dict[str, Any]) -> float:
    """datatrove saves a metric as a bare number or as a dict with its total."""
    return stat["total"] if isinstance(stat, dict) else stat


@pytest.mark.integration
def test_datatrove_step_in_process_options(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="needs datatrove: pip install -e '.[datatrove]'")
    pytest.importorskip("orjson")
    from datatrove.data import Document
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove import CleanerStep

    def run(step: CleanerStep) -> list[Document]:
        docs = [Document(text=t, id=i) for i, t in corpus().items()]
        return list(step.run(iter(docs)))

    # Kept when empty, no edits stored.
    kept = {d.id: d for d in run(CleanerStep(edits_key=None))}
    assert kept["emptied"].text.strip() == ""
    assert all(d.metadata == {} for d in kept.values())

    # A custom key and a selection.
    sel = {d.id: d for d in run(CleanerStep(select=["CM"], edits_key="cm"))}
    assert {e["rule"] for d in sel.values() for e in d.metadata["cm"]} <= {"CM001", "CM002"}
    assert sel["short"].text == corpus()["short"]

    # Dropped documents go to the exclusion writer with their original text and edits.
    step = CleanerStep(drop_empty=True, exclusion_writer=JsonlWriter(str(tmp_path / "x"), compression=None))
    assert "emptied" not in {d.id for d in run(step)}
    [dropped] = read_jsonl(tmp_path / "x")
    assert dropped["id"] == "emptied" and dropped["text"] == EMPTIED
    assert dropped["metadata"]["filter_reason"] == "empty"
    assert {e["rule"] for e in dropped["metadata"]["cleaner_edits"]} == {"CM001", "CM002"}


@pytest.mark.integration
def test_datatrove_step_pickles_without_its_cleaner() -> None:
    pytest.importorskip("datatrove", reason="needs datatrove: pip install -e '.[datatrove]'")
    import dill

    from cleaner.integrations.datatrove import CleanerStep

    step = CleanerStep(ignore=["NV"], drop_empty=True)
    assert step.lazy_cleaner._cleaner is not None  # built once, to check the options
    for blob in (pickle.dumps(step), dill.dumps(step)):
        assert len(blob) < 5_000  # the options, not compiled packs
        copy = pickle.loads(blob)
        assert copy.lazy_cleaner._cleaner is None
        text = corpus()["short"]
        assert copy.lazy_cleaner.cleaner.clean(text).text == Cleaner(ignore=["NV"]).clean(text).text


@pytest.mark.integration
def test_datatrove_step_checks_options_up_front(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="needs datatrove: pip install -e '.[datatrove]'")
    from cleaner.integrations.datatrove import CleanerStep

    with pytest.raises(RuleError, match="matches no rule"):
        CleanerStep(select=["ZZ999"])
    with pytest.raises(RuleError, match="cannot read"):
        CleanerStep(extra_packs=[tmp_path / "missing.toml"])


def test_missing_datatrove_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "datatrove" or m.startswith("datatrove.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "cleaner.integrations.datatrove", raising=False)
    monkeypatch.setitem(sys.modules, "datatrove", None)  # also when it was never imported
    with pytest.raises(ImportError, match=r"pip install 'scrape-cleaner\[datatrove\]'"):
        importlib.import_module("cleaner.integrations.datatrove")


# -- datasets -----------------------------------------------------------------


@pytest.mark.integration
def test_datasets_map_batched_two_processes() -> None:
    datasets = pytest.importorskip("datasets", reason="needs datasets: pip install -e '.[datasets]'")
    from cleaner.integrations.datasets import decode_edits, make_batch_cleaner

    docs = corpus()
    ds = datasets.Dataset.from_dict({"id": list(docs), "text": list(docs.values())})
    fn = make_batch_cleaner()
    out = ds.map(fn, batched=True, batch_size=3, num_proc=2)

    assert out.column_names == ["id", "text", "cleaner_edits"]
    assert out.features["cleaner_edits"].dtype == "string"
    cl = Cleaner()
    for row in out:
        res = cl.clean(docs[row["id"]])
        assert row["text"] == res.text, row["id"]
        assert decode_edits(row["cleaner_edits"]) == list(res.edits), row["id"]
    assert json.loads(out[list(docs).index("plain")]["cleaner_edits"]) == []


@pytest.mark.integration
def test_datasets_function_options_nulls_and_fingerprint() -> None:
    datasets = pytest.importorskip("datasets", reason="needs datasets: pip install -e '.[datasets]'")
    from datasets.fingerprint import Hasher

    from cleaner.integrations.datasets import decode_edits, make_batch_cleaner

    fn = make_batch_cleaner("body", None, select=["comments"])
    before = Hasher.hash(fn)
    ds = datasets.Dataset.from_dict({"body": [EMPTIED, None, corpus()["short"]]})
    out = ds.map(fn, batched=True)
    assert out.column_names == ["body"]
    assert out["body"] == ["", None, corpus()["short"]]
    # Using the function (and so building its Cleaner) leaves its hash alone,
    # so datasets' cache fingerprint is the same from run to run.
    assert Hasher.hash(fn) == before
    assert pickle.loads(pickle.dumps(fn)).lazy_cleaner._cleaner is None
    # The hash follows the rules themselves (an upgrade that changes the shipped packs
    # must not reuse cached results), and so does a different selection.
    assert make_batch_cleaner("body", None, select=["CM001"]).lazy_cleaner.rules_digest \
        != fn.lazy_cleaner.rules_digest
    fn.lazy_cleaner.rules_digest = "changed"
    assert Hasher.hash(fn) != before

    edits = make_batch_cleaner()({"text": [EMPTIED, None]})["cleaner_edits"]
    assert [e.rule for e in decode_edits(edits[0])] == ["CM001", "CM002"]
    assert all(isinstance(e, Edit) for e in decode_edits(edits[0]))
    assert decode_edits(edits[1]) == [] and decode_edits(None) == []
    with pytest.raises(KeyError, match="text_column"):
        make_batch_cleaner()({"body": ["x"]})


def test_datasets_function_on_one_row_cleans_that_row() -> None:
    """Without batched=True, map hands over one row: its text is not a batch of characters."""
    from cleaner.integrations.datasets import decode_edits, make_batch_cleaner

    fn = make_batch_cleaner()
    row = fn({"id": 1, "text": EMPTIED})
    assert row["text"] == "" and [e.rule for e in decode_edits(row["cleaner_edits"])] == ["CM001", "CM002"]
    assert fn({"text": None}) == {"text": None, "cleaner_edits": "[]"}
    assert make_batch_cleaner(edits_column=None)({"text": PLAIN}) == {"text": PLAIN}


@pytest.mark.integration
def test_datasets_map_without_batched_matches_batched() -> None:
    datasets = pytest.importorskip("datasets", reason="needs datasets: pip install -e '.[datasets]'")
    from cleaner.integrations.datasets import make_batch_cleaner

    docs = corpus()
    ds = datasets.Dataset.from_dict({"id": list(docs), "text": [*list(docs.values())[:-1], None]})
    fn = make_batch_cleaner()
    one_by_one = ds.map(fn)
    assert one_by_one.to_list() == ds.map(fn, batched=True, batch_size=3).to_list()
    assert one_by_one[0]["text"] == Cleaner().clean(docs[next(iter(docs))]).text


def test_adapters_refuse_an_unknown_ignore_up_front() -> None:
    from cleaner.integrations import LazyCleaner
    from cleaner.integrations.datasets import make_batch_cleaner

    with pytest.raises(RuleError, match="--ignore NV999 matches no rule"):
        make_batch_cleaner(ignore=["NV999"])
    with pytest.raises(RuleError, match="--ignore navigatoin matches no rule"):
        LazyCleaner(ignore=["navigatoin"])


def test_adapters_carry_the_full_page_and_scorer_options_to_every_worker() -> None:
    """A pipeline over flattened pages gets the Cleaner a CLI user would with --full-page:
    the option travels in the pickled state, and the rebuilt Cleaner uses it."""
    from cleaner.integrations import LazyCleaner
    from cleaner.integrations.arrow import make_arrow_cleaner
    from cleaner.integrations.datasets import make_batch_cleaner

    page = ("Home\n\nNews\n\nSport\n\nWeather\n\nContact us\n\n"
            "The council approved the new harbour wall on Tuesday after a two-hour debate, "
            "and work will start in the spring, the mayor said.\n\nPrivacy\n\nTerms\n\nCookies\n")
    lazy = LazyCleaner(full_page=True)
    rebuilt = pickle.loads(pickle.dumps(lazy))
    assert rebuilt.cleaner is not lazy.cleaner and rebuilt.cleaner.full_page
    assert rebuilt.cleaner.clean(page).text == Cleaner(full_page=True).clean(page).text
    assert "full_page=True" in repr(lazy)
    assert make_batch_cleaner(full_page=True).lazy_cleaner.cleaner.full_page
    assert make_arrow_cleaner(scorer=True).lazy.cleaner.rules == Cleaner(scorer=True).rules
    assert not any(r.code == "SC001" for r in LazyCleaner().cleaner.rules)
