"""The cleaning engine: packs in, one pass over a document, a CleanResult out.

Decisions are taken on the lines of the original text, so every edit is an exact
slice of the original. Rules that depend on position (head, tail, the zone after
an end-of-article marker) are re-evaluated among the lines still kept until
nothing changes: that fixpoint is what makes cleaning the output again a no-op.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import filterfalse
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, cast

from .kinds import (
    CompiledRule,
    DetectorRule,
    LineRule,
    MojibakeRule,
    RepairRule,
    RuleError,
    SpanRule,
    TailRule,
    compile_rule,
)
from .lines import Lines, is_prose
from .loader import check_codes_unique, load_default_packs, load_pack_file
from .model import Action, CleanResult, Edit, Flag, Pack, Rule
from .prefilter import Prefilter
from .profiling import timed
from .regex_safety import RuleTimeout, guarded


def _selected(rule: Rule, keys: Sequence[str]) -> bool:
    """A selector names a code, a code prefix, a rule name or a pack name."""
    return any(rule.code.startswith(k) or k in (rule.name, rule.pack) for k in keys)


@dataclass(slots=True)
class _Proposal:
    start: int
    end: int
    replacement: str
    rule: Rule
    message: str


@dataclass(slots=True)
class _Doc:
    """Per-document working state; lives only for one call of ``clean``."""

    text: str
    lines: Lines
    cands: dict[int, set[int]]
    removed: dict[int, tuple[Rule, str]] = field(default_factory=dict)
    inline: dict[int, list[_Proposal]] = field(default_factory=dict)  # line -> spans/repairs
    flags: list[Flag] = field(default_factory=list)
    skipped: int = 0
    _clean_content: dict[int, str] = field(default_factory=dict)
    _bare_content: dict[int, str] = field(default_factory=dict)
    # (rule index, line) -> whether the rule's pattern matches the line's cleaned content
    _matched: dict[tuple[int, int], bool] = field(default_factory=dict)
    _flagged: set[tuple[str, int]] = field(default_factory=set)

    def content(self, i: int) -> str:
        """The line's text after the inline edits proposed for it."""
        if i in self._clean_content:
            return self._clean_content[i]
        s = self._splice(i, self.inline.get(i, ()))
        self._clean_content[i] = s
        return s

    def bare(self, i: int) -> str:
        """The line's cleaned content as line rules judge it (see ``_bare``), cached:
        several rules often judge one line."""
        b = self._bare_content.get(i)
        if b is None:
            b = self._bare_content[i] = _bare(self.content(i))
        return b

    def without_removals(self, i: int) -> str:
        """The line with its inline removals applied but not its repairs: the text a
        second cleaning's detectors would see, before they decide on repairs."""
        return self._splice(i, [p for p in self.inline.get(i, ()) if not p.replacement])

    def _splice(self, i: int, props: Sequence[_Proposal]) -> str:
        """Line ``i`` with ``props`` (sorted, disjoint) applied."""
        if not props:
            return self.lines.contents[i]
        out, pos = [], self.lines.starts[i]
        for p in props:
            out.append(self.text[pos : p.start])
            out.append(p.replacement)
            pos = p.end
        out.append(self.text[pos : self.lines.cend(i)])
        return "".join(out)

    def arm_deferred(self, later: dict[int, set[int]], lines: Iterable[int]) -> None:
        """Make the rules a line's length had deferred candidates on ``lines``, which
        edits have shortened: a second cleaning would judge them there."""
        lines = set(lines)
        for idx, line_ids in later.items():
            for i in line_ids & lines:
                self.cands.setdefault(idx, set()).add(i)

    def invalidate(self, i: int) -> None:
        self._clean_content.pop(i, None)
        self._bare_content.pop(i, None)
        for key in [k for k in self._matched if k[1] == i]:
            del self._matched[key]

    def matches(self, idx: int, c: LineRule | TailRule, i: int) -> bool:
        key = (idx, i)
        hit = self._matched.get(key)
        if hit is None:
            hit = self._matched[key] = c.matches(self.bare(i))
        return hit

    def to_original(self, i: int, x: int, is_end: bool) -> int:
        """Map offset ``x`` in line ``i``'s cleaned content to an offset in the original.

        A position inside a replacement maps to the replacement's edge, so an edit built
        from mapped offsets covers whole earlier edits or none of them.
        """
        orig = self.lines.starts[i]
        clean = 0
        for p in self.inline.get(i, ()):
            unchanged = p.start - orig
            if x < clean + unchanged or (is_end and x == clean + unchanged):
                return orig + (x - clean)
            clean += unchanged
            r = len(p.replacement)
            if x < clean + r or (is_end and r and x == clean + r):
                return p.end if is_end else p.start
            clean += r
            orig = p.end
        return orig + (x - clean)



