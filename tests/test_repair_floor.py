"""Repair floor: gold article texts the rules were not written from, corrupted the way
the broken scraper did it (every 1 written as src), come back (bench/eval_repairs.py).

Floors are the figures measured at the commit that set them, truncated; raising one is
welcome, lowering one needs a reason in the commit message. False repairs stay at 0.
"""

from __future__ import annotations

from pathlib import Path

import bench_scripts
import pytest
from corpora import CORPORA, SCRAPINGHUB, missing

ROOT = Path(__file__).resolve().parents[1]
# set -> (share of documents restored exactly, share of 1s restored)
FLOORS = {"scrapinghub": (0.949, 0.983), "dragnet-test": (0.897, 0.977)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_corrupted_gold_is_restored(name: str) -> None:
    if not SCRAPINGHUB.is_dir():
        pytest.skip(missing(SCRAPINGHUB))
    if name == "dragnet-test" and not (CORPORA / "dragnet").is_dir():
        pytest.skip(f"needs the dragnet corpus in {CORPORA / 'dragnet'}: see ../shared/corpora/README.md")
    ev = bench_scripts.load("eval_repairs")
    from cleaner import Cleaner

    r = ev.evaluate(Cleaner(select=["repairs"]), list(ev.texts(CORPORA, name)))
    exact, restored = FLOORS[name]
    assert r["false_repairs"] == 0 and r["false_on_originals"] == 0, r
    assert r["exact"] >= exact and r["restored"] >= restored, r
