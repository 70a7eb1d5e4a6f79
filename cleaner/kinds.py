"""The closed set of rule kinds, each declared once. Packs are data; a kind is code.

| kind     | judges                       | effect                                        |
|----------|------------------------------|-----------------------------------------------|
| line     | one line (a paragraph)       | removes the whole line                        |
| span     | a match inside a line        | removes the match (the line if nothing is left)|
| tail     | a marker line near the end   | removes the marker and the non-prose zone after|
| repair   | a token inside a line        | rewrites it, only if its detectors fired      |
| detector | the whole document           | nothing itself; gates repairs                 |
| substitution | a token standing for a digit | weighs the document, then restores the digit |
| mojibake | a line with mojibake         | repairs the encoding with ftfy                |
| html     | an element of an HTML page   | removes the element before text extraction    |
| scorer   | every line, by a trained model | removes near-certain boilerplate, flags the rest |
| echo     | a line against the headline  | removes a repeat of the headline (see ``echo``)|

``KINDS`` holds each kind's declaration: the keys it accepts (checked when a pack
loads), how its rules compile (``cleaner.matchers`` holds the classes), the pass it runs
in, and what profiling, the regex guard and ``clean rules`` need to know of it. A new
kind is one declaration here, its class in ``matchers`` and its pass in ``passes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .echo import ECHO_HEAD, EchoRule
from .matchers import (
    CompiledRule,
    DetectorRule,
    HtmlRule,
    LineRule,
    MojibakeRule,
    RepairRule,
    ScorerRule,
    SpanRule,
    SubstitutionRule,
    TailRule,
    _check_patterns,
    _combined,
    _compile_all,
    _flags,
)
from .model import Rule, RuleError
from .substitution import Substitution

__all__ = [
    "COMMON_KEYS", "KINDS", "KIND_KEYS", "POSITIONS", "CompiledRule", "DetectorRule", "EchoRule", "HtmlRule", "Kind",
    "LineRule", "MojibakeRule", "RepairRule", "RuleError", "ScorerRule", "SpanRule", "SubstitutionRule", "TailRule",
    "compile_rule",
]

COMMON_KEYS = {
    "code", "name", "kind", "message", "why", "triggers", "remove", "keep", "fix",
    "case", "action", "replaces",
}
POSITIONS = ("head", "tail", "edge", "top", "bottom", "anywhere")
# Which end of the text each position counts its window from.
FROM_START = frozenset({"head", "top", "edge"})
FROM_END = frozenset({"tail", "bottom", "edge"})
# Positions whose line must also have nothing but short lines between it and the text's
# start (top), its end (bottom) or either (edge).
CLEAR_POSITIONS = frozenset({"edge", "top", "bottom"})


@dataclass(frozen=True, slots=True)
class Kind:
    """One rule kind: everything the rest of the program needs to know of it."""

    name: str
    keys: Mapping[str, Any]  # the keys it accepts besides the common ones, with defaults (None: required)
    compiled: type  # its class in cleaner.matchers
    build: Callable[[Rule], CompiledRule]
    stage: str  # document | inline | lines | page: the pass it runs in
    effect: str  # what it does, as `clean rules` shows it
    timed: tuple[str, ...] = ()  # the methods through which it matches (clean --profile)
    pattern_keys: tuple[str, ...] = ()  # keys holding regexes (the load-time and run-time guards)
    needs_examples: bool = True
    # Matched by literal trigger words (the prefilter); a kind without them compares
    # lines with each other and is asked of every document (see Cleaner._clean).
    triggered: bool = True


def _choice(rule: Rule, key: str, allowed: tuple[str, ...]) -> str:
    value = rule.options[key]
    if value not in allowed:
        raise RuleError(f"{rule.source}: rule {rule.code}: '{key}' must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _int(rule: Rule, key: str, lo: int = 0) -> int:
    value = rule.options[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < lo:
        raise RuleError(f"{rule.source}: rule {rule.code}: '{key}' must be an integer >= {lo}, not {value!r}")
    return value



def _line(rule: Rule) -> CompiledRule:
    if not rule.options.get("patterns") and not rule.options.get("all_of"):
        raise RuleError(f"{rule.source}: rule {rule.code}: a line rule needs 'patterns' (the line's shape), "
                        "'all_of' (evidence that must meet in it, in any order), or both")
    return LineRule(rule, _combined(rule) if rule.options.get("patterns") else (),
                    _choice(rule, "match", ("full", "prefix")) == "prefix",
                    _choice(rule, "position", POSITIONS), _int(rule, "window", 1),
                    _int(rule, "take_next"), _int(rule, "max_words", 1), _int(rule, "max_chars"),
                    _choice(rule, "elsewhere", ("keep", "flag")) == "flag",
                    _choice(rule, "first_line", ("remove", "keep")) == "keep",
                    _compile_all(rule, "all_of") if rule.options.get("all_of") else (),
                    _combined(rule, "none_of") if rule.options.get("none_of") else (),
                    _int(rule, "max_sentences"))


def _span(rule: Rule) -> CompiledRule:
    return SpanRule(rule, _compile_all(rule, "patterns"),
                    _choice(rule, "position", POSITIONS), _int(rule, "window", 1), _int(rule, "max_chars"))


def _tail(rule: Rule) -> CompiledRule:
    return TailRule(rule, _combined(rule), _int(rule, "window", 1),
                    _int(rule, "max_words", 1),
                    _choice(rule, "on_prose", ("remove-marker", "flag", "remove-list")), _int(rule, "max_chars"))


def _repair(rule: Rule) -> CompiledRule:
    repl = rule.options.get("replacement")
    if not isinstance(repl, str):
        raise RuleError(f"{rule.source}: rule {rule.code}: a repair needs a 'replacement' string")
    requires = rule.options.get("requires") or []
    return RepairRule(rule, _compile_all(rule, "patterns"), repl, tuple(requires))


def _detector(rule: Rule) -> CompiledRule:
    absent = rule.options.get("absent") or []
    return DetectorRule(rule, _compile_all(rule, "signatures"), _int(rule, "min_hits", 1),
                        _compile_all(rule, "absent") if absent else ())


def _substitution(rule: Rule) -> CompiledRule:
    token, digit = rule.options.get("token"), rule.options.get("digit")
    if not isinstance(digit, str) or len(digit) != 1 or not digit.isdigit():
        raise RuleError(f"{rule.source}: rule {rule.code}: 'digit' must be one digit as a string, like \"1\"")
    if not isinstance(token, str) or not token or any(c.isdigit() or c.isspace() for c in token):
        raise RuleError(f"{rule.source}: rule {rule.code}: 'token' must be a non-empty string "
                        "without digits or white space (what the scrape wrote for the digit)")
    return SubstitutionRule(rule, Substitution(token, digit, ignore_case=_flags(rule) != 0))


def _mojibake(rule: Rule) -> CompiledRule:
    return MojibakeRule(rule)


def _echo(rule: Rule) -> CompiledRule:
    lo, hi = _int(rule, "min_words", 1), _int(rule, "max_words", 1)
    if hi < lo:
        raise RuleError(f"{rule.source}: rule {rule.code}: 'max_words' must be at least 'min_words'")
    window = _int(rule, "window", 1)
    if window > ECHO_HEAD:
        raise RuleError(f"{rule.source}: rule {rule.code}: an echo rule's 'window' is at most {ECHO_HEAD} lines")
    return EchoRule(rule, window, lo, hi, _int(rule, "max_affix_words"))


def _html(rule: Rule) -> CompiledRule:
    # lxml is imported here, not at the top: text-only runs do not pay for it.
    from lxml import etree
    from lxml.cssselect import CSSSelector, SelectorError

    parts: list[str] = []
    for key in ("selectors", "xpath"):
        raw = rule.options.get(key) or []
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            raise RuleError(f"{rule.source}: rule {rule.code}: '{key}' must be a list of non-empty strings")
        for expr in raw:
            try:
                parts.append(CSSSelector(expr, translator="html").path if key == "selectors" else expr)
                etree.XPath(parts[-1])
            except (SelectorError, etree.XPathError) as exc:
                raise RuleError(f"{rule.source}: rule {rule.code}: invalid {key[:-1] if key == 'selectors' else key} "
                                f"{expr!r}: {exc}") from exc
    if not parts:
        raise RuleError(f"{rule.source}: rule {rule.code}: an html rule needs 'selectors' (CSS) or 'xpath'")
    if not isinstance(rule.options.get("before_extractor", False), bool):
        raise RuleError(f"{rule.source}: rule {rule.code}: 'before_extractor' must be true or false")
    sel, xp = (tuple([x] if isinstance(x, str) else x or []) for x in (rule.options.get("selectors"), rule.options.get("xpath")))
    return HtmlRule(rule, _int(rule, "max_words"), sel, xp)


def _scorer(rule: Rule) -> CompiledRule:
    from .scorer.model import ModelError, load

    path = rule.options.get("model")
    if not isinstance(path, str) or not path:
        raise RuleError(f"{rule.source}: rule {rule.code}: a scorer needs 'model', the path of a model file "
                        "(relative to the pack), such as one `clean train` writes")
    for key in ("remove_at", "flag_at", "full_page_at"):
        value = rule.options[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise RuleError(f"{rule.source}: rule {rule.code}: '{key}' must be a score between 0 and 1 "
                            f"(0: the model's own threshold), not {value!r}")
    try:
        model = load(path)
    except ModelError as exc:
        raise RuleError(f"{rule.source}: rule {rule.code}: {exc}") from exc
    return ScorerRule(rule, model, {k: float(rule.options[f"{k}_at"]) or model.thresholds[k]
                                    for k in ("remove", "flag", "full_page")})


def _declare(*kinds: Kind) -> dict[str, Kind]:
    return {k.name: k for k in kinds}


KINDS: dict[str, Kind] = _declare(
    # patterns: the whole line's shape; all_of: regexes that must each be found in it, in any
    # order; none_of: regexes any of which rules it out; a rule needs patterns or all_of.
    Kind("line", {"patterns": [], "match": "full", "position": "anywhere", "window": 8,
                  "take_next": 0, "max_words": 14, "max_chars": 0, "elsewhere": "keep",
                  "first_line": "remove", "all_of": [], "none_of": [], "max_sentences": 0},
         LineRule, _line, "lines", "removes", ("matches",), ("patterns", "all_of", "none_of")),
    Kind("span", {"patterns": None, "position": "anywhere", "window": 8, "max_chars": 0},
         SpanRule, _span, "inline", "removes", ("spans",), ("patterns",)),
    Kind("tail", {"patterns": None, "window": 40, "max_words": 14, "on_prose": "remove-marker", "max_chars": 0},
         TailRule, _tail, "lines", "removes", ("matches",), ("patterns",)),
    Kind("repair", {"patterns": None, "replacement": None, "requires": []},
         RepairRule, _repair, "inline", "rewrites", ("repairs",), ("patterns",)),
    Kind("detector", {"signatures": None, "min_hits": 1, "absent": []},
         DetectorRule, _detector, "document", "gates repairs", ("fires",), ("signatures", "absent"),
         needs_examples=False),
    # token: what the scrape wrote where ``digit`` stood (src for 1); see cleaner.substitution.
    Kind("substitution", {"token": None, "digit": None},
         SubstitutionRule, _substitution, "document", "weighs, rewrites", ("judge", "repairs", "could_repair")),
    Kind("mojibake", {}, MojibakeRule, _mojibake, "inline", "rewrites", ("fix",)),
    # CSS selectors and/or XPath; elements with more than max_words words are kept (0: no limit);
    # before_extractor: the built-in rule also runs ahead of an external extractor (trafilatura).
    Kind("html", {"selectors": [], "xpath": [], "max_words": 0, "before_extractor": False},
         HtmlRule, _html, "page", "removes", triggered=False),
    # model: a scorer file, relative to the pack; remove_at/flag_at (default scope) and
    # full_page_at: score thresholds, 0 for the model's own (cleaner.scorer.decide applies them).
    Kind("scorer", {"model": None, "remove_at": 0.0, "flag_at": 0.0, "full_page_at": 0.0},
         ScorerRule, _scorer, "lines", "removes, flags", needs_examples=False, triggered=False),
    # window: the headline is among the first kept lines; min/max_words: its length;
    # max_affix_words: the longest breadcrumb before it or site name after it.
    Kind("echo", {"window": 4, "min_words": 4, "max_words": 25, "max_affix_words": 6},
         EchoRule, _echo, "lines", "removes", ("echoes",), triggered=False),
)
# Every option key that holds regexes, in any kind.
PATTERN_KEYS: tuple[str, ...] = tuple(dict.fromkeys(key for kind in KINDS.values() for key in kind.pattern_keys))
# Keys each kind accepts besides the common ones, with their defaults.
KIND_KEYS: dict[str, Mapping[str, Any]] = {name: k.keys for name, k in KINDS.items()}
BY_CLASS: dict[type, Kind] = {k.compiled: k for k in KINDS.values()}


def kinds_accepting(key: str) -> list[str]:
    """The kinds that accept ``key``, for an error that names where it belongs."""
    return [name for name, k in KINDS.items() if key in k.keys]


# Compiled form of each Rule object, so the loader's validation and every Cleaner built
# from the same packs share one compilation (compiling the patterns was most of the
# start-up time). Keyed by identity, holding the rule so its id cannot be reused.
_COMPILED: dict[int, tuple[Rule, CompiledRule]] = {}


def compile_rule(rule: Rule, *, check: bool = False) -> CompiledRule:
    """Turn a validated rule into the object its kind's code applies (compiled once).
    ``check``: compile each pattern on its own first, to name a bad one; the shipped
    packs, whose tests do that, skip it to keep start-up short. A rule compiled once is
    not checked again."""
    hit = _COMPILED.get(id(rule))
    if hit is not None and hit[0] is rule:
        return hit[1]
    kind = KINDS.get(rule.kind)
    if kind is None:
        raise RuleError(f"{rule.source}: rule {rule.code}: unknown kind {rule.kind!r}; kinds are {', '.join(KINDS)}")
    if check:
        _check_patterns(rule, kind.pattern_keys)
    compiled = kind.build(rule)
    _COMPILED[id(rule)] = (rule, compiled)
    return compiled