class _Compiled(dict[int, CompiledRule]):
    """Rule index -> compiled rule, each compiled on first use: a run arms only the rules
    whose triggers occur, and compiling every pattern up front was most of the start-up
    time (a pre-commit hook on one file paid it in full). Lookups of rules already
    compiled are plain dict hits."""

    def __init__(self, rules: Sequence[Rule], shipped: set[int], timings: Counter[str] | None) -> None:
        super().__init__()
        self._rules = rules
        self._shipped = shipped
        self._timings = timings

    def __missing__(self, idx: int) -> CompiledRule:
        rule = self._rules[idx]
        trusted = id(rule) in self._shipped
        # Not shipped: each pattern is checked alone, unless the loader already compiled the
        # rule (a Pack built in Python skipped it). Rules that could backtrack badly (user
        # packs, nested repeats) get a time limit.
        c = guarded(compile_rule(rule, check=not trusted), trusted=trusted)
        if self._timings is not None:
            c = timed(c, self._timings)
        self[idx] = c
        return c


class Cleaner:
    """A reusable, thread-safe cleaner: compile the packs once, call ``clean`` per document.

    ``packs``: default pack names or Pack objects (default: every shipped pack);
    ``extra_packs``: paths of user packs added to them; ``select``/``ignore``: codes,
    code prefixes, rule names or pack names. A detector that a selected repair needs
    is always kept, since ignoring it would silently disable the repair.
    """

    def __init__(self, packs: Sequence[str | Pack] | None = None, *,
                 select: Sequence[str] | None = None, ignore: Sequence[str] = (),
                 extra_packs: Sequence[str | Path | Pack] = (), profile: bool = False) -> None:
        self._args = (packs, select, ignore, extra_packs, profile)
        defaults = {p.name: p for p in _default_packs()}
        chosen: list[Pack] = []
        for p in (list(defaults.values()) if packs is None else packs):
            if isinstance(p, Pack):
                chosen.append(p)
            elif p in defaults:
                chosen.append(defaults[p])
            else:
                raise RuleError(f"unknown pack {p!r}; default packs are {', '.join(sorted(defaults))}")
        for extra in extra_packs:
            chosen.append(extra if isinstance(extra, Pack) else load_pack_file(extra))
        check_codes_unique(chosen)
        self.packs: tuple[Pack, ...] = tuple(chosen)
        every = [r for p in chosen for r in p.rules]
        for flag, keys in (("--select", select or ()), ("--ignore", ignore)):
            unknown = [k for k in keys if not any(_selected(r, [k]) for r in every)]
            if unknown:  # a typo must not leave every rule running unnoticed
                raise RuleError(f"{flag} {', '.join(unknown)} matches no rule; see `clean rules`")
        keep = [r for r in every if (not select or _selected(r, select)) and not _selected(r, ignore)]
        needed = {c for r in keep if r.kind == "repair" for c in r.options.get("requires", [])}
        by_code = {r.code: r for r in every}
        for code in sorted(needed):
            if code not in by_code or by_code[code].kind != "detector":
                raise RuleError(f"a repair requires detector {code}, which no loaded pack defines")
            if by_code[code] not in keep:
                keep.append(by_code[code])
        self.rules: tuple[Rule, ...] = tuple(keep)
        shipped = {id(r) for p in defaults.values() for r in p.rules}
        # Seconds spent in each rule's own matching, when profiling (see cleaner.profiling).
        self.timings: Counter[str] | None = Counter() if profile else None
        self._compiled = _Compiled(keep, shipped, self.timings)
        limits = [r.options.get("max_chars", 0) if r.kind in ("line", "span", "tail") else 0 for r in keep]
        self._prefilter = Prefilter([(t, i) for i, r in enumerate(keep) for t in r.triggers], limits)
        self._detectors = [i for i, r in enumerate(keep) if r.kind == "detector"]

    def compiled(self) -> list[CompiledRule]:
        """Every rule in the form the engine applies (compiling any not used yet)."""
        return [self._compiled[i] for i in range(len(self.rules))]

    def variant(self, extra_ignore: Sequence[str]) -> Cleaner:
        """This cleaner with more rules ignored (per-file ignores), built once per set."""
        key = tuple(sorted(set(extra_ignore)))
        if not key:
            return self
        cache = self.__dict__.setdefault("_variants", {})
        if key not in cache:
            packs, select, ignore, extra, profile = self._args
            cache[key] = Cleaner(packs, select=select, ignore=[*ignore, *key], extra_packs=extra, profile=profile)
        return cache[key]

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its arguments in a worker process: compiled native objects (the
        # automaton, some regexes) are cheaper to rebuild than to ship.
        packs, select, ignore, extra, profile = self._args
        return (_rebuild, (packs, select, ignore, extra, profile))

    # -- public API -------------------------------------------------------

    def clean(self, text: str) -> CleanResult:
        try:
            return self._clean(text)
        except RuleTimeout as exc:
            return _without_slow_rules(self, text, exc)

    def _clean(self, text: str) -> CleanResult:
        if not isinstance(text, str):
            raise TypeError(f"clean() takes str, not {type(text).__name__}; decode bytes first")
        # A \r also ends a line, so newline counts would not number the lines: split first.
        lines = Lines(text) if "\r" in text else None
        cands, later = self._prefilter.scan(text, lines.starts if lines else None)
        if not cands:  # the common case at scale: nothing any rule could match
            return CleanResult(original=text, text=text)
        lines = lines or Lines(text)
        detectors = [cast(DetectorRule, self._compiled[i]) for i in self._detectors if i in cands]
        fired = {c.rule.code for c in detectors if c.fires(text)}
        for _ in range(3):
            # The document state changes candidate sets; a rerun needs the pristine ones.
            doc = _Doc(text, lines, {k: set(v) for k, v in cands.items()} if detectors else cands)
            self._inline_edits(doc, fired, later)
            doc.arm_deferred(later, doc.inline.keys())
            self._line_decisions(doc, later)
            if not detectors:
                break
            # Detectors judge the document that will be kept: a signature (or an absent
            # digit) that only removed lines carried must not change the verdict, or a
            # second cleaning of the output would judge differently.
            kept = "\n".join(doc.without_removals(i) for i in range(len(lines)) if i not in doc.removed)
            again = {c.rule.code for c in detectors if c.fires(kept)}
            if again == fired or not self._gates_kept_line(doc, again ^ fired):
                # A verdict that changed only where every line its repairs could touch
                # is removed changes nothing in the output: without this, a repair that
                # lets a line rule remove its own line flipped the verdict back and forth.
                break
            fired = again
        return _assemble(doc)

    def _gates_kept_line(self, doc: _Doc, codes: set[str]) -> bool:
        """Whether a repair gated by one of ``codes`` would still find something to
        repair in a kept line as this pass leaves it: only then can a second cleaning,
        whose detectors judge this output, change it."""
        for idx, line_ids in doc.cands.items():
            c = self._compiled[idx]
            if isinstance(c, RepairRule) and codes & set(c.requires):
                if any(i not in doc.removed and c.repairs(doc.content(i)) for i in line_ids):
                    return True
        return False

    def filter(self, items: Iterable[str | Mapping[str, Any]], *, text_field: str = "text",
               edits_field: str | None = "cleaner_edits", drop_empty: bool = False,
               errors: Literal["mark", "raise"] = "mark", error_field: str = "cleaner_error",
               ) -> Iterator[CleanResult | dict[str, Any]]:
        """Clean a stream: strings give CleanResults; records give copies with the text
        field cleaned and the edits (as dicts) under ``edits_field``. With ``drop_empty``
        records and texts that clean to nothing are left out. A record without the text
        field, or whose field is not a string, comes back unchanged but for the reason
        under ``error_field``, as the CLI passes it through; ``errors="raise"`` raises
        KeyError or TypeError instead."""
        for item in items:
            if isinstance(item, str):
                res = self.clean(item)
                if not (drop_empty and not res.text.strip()):
                    yield res
                continue
            text = item.get(text_field)
            if not isinstance(text, str):
                missing = text_field not in item
                problem = (f"record has no field {text_field!r}; pass text_field=" if missing
                           else f"record field {text_field!r} is {type(text).__name__}, not a string")
                if errors == "raise":
                    raise KeyError(problem) if missing else TypeError(problem)
                if errors != "mark":
                    raise ValueError(f"errors={errors!r}: choose 'mark' or 'raise'")
                yield {**item, error_field: problem}
                continue
            res = self.clean(text)
            if drop_empty and not res.text.strip():
                continue
            out = dict(item)
            out[text_field] = res.text
            if edits_field:
                out[edits_field] = [e.to_dict() for e in res.edits]
            yield out

    # -- stages -----------------------------------------------------------

    def _inline_edits(self, doc: _Doc, fired: set[str], later: dict[int, set[int]]) -> None:
        """Repairs and mojibake fixes first, then spans, all inside lines. Span rules
        deferred for a line's length join any line that other inline edits touch: they
        may fit once it is shorter (each round re-checks the limit)."""
        span_rules: dict[int, list[SpanRule]] = {}
        mojibake: list[tuple[MojibakeRule, int]] = []
        for idx, line_ids in doc.cands.items():
            c = self._compiled[idx]
            if isinstance(c, SpanRule) and c.position == "anywhere":
                for i in line_ids:
                    span_rules.setdefault(i, []).append(c)
            elif isinstance(c, RepairRule):
                if not all(code in fired for code in c.requires):
                    continue
                for i in line_ids:
                    base = doc.lines.starts[i]
                    for s, e, repl in c.repairs(doc.lines.contents[i]):
                        self._propose(doc, i, _Proposal(base + s, base + e, repl, c.rule, c.rule.message))
            elif isinstance(c, MojibakeRule):
                mojibake.extend((c, i) for i in line_ids)
        for i, props in doc.inline.items():
            doc.inline[i] = _disjoint(props, doc)
        # Mojibake after the repairs, on the repaired line: a repair inside a stretch
        # ftfy rewrites would otherwise be dropped as an overlap and made only by a
        # second cleaning, once the mojibake is gone.
        for c, i in mojibake:
            self._mojibake_line(doc, c, i)
        if later:
            touched = span_rules.keys() | doc.inline.keys()
            for idx, line_ids in later.items():
                c = self._compiled[idx]
                if isinstance(c, SpanRule) and c.position == "anywhere":
                    for i in line_ids & touched:
                        span_rules.setdefault(i, []).append(c)
        for i, rules in span_rules.items():
            self._spans(doc, rules, i)

    @staticmethod
    def _propose(doc: _Doc, i: int, p: _Proposal) -> None:
        """Queue a repair, or only report it when its rule is marked unsure."""
        if p.rule.options.get("action") == "flag":
            doc.flags.append(_flag(doc, p.rule, p.start, p.end, f"{p.message} (would become {p.replacement!r})"))
        else:
            doc.inline.setdefault(i, []).append(p)

    def _spans(self, doc: _Doc, rules: Sequence[SpanRule], i: int) -> None:
        """Remove span matches from line ``i`` until none is left.

        Matching runs on the line as already cleaned, so a removal that gives another
        pattern its context (a sentence start, say) is followed up now rather than in a
        second cleaning: that would break idempotence. A later match that straddles an
        earlier removal absorbs it, which keeps every edit one contiguous slice.
        """
        # Each round removes at least one character, so this ends; usually in one or two.
        for round_ in range(len(doc.lines.contents[i]) + 1):
            content = doc.content(i)
            found: list[tuple[int, int, SpanRule]] = []
            for c in rules:
                for s, e in c.spans(content):
                    s, e = _take_whitespace(content, s, e)
                    a, b = doc.to_original(i, s, False), doc.to_original(i, e, True)
                    if c.rule.options.get("action") == "flag":
                        if round_ == 0:
                            doc.flags.append(_flag(doc, c.rule, a, b, c.rule.message))
                        continue
                    found.append((a, b, c))
            if not found:
                return
            props = doc.inline.setdefault(i, [])
            for a, b, c in sorted(found, key=lambda f: (f[0], -f[1])):
                if any(p.start < b and a < p.end and not (a <= p.start and p.end <= b) for p in props):
                    doc.skipped += 1  # crosses an edit already taken: the earlier one wins
                    continue
                doc.skipped += sum(1 for p in props if a <= p.start and p.end <= b and p.end > p.start)
                props[:] = [p for p in props if not (a <= p.start and p.end <= b)]
                props.append(_Proposal(a, b, "", c.rule, c.rule.message))
            props.sort(key=lambda p: p.start)
            doc.invalidate(i)

    def _mojibake_line(self, doc: _Doc, c: MojibakeRule, i: int) -> None:
        content = doc.content(i)  # with this line's repairs applied
        fixed = c.fix(content)
        if fixed is None:
            return
        # One edit from the first changed character to the last: linear, where a
        # character diff (difflib) took cubic time on long repetitive lines.
        s = len(os.path.commonprefix([content, fixed]))
        e = len(content) - len(os.path.commonprefix([content[s:][::-1], fixed[s:][::-1]]))
        # Widen it over every repair it touches, which it then carries in its replacement
        # (computed from the repaired line), so each edit stays one slice of the original.
        props = doc.inline.get(i, [])
        covered, pos, orig = [], 0, doc.lines.starts[i]
        for p in props:
            ps = pos + (p.start - orig)
            pe = ps + len(p.replacement)
            if ps < e and s < pe or s <= ps < e:
                covered.append(p)
                s, e = min(s, ps), max(e, pe)
            pos, orig = pe, p.end
        if c.rule.options.get("action") == "flag" and covered:
            return self._propose(doc, i, _Proposal(covered[0].start, covered[-1].end, "", c.rule, c.rule.message))
        replacement = fixed[s : len(fixed) - (len(content) - e)]
        a, b = doc.to_original(i, s, False), doc.to_original(i, e, True)  # while the repairs still map
        message = c.rule.message
        if covered:
            message += f" (with {', '.join(sorted({p.rule.code for p in covered}))}: {'; '.join(sorted({p.message for p in covered}))})"
            doc.inline[i] = [p for p in props if p not in covered]
        self._propose(doc, i, _Proposal(a, b, replacement, c.rule, message))
        doc.inline[i].sort(key=lambda p: p.start)
        doc.invalidate(i)

    def _line_decisions(self, doc: _Doc, later: dict[int, set[int]]) -> None:
        """Whole-line removals. Rules bound to the head or tail are re-evaluated among
        the lines still kept until nothing changes (the fixpoint idempotence needs)."""
        comp, cands = self._compiled, doc.cands
        # Lines emptied by their inline edits go as a whole, so no blank husk remains.
        for i, props in doc.inline.items():
            if props and not doc.content(i).strip():
                doc.removed[i] = (props[0].rule, props[0].message)
        removed, bare = doc.removed, doc.bare
        for idx in sorted(cands):  # position-free rules are judged once
            c = comp[idx]
            if isinstance(c, LineRule) and c.position == "anywhere":
                matches = c.matches
                for i in sorted(cands[idx]):
                    if i not in removed and matches(bare(i)):
                        self._remove_line(doc, c, i)
        nonblank = doc.lines.nonblank()
        spans_done: set[tuple[int, int]] = set()
        is_removed = removed.__contains__
        n_cands = -1
        while True:
            if len(cands) != n_cands:  # a re-judged line may have armed a deferred rule
                n_cands = len(cands)
                positional: list[tuple[int, LineRule | SpanRule]] = []
                tails: list[tuple[int, TailRule]] = []
                for idx in sorted(cands):
                    c = comp[idx]
                    if isinstance(c, (LineRule, SpanRule)) and c.position != "anywhere":
                        positional.append((idx, c))
                    elif isinstance(c, TailRule):
                        tails.append((idx, c))
            if not (positional or tails):
                return
            changed = False
            while True:  # head/tail rules until stable
                kept = list(filterfalse(is_removed, nonblank))
                before = (len(doc.removed), len(spans_done))
                for idx, c in positional:
                    for i in sorted(cands[idx]):
                        if i in doc.removed or not _in_window(c.position, c.window, kept, i):
                            continue
                        if isinstance(c, LineRule):
                            if doc.matches(idx, c, i):
                                self._remove_line(doc, c, i)
                        elif (idx, i) not in spans_done:
                            spans_done.add((idx, i))
                            n = len(doc.inline.get(i, ()))
                            self._spans(doc, [c], i)
                            if len(doc.inline.get(i, ())) != n:
                                self._rejudge(doc, i, later, c)
                if (len(doc.removed), len(spans_done)) == before:
                    break
                changed = True
            kept = list(filterfalse(is_removed, nonblank))
            for idx, c in tails:
                if self._tail_zone(doc, c, idx, kept):
                    changed = True
                    break
            if not changed:
                return

    def _rejudge(self, doc: _Doc, i: int, later: dict[int, set[int]], by: SpanRule) -> None:
        """Line ``i`` was shortened by a head/tail span: judge it again as a second
        cleaning would, with the rules its length had deferred and the position-free
        rules that saw it at its old length."""
        doc.arm_deferred(later, (i,))
        if not doc.content(i).strip():
            doc.removed[i] = (by.rule, by.rule.message)
            return
        mine = [self._compiled[idx] for idx in sorted(doc.cands) if i in doc.cands[idx]]
        spans = [c for c in mine if isinstance(c, SpanRule) and c.position == "anywhere"]
        if spans:
            self._spans(doc, spans, i)
            if not doc.content(i).strip():
                doc.removed[i] = (by.rule, by.rule.message)
                return
        for c in mine:
            if isinstance(c, LineRule) and c.position == "anywhere":
                if c.matches(doc.bare(i)):
                    self._remove_line(doc, c, i)
                    return

    def _remove_line(self, doc: _Doc, c: LineRule, i: int) -> None:
        if c.rule.options.get("action") == "flag":
            if (c.rule.code, i) not in doc._flagged:  # the fixpoint loop may see it again
                doc._flagged.add((c.rule.code, i))
                doc.flags.append(_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(i), c.rule.message))
            return
        doc.removed[i] = (c.rule, c.rule.message)
        if c.take_next:
            nonblank = doc.lines.nonblank()
            taken = 0
            for j in nonblank[bisect_right(nonblank, i):]:
                if j in doc.removed:
                    continue
                if taken == c.take_next or is_prose(doc.content(j), c.max_words):
                    break
                doc.removed[j] = (c.rule, f"{c.rule.message} (the line it introduces)")
                taken += 1

    def _tail_zone(self, doc: _Doc, c: TailRule, idx: int, kept: list[int]) -> bool:
        """Cut from an end-of-article marker to the end, when what follows is not prose."""
        # The last kept prose line, found once from the end: asking every marker whether
        # prose follows it re-read the whole zone per marker, quadratic on a page whose
        # tail is a long list of share links that are all markers.
        last_prose = None
        for i in sorted(doc.cands[idx]):
            if not _in_window("tail", c.window, kept, i) or not doc.matches(idx, c, i):
                continue
            if last_prose is None:
                last_prose = next((j for j in reversed(kept) if is_prose(doc.content(j), c.max_words)), -1)
            unsure = c.rule.options.get("action") == "flag"
            if not unsure and last_prose <= i:  # no prose line after the marker
                doc.removed[i] = (c.rule, c.rule.message)
                for j in kept[bisect_right(kept, i) :]:
                    doc.removed[j] = (c.rule, f"{c.rule.message}: zone after the marker on line {i + 1}")
                return True
            if c.on_prose == "flag" or unsure:
                doc.flags.append(_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(kept[-1]),
                                       f"{c.rule.message}; kept: prose follows the marker"))
                doc.cands[idx].discard(i)
                continue
            doc.removed[i] = (c.rule, f"{c.rule.message} (marker only: prose follows it)")
            return True
        return False


