"""What each rule kind does to text: the compiled form of a rule, one class per kind.

A pack's rule is data (``model.Rule``); ``kinds.compile_rule`` turns it into one of
these, and the engine's passes call its methods: ``matches`` (a line), ``spans`` (matches
inside a line), ``repairs``, ``fires`` / ``judge`` (a whole document), ``fix`` (mojibake),
``select`` (page elements). Which kind becomes which class is declared in ``kinds``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import regex

from .echo import EchoRule
from .model import Evidence, Rule, RuleError
from .scorer.model import ScorerModel
from .substitution import MEANT, Substitution, Verdict, judge, repairs

# UTF-8 read as Windows-1252/Latin-1 always leaves a lead-byte character (Â..ô) right
# before a continuation-byte character; accented prose ("São", "Müller") has no such
# pair, so this one search spares ftfy's costlier check on most non-English lines.
_CP1252_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE_PAIR = re.compile(f"[\u00c2-\u00f4][{_CP1252_CONT}]")


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


def _check_patterns(rule: Rule, keys: tuple[str, ...]) -> None:
    """Compile each of a rule's patterns on its own, so a bad one is named (joined into an
    alternation, two bad halves could even make a valid whole)."""
    for key in keys:
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
    # A head/tail/edge rule's match outside its window is flagged, not left unsaid.
    flag_elsewhere: bool = False
    # A match on the text's first line is flagged, not removed: a label that also opens a
    # page's own title ("Photo gallery: <title>") is the page's headline there.
    keep_first: bool = False
    # Evidence that must meet in the line, in any order (each searched for), and evidence
    # that rules it out: a family named by what its lines say, not by one word order.
    all_of: tuple[regex.Pattern[str], ...] = ()
    none_of: tuple[regex.Pattern[str], ...] = ()
    max_sentences: int = 0  # 0: no limit; a notice is a sentence or three, an article paragraph more

    def matches(self, stripped: str) -> bool:
        if self.max_chars and len(stripped) > self.max_chars:
            return False
        if self.patterns:  # usually one: patterns are joined into one alternation
            for p in self.patterns:
                if (p.match(stripped) if self.prefix else p.fullmatch(stripped)) is not None:
                    break
            else:
                return False
        # Loops, not all()/any() over generators: this runs for every armed line, and most
        # rules have no evidence lists to build a generator for.
        for p in self.all_of:
            if p.search(stripped) is None:
                return False
        for p in self.none_of:
            if p.search(stripped) is not None:
                return False
        return not self.max_sentences or sentences(stripped) <= self.max_sentences


_SENTENCE_END = regex.compile(r"[.!?…]+[\"'”’»)]*\s+(?=[\"'“‘«(¡¿]?\p{Lu})")


def sentences(text: str) -> int:
    """How many sentences ``text`` holds, counted by end marks followed by a capital."""
    return 1 + len(_SENTENCE_END.findall(text))


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
    """Removes page elements (cleaner.html, which matches them during its one walk of the
    tree); the text engine never arms it (no triggers)."""

    rule: Rule
    max_words: int  # 0: no limit; a longer element is kept (an article body with a boxy class)
    selectors: tuple[str, ...] = ()  # CSS, as written (validated when the rule compiles)
    xpaths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScorerRule:
    """Scores every line with a trained model (cleaner.scorer); the passes decide what
    the scores do in the cleaner's scope (default or full page)."""

    rule: Rule
    model: ScorerModel
    thresholds: dict[str, float]  # remove, flag, full_page


CompiledRule = (LineRule | SpanRule | TailRule | RepairRule | DetectorRule | SubstitutionRule | MojibakeRule | HtmlRule
                | EchoRule | ScorerRule)
