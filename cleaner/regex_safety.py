"""Keeping a rule's regex from hanging a run: a load-time check and a time limit.

Two layers, because neither is enough alone:

* At load time a pattern whose shape is known to backtrack exponentially is refused:
  an unbounded repeat nested in another repeat with nothing else required between
  them, as in ``(a+)+``, ``(\\w+\\s?)*`` or ``(?:x*)*`` (a run of one character can be
  split between the two repeats in exponentially many ways when the match fails).
* At run time the rules that could still be slow are matched with the ``regex``
  module's ``timeout``: every rule of a user pack, always, and a shipped rule with nested
  repeats or repeated alternatives (or a pattern this module cannot parse) on strings of
  ``SHIPPED_MIN_LEN`` characters or more. A rule that times out is skipped for that
  document; the result and the report name it (``timeouts``).

Passing ``timeout=`` makes a regex call read the clock, about 2 µs a call: on every call
of every rule that cost 19% of throughput, hence the narrower scope for shipped rules
(under 1% measured), which ``tests/test_robustness_regex.py`` also runs on adversarial
inputs to show they stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields, replace
from typing import Any

import regex

from .kinds import BY_CLASS, PATTERN_KEYS, CompiledRule, RuleError
from .model import Rule

try:  # Python's own regex parser: re._parser from 3.11, sre_parse before
    import re._constants as C
    import re._parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

# The limit for one regex call: a base plus an allowance per character, so a long line
# or a whole 200 MB document gets time in proportion (1 µs a character is ten times
# slower than any shipped rule runs).
TIMEOUT_SECONDS = 1.0
SECONDS_PER_CHAR = 1e-6

# Shipped rules with nested repeats run with the limit only on strings this long.
SHIPPED_MIN_LEN = 1000

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
# No backtracking into these (3.11+ syntax; absent before, where such patterns do not parse).
_NO_BACKTRACK = tuple(getattr(C, n) for n in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP") if hasattr(C, n))
_PATTERN_KEYS = PATTERN_KEYS  # every option key that holds regexes (the registry declares them)


class RuleTimeout(TimeoutError):
    """A rule's regex ran out of time on a document; the engine skips the rule there."""

    def __init__(self, code: str) -> None:
        super().__init__(f"rule {code}: regex timed out")
        self.code = code


# -- load-time check ------------------------------------------------------------

def _parse(pattern: str, flags: int = 0) -> Any | None:
    """The pattern's syntax tree from Python's own regex parser, or None where the
    ``regex`` module's extra syntax (\\p{..}, fuzzy matching, ...) is beyond it."""
    try:
        return P.parse(pattern, flags)
    except (re.error, RecursionError, OverflowError, ValueError, TypeError):
        return None


def _nullable(node: tuple[Any, Any]) -> bool:
    """Whether one node can match the empty string."""
    op, av = node
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return True
    if op in _REPEATS or (_NO_BACKTRACK and op == _NO_BACKTRACK[0]):
        return av[0] == 0 or all(_nullable(n) for n in av[2])
    if op == C.SUBPATTERN:
        return all(_nullable(n) for n in av[-1])
    if _NO_BACKTRACK and op == _NO_BACKTRACK[-1]:
        return all(_nullable(n) for n in av)
    if op == C.BRANCH:
        return any(all(_nullable(n) for n in b) for b in av[1])
    return False


def _only_a_repeat(seq: Any) -> bool:
    """Whether ``seq`` can match as one unbounded, backtracking repeat alone, every other
    part matching empty: an outer repeat around it can then split a run many ways."""
    items = list(seq)
    for k, (op, av) in enumerate(items):
        others_empty = all(_nullable(n) for j, n in enumerate(items) if j != k)
        if not others_empty:
            continue
        if op in _REPEATS and av[1] == C.MAXREPEAT:
            return True
        if op == C.SUBPATTERN and _only_a_repeat(av[-1]):
            return True
        if op == C.BRANCH and any(_only_a_repeat(b) for b in av[1]):
            return True
    return False


