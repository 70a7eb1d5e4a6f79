"""Quality floor: the default Cleaner must raise precision without costing recall on the
scrapinghub article-extraction benchmark (scored by bench/eval_text.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from corpora import missing

pytestmark = pytest.mark.integration

# Precision floors per source, pinned to the figures measured with the default packs
# (`python3 bench/eval_text.py`, truncated to 4 places). Raising a floor is welcome;
# lowering one needs a reason in the commit message.
FLOORS: dict[str, float] = {
    "newspaper": 0.9682,
    "goose3": 0.9427,
    "html-text": 0.5221,
}
# Cleaning may cost at most this much mean recall (shingles of real article text removed).
RECALL_SLACK = 0.005

EVAL_PATH = Path(__file__).resolve().parents[1] / "bench" / "eval_text.py"


def _load_eval() -> ModuleType:
    # bench/ is a script directory, not a package: import the module by path.
    spec = importlib.util.spec_from_file_location("_bench_eval_text", EVAL_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ev = _load_eval()


@pytest.fixture(scope="module")
def results() -> dict:
    if not (ev.DEFAULT_CORPUS / "ground-truth.json").is_file():
        pytest.skip(missing(ev.DEFAULT_CORPUS))
    from cleaner import Cleaner

    cl = Cleaner()
    return ev.evaluate(ev.DEFAULT_CORPUS, lambda text: cl.clean(text).text)


def test_floors_cover_every_source() -> None:
    assert set(FLOORS) == set(ev.SOURCES)


@pytest.mark.parametrize("source", sorted(FLOORS))
def test_precision_floor(results: dict, source: str) -> None:
    after = results[source]["after"]
    assert after["precision"] >= FLOORS[source], (source, after)


@pytest.mark.parametrize("source", sorted(FLOORS))
def test_cleaning_raises_precision(results: dict, source: str) -> None:
    before, after = results[source]["before"], results[source]["after"]
    assert after["precision"] > before["precision"], (source, before, after)


@pytest.mark.parametrize("source", sorted(FLOORS))
def test_recall_kept(results: dict, source: str) -> None:
    before, after = results[source]["before"], results[source]["after"]
    assert after["recall"] >= before["recall"] - RECALL_SLACK, (source, before, after)
