"""Time spent per rule, for ``clean --profile``.

Profiling swaps each compiled rule for an instance of a subclass whose matching methods
add their run time to a counter. The engine's hot path carries no timing code, so a run
without ``--profile`` pays nothing for the feature.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import fields
from time import perf_counter
from typing import Any

from .kinds import BY_CLASS, CompiledRule


def _timing(method: Callable[..., Any], code: str, acc: Counter[str]) -> Callable[..., Any]:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            acc[code] += perf_counter() - t0
    return wrapper


def timed(compiled: CompiledRule, acc: Counter[str]) -> CompiledRule:
    cls = type(compiled)
    code = compiled.rule.code
    namespace: dict[str, Any] = {"__slots__": ()}
    for name in BY_CLASS[cls].timed:
        namespace[name] = _timing(getattr(cls, name), code, acc)
    sub = type(f"Timed{cls.__name__}", (cls,), namespace)
    return sub(**{f.name: getattr(compiled, f.name) for f in fields(compiled)})
