"""The closed set of rule kinds. Packs are data; what a kind does is code, here.

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import regex

from .model import Evidence, Rule
from .substitution import MEANT, Substitution, Verdict, judge, repairs

# UTF-8 read as Windows-1252/Latin-1 always leaves a lead-byte character (Â..ô) right
# before a continuation-byte character; accented prose ("São", "Müller") has no such
# pair, so this one search spares ftfy's costlier check on most non-English lines.
_CP1252_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE_PAIR = re.compile(f"[\u00c2-\u00f4][{_CP1252_CONT}]")


COMMON_KEYS = {
    "code", "name", "kind", "message", "why", "triggers", "remove", "keep", "fix",
    "case", "action", "replaces",
}
# Keys each kind accepts besides the common ones, with their defaults.
KIND_KEYS: dict[str, dict[str, Any]] = {
    "line": {"patterns": None, "match": "full", "position": "anywhere", "window": 8,
             "take_next": 0, "max_words": 14, "max_chars": 0},
    "span": {"patterns": None, "position": "anywhere", "window": 8, "max_chars": 0},
    "tail": {"patterns": None, "window": 40, "max_words": 14, "on_prose": "remove-marker", "max_chars": 0},
    "repair": {"patterns": None, "replacement": None, "requires": []},
    "detector": {"signatures": None, "min_hits": 1, "absent": []},
    # token: what the scrape wrote where ``digit`` stood (src for 1); see cleaner.substitution.
    "substitution": {"token": None, "digit": None},
    "mojibake": {},
    # CSS selectors and/or XPath; elements with more than max_words words are kept (0: no limit);
    # before_extractor: the built-in rule also runs ahead of an external extractor (trafilatura).
    "html": {"selectors": [], "xpath": [], "max_words": 0, "before_extractor": False},
}
POSITIONS = ("head", "tail", "anywhere")


class RuleError(ValueError):
    """A pack or rule that cannot be loaded; the message names file, rule and key."""


def _flags(rule: Rule) -> int:
    return regex.IGNORECASE if rule.options.get("case", "ignore") == "ignore" else 0


def _combined(rule: Rule, key: str = "patterns") -> tuple[regex.Pattern[str], ...]:
    """One alternation instead of several patterns: one regex call per line instead of
    one per pattern. The alternation is compiled straight from the sources (compiling each
    pattern too, first, doubled the start-up cost); only when it fails to compile (a bad
    pattern, or one whose own inline flags forbid joining) is each compiled on its own,
    which names the bad one or keeps them apart."""
    raw = rule.options.get(key)
    if isinstance(raw, list) and len(raw) > 1 and all(isinstance(p, str) for p in raw):
        try:
            return (regex.compile("|".join(f"(?:{p})" for p in raw), _flags(rule)),)
        except regex.error:
            pass
    return _compile_all(rule, key)


def _check_patterns(rule: Rule) -> None:
    """Compile each of a rule's patterns on its own, so a bad one is named (joined into an
    alternation, two bad halves could even make a valid whole)."""
    for key in ("patterns", "signatures", "absent"):
        if rule.options.get(key):
            _compile_all(rule, key)


def _compile_all(rule: Rule, key: str) -> tuple[regex.Pattern[str], ...]:
    raw = rule.options.get(key)
    if isinstance(raw, str):
        raw = [raw]
    if not raw or not all(isinstance(p, str) for p in raw):
        raise RuleError(f"{rule.source}: rule {rule.code}: '{key}' must be a non-empty list of regexes")
    out = []
    for p in raw:
        try:
            out.append(regex.compile(p, _flags(rule)))
        except regex.error as exc:
            raise RuleError(f"{rule.source}: rule {rule.code}: invalid regex in '{key}': {p!r}: {exc}") from exc
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LineRule:
    rule: Rule
    patterns: tuple[regex.Pattern[str], ...]
    prefix: bool
    position: str
    window: int
    take_next: int
    max_words: int
    max_chars: int  # 0: no limit; longer lines are never matched (labels are short)

    def matches(self, stripped: str) -> bool:
        if self.max_chars and len(stripped) > self.max_chars:
            return False
        for p in self.patterns:  # usually one: patterns are joined into one alternation
            if (p.match(stripped) if self.prefix else p.fullmatch(stripped)) is not None:
                return True
        return False


@dataclass(frozen=True, slots=True)
class SpanRule:
    rule: Rule
    patterns: tuple[regex.Pattern[str], ...]
    position: str
    window: int
    max_chars: int  # 0: no limit; a longer line is not searched

    def spans(self, content: str) -> list[tuple[int, int]]:
        if self.max_chars and len(content.strip()) > self.max_chars:
            return []
        found = []
        for p in self.patterns:
            for m in p.finditer(content):
                # A named group "drop" narrows the removal to part of the match, so a
                # pattern can require context (a sentence end before it) without eating it.
                s, e = m.span("drop") if "drop" in p.groupindex else m.span()
                if e > s:
                    found.append((s, e))
        return found


@dataclass(frozen=True, slots=True)
class TailRule:
    rule: Rule
    patterns: tuple[regex.Pattern[str], ...]
    window: int
    max_words: int
    on_prose: str
    max_chars: int

    def matches(self, stripped: str) -> bool:
        if self.max_chars and len(stripped) > self.max_chars:
            return False
        for p in self.patterns:
            if p.fullmatch(stripped) is not None:
                return True
        return False


@dataclass(frozen=True, slots=True)
class RepairRule:
    rule: Rule
    patterns: tuple[regex.Pattern[str], ...]
    replacement: str
    requires: tuple[str, ...]

    def repairs(self, content: str) -> list[tuple[int, int, str]]:
        found = []
        for p in self.patterns:
            for m in p.finditer(content):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), m.expand(self.replacement)))
        return found


@dataclass(frozen=True, slots=True)
class DetectorRule:
    rule: Rule
    signatures: tuple[regex.Pattern[str], ...]
    min_hits: int
    absent: tuple[regex.Pattern[str], ...]

    def fires(self, text: str) -> bool:
        if any(p.search(text) for p in self.absent):
            return False
        hits = 0
        for p in self.signatures:
            for _ in p.finditer(text):
                hits += 1
                if hits >= self.min_hits:
                    return True
        return False


@dataclass(frozen=True, slots=True)
class SubstitutionRule:
    """A token written where a digit stood: judged per document, then repaired by run."""

    rule: Rule
    sub: Substitution

    def judge(self, text: str) -> Verdict:
        return judge(self.sub, text)

    def repairs(self, content: str, verdict: Verdict, *, text: str | None = None,
                start: int = 0) -> list[tuple[int, int, str, bool, str]]:
        return repairs(self.sub, content, verdict, text=text, start=start)

    def could_repair(self, content: str) -> bool:
        return any(r.role != MEANT for r in self.sub.runs(content))

    def evidence(self, verdict: Verdict) -> Evidence:
        runs = {role: dict(sorted(c.items())) for role, c in verdict.shapes.items() if c}
        return Evidence(self.rule.code, self.rule.name, self.rule.pack,
                        "repair" if verdict.repair else "keep", verdict.reason, runs)


@dataclass(frozen=True, slots=True)
class MojibakeRule:
    rule: Rule

    def fix(self, content: str) -> str | None:
        """The line with its mojibake undone, or None when there is none to undo."""
        if not _MOJIBAKE_PAIR.search(content):
            return None
        # ftfy is imported on the first line that needs it: its import was a quarter of
        # the command's start-up, and most runs never get here.
        import ftfy
        from ftfy.badness import is_bad

        if not is_bad(content):
            return None
        # Only the encoding fix: quotes, widths, HTML entities stay as they were.
        fixed = ftfy.fix_encoding(content)
        return None if fixed == content else fixed


@dataclass(frozen=True, slots=True)
class HtmlRule:
    """Removes page elements (cleaner.html); the text engine never arms it (no triggers)."""

    rule: Rule
    xpath: Any  # one lxml.etree.XPath: the union of every selector and expression
    max_words: int  # 0: no limit; a longer element is kept (an article body with a boxy class)
    selectors: tuple[str, ...] = ()  # as written: cleaner.html matches simple ones without XPath
    xpaths: tuple[str, ...] = ()

    def select(self, root: Any) -> list[Any]:
        return self.xpath(root)


def _compile_html(rule: Rule) -> HtmlRule:
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
    sel, xp = (tuple([x] if isinstance(x, str) else x or []) for x in (rule.options.get("selectors"), rule.options.get("xpath")))
    return HtmlRule(rule, etree.XPath(" | ".join(parts)), _int(rule, "max_words"), sel, xp)


CompiledRule = LineRule | SpanRule | TailRule | RepairRule | DetectorRule | SubstitutionRule | MojibakeRule | HtmlRule


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
    if check:
        _check_patterns(rule)
    compiled = _compile(rule)
    _COMPILED[id(rule)] = (rule, compiled)
    return compiled


def _compile(rule: Rule) -> CompiledRule:
    k = rule.kind
    if k == "line":
        return LineRule(rule, _combined(rule),
                        _choice(rule, "match", ("full", "prefix")) == "prefix",
                        _choice(rule, "position", POSITIONS), _int(rule, "window", 1),
                        _int(rule, "take_next"), _int(rule, "max_words", 1), _int(rule, "max_chars"))
    if k == "span":
        return SpanRule(rule, _compile_all(rule, "patterns"),
                        _choice(rule, "position", POSITIONS), _int(rule, "window", 1), _int(rule, "max_chars"))
    if k == "tail":
        return TailRule(rule, _combined(rule), _int(rule, "window", 1),
                        _int(rule, "max_words", 1),
                        _choice(rule, "on_prose", ("remove-marker", "flag")), _int(rule, "max_chars"))
    if k == "repair":
        repl = rule.options.get("replacement")
        if not isinstance(repl, str):
            raise RuleError(f"{rule.source}: rule {rule.code}: a repair needs a 'replacement' string")
        requires = rule.options.get("requires") or []
        return RepairRule(rule, _compile_all(rule, "patterns"), repl, tuple(requires))
    if k == "detector":
        absent = rule.options.get("absent") or []
        return DetectorRule(rule, _compile_all(rule, "signatures"), _int(rule, "min_hits", 1),
                            _compile_all(rule, "absent") if absent else ())
    if k == "substitution":
        token, digit = rule.options.get("token"), rule.options.get("digit")
        if not isinstance(digit, str) or len(digit) != 1 or not digit.isdigit():
            raise RuleError(f"{rule.source}: rule {rule.code}: 'digit' must be one digit as a string, like \"1\"")
        if not isinstance(token, str) or not token or any(c.isdigit() or c.isspace() for c in token):
            raise RuleError(f"{rule.source}: rule {rule.code}: 'token' must be a non-empty string "
                            "without digits or white space (what the scrape wrote for the digit)")
        return SubstitutionRule(rule, Substitution(token, digit, ignore_case=_flags(rule) != 0))
    if k == "mojibake":
        return MojibakeRule(rule)
    if k == "html":
        return _compile_html(rule)
    raise RuleError(f"{rule.source}: rule {rule.code}: unknown kind {k!r}; kinds are {', '.join(KIND_KEYS)}")
