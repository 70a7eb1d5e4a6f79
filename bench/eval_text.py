#!/usr/bin/env python3
"""Score text-mode cleaning on the scrapinghub article-extraction benchmark.

Each source's extractor output (noisy text) is scored against the gold ``articleBody``
before and after a cleaning function, with the benchmark's own 4-gram shingle metric
(see ``bench/shingles.py`` for the edge cases matched from upstream evaluate.py).

    python bench/eval_text.py                 # real cleaner.Cleaner
    python bench/eval_text.py --identity      # scorer check: after == before
    python bench/eval_text.py --json --peer c4

The corpus stays outside the repo (``../shared/corpora/...`` from the repo root); nothing
from it is copied here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CORPUS_NAME = "scrapinghub-article-extraction-benchmark"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / CORPUS_NAME
SOURCES: tuple[str, ...] = ("newspaper", "goose3", "html-text")
METRICS: tuple[str, ...] = ("precision", "recall", "f1")

CleanFn = Callable[[str], str]
Results = dict[str, dict[str, dict[str, float]]]


# bench/ is a folder of scripts, not a package: put it on the path so siblings import
# by name wherever the script (or the test that loads it by path) runs from.
sys.path.insert(0, str(BENCH_DIR))
import shingles  # noqa: E402

# --- corpus loading ---------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def load_gold(corpus_dir: Path) -> dict[str, str]:
    gold = _read_json(corpus_dir / "ground-truth.json")
    return {doc_id: entry.get("articleBody") or "" for doc_id, entry in gold.items()}


def load_predictions(corpus_dir: Path, source: str) -> dict[str, str]:
    """id -> articleBody, for both the plain and the ``{"version", "output"}`` layouts."""
    out = corpus_dir / "output"
    path = out / f"{source}.json.gz"
    if not path.exists():  # upstream keeps them as plain .json
        path = out / f"{source}.json"
    data = _read_json(path)
    if "version" in data and isinstance(data.get("output"), dict):
        data = data["output"]
    # .get as upstream: a missing or null articleBody counts as empty text.
    return {doc_id: entry.get("articleBody") or "" for doc_id, entry in data.items()}


# --- scoring ------------------------------------------------------------------------------


def score(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    """precision, recall, f1, accuracy, empty (prediction has no tokens), docs."""
    if gold.keys() != pred.keys():  # upstream refuses partial predictions too
        raise ValueError("prediction ids do not match ground-truth ids")
    pairs = [(gold[k], pred[k]) for k in gold]
    result: dict[str, float] = shingles.aggregate(shingles.match(t, p) for t, p in pairs)
    result["accuracy"] = shingles.accuracy(pairs)
    result["empty"] = sum(shingles.is_empty(p) for _, p in pairs)
    result["docs"] = len(pairs)
    return result


def evaluate(
    corpus_dir: Path | str,
    clean_fn: CleanFn,
    sources: Iterable[str] = SOURCES,
) -> Results:
    """source -> {"before": metrics, "after": metrics}; "after" also counts changed docs."""
    corpus_dir = Path(corpus_dir)
    gold = load_gold(corpus_dir)
    results: Results = {}
    for source in sources:
        raw = load_predictions(corpus_dir, source)
        cleaned = {doc_id: clean_fn(text) for doc_id, text in raw.items()}
        after = score(gold, cleaned)
        after["changed"] = sum(cleaned[k] != raw[k] for k in raw)
        results[source] = {"before": score(gold, raw), "after": after}
    return results


def with_deltas(results: Results) -> Results:
    """Adds "delta" (after - before) for precision, recall, f1 and empty."""
    for row in results.values():
        row["delta"] = {m: row["after"][m] - row["before"][m] for m in (*METRICS, "empty")}
    return results


# --- cleaning functions ---------------------------------------------------------------------


def identity(text: str) -> str:
    return text


def cleaner_fn() -> CleanFn:
    # Imported lazily: the engine may not exist yet, and --identity must still work.
    from cleaner import Cleaner

    cl = Cleaner()
    return lambda text: cl.clean(text).text


def c4_fn() -> CleanFn | str:
    """datatrove's C4QualityFilter with its (paper) defaults, or the reason it can't run.

    A dropped document becomes "" so drops show up in the empty count, as they would
    in a pipeline. Needs datatrove (not a dependency; never installed here) and nltk punkt.
    """
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError as exc:
        return f"datatrove is not importable ({exc}); not installed on purpose"
    filt = C4QualityFilter()

    def run(text: str) -> str:
        doc = Document(text=text, id="bench")
        verdict = filt.filter(doc)
        keep = verdict[0] if isinstance(verdict, tuple) else verdict
        return doc.text if keep else ""

    try:
        run("Probe sentence one. Probe sentence two.")  # fails early if punkt is missing
    except LookupError as exc:
        return f"datatrove's C4 filter needs nltk data: {exc}".strip()
    return run


# --- output -----------------------------------------------------------------------------


def format_table(title: str, results: Results) -> str:
    head = (
        f"{'source':<10} | {'P0':>6} {'R0':>6} {'F1_0':>6} {'E0':>3} | "
        f"{'P1':>6} {'R1':>6} {'F1_1':>6} {'E1':>3} | {'dP':>7} {'dR':>7} {'dF1':>7} | {'chg':>4}"
    )
    lines = [title, head, "-" * len(head)]
    for source, row in results.items():
        b, a, d = row["before"], row["after"], row["delta"]
        lines.append(
            f"{source:<10} | {b['precision']:6.3f} {b['recall']:6.3f} {b['f1']:6.3f} "
            f"{b['empty']:3d} | {a['precision']:6.3f} {a['recall']:6.3f} {a['f1']:6.3f} "
            f"{a['empty']:3d} | {d['precision']:+7.3f} {d['recall']:+7.3f} {d['f1']:+7.3f} "
            f"| {a['changed']:4d}"
        )
    lines.append("0 = before cleaning, 1 = after; E = empty outputs (no \\w tokens); "
                 "chg = docs changed")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="benchmark directory")
    p.add_argument("--source", action="append", choices=SOURCES, help="repeatable; default all")
    p.add_argument("--json", action="store_true", help="print machine-readable figures")
    p.add_argument("--identity", action="store_true", help="score with an identity cleaner")
    p.add_argument("--peer", choices=["c4"], action="append", default=[], help="comparison run")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.corpus / "ground-truth.json").is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    sources = args.source or list(SOURCES)
    label = "identity" if args.identity else "cleaner"
    clean = identity if args.identity else cleaner_fn()
    report: dict[str, Any] = {
        "corpus": str(args.corpus),
        "cleaner": label,
        "results": with_deltas(evaluate(args.corpus, clean, sources)),
        "peers": {},
    }
    for peer in args.peer:  # only "c4" for now
        fn = c4_fn()
        if isinstance(fn, str):
            print(f"peer {peer} skipped: {fn}", file=sys.stderr)
            report["peers"][peer] = {"skipped": fn}
        else:
            report["peers"][peer] = with_deltas(evaluate(args.corpus, fn, sources))

    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
        return 0
    print(format_table(f"{label} on {args.corpus.name}", report["results"]))
    for peer, res in report["peers"].items():
        if "skipped" not in res:
            print()
            print(format_table(f"peer {peer} (datatrove C4QualityFilter)", res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
