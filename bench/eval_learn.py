#!/usr/bin/env python3
"""Learn a pack on one half of a corpus, score cleaning on the other half.

    python bench/eval_learn.py                         # scrapinghub (3 extractor outputs) + dragnet
    python bench/eval_learn.py --corpus scrapinghub --min-docs 3
    python bench/eval_learn.py --pack-out /tmp/learned  # where the learned packs are written

Documents are split in two halves by a hash of their id (blake2b, so the split is the
same on every run and machine): ``clean learn``'s pipeline (``cleaner.learn.learn``)
learns on the "learn" half; the "eval" half is cleaned with the default packs alone and
with the default packs plus the learned pack, and scored with 4-gram shingle P/R/F1
(``bench/shingles.py``, as upstream).

- scrapinghub article-extraction-benchmark: each extractor output (newspaper, goose3,
  html-text) is its own corpus of noisy text; the site is the host of the gold URL.
- dragnet (test split): the text the HTML mode extracts from each page
  (``cleaner.html``, builtin extractor) is the noisy text; the gold is the article part
  of the corrected text; the site is the page's canonical or og:url host.

The learned packs are written under ``--pack-out`` (default /tmp/cleaner-learned), never
into the repo: their examples are corpus text.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CORPORA = REPO_ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(BENCH_DIR))
import eval_text  # noqa: E402
import shingles  # noqa: E402

COMMENTS_SEP = "!@#$%^&*()  COMMENTS"
Docs = dict[str, tuple[str, str, str | None]]  # id -> (noisy text, gold, site)


def half(doc_id: str) -> str:
    """'learn' or 'eval', from a hash of the id: deterministic, and independent of order."""
    return "learn" if hashlib.blake2b(doc_id.encode(), digest_size=8).digest()[0] % 2 == 0 else "eval"


def _host(url: str | None) -> str | None:
    from cleaner.learn import site_of

    return site_of(url) if url else None


def scrapinghub(root: Path, source: str) -> Docs:
    base = root / eval_text.CORPUS_NAME
    gold = eval_text._read_json(base / "ground-truth.json")
    pred = eval_text.load_predictions(base, source)
    return {i: (pred[i], entry.get("articleBody") or "", _host(entry.get("url"))) for i, entry in gold.items()}


def dragnet(root: Path) -> Docs:
    from cleaner.learn.corpus import _html_document

    base = root / "dragnet"
    out: Docs = {}
    for i in (base / "test.txt").read_text().split():
        doc = _html_document(i, gzip.open(base / "HTML" / f"{i}.html.gz").read())
        gold = gzip.open(base / "Corrected" / f"{i}.html.corrected.txt.gz").read().decode("utf-8", "replace")
        out[i] = (doc.text, gold.partition(COMMENTS_SEP)[0], doc.site)
    return out


def score(pairs: list[tuple[str, str]]) -> dict[str, float]:
    return shingles.aggregate(shingles.match(g, p) for g, p in pairs)


def run(name: str, docs: Docs, options, pack_out: Path) -> dict[str, object]:
    from cleaner import Cleaner
    from cleaner.learn import Document, learn

    learn_ids = sorted(i for i in docs if half(i) == "learn")
    eval_ids = sorted(i for i in docs if half(i) == "eval")
    result = learn((Document(i, docs[i][0], docs[i][2]) for i in learn_ids), options)
    default = Cleaner()
    row: dict[str, object] = {"corpus": name, "learn_docs": len(learn_ids), "eval_docs": len(eval_ids),
                              "rules": len(result.pack.rules), "pack": None}
    with_learned = default
    if result.pack.text:
        path = pack_out / f"{name}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.pack.text, encoding="utf-8")
        row["pack"] = str(path)
        with_learned = Cleaner(extra_packs=[path])
    raw = [(docs[i][1], docs[i][0]) for i in eval_ids]
    row["raw"] = score(raw)
    row["default"] = score([(g, default.clean(t).text) for g, t in raw])
    row["learned"] = score([(g, with_learned.clean(t).text) for g, t in raw])
    row["changed"] = sum(default.clean(t).text != with_learned.clean(t).text for _, t in raw)
    return row


def table(rows: list[dict]) -> str:
    head = (f"{'corpus':<22} {'rules':>5} {'chg':>4} | {'P raw':>6} {'R raw':>6} {'F1 raw':>6} | "
            f"{'P def':>6} {'R def':>6} {'F1 def':>6} | {'P +lrn':>6} {'R +lrn':>6} {'F1 +lrn':>7} | {'dF1':>7}")
    lines = [head, "-" * len(head)]
    for r in rows:
        a, d, lr = r["raw"], r["default"], r["learned"]
        lines.append(f"{r['corpus']:<22} {r['rules']:>5} {r['changed']:>4} | "
                     f"{a['precision']:6.3f} {a['recall']:6.3f} {a['f1']:6.3f} | "
                     f"{d['precision']:6.3f} {d['recall']:6.3f} {d['f1']:6.3f} | "
                     f"{lr['precision']:6.3f} {lr['recall']:6.3f} {lr['f1']:7.3f} | {lr['f1'] - d['f1']:+7.3f}")
    lines.append("eval half only; raw = extractor text uncleaned, def = default packs, +lrn = default + learned; "
                 "chg = eval docs the learned pack changed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from cleaner.learn import LearnOptions

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpora", type=Path, default=CORPORA, help="folder holding the corpora")
    p.add_argument("--corpus", choices=["scrapinghub", "dragnet"], action="append", help="repeatable; default both")
    p.add_argument("--pack-out", type=Path, default=Path("/tmp/cleaner-learned"), help="folder for the learned packs")
    defaults = LearnOptions()
    p.add_argument("--min-docs", type=int, default=defaults.min_docs)
    p.add_argument("--min-share", type=float, default=defaults.min_share)
    p.add_argument("--max-length", type=int, default=defaults.max_length)
    args = p.parse_args(argv)
    options = LearnOptions(min_docs=args.min_docs, min_share=args.min_share, max_length=args.max_length)
    rows = []
    for corpus in args.corpus or ["scrapinghub", "dragnet"]:
        if corpus == "scrapinghub":
            if not (args.corpora / eval_text.CORPUS_NAME / "ground-truth.json").is_file():
                print(f"corpus not found: {args.corpora / eval_text.CORPUS_NAME}", file=sys.stderr)
                return 2
            for source in eval_text.SOURCES:
                rows.append(run(f"scrapinghub-{source}", scrapinghub(args.corpora, source), options, args.pack_out))
        else:
            if not (args.corpora / "dragnet" / "test.txt").is_file():
                print(f"corpus not found: {args.corpora / 'dragnet'}", file=sys.stderr)
                return 2
            rows.append(run("dragnet-html", dragnet(args.corpora), options, args.pack_out))
    print(f"learn options: min_docs={options.min_docs} min_share={options.min_share} max_length={options.max_length}")
    print(table(rows))
    for r in rows:
        if r["pack"]:
            print(f"{r['corpus']}: {r['rules']} rules in {r['pack']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
