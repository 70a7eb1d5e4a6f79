"""Record files: JSONL (plain, gzip, zstd) and Parquet, streamed, in one or more processes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import zstandard

from cleaner import Cleaner
from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CL = Cleaner()


def _records() -> list[dict]:
    recs = [{"id": p.stem, "meta": {"body": p.read_bytes().decode()}, "score": 0.125} for p in SEEDS]
    recs.append({"id": "clean", "meta": {"body": "Nothing to remove here at all."}, "score": 1})
    return recs


def _write_jsonl(path: Path, recs: list[dict], extra: list[str] = ()) -> bytes:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs) + "".join(extra)
    raw = data.encode()
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(raw))
    elif path.name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(raw))
    else:
        path.write_bytes(raw)
    return raw


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        return gzip.decompress(raw)
    if path.name.endswith(".zst"):
        return zstandard.ZstdDecompressor().stream_reader(raw).read()
    return raw


@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz", "d.jsonl.zst"])
def test_jsonl_nested_field(tmp_path: Path, name: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    recs = _records()
    raw_in = _write_jsonl(src / name, recs)
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "--text-field", "meta.body", "-q", "-j", "1"]) == 0
    lines = _read(out / name).splitlines(keepends=True)
    assert len(lines) == len(recs)
    for rec, line in zip(recs, lines, strict=True):
        got = json.loads(line)
        assert got["meta"]["body"] == CL.clean(rec["meta"]["body"]).text
        assert got["id"] == rec["id"] and got["score"] == rec["score"]
    # an unchanged record is written back byte for byte
    assert lines[-1] == raw_in.splitlines(keepends=True)[-1]
    report_name = name.replace("d.jsonl", "d.report.jsonl")
    reports = [json.loads(x) for x in _read(out / report_name).splitlines()]
    assert [r["line"] for r in reports] == [1, 2, 3, 4, 5]
    assert reports[0]["id"] == SEEDS[0].stem
    first = CL.clean(recs[0]["meta"]["body"])
    assert [e["rule"] for e in reports[0]["edits"]] == [e.rule for e in first.edits]


def test_report_field(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write_jsonl(src / "d.jsonl", _records())
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "--text-field", "meta.body", "--report-field", "cleaner", "-q"]) == 0
    first = json.loads((out / "d.jsonl").read_bytes().splitlines()[0])
    assert first["cleaner"]["edits"][0]["rule"] == CL.clean(_records()[0]["meta"]["body"]).edits[0].rule
    assert (out / "d.report.jsonl").read_bytes() == b""


def test_bad_records_pass_through_and_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    recs = _records()[:2]
    _write_jsonl(src / "d.jsonl", recs, ["{broken\n", '{"id": 9, "meta": {"body": null}}\n', '[1, 2]\n',
                                         '{"id": 10}\n'])
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "--text-field", "meta.body", "-q"]) == 3
    err = capsys.readouterr().err
    assert f"{src / 'd.jsonl'}:3: not valid JSON" in err
    assert f"{src / 'd.jsonl'}:4: field 'meta.body' is NoneType, not a string" in err
    assert f"{src / 'd.jsonl'}:5: a record must be a JSON object" in err
    assert f"{src / 'd.jsonl'}:6: no field 'meta.body'" in err
    lines = (out / "d.jsonl").read_bytes().splitlines()
    assert len(lines) == 6 and lines[2] == b"{broken", "no record is dropped"
    summary = json.loads((out / "run-summary.json").read_text())
    assert summary["bad_records"] == 4 and summary["records"] == 2


def test_rejects_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write_jsonl(src / "d.jsonl", _records()[:1], ["{broken\n"])
    out, rej = tmp_path / "out", tmp_path / "rejects.jsonl"
    assert main([str(src), "-o", str(out), "--text-field", "meta.body", "--rejects", str(rej), "-q"]) == 3
    assert rej.read_bytes() == b"{broken\n"
    assert len((out / "d.jsonl").read_bytes().splitlines()) == 1


def test_jobs_give_identical_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    recs = _records() * 40  # several batches' worth of work for two workers
    _write_jsonl(src / "d.jsonl.gz", recs)
    for p in SEEDS:
        (src / p.name).write_bytes(p.read_bytes())
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert main([str(src), "-o", str(out), "--text-field", "meta.body", "-q", "-j", jobs]) == 0
        # A text report names its output file, which lies in a different folder per run.
        outs.append({p.name: p.read_bytes().replace(str(out).encode(), b"OUT")
                     for p in sorted(out.iterdir()) if p.name != "run-summary.json"})
        summary = json.loads((out / "run-summary.json").read_text())
        assert summary["records"] == len(recs) and summary["files"] == len(SEEDS)
    assert outs[0] == outs[1]


@pytest.mark.integration
def test_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="needs pyarrow: pip install -e '.[parquet]'")
    pq = pytest.importorskip("pyarrow.parquet", reason="needs pyarrow: pip install -e '.[parquet]'")
    src = tmp_path / "in"
    src.mkdir()
    texts = [p.read_bytes().decode() for p in SEEDS] + [None, "plain prose."]
    pq.write_table(pa.table({"id": list(range(len(texts))), "text": texts}), src / "d.parquet")
    out = tmp_path / "out"
    assert main([str(src), "-o", str(out), "-q", "--report-field", "cleaner"]) == 0
    table = pq.read_table(out / "d.parquet")
    assert table.column("id").to_pylist() == list(range(len(texts)))
    assert table.column("text").to_pylist() == [None if t is None else CL.clean(t).text for t in texts]
    details = table.column("cleaner").to_pylist()
    assert json.loads(details[0])["edits"][0]["rule"] == CL.clean(texts[0]).edits[0].rule
    assert details[-1] is None and details[-2] is None


def test_text_field_with_empty_part_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    assert main([str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--text-field", "a..b"]) == 2


@pytest.mark.parametrize("extra", [
    '"n": 9223372036854775808',  # 2**63: past a signed 64-bit integer
    '"n": 123456789012345678901234567890',  # past any 64-bit integer
    '"n": -98765432109876543210',
    '"n": 1.5e16, "m": -0.0, "k": 0.1',
    '"n": "12345678901234567890"',  # digits in a string take the json path too: same values
    '"n": {"deep": [1, 2.5, null, true, "é ✓"]}',
])
def test_a_cleaned_record_keeps_every_other_value_exactly(extra: str) -> None:
    from cleaner.records import clean_record

    raw = ('{"id": 7, "text": "The story ends here.\\nRead more\\n", ' + extra + "}\n").encode()
    out = clean_record(CL, 1, raw, ("text",))
    assert out.error is None and out.output != raw
    got, want = json.loads(out.output), json.loads(raw)
    assert got.pop("text") == "The story ends here.\n"
    want.pop("text")
    assert got == want and repr(got) == repr(want)  # exact ints, same floats, same order
    assert out.output.endswith(b"\n") and b": " not in out.output.split(b'"text"')[0]  # compact


@pytest.mark.parametrize("raw", [b"123\n", b"true\n", b"null\n", b"1.5\n", b"123456789012345678901234567890\n"])
def test_a_line_that_is_a_bare_value_is_reported_not_a_crash(raw: bytes) -> None:
    from cleaner.records import clean_record

    out = clean_record(CL, 1, raw, ("text",))
    assert out.error is not None and out.error.startswith("a record must be a JSON object")
    assert out.output == raw


def test_a_deeply_nested_record_is_written_back() -> None:
    # orjson reads nesting it will not write (255 levels and more): json writes it then.
    from cleaner.records import clean_record

    raw = b'{"text":"The story ends here.\\nRead more\\n","meta":' + b"[" * 300 + b"]" * 300 + b"}\n"
    out = clean_record(CL, 1, raw, ("text",))
    assert out.error is None
    assert json.loads(out.output) == {**json.loads(raw), "text": "The story ends here.\n"}
