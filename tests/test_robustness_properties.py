"""Issue 6, proof: property tests over arbitrary Unicode (surrogates and control
characters included) and over mutated seeds, at the text and at the byte level; and
linear time on long documents and long lines, counted in function calls, not timed."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import assert_invariants
from operations import growth

from cleaner import Cleaner
from cleaner.decoding import DecodeError, decode_bytes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))]
CL = Cleaner()

# Every code point, lone surrogates and controls included (the default text strategy
# leaves surrogates out, and JSON escapes can put them in a record's text).
_any_char = st.characters(codec=None, categories=None)
_nasty = st.sampled_from([
    "\x00", "\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\ufeff", "\ud800", "\udfff",
    "\u202e", "\u200f", "\u0301", "\u0308" * 5, "👩‍👩‍👧", "🇫🇷", "İ", "ß", "ﬁ", "Â€™", "Ã©", "src", "©", "»",
    "Leave a Reply", "Read More", "Photo: AP", "\t", " ", "\u00a0",
])


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_any_char, max_size=200))
def test_arbitrary_code_points(text: str) -> None:
    assert_invariants(CL, text)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """A seed with pieces cut, copied, replaced and inserted at random places."""
    text = draw(st.sampled_from(SEEDS)).decode("utf-8")
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 200)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        piece = draw(st.one_of(_nasty, st.text(alphabet=_any_char, max_size=20)))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "replace":
            text = text[:i] + piece + text[j:]
        else:
            text = text[:j] + text[i:j] + text[j:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed())
def test_mutated_seeds(text: str) -> None:
    assert_invariants(CL, text)


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS))[:3000])
    enc = draw(st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "keep"]))
    if enc != "keep":
        raw = bytearray(raw.decode("utf-8").encode(enc, "replace"))
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(raw)))
        raw[i:i] = draw(st.binary(max_size=8))
    return bytes(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bytes())
def test_mutated_bytes_decode_or_fail_cleanly(raw: bytes) -> None:
    """Any bytes: a DecodeError with a message, or text that encodes back to exactly
    those bytes (what restore relies on) and cleans with the invariants intact."""
    try:
        d = decode_bytes(raw)
    except DecodeError as exc:
        assert str(exc)
        return
    assert d.text.encode(d.encoding) == raw
    assert_invariants(CL, d.text)


def _quadratic(n: int) -> int:
    return sum(1 for i in range(n) for _ in range(i))


def test_operation_count_tells_linear_from_quadratic() -> None:
    """The yardstick of the next test: it sees a quadratic loop grow 16-fold."""
    assert growth(_quadratic, lambda n: n, 50) > 12
    assert growth(lambda n: sum(range(n)), lambda n: n, 50) < 4.5


def test_linear_time_on_long_documents_and_lines() -> None:
    """Four times the input makes about four times the function calls, or fewer
    (quadratic would be 16): a document of many lines, one line with no newline, a
    run of one character and a repeated boilerplate line. Counted, not timed; the
    full-size timings (200 MB, a 50 MB line) are in docs/robustness.md."""
    seed = b"\n".join(SEEDS).decode("utf-8")

    def doc(n: int) -> str:
        return (seed * (n // len(seed) + 1))[:n]

    def line(n: int) -> str:
        one = seed.replace("\n", " ")
        return (one * (n // len(one) + 1))[:n]

    for make in (doc, line, lambda n: "a" * n, lambda n: "Leave a Reply " * (n // 14)):
        assert growth(CL.clean, make, 1 << 18) < 4.5