def _bare(line: str) -> str:
    """The line as rules see it: without surrounding whitespace or a byte-order mark,
    so a file's first line matches like any other."""
    return line.strip().lstrip("\ufeff").lstrip()


def _take_whitespace(content: str, s: int, e: int) -> tuple[int, int]:
    """Widen a removal over the whitespace it would leave dangling at either line end."""
    if not content[e:].strip():
        e = len(content)
        while s > 0 and content[s - 1].isspace():
            s -= 1
    if not content[:s].strip():
        s = 0
        while e < len(content) and content[e].isspace():
            e += 1
    return s, e


def _in_window(position: str, window: int, kept: list[int], i: int) -> bool:
    """Whether kept line ``i`` is among the first (head) or last (tail) ``window`` kept lines."""
    if position == "anywhere":
        return True
    n = bisect_left(kept, i)
    if n == len(kept) or kept[n] != i:
        return False
    return n < window if position == "head" else len(kept) - 1 - n < window


def _flag(doc: _Doc, rule: Rule, start: int, end: int, message: str) -> Flag:
    starts = doc.lines.starts
    li = bisect_right(starts, start) - 1
    col = start - starts[li] + 1
    return Flag(rule.code, rule.name, rule.pack, start, end, li + 1, col, doc.text[start:end], message)


