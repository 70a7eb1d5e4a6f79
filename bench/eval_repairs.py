"""How well the src-for-1 repair restores articles it was not written from.

Clean public article texts (gold, not extractor output) are corrupted the way the
broken scraper did it, every digit 1 written as ``src``, cleaned with the repairs pack
alone, and compared with the originals:

- docs restored exactly: the repaired text equals the original;
- 1s restored: of the ``src`` runs the corruption wrote, the share turned back into 1s;
- flagged: of those, the share only flagged (the document also uses src as a word);
- false repairs: runs repaired that were not a 1 (a ``src`` the original really had);
- false repairs on the originals: any repair on the uncorrupted texts, which must be 0,
  and likewise on the trap fixtures and the extractor outputs.

Sets: ``scrapinghub`` (gold articleBody) and ``dragnet-test`` are for reporting; the
rules were tuned on ``dragnet-train`` and ``webpages`` (``--sets`` picks).

    python3 bench/eval_repairs.py [--corpora ../shared/corpora] [--sets scrapinghub,dragnet-test]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_text  # noqa: E402  (a sibling script)

from cleaner import Cleaner  # noqa: E402

TOKEN, DIGIT, CODE = "src", "1", "CR002"
REPORT_SETS = ("scrapinghub", "dragnet-test")
DEV_SETS = ("dragnet-train", "webpages")


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def texts(corpora: Path, name: str) -> Iterator[tuple[str, str]]:
    if name == "scrapinghub":
        gold = json.loads((corpora / "scrapinghub-article-extraction-benchmark" / "ground-truth.json").read_text())
        for doc_id, item in sorted(gold.items()):
            yield doc_id, item["articleBody"]
    elif name in ("dragnet-test", "dragnet-train"):
        d = corpora / "dragnet"
        ids = (d / ("test.txt" if name == "dragnet-test" else "training.txt")).read_text().split()
        for doc_id in ids:
            f = d / "Corrected" / f"{doc_id}.html.corrected.txt.gz"
            if f.exists():
                yield doc_id, _read(f)
    elif name == "webpages":
        for f in sorted((corpora / "webpages").glob("*/gold/*")):
            yield f"{f.parent.parent.name}/{f.name}", _read(f)
    elif name == "extractor-outputs":
        for source in eval_text.SOURCES:
            preds = eval_text.load_predictions(corpora / "scrapinghub-article-extraction-benchmark", source)
            for doc_id, body in sorted(preds.items()):
                yield f"{source}/{doc_id}", body
    elif name == "traps":
        for f in sorted((ROOT / "fixtures" / "traps").glob("*.txt")):
            yield f.name, f.read_text(encoding="utf-8")
    else:
        raise SystemExit(f"unknown set {name!r}")


def corrupt(text: str, digit: str = DIGIT, token: str = TOKEN) -> tuple[str, set[int]]:
    """The text with every ``digit`` written as ``token``, and where each such token starts."""
    out, starts, pos = [], set(), 0
    for ch in text:
        if ch == digit:
            starts.add(pos)
            out.append(token)
            pos += len(token)
        else:
            out.append(ch)
            pos += 1
    return "".join(out), starts


def evaluate(cleaner: Cleaner, docs: list[tuple[str, str]]) -> dict[str, float | int]:
    n_docs = exact = ones = restored = flagged = false = missed_docs = 0
    clean_false = 0
    for _, original in docs:
        if "\x00" in original:  # a UTF-16 file in the corpus, read as UTF-8: not text
            continue
        clean_false += sum(1 for e in cleaner.clean(original).edits if e.rule == CODE)
        if DIGIT not in original:
            continue
        n_docs += 1
        broken, starts = corrupt(original)
        ones += len(starts)
        res = cleaner.clean(broken)
        mine = [e for e in res.edits if e.rule == CODE]
        for e in mine:
            for t in range(e.start, e.end, len(TOKEN)):
                if t in starts:
                    restored += 1
                else:
                    false += 1
        for f in res.flags:
            if f.rule == CODE:
                flagged += sum(1 for t in range(f.start, f.end, len(TOKEN)) if t in starts)
        exact += res.text == original
        missed_docs += not mine
    return {"docs": n_docs, "exact": exact / max(n_docs, 1), "not_repaired_docs": missed_docs,
            "ones": ones, "restored": restored / max(ones, 1), "flagged": flagged / max(ones, 1),
            "false_repairs": false, "false_on_originals": clean_false}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    ap.add_argument("--sets", default=",".join(REPORT_SETS))
    ap.add_argument("--show", type=int, default=0, help="print this many unrestored runs per set, with context")
    args = ap.parse_args(argv)
    cleaner = Cleaner(select=["repairs"])
    rows = []
    for name in args.sets.split(","):
        docs = list(texts(args.corpora, name))
        rows.append((name, evaluate(cleaner, docs)))
        if args.show:
            _show(cleaner, docs, args.show)
    cols = ["docs", "exact", "not_repaired_docs", "ones", "restored", "flagged", "false_repairs", "false_on_originals"]
    print("| set | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for name, r in rows:
        cells = [f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols]
        print(f"| {name} | " + " | ".join(cells) + " |")
    for name in ("traps", "extractor-outputs"):
        docs = list(texts(args.corpora, name))
        n = sum(1 for _, t in docs for e in cleaner.clean(t).edits if e.rule == CODE)
        print(f"false repairs on {name} ({len(docs)} uncorrupted texts): {n}")
    return 0


def _show(cleaner: Cleaner, docs: list[tuple[str, str]], limit: int) -> None:
    shown = 0
    for doc_id, original in docs:
        if DIGIT not in original or shown >= limit:
            continue
        broken, starts = corrupt(original)
        res = cleaner.clean(broken)
        done = {t for e in res.edits if e.rule == CODE for t in range(e.start, e.end, len(TOKEN))}
        for t in sorted(starts - done):
            if shown >= limit:
                break
            print(f"  {doc_id}: …{broken[max(0, t - 30):t + 30]!r}…".replace("\\n", " "))
            shown += 1


if __name__ == "__main__":
    raise SystemExit(main())
