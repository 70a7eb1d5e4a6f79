"""Counting a call's work in function calls, for linear-time checks that hold on any
machine and under any load (a wall-clock ratio does neither on a shared 2-core box)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def operations(fn: Callable[[Any], object], arg: Any) -> int:
    """How many profiler events (Python and C function calls and returns) ``fn(arg)``
    makes, after one untimed call (first use compiles the rules a document arms).

    Work inside one C call, a regex scanning a line, counts once: that part of the
    cost is bounded by the load-time check in cleaner.regex_safety, and its wall-clock
    ratios are measured by ``python3 bench/linearity.py``."""
    fn(arg)
    n = 0

    def count(frame: FrameType, event: str, _arg: object) -> None:
        nonlocal n
        n += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        fn(arg)
    finally:
        sys.setprofile(previous)
    return n


def growth(fn: Callable[[Any], object], make: Callable[[int], Any], small: int, factor: int = 4) -> float:
    """Operations on an input ``factor`` times larger, over operations on ``small``."""
    return operations(fn, make(small * factor)) / max(operations(fn, make(small)), 1)