def _disjoint(props: list[_Proposal], doc: _Doc) -> list[_Proposal]:
    """Sort a line's inline proposals; where two overlap the earlier wins (and is counted)."""
    out: list[_Proposal] = []
    for p in sorted(props, key=lambda p: (p.start, -p.end)):
        if out and p.start < out[-1].end and not p.replacement and not doc.text[p.start : out[-1].end].strip():
            p.start = out[-1].end  # only the taken whitespace overlaps: the rest is still needed
            if p.start >= p.end:
                continue
        if out and p.start < out[-1].end:
            doc.skipped += 1
            continue
        out.append(p)
    return out


_SPAN = itemgetter(0, 1)


def _assemble(doc: _Doc) -> CleanResult:
    text, lines = doc.text, doc.lines
    starts = lines.starts
    last_kept = -1
    nonblank = lines.nonblank() if doc.removed else []
    if doc.removed:
        last_kept = next((i for i in reversed(nonblank) if i not in doc.removed), -1)
    # (start, end, replacement, rule, message, line index or -1 when not known yet)
    items: list[tuple[int, int, str, Rule, str, int]] = []
    first_trailing = True
    for i in sorted(doc.removed):
        rule, message = doc.removed[i]
        li = i
        if i > last_kept and first_trailing:
            # The last run of removed lines also takes the blank lines before it, so the
            # output ends on the last kept line rather than on empty separators.
            li = last_kept + 1 if last_kept >= 0 else 0
            first_trailing = False
        k = bisect_right(nonblank, i)  # the removal runs to the next line with text
        end = starts[nonblank[k]] if k < len(nonblank) else len(text)
        items.append((starts[li], end, "", rule, message, li))
        doc.skipped += len(doc.inline.pop(i, []))
    for props in doc.inline.values():
        items.extend((p.start, p.end, p.replacement, p.rule, p.message, -1) for p in props)
    items.sort(key=_SPAN)
    edits: list[Edit] = []
    out: list[str] = []
    pos = 0
    for start, end, replacement, r, message, li in items:
        if start < pos:  # overlapping: the earlier edit already covers it
            doc.skipped += 1
            continue
        if li < 0:
            li = bisect_right(starts, start) - 1
        action: Action = "remove" if replacement == "" else "repair"
        edits.append(Edit(r.code, r.name, r.pack, action, start, end, li + 1, start - starts[li] + 1,
                          text[start:end], replacement, message))
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return CleanResult(original=text, text="".join(out), edits=tuple(edits),
                       flags=tuple(sorted(doc.flags, key=lambda f: f.start)), skipped_overlaps=doc.skipped)


