#!/usr/bin/env python3
"""Every edit and flag the default packs make over the corpora, to read what a rule change did.

A rule change is judged on real text, not only on its examples: dump before the change,
dump after, and compare. Each edit or flag is one JSON line ``[text number, "E" | "F",
rule, start, end, text]`` (the text cut to 200 characters); ``--diff`` prints the edits
one dump has and the other has not, matched by text number, kind and the edited text
(so an edit that moved by a character, or that another rule now makes, is not news).

Texts, in a fixed order: the bench corpus (the scrapinghub extractor outputs, html-text
among them), then dragnet's test and training pages and the webpages/ sets as
``bench/scorer_corpora.py`` reads them (``--cache`` keeps them between runs), then every
``.txt`` under seeds/ and fixtures/ except fixtures/holdout/ (never written from).

    python3 bench/edit_dump.py before.jsonl --cache /tmp/pages
    # ... change a rule ...
    python3 bench/edit_dump.py after.jsonl --cache /tmp/pages
    python3 bench/edit_dump.py --diff before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ holds scripts, not a package
import corpus  # noqa: E402
import scorer_corpora  # noqa: E402

from cleaner import Cleaner  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Not scorer_corpora's "scrapinghub": its pages are the html-text outputs the bench corpus holds.
PAGE_SETS = ("dragnet-test", "dragnet-train", "webpages")


def texts(cache: Path | None) -> list[str]:
    out = list(corpus.load_texts(corpus.DEFAULT_CORPUS))
    for name in PAGE_SETS:
        out += [p.text for p in scorer_corpora.load(name, cache=cache)]
    for folder in ("seeds", "fixtures"):
        out += [p.read_text(encoding="utf-8", errors="surrogateescape")
                for p in sorted((ROOT / folder).rglob("*.txt")) if "holdout" not in p.parts]
    return out


def dump(path: Path, cache: Path | None) -> int:
    cleaner = Cleaner()
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts(cache)):
            res = cleaner.clean(text)
            rows = [[i, "E", e.rule, e.start, e.end, e.text[:200]] for e in res.edits]
            rows += [[i, "F", f.rule, f.start, f.end, f.text[:200]] for f in res.flags]
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += len(rows)
    return n


def _key(row: list) -> tuple:
    return row[0], row[1], row[5].strip()[:80]


def diff(before: Path, after: Path) -> None:
    a = [json.loads(line) for line in before.open(encoding="utf-8")]
    b = [json.loads(line) for line in after.open(encoding="utf-8")]
    ka, kb = {_key(r) for r in a}, {_key(r) for r in b}
    for kind, label in (("E", "edits"), ("F", "flags")):
        gone = [r for r in a if r[1] == kind and _key(r) not in kb]
        new = [r for r in b if r[1] == kind and _key(r) not in ka]
        print(f"{label}: {len(new)} new, {len(gone)} gone")
        for sign, rows in (("+", new), ("-", gone)):
            for r in rows:
                print(f"  {sign} text {r[0]} {r[2]}: {r[5].strip()[:110]!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, help="file to write the dump to")
    ap.add_argument("--cache", type=Path, help="folder keeping the parsed pages between runs")
    ap.add_argument("--diff", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args(argv)
    if args.diff:
        diff(*args.diff)
        return 0
    if args.out is None:
        ap.error("give a file to write the dump to, or --diff BEFORE AFTER")
    print(f"{dump(args.out, args.cache)} edits and flags written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