def _walk(seq: Any, found: list[str], risky: list[bool], outer: bool) -> None:
    for op, av in seq:
        if op in _REPEATS:
            body, hi = av[2], av[1]
            if outer and any(o in _REPEATS and a[1] == C.MAXREPEAT for o, a in body):
                risky[0] = True
            if hi > 1 and hi == C.MAXREPEAT and _only_a_repeat(body):
                found.append("an unbounded repeat directly inside another")
            elif hi > 1 and any(_has_unbounded(n) or _has_branch(n) for n in body):
                risky[0] = True  # nested repeats, or alternatives that may overlap ('(a|aa)+')
            _walk(body, found, risky, outer or hi > 1)
        elif op in _NO_BACKTRACK:
            continue  # no backtracking into these: the usual fix, so never flagged
        elif op == C.SUBPATTERN:
            _walk(av[-1], found, risky, outer)
        elif op == C.BRANCH:
            for b in av[1]:
                _walk(b, found, risky, outer)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(av[1], found, risky, outer)
        elif op == C.GROUPREF_EXISTS:
            _walk(av[1], found, risky, outer)
            if av[2] is not None:
                _walk(av[2], found, risky, outer)


def _has_unbounded(node: tuple[Any, Any]) -> bool:
    op, av = node
    if op in _REPEATS:
        return av[1] == C.MAXREPEAT or any(_has_unbounded(n) for n in av[2])
    if op == C.SUBPATTERN:
        return any(_has_unbounded(n) for n in av[-1])
    if op == C.BRANCH:
        return any(_has_unbounded(n) for b in av[1] for n in b)
    return False


def _has_branch(node: tuple[Any, Any]) -> bool:
    op, av = node
    if op == C.BRANCH:
        return True
    if op in _REPEATS:
        return any(_has_branch(n) for n in av[2])
    if op == C.SUBPATTERN:
        return any(_has_branch(n) for n in av[-1])
    return False


def exponential(pattern: str) -> str | None:
    """Why ``pattern`` can take exponential time, or None when it has no such shape."""
    tree = _parse(pattern)
    if tree is None:
        return None
    found: list[str] = []
    _walk(tree, found, [False], False)
    return found[0] if found else None


def risky(pattern: str) -> bool:
    """Whether a pattern needs the time limit: nested repeats (of any kind the load-time
    check lets through), or syntax the check cannot read."""
    tree = _parse(pattern)
    if tree is None:
        return True
    found: list[str] = []
    flag = [False]
    _walk(tree, found, flag, False)
    return bool(found) or flag[0]


# A repeat can nest another repeat or alternatives only if it repeats a group, and a
# repeated group ends in ")" then the quantifier; a recursive or subroutine call ("(?1)",
# "(?R)", "(?&name)", "(?P>name)") repeats a group too. Verbose mode ("(?x)") can put
# whitespace and a comment between a group and its quantifier: any such pattern counts.
_MAY_NEST = re.compile(r"\)\s*[*+{]|\(\?(?:[0-9R&+-]|P>)|\(\?[a-zA-Z-]*x")


def may_nest(pattern: str) -> bool:
    """A cheap necessary condition for ``risky`` on what it can read: parsing every shipped
    pattern to find the few that repeat a group was a fifth of compiling the packs, paid
    at each start-up. Used for shipped rules only; user rules are always time-limited."""
    return _MAY_NEST.search(pattern) is not None


def _patterns(rule: Rule) -> Iterator[tuple[str, str]]:
    for key in _PATTERN_KEYS:
        raw = rule.options.get(key) or []
        for p in [raw] if isinstance(raw, str) else raw:
            if isinstance(p, str):
                yield key, p


