#!/usr/bin/env python3
"""Full-page cleaning: F1 and speed on whole pages flattened to text, against a peer in the same run.

    python bench/eval_fullpage.py                 # scrapinghub html-text and dragnet test html-text
    python bench/eval_fullpage.py --sets scrapinghub --cache /tmp/pages
    python bench/eval_fullpage.py --speed         # and both scopes' speed against the rules alone
                                                  # (full page: cold and warm, and the C4 peer)
    python bench/eval_fullpage.py --speed-only    # only that

Inputs are html-text's output for each page (scrapinghub ships it; dragnet's test pages are
converted with html-text 0.7, see scorer_corpora.py); the score is the scrapinghub
benchmark's word 4-gram precision/recall/F1 against the gold article (bench/shingles.py).
Systems, each timed over the same texts in this process (MB/s of wall time, one thread):

    uncleaned            the page text as it is
    cleaner rules        Cleaner(): today's rule packs only (the scorer is opt-in on article text)
    cleaner              Cleaner(scorer=True) in the default scope (the scorer only at the edges)
    cleaner --full-page  Cleaner(full_page=True)
    C4 (datatrove)       the peer: datatrove's C4QualityFilter line rules (paper defaults)

Neither set was trained on (bench/train_scorer.py uses dragnet's training split and webpages/).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
import scorer_corpora as sc  # noqa: E402
import shingles  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.scorer.train import Page  # noqa: E402

TARGETS = {"scrapinghub": 0.85, "dragnet-test": 0.80}


def c4_line_filter() -> Callable[[str], str] | str:
    """datatrove's C4 filter keeping lines, as a full-page cleaner would: its per-line
    rules drop lines, and a page it would drop whole keeps the lines it left (the
    benchmark scores text, not documents)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError as exc:
        return f"datatrove is not importable ({exc})"
    # Paper defaults for every line rule; no minimum of sentences per page (that drops a
    # page whole, which is document filtering, not cleaning).
    filt = C4QualityFilter(min_num_sentences=-1)

    def run(text: str) -> str:
        doc = Document(text=text, id="bench")
        filt.filter(doc)
        return doc.text

    return run


def systems(only: Sequence[str]) -> dict[str, Callable[[str], str] | str]:
    out: dict[str, Callable[[str], str] | str] = {"uncleaned": lambda t: t}
    rules = Cleaner()
    default = Cleaner(scorer=True)
    full = Cleaner(full_page=True)
    out["cleaner rules"] = lambda t: rules.clean(t).text
    out["cleaner"] = lambda t: default.clean(t).text
    out["cleaner --full-page"] = lambda t: full.clean(t).text
    out["C4 (datatrove)"] = c4_line_filter()
    return {k: v for k, v in out.items() if not only or k in only}


def run(pages: Sequence[Page], fn: Callable[[str], str]) -> dict[str, float]:
    started = time.perf_counter()
    outs = [fn(p.text) for p in pages]
    seconds = time.perf_counter() - started
    res = shingles.aggregate(shingles.match(p.gold, o) for p, o in zip(pages, outs, strict=True))
    mb = sum(len(p.text.encode("utf-8")) for p in pages) / 1e6
    res["mb_s"] = mb / seconds if seconds else float("inf")
    return res


def _forget(cleaner: Cleaner) -> None:
    """Empty the scorer's caches of short lines, so a pass reads its texts as unseen."""
    for rule in cleaner._passes.scorers:  # noqa: SLF001 - a benchmark looks inside
        rule.model._cache.clear()  # noqa: SLF001
        rule.model._why.clear()  # noqa: SLF001


def default_speed(corpora: Path, rounds: int = 5) -> dict[str, float]:
    """MB/s (CPU time of this process, best of ``rounds``, interleaved) of the default
    scope on the scrapinghub newspaper and goose3 outputs: today's rule packs alone
    against the same packs with the scorer, its cache of short lines emptied before each
    pass (cold: every text unseen) or kept from the passes before (warm)."""
    import eval_text

    base = corpora / "scrapinghub-article-extraction-benchmark"
    texts = [t for src in ("newspaper", "goose3") for t in eval_text.load_predictions(base, src).values()]
    rules, scored = Cleaner(), Cleaner(scorer=True)
    return _rates(texts, {"rules only (today's packs)": (rules, False), "with the scorer, cold": (scored, True),
                          "with the scorer, warm": (scored, False)}, rounds)


