"""Shared vocabularies for rule patterns: a word list written once, used by every rule.

A pack may define ``[vocab]`` lists of literal words and phrases; ``rules/vocabulary.toml``
holds the shipped ones (social networks, call-to-action verbs, "related" headings, ...),
which every pack can use. In a rule's ``patterns``, ``signatures``, ``absent`` and
``triggers``, ``{{name}}`` stands for the list: in a pattern it becomes one alternation
of the escaped phrases (longest first, any run of white space between words), in
``triggers`` one trigger per phrase. Double braces never occur in a regex, so they
cannot be mistaken for a repeat count.

``[signals]`` holds named regex fragments instead: a family's evidence that a word list
cannot spell ("the reader addressed": ``you|your|vous|Sie|...``; a commission or a
purchase, with its inflections). ``{{name}}`` puts one into a pattern as a group, so
rules that weigh the same evidence share it instead of each spelling its own copy. A
fragment may itself use word lists (``{{networks}}``), not other fragments; it cannot
stand in ``triggers``, which are literal words.
"""

from __future__ import annotations

import importlib.resources
import re
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

import regex

from .kinds import PATTERN_KEYS
from .model import RuleError

SHIPPED = "vocabulary"  # rules/vocabulary.toml: not a pack
_REF = re.compile(r"\{\{([a-z][a-z0-9_]*)\}\}")



@cache
def _shipped_tables() -> dict[str, Any]:
    raw = importlib.resources.files("cleaner.packs").joinpath(f"{SHIPPED}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    unknown = set(data) - {"vocab", "signals"}
    if unknown:
        raise RuleError(f"rules/{SHIPPED}.toml: unknown table(s) {', '.join(sorted(unknown))}; it holds [vocab] and [signals]")
    return data


@cache
def shipped() -> Mapping[str, tuple[str, ...]]:
    return read(_shipped_tables().get("vocab", {}), f"rules/{SHIPPED}.toml")


@cache
def shipped_signals() -> Mapping[str, str]:
    # Not compiled here, which was a fifth of start-up: tests/test_evidence_rules.py
    # compiles every shipped fragment, as the packs' tests compile every pattern.
    return read_signals(_shipped_tables().get("signals", {}), f"rules/{SHIPPED}.toml", shipped(), check=False)


def read_signals(table: Any, source: str, vocab: Mapping[str, tuple[str, ...]], *,
                 check: bool = True) -> dict[str, str]:
    """A ``[signals]`` table, checked: lower-case names, each a regex fragment that compiles
    on its own (its word lists expanded; ``check``) and shares no name with a word list."""
    if not isinstance(table, dict):
        raise RuleError(f"{source}: [signals] must be a table of regex fragments")
    out: dict[str, str] = {}
    for name, fragment in table.items():
        where = f"{source}: [signals]: {name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise RuleError(f"{source}: [signals]: {name!r} must be a lower-case name (letters, digits, _)")
        if name in vocab:
            raise RuleError(f"{where}: a word list of [vocab] has this name; give the fragment another")
        if not isinstance(fragment, str) or not fragment.strip():
            raise RuleError(f"{where}: must be a regex fragment (a non-empty string)")
        expanded = _pattern(fragment, vocab, {}, where, "signals")
        try:
            if check:
                regex.compile(expanded)
        except regex.error as exc:
            raise RuleError(f"{where}: not a valid regex fragment: {exc}") from exc
        out[name] = expanded
    return out


def read(table: Any, source: str) -> dict[str, tuple[str, ...]]:
    """A ``[vocab]`` table, checked: names are lower-case identifiers, values non-empty
    lists of non-empty strings."""
    if not isinstance(table, dict):
        raise RuleError(f"{source}: [vocab] must be a table of word lists")
    out: dict[str, tuple[str, ...]] = {}
    for name, words in table.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise RuleError(f"{source}: [vocab]: {name!r} must be a lower-case name (letters, digits, _)")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise RuleError(f"{source}: [vocab]: {name} must be a non-empty list of words or phrases")
        out[name] = tuple(dict.fromkeys(w.strip() for w in words))
    return out


def expand_rule(spec: dict[str, Any], vocab: Mapping[str, tuple[str, ...]], where: str,
                signals: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``spec`` with every ``{{name}}`` in its patterns and triggers replaced."""
    out = dict(spec)
    fragments = shipped_signals() if signals is None else signals
    for key in PATTERN_KEYS:
        value = spec.get(key)
        if isinstance(value, str):
            out[key] = _pattern(value, vocab, fragments, where, key)
        elif isinstance(value, list):
            out[key] = [_pattern(p, vocab, fragments, where, key) if isinstance(p, str) else p for p in value]
    triggers = spec.get("triggers")
    if isinstance(triggers, list):
        words: list[Any] = []
        for t in triggers:
            m = _REF.fullmatch(t) if isinstance(t, str) else None
            if m and m.group(1) in fragments and m.group(1) not in vocab:
                raise RuleError(f"{where}: 'triggers' uses {{{{{m.group(1)}}}}}, a regex fragment of [signals]; "
                                "triggers are literal words: name a [vocab] word list or write the words")
            words.extend(_words(m.group(1), vocab, where, "triggers") if m else [t])
        out["triggers"] = list(dict.fromkeys(words))
    return out


def _pattern(pattern: str, vocab: Mapping[str, tuple[str, ...]], fragments: Mapping[str, str], where: str,
             key: str) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in fragments and name not in vocab:  # a pack's own word list may take a signal's name
            return f"(?:{fragments[name]})"
        return prefix_tree(_words(name, vocab, where, key))
    return _REF.sub(one, pattern)


def prefix_tree(words: Iterable[str]) -> str:
    """One group matching exactly ``words`` (any run of white space between their words),
    factored by common prefix: ``face(?:book)?`` rather than ``facebook|face``.

    A flat alternation of a hundred phrases is tried phrase by phrase at every position a
    pattern reaches it; the tree fails on the first character no phrase continues with,
    which made the vocabulary-heavy rules a quarter to a third cheaper. A phrase that
    is the prefix of a longer one becomes an optional tail, greedy, so the longer is tried
    first, as the longest-first alternation did."""
    return _prefix_tree(tuple(words))


@cache  # rules name the same few lists again and again: each list's tree is built once
def _prefix_tree(words: tuple[str, ...]) -> str:
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for token in _tokens(w):
            node = node.setdefault(token, {})
        node[""] = {}
    return "(?:" + "|".join(token + _emit(child) for token, child in sorted(root.items())) + ")"


def _tokens(phrase: str) -> list[str]:
    out: list[str] = []
    for n, part in enumerate(phrase.split()):
        if n:
            out.append(r"\s+")
        out.extend(re.escape(ch) for ch in part)
    return out


def _emit(node: dict[str, dict]) -> str:
    branches = [token + _emit(child) for token, child in sorted(node.items()) if token]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _words(name: str, vocab: Mapping[str, tuple[str, ...]], where: str, key: str) -> tuple[str, ...]:
    if name not in vocab:
        known = ", ".join(sorted(vocab)) or "none"
        raise RuleError(f"{where}: '{key}' uses {{{{{name}}}}}, which no [vocab] defines; known: {known}")
    return vocab[name]