def check_rule(rule: Rule) -> None:
    """Refuse a rule with a pattern that can backtrack exponentially (see the module doc)."""
    for key, p in _patterns(rule):
        why = exponential(p)
        if why:
            raise RuleError(f"{rule.source}: rule {rule.code}: pattern in '{key}' {p!r} has {why}, which can take "
                            "exponential time on a long run of one character; make the inner repeat possessive "
                            "('\\w++' instead of '\\w+') or atomic ('(?>\\w+)'), or require a separator between "
                            "the repeats")


# -- run-time limit -------------------------------------------------------------

class BoundedPattern:
    """A compiled pattern whose calls carry a time limit; a timeout becomes RuleTimeout
    naming the rule. It offers what the rule kinds call (match, fullmatch, search,
    finditer, groupindex, pattern)."""

    __slots__ = ("_p", "code", "groupindex", "min_len", "pattern")

    def __init__(self, p: regex.Pattern[str], code: str, min_len: int = 0) -> None:
        self._p = p
        self.code = code
        self.groupindex = p.groupindex
        self.pattern = p.pattern
        # Strings shorter than this run without the limit (reading the clock costs 2 µs a
        # call): set for shipped rules, which pass the load-time check and the adversarial
        # tests, so only a polynomial blow-up on a long line is left to guard against.
        self.min_len = min_len

    @staticmethod
    def _limit(s: str) -> float:
        return TIMEOUT_SECONDS + len(s) * SECONDS_PER_CHAR

    def match(self, s: str) -> Any:
        if len(s) < self.min_len:
            return self._p.match(s)
        try:
            return self._p.match(s, timeout=self._limit(s))
        except TimeoutError:
            raise RuleTimeout(self.code) from None

    def fullmatch(self, s: str) -> Any:
        if len(s) < self.min_len:
            return self._p.fullmatch(s)
        try:
            return self._p.fullmatch(s, timeout=self._limit(s))
        except TimeoutError:
            raise RuleTimeout(self.code) from None

    def search(self, s: str) -> Any:
        if len(s) < self.min_len:
            return self._p.search(s)
        try:
            return self._p.search(s, timeout=self._limit(s))
        except TimeoutError:
            raise RuleTimeout(self.code) from None

    def finditer(self, s: str) -> Iterator[Any]:
        if len(s) < self.min_len:
            return self._p.finditer(s)
        return self._finditer(s)

    def _finditer(self, s: str) -> Iterator[Any]:
        it = self._p.finditer(s, timeout=self._limit(s))
        while True:
            try:
                m = next(it)
            except StopIteration:
                return
            except TimeoutError:
                raise RuleTimeout(self.code) from None
            yield m


_KINDS_WITH_PATTERNS = tuple(cls for cls, kind in BY_CLASS.items() if kind.pattern_keys)
_GUARDED: dict[int, tuple[CompiledRule, CompiledRule]] = {}


def guarded(c: CompiledRule, *, trusted: bool) -> CompiledRule:
    """``c`` with its patterns time-limited, unless it is a trusted (shipped) rule whose
    patterns have no nested repeats. Cached per compiled rule."""
    if not isinstance(c, _KINDS_WITH_PATTERNS):
        return c
    hit = _GUARDED.get(id(c))
    if hit is not None and hit[0] is c:
        return hit[1]
    out = c
    if not trusted or any(may_nest(p) and risky(p) for _, p in _patterns(c.rule)):
        changes = {}
        for f in fields(c):
            value = getattr(c, f.name)
            if f.name in _PATTERN_KEYS:
                changes[f.name] = tuple(BoundedPattern(p, c.rule.code, SHIPPED_MIN_LEN if trusted else 0)
                                        for p in value)
        out = replace(c, **changes)
    _GUARDED[id(c)] = (c, out)
    return out


def is_guarded(c: CompiledRule) -> bool:
    pats = getattr(c, "patterns", None) or getattr(c, "signatures", None) or ()
    return any(isinstance(p, BoundedPattern) for p in pats)
