"""Round-trip, replay, order and idempotence on seeds, rule examples and generated text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import assert_invariants

from cleaner import Cleaner

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CLEANER = Cleaner()
EXAMPLES = [ex.text for r in CLEANER.rules for ex in r.examples]


def test_there_are_seeds_and_examples() -> None:
    assert len(SEEDS) == 5 and len(EXAMPLES) > 20


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_invariants(path: Path) -> None:
    res = assert_invariants(CLEANER, path.read_bytes().decode("utf-8"))
    assert res.edits, "every seed carries boilerplate"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_invariants_with_crlf(path: Path) -> None:
    text = path.read_bytes().decode("utf-8").replace("\n", "\r\n")
    res = assert_invariants(CLEANER, text)
    assert res.text == CLEANER.clean(text.replace("\r\n", "\n")).text.replace("\n", "\r\n")


@pytest.mark.parametrize("text", EXAMPLES)
def test_example_invariants(text: str) -> None:
    assert_invariants(CLEANER, text)


# Lines that make rules fire, lines that nearly do, and prose, glued with every
# kind of line break (or none), so generated documents exercise rule interactions.
_SEED_LINES = [ln for p in SEEDS for ln in p.read_text(encoding="utf-8").split("\n") if ln.strip()]
_PIECES = _SEED_LINES + [ln for t in EXAMPLES for ln in t.split("\n") if ln.strip()]
_piece = st.one_of(
    st.sampled_from(_PIECES),
    st.text(max_size=40),
    st.sampled_from(["src", "src9", "1", "â€™", "Ã©", " ", "\t", "»", "«", ":", "...", "©", "İ"]),
)
_sep = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "", " ", "\n\n\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_piece, _sep), max_size=25))
    return "".join(p + s for p, s in parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents(text: str) -> None:
    assert_invariants(CLEANER, text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_unicode(text: str) -> None:
    assert_invariants(CLEANER, text)