def _rates(texts: list[str], runs: dict[str, tuple[Cleaner, bool]], rounds: int,
           peers: dict[str, Callable[[str], object]] | None = None) -> dict[str, float]:
    """MB/s of each named run (a cleaner, and whether its scorer's caches are emptied
    before each pass) and of each peer (a function of one text): CPU time, best of
    ``rounds``, every run and peer taking its turn in each round."""
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    fns: dict[str, tuple[Callable[[str], object], Cleaner | None]] = {
        k: (c.clean, c if cold else None) for k, (c, cold) in runs.items()}
    fns.update((k, (fn, None)) for k, fn in (peers or {}).items())
    best = {k: float("inf") for k in fns}
    for fn, _ in fns.values():  # compiles every rule's patterns before any timing
        for t in texts:
            fn(t)
    for _ in range(rounds):
        for name, (fn, cold) in fns.items():
            if cold is not None:
                _forget(cold)
            started = time.process_time()
            for t in texts:
                fn(t)
            best[name] = min(best[name], time.process_time() - started)
    return {k: mb / v for k, v in best.items()}


def full_page_speed(corpora: Path, cache: Path | None, rounds: int = 3) -> dict[str, float]:
    """MB/s (CPU time, best of ``rounds``, interleaved) on scrapinghub's html-text pages:
    the rule packs alone, ``--full-page`` (the packs and the scorer) with the scorer's
    caches emptied before each pass (cold: every page unseen) or kept from the passes
    before (warm: a site's menus seen already), and the C4 line filter, the peer."""
    pages = sc.load("scrapinghub", corpora, cache)
    full = Cleaner(full_page=True)
    c4 = c4_line_filter()
    return _rates([p.text for p in pages], {"rules only (today's packs)": (Cleaner(), True),
                                            "--full-page, cold": (full, True),
                                            "--full-page, warm": (full, False)}, rounds,
                  {} if isinstance(c4, str) else {"C4 (datatrove)": c4})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", type=Path, default=sc.CORPORA)
    ap.add_argument("--cache", type=Path, default=None, help="folder for converted page texts (outside the repo)")
    ap.add_argument("--sets", default="scrapinghub,dragnet-test")
    ap.add_argument("--systems", default="", help="comma-separated names; default all")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--speed", action="store_true", help="also time both scopes against the rules alone")
    ap.add_argument("--speed-only", action="store_true", help="only time both scopes")
    ap.add_argument("--rounds", type=int, default=3, help="timed passes of each full-page run (best kept)")
    args = ap.parse_args(argv)
    if args.speed_only:
        args.sets, args.speed = "", True
    chosen = systems([s for s in args.systems.split(",") if s])
    report: dict[str, dict[str, dict[str, float] | str]] = {}
    for name in filter(None, args.sets.split(",")):
        pages = sc.load(name, args.corpora, args.cache)
        fns = list(chosen.items())
        for _label, fn in fns:  # warm-up: the model's first load and caches are not timed
            if not isinstance(fn, str):
                fn(pages[0].text)
        report[name] = {label: fn if isinstance(fn, str) else run(pages, fn) for label, fn in fns}
    speed = default_speed(args.corpora) if args.speed else {}
    page_speed = full_page_speed(args.corpora, args.cache, args.rounds) if args.speed else {}
    if args.json:
        print(json.dumps({"full_page": report, "default_speed": speed, "full_page_speed": page_speed},
                         indent=2, sort_keys=True))
        return 0
    for name, rows in report.items():
        print(f"\n{name} html-text ({len(sc.load(name, args.corpora, args.cache))} pages); target F1 >= {TARGETS[name]}")
        print(f"{'system':<22} {'P':>6} {'R':>6} {'F1':>6} {'MB/s':>7}")
        for label, r in rows.items():
            if isinstance(r, str):
                print(f"{label:<22} skipped: {r}")
            else:
                print(f"{label:<22} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['mb_s']:7.2f}")
    if speed:
        print("\ndefault scope on the newspaper + goose3 outputs, MB/s per core (CPU time, best of 5)")
        base = speed["rules only (today's packs)"]
        for label, v in speed.items():
            print(f"{label:<28} {v:7.2f}  {v / base:5.2f}x rules only")
    if page_speed:
        print(f"\nscrapinghub html-text pages, MB/s per core (CPU time, best of {args.rounds})")
        base = page_speed["rules only (today's packs)"]
        peer = page_speed.get("C4 (datatrove)")
        for label, v in page_speed.items():
            against = f"  {v / peer:5.2f}x C4" if peer else ""
            print(f"{label:<28} {v:7.2f}  {v / base:5.2f}x rules only{against}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
