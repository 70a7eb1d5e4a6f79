"""`clean learn` split into map (counts per shard), merge and emit: the pack is
byte-identical whatever the number of shards, their order, the workers and the spill limit.

The corpora are synthetic and built here (test_learn.corpus: three sites with headers,
footers, quotations and a syndicated wire story; ``mixed``: more sites of varying size).
"""

from __future__ import annotations

import json
import random
from itertools import pairwise
from pathlib import Path

import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_learn import _prose, _write_jsonl, corpus

from cleaner.cli import main
from cleaner.learn import (
    CountConfig,
    CountsFileError,
    Document,
    LineCounts,
    Totals,
    count_documents,
    learn,
    learn_from_counts,
    merge_files,
    merge_records,
    read_counts,
    write_counts,
)


def mixed(seed: int = 1, n: int = 60) -> list[Document]:
    """Documents of five sites of different sizes, each with its own boilerplate lines."""
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        site = f"site{rnd.randint(0, 4)}.example"
        lines = [f"{site} navigation: home / news / sport"] if rnd.random() < 0.7 else []
        lines += [_prose(rnd) for _ in range(rnd.randint(2, 5))]
        if rnd.random() < 0.5:
            lines.append(f"Follow {site} on the fediverse for {rnd.randint(1, 9)} daily updates")
        lines.append("Share this story")
        docs.append(Document(f"d{i}", "\n".join(lines), site if rnd.random() < 0.9 else None))
    return docs


def counts_of(docs: list[Document], config: CountConfig) -> tuple[Totals, list[LineCounts]]:
    counter = count_documents(docs, config)
    try:
        return counter.totals, list(counter.records())
    finally:
        counter.close()


def sharded(docs: list[Document], cuts: list[int], rnd: random.Random, config: CountConfig
            ) -> tuple[Totals, list[LineCounts]]:
    """Count ``docs`` cut into shards at ``cuts``, and merge the shards in a random order."""
    bounds = [0, *sorted(cuts), len(docs)]
    shards = [counts_of(docs[a:b], config) for a, b in pairwise(bounds)]
    rnd.shuffle(shards)
    totals = Totals()
    for t, _ in shards:
        totals = totals + t
    return totals, list(merge_records([r for _, r in shards], config))


DOCS = corpus() + mixed()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.integers(0, len(DOCS)), max_size=8), shuffle=st.randoms(use_true_random=False),
       max_cells=st.sampled_from([1, 7, 50, 1_000_000]))
def test_counts_do_not_depend_on_shards_order_or_spills(cuts: list[int], shuffle: random.Random,
                                                        max_cells: int) -> None:
    docs = list(DOCS)
    shuffle.shuffle(docs)  # documents in any order, cut anywhere, shards merged in any order
    whole = counts_of(DOCS, CountConfig())
    assert sharded(docs, cuts, shuffle, CountConfig(max_cells=max_cells)) == whole


def test_pack_is_byte_identical_for_any_sharding(tmp_path: Path) -> None:
    expected = learn(DOCS).pack.text
    assert expected.count("[[rule]]") >= 5
    rnd = random.Random(4)
    for trial in range(3):
        docs = list(DOCS)
        rnd.shuffle(docs)
        k = rnd.randint(2, 6)
        paths = []
        for i in range(k):
            totals, records = counts_of(docs[i::k], CountConfig(max_cells=rnd.choice([5, 10_000])))
            paths.append(tmp_path / f"t{trial}-{i}.counts")
            write_counts(paths[-1], totals, CountConfig(), records)
        rnd.shuffle(paths)
        config, totals, records = merge_files(paths)
        assert learn_from_counts(records, totals, config=config).pack.text == expected


def test_spilling_keeps_counts_exact_on_a_corpus_larger_than_the_limit() -> None:
    # A limit of 50 entries against a corpus of thousands of distinct lines: the counter
    # holds at most the limit (plus one document's lines) and spills sorted runs.
    config = CountConfig(max_cells=50)
    counter = count_documents(DOCS, config)
    try:
        assert len(counter.runs) > 20
        assert counter.cells < 50 + 3 * max(len(d.text.splitlines()) for d in DOCS)
        records = list(counter.records())
    finally:
        counter.close()
    assert records == counts_of(DOCS, CountConfig())[1]
    assert len(records) > 10 * 50  # more than ten times what the counter may hold
    assert all(a.sort_key < b.sort_key for a, b in zip(records, records[1:], strict=False))


def test_many_counts_files_are_merged_in_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.learn import merge

    monkeypatch.setattr(merge, "MAX_OPEN", 3)  # 11 files: groups of three, merged twice over
    paths = []
    for i in range(11):
        totals, records = counts_of(DOCS[i::11], CountConfig())
        paths.append(tmp_path / f"c{i}.counts")
        write_counts(paths[-1], totals, CountConfig(), records)
    config, totals, records = merge_files(paths)
    assert (totals, list(records)) == counts_of(DOCS, CountConfig())