def _without_slow_rules(cleaner: Cleaner, text: str, exc: RuleTimeout) -> CleanResult:
    """Clean ``text`` again without each rule whose regex ran out of time on it (and the
    repairs a timed-out detector gates); the result names those rules."""
    skipped: list[str] = []
    while True:
        skipped.append(exc.code)
        drop = set(skipped) | {r.code for r in cleaner.rules if set(skipped) & set(r.options.get("requires", []))}
        try:
            res = cleaner.variant(sorted(drop))._clean(text)
        except RuleTimeout as again:
            exc = again
            continue
        return replace(res, timeouts=tuple(skipped))


def _rebuild(packs: Any, select: Any, ignore: Any, extra: Any, profile: bool) -> Cleaner:
    return Cleaner(packs, select=select, ignore=ignore, extra_packs=extra, profile=profile)


_DEFAULTS: list[Pack] | None = None
_DEFAULT_CLEANER: Cleaner | None = None


def _default_packs() -> list[Pack]:
    global _DEFAULTS
    if _DEFAULTS is None:
        _DEFAULTS = load_default_packs()
    return _DEFAULTS


def default_cleaner() -> Cleaner:
    global _DEFAULT_CLEANER
    if _DEFAULT_CLEANER is None:
        _DEFAULT_CLEANER = Cleaner()
    return _DEFAULT_CLEANER


def clean(text: str) -> CleanResult:
    """Clean one document with every default pack."""
    return default_cleaner().clean(text)
