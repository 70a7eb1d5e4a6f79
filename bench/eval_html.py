#!/usr/bin/env python3
"""Compare HTML extractors on three corpora, in one process, on the same pages.

    python bench/eval_html.py                  # every system, every page
    python bench/eval_html.py --limit 40       # the first 40 pages of each corpus
    python bench/eval_html.py --systems cleaner,trafilatura

Corpora (outside the repo, ``../shared/corpora/`` from the repo root; nothing copied here):

- scrapinghub article-extraction-benchmark: P/R/F1 of 4-gram word shingles against
  ``articleBody`` (``bench/shingles.py`` matches upstream evaluate.py).
- trafilatura-eval (English subset): share of "with" snippets found in the output and of
  "without" snippets absent from it (whitespace collapsed on both sides, as upstream).
- dragnet (test split): shingle P/R/F1 against the article part of the gold (text before
  the comments separator), and the share of comment-only shingles removed.

Every system gets the raw bytes of each page and does its own decoding. Speed is pages per
second over all pages of the three corpora, wall time of the extraction calls only.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CORPORA = REPO_ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(BENCH_DIR))
import shingles  # noqa: E402

Extract = Callable[[bytes], str]
COMMENTS_SEP = "!@#$%^&*()  COMMENTS"


# --- corpora --------------------------------------------------------------------------------

def load_scrapinghub(root: Path, limit: int | None) -> list[tuple[str, bytes, str]]:
    base = root / "scrapinghub-article-extraction-benchmark"
    with open(base / "ground-truth.json", encoding="utf-8") as f:
        gold = json.load(f)
    ids = sorted(gold)[:limit]
    return [(i, gzip.open(base / "html" / f"{i}.html.gz").read(), gold[i].get("articleBody") or "") for i in ids]


def load_trafilatura_eval(root: Path, limit: int | None) -> list[tuple[str, bytes, list[str], list[str]]]:
    base = root / "trafilatura-eval"
    with open(base / "tests" / "evaldata.json", encoding="utf-8") as f:
        data = json.load(f)
    with open(base / "included_html.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))[:limit]
    out = []
    for row in rows:
        entry = data[row["url"]]
        out.append((row["url"], gzip.open(base / (row["path"] + ".gz")).read(), entry.get("with", []),
                    entry.get("without", [])))
    return out


def load_dragnet(root: Path, limit: int | None) -> list[tuple[str, bytes, str, str]]:
    base = root / "dragnet"
    ids = [x.strip() for x in (base / "test.txt").read_text().split() if x.strip()][:limit]
    out = []
    for i in ids:
        html = gzip.open(base / "HTML" / f"{i}.html.gz").read()
        gold = gzip.open(base / "Corrected" / f"{i}.html.corrected.txt.gz").read().decode("utf-8", "replace")
        article, _, comments = gold.partition(COMMENTS_SEP)
        out.append((i, html, article, comments))
    return out


# --- systems --------------------------------------------------------------------------------

def systems() -> dict[str, Extract | str]:
    """name -> extraction function, or the reason it cannot run here."""
    out: dict[str, Extract | str] = {}
    from cleaner import Cleaner
    from cleaner.html import clean_html

    cleaner = Cleaner()
    out["cleaner (builtin)"] = lambda raw: clean_html(raw, cleaner=cleaner).text
    # The same without the line scorer (SC001): whether scoring the extracted blocks pays.
    rules_only = Cleaner(ignore=["SC001"])
    out["cleaner (builtin, no scorer)"] = lambda raw: clean_html(raw, cleaner=rules_only).text
    try:
        import trafilatura
    except ImportError:
        for name in ("trafilatura", "trafilatura precision", "trafilatura + cleaner"):
            out[name] = "pip install trafilatura"
    else:
        out["trafilatura"] = lambda raw: trafilatura.extract(raw, include_comments=False) or ""
        out["trafilatura precision"] = lambda raw: trafilatura.extract(
            raw, include_comments=False, favor_precision=True) or ""
        out["trafilatura + cleaner"] = lambda raw: clean_html(raw, cleaner=cleaner, extractor="trafilatura").text
    try:
        from readability import Document
    except ImportError:
        out["readability-lxml"] = "pip install readability-lxml"
    else:
        from cleaner.html import extract

        def readability(raw: bytes) -> str:
            import lxml.html

            summary = Document(raw).summary(html_partial=True)
            tree = lxml.html.fromstring(summary) if summary.strip() else None
            return "" if tree is None else extract.to_text(extract.blocks(tree))
        out["readability-lxml"] = readability
    try:
        import justext
    except ImportError:
        out["jusText"] = "pip install justext"
    else:
        stop = justext.get_stoplist("English")
        out["jusText"] = lambda raw: "\n\n".join(p.text for p in justext.justext(raw, stop) if not p.is_boilerplate)
    return out


# --- scoring --------------------------------------------------------------------------------

def _squash(s: str) -> str:
    return " ".join(s.split())


def evaluate(fn: Extract, sh: list, te: list, dn: list) -> dict[str, float]:
    spent = 0.0
    pages = 0

    def run(raw: bytes) -> str:
        nonlocal spent, pages
        t0 = time.perf_counter()
        try:
            out = fn(raw)
        except Exception:  # a peer that crashes on a page scores an empty output there
            out = ""
        spent += time.perf_counter() - t0
        pages += 1
        return out

    row: dict[str, float] = {}
    if sh:
        agg = shingles.aggregate(shingles.match(gold, run(raw)) for _, raw, gold in sh)
        row.update({"sh_p": agg["precision"], "sh_r": agg["recall"], "sh_f1": agg["f1"]})
    if te:
        kept = total_with = removed = total_without = 0
        for _, raw, with_, without in te:
            out = _squash(run(raw))
            kept += sum(_squash(s) in out for s in with_)
            total_with += len(with_)
            removed += sum(_squash(s) not in out for s in without)
            total_without += len(without)
        row["te_with"] = kept / max(total_with, 1)
        row["te_without"] = removed / max(total_without, 1)
    if dn:
        matches, gone, total = [], 0.0, 0.0
        for _, raw, article, comments in dn:
            out = run(raw)
            matches.append(shingles.match(article, out))
            only_comments = shingles.shingles(comments) - shingles.shingles(article)
            if only_comments:
                left = only_comments & shingles.shingles(out)
                total += 1
                gone += 1 - sum(left.values()) / sum(only_comments.values())
        agg = shingles.aggregate(matches)
        row.update({"dn_p": agg["precision"], "dn_r": agg["recall"], "dn_f1": agg["f1"],
                    "dn_comments_removed": gone / max(total, 1)})
    row["pages_per_s"] = pages / spent if spent else 0.0
    return row


COLUMNS = (("sh_p", "SH P"), ("sh_r", "SH R"), ("sh_f1", "SH F1"), ("te_with", "TE with"),
           ("te_without", "TE w/o"), ("dn_p", "DN P"), ("dn_r", "DN R"), ("dn_f1", "DN F1"),
           ("dn_comments_removed", "DN cmt-"), ("pages_per_s", "pages/s"))


def table(rows: dict[str, dict[str, float] | str]) -> str:
    width = max(len(n) for n in rows) + 2
    head = "system".ljust(width) + "".join(label.rjust(9) for _, label in COLUMNS)
    lines = [head, "-" * len(head)]
    for name, row in rows.items():
        if isinstance(row, str):
            lines.append(name.ljust(width) + f"  (not run: {row})")
            continue
        cells = []
        for key, _ in COLUMNS:
            v = row.get(key)
            cells.append(("-" if v is None else f"{v:.1f}" if key == "pages_per_s" else f"{v:.3f}").rjust(9))
        lines.append(name.ljust(width) + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpora", type=Path, default=CORPORA, help="folder holding the three corpora")
    p.add_argument("--limit", type=int, default=None, help="only the first N pages of each corpus")
    p.add_argument("--systems", default="", help="comma-separated name prefixes (default: all)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = p.parse_args(argv)
    sh = load_scrapinghub(args.corpora, args.limit)
    te = load_trafilatura_eval(args.corpora, args.limit)
    dn = load_dragnet(args.corpora, args.limit)
    wanted = [w.strip() for w in args.systems.split(",") if w.strip()]
    rows: dict[str, dict[str, float] | str] = {}
    for name, fn in systems().items():
        if wanted and not any(name.startswith(w) for w in wanted):
            continue
        rows[name] = fn if isinstance(fn, str) else evaluate(fn, sh, te, dn)
    print(json.dumps(rows, indent=2) if args.json else
          f"pages: scrapinghub {len(sh)}, trafilatura-eval {len(te)}, dragnet {len(dn)}\n" + table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