# --- the counts file ---------------------------------------------------------------------------------


def test_counts_file_round_trip_and_clear_errors(tmp_path: Path) -> None:
    totals, records = counts_of(corpus(), CountConfig())
    good = tmp_path / "good.counts"
    assert write_counts(good, totals, CountConfig(), records) == len(records)
    opened = read_counts(good)
    assert opened.totals == totals and list(opened.records()) == records

    with good.open("rb") as f:
        lines = zstandard.ZstdDecompressor().stream_reader(f).read().splitlines(keepends=True)

    def variant(name: str, body: list[bytes]) -> Path:
        p = tmp_path / name
        p.write_bytes(zstandard.compress(b"".join(body)))
        return p

    header = json.loads(lines[0])
    cases = {
        "not zstd": (good.with_name("plain.counts"), "not a counts file"),
        "no header": (variant("nohead.counts", lines[1:]), "not a counts file"),
        "version": (variant("v9.counts", [json.dumps({**header, "version": 9}).encode() + b"\n", *lines[1:]]),
                    "version 9"),
        "truncated": (variant("cut.counts", lines[:-1]), "truncated"),
        "order": (variant("order.counts", [lines[0], lines[2], lines[1], *lines[3:]]), "out of order"),
        "garbage": (variant("junk.counts", [lines[0], b"{nope\n", *lines[2:]]), "not JSON"),
        "cut stream": (good.with_name("cutz.counts"), "not a counts file|truncated"),
    }
    good.with_name("plain.counts").write_text("key\tscope\n", encoding="utf-8")
    good.with_name("cutz.counts").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    for name, (path, message) in cases.items():
        with pytest.raises(CountsFileError, match=message):
            list(read_counts(path).records())
        assert main(["learn", "--merge", str(path), "-o", str(tmp_path / "pack.toml")]) == 2, name
    assert not (tmp_path / "pack.toml").exists()

    other = tmp_path / "other.counts"
    write_counts(other, totals, CountConfig(max_length=100), records)
    with pytest.raises(CountsFileError, match="same options"):
        merge_files([good, other])


# --- the command line --------------------------------------------------------------------------------


def test_cli_jobs_and_two_step_merge_write_the_same_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = corpus() + mixed()
    random.Random(9).shuffle(docs)
    whole = _write_jsonl(tmp_path / "all.jsonl", docs)
    shards = [_write_jsonl(tmp_path / f"shard-{i}.jsonl", docs[i::3]) for i in range(3)]
    base = ["--text-field", "meta.body", "--site-field", "source", "-q"]

    one = tmp_path / "one.toml"
    assert main(["learn", str(whole), "-o", str(one), *base]) == 0
    two = tmp_path / "two.toml"
    assert main(["learn", str(whole), "-o", str(two), "-j", "2", "--max-entries", "40", *base]) == 0
    assert two.read_bytes() == one.read_bytes()

    counts = []
    for i, shard in enumerate(shards):
        counts.append(tmp_path / f"counts-{i}")
        assert main(["learn", str(shard), "--counts-only", "-o", str(counts[-1]), *base]) == 0
    merged = tmp_path / "merged.toml"
    assert main(["learn", "--merge", *map(str, reversed(counts)), "-o", str(merged), "-q"]) == 0
    assert merged.read_bytes() == one.read_bytes()
    # A merge of merges (a tree of machines) is the same again.
    partial = tmp_path / "counts-01"
    assert main(["learn", "--merge", str(counts[0]), str(counts[1]), "--counts-only", "-o", str(partial), "-q"]) == 0
    tree = tmp_path / "tree.toml"
    assert main(["learn", "--merge", str(counts[2]), str(partial), "-o", str(tree), "-q"]) == 0
    assert tree.read_bytes() == one.read_bytes()

    capsys.readouterr()
    assert main(["learn", "--merge", str(counts[0]), "-o", str(tmp_path / "x.toml"), "--max-length", "500"]) == 2
    assert "--max-length 200" in capsys.readouterr().err
    assert main(["learn", str(whole), "-o", str(tmp_path / "x.toml"), "-j", "0"]) == 2
    assert main(["learn", "--merge", "-o", str(tmp_path / "x.toml")]) == 2
    assert main(["learn", "--merge", str(counts[0]), "-o", str(counts[0])]) == 2
    assert not (tmp_path / "x.toml").exists()


def test_corpus_parts_cover_every_document_once(tmp_path: Path) -> None:
    from cleaner.learn import Corpus

    data = _write_jsonl(tmp_path / "c.jsonl", mixed(n=25))
    with data.open("a", encoding="utf-8") as f:
        f.write("not json\n")
    ids = [d.id for d in Corpus([data], text_field="meta.body")]
    parts = [Corpus([data], text_field="meta.body", part=(i, 3)) for i in range(3)]
    got = [[d.id for d in p] for p in parts]
    assert sorted(sum(got, [])) == sorted(ids) and all(got)
    assert sum(p.skipped for p in parts) == 1
