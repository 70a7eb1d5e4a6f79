#!/usr/bin/env python3
"""Wall-clock checks that the tests count instead of timing (a timed test fails on a
loaded machine): cleaning time against input size, and every shipped rule on
adversarial lines.

    python3 bench/linearity.py            # both; exit 1 if a bound is broken

1. Ratio of the best-of-three cleaning time at 4 MB to that at 1 MB, for a document of
   many lines, one line with no newline, a run of one character and a repeated
   boilerplate line: about 4 when linear (16 when quadratic); bound 10.
2. Every shipped rule, called the way the engine calls it (its own length gates
   included), on 20,000-character lines that make backtracking regexes slow: each call
   within 0.5 s, and no rule needing its time limit. These rules mostly run without a
   time limit, so this is their bound; the test suite counts the engine's calls
   (tests/operations.py) but a regex scan is one call, whatever it costs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import cleaner.regex_safety as rs
from cleaner import Cleaner
from cleaner.kinds import DetectorRule, LineRule, MojibakeRule, RepairRule, SpanRule, TailRule

ROOT = Path(__file__).resolve().parent.parent
CL = Cleaner()
# Long runs of one character or one token, and near-misses of what shipped rules look for.
UNITS = ["a", " ", ".", "1", "-", "/", "|", "»", "@", "\t", "é", "word ", "a b ", "Getty Images / ",
         "follow us on ", "src", "src1", "home » ", "tags: a, ", "Photo: ", "(required) ",
         "write to a at b@c.d and ", "loading . ", "a.b.c-", "© 2024 ", "Â€™"]


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        CL.clean(text)
        best = min(best, time.perf_counter() - t)
    return best


def size_ratios() -> list[str]:
    seed = b"\n".join(p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt"))).decode("utf-8")
    one = seed.replace("\n", " ")
    shapes: dict[str, Callable[[int], str]] = {
        "many lines": lambda n: (seed * (n // len(seed) + 1))[:n],
        "one line": lambda n: (one * (n // len(one) + 1))[:n],
        "one character": lambda n: "a" * n,
        "boilerplate line": lambda n: "Leave a Reply " * (n // 14),
    }
    broken = []
    for name, make in shapes.items():
        ratio = _seconds(make(4 << 20)) / max(_seconds(make(1 << 20)), 1e-4)
        print(f"{name:>16}: 4 MB / 1 MB = {ratio:.2f}")
        if ratio >= 10:
            broken.append(f"{name}: ratio {ratio:.2f}")
    return broken


def adversarial_lines() -> list[str]:
    broken = []
    for c in CL.compiled():
        for unit in UNITS:
            s = (unit * (20_000 // len(unit) + 1))[:20_000]
            t = time.perf_counter()
            try:
                if isinstance(c, (LineRule, TailRule)):
                    c.matches(s)
                elif isinstance(c, SpanRule):
                    c.spans(s)
                elif isinstance(c, RepairRule):
                    c.repairs(s)
                elif isinstance(c, DetectorRule):
                    c.fires(s)
                elif isinstance(c, MojibakeRule):
                    c.fix(s)
            except rs.RuleTimeout:
                broken.append(f"{c.rule.code} needed its time limit on {unit!r} * n")
                continue
            if (dt := time.perf_counter() - t) > 0.5:
                broken.append(f"{c.rule.code} took {dt:.2f}s on {unit!r} * n")
    print(f"adversarial lines: {len(CL.compiled())} rules x {len(UNITS)} lines, {len(broken)} over the bound")
    return broken


def main() -> int:
    broken = size_ratios() + adversarial_lines()
    for b in broken:
        print("FAIL", b)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
