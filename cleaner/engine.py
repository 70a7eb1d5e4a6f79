"""The cleaning engine: packs in, a CleanResult out.

``Cleaner`` loads and selects the packs, compiles each rule on first use, and for each
document runs the literal prefilter and then, where some rule could match, the passes
(``cleaner.passes``). Rules whose regex runs out of time on a document are dropped for
that document, which is cleaned again without them.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, cast

from .echo import EchoRule
from .kinds import KINDS, CompiledRule, RuleError, ScorerRule, compile_rule
from .lines import Lines
from .loader import check_codes_unique, load_default_packs, load_pack_file
from .model import CleanResult, Pack, Rule
from .passes import Judge, Passes
from .prefilter import Prefilter
from .profiling import timed
from .regex_safety import RuleTimeout, guarded


def _selected(rule: Rule, keys: Sequence[str]) -> bool:
    """A selector names a code, a code prefix, a rule name, a pack name, or a retired code
    the rule replaces (so a config that ignores it keeps working)."""
    return any(rule.code.startswith(k) or k in (rule.name, rule.pack) or k in rule.options.get("replaces", ())
               for k in keys)


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
    ``full_page``: the input is a whole page flattened to text (crawler innerText,
    html-text, ``lynx -dump``), not an extractor's article text: a scorer then removes
    boilerplate regions anywhere instead of only at the article's edges.
    ``scorer``: run the learned line scorer (True), leave it out (False), or None: run it
    exactly when ``full_page`` is set or ``select`` names a scorer rule. On an
    extractor's article text it removed next to nothing at several times the rules'
    cost, so it is opt-in there; left out, its model is never loaded.
    ``max_rule_timeouts``: a rule whose regex runs out of time on this many documents is
    switched off for every later document this cleaner (and its variants) cleans, which
    then name it in ``CleanResult.disabled``; 0 never switches a rule off.
    """

    def __init__(self, packs: Sequence[str | Pack] | None = None, *,
                 select: Sequence[str] | None = None, ignore: Sequence[str] = (),
                 extra_packs: Sequence[str | Path | Pack] = (), profile: bool = False,
                 max_rule_timeouts: int = 3, full_page: bool = False, scorer: bool | None = None) -> None:
        if not isinstance(max_rule_timeouts, int) or max_rule_timeouts < 0:
            raise ValueError(f"max_rule_timeouts must be a whole number >= 0, not {max_rule_timeouts!r}")
        if scorer is not None and not isinstance(scorer, bool):
            raise ValueError(f"scorer must be True, False or None (on with full_page), not {scorer!r}")
        self._args = (packs, select, ignore, extra_packs, profile, max_rule_timeouts, full_page, scorer)
        self.full_page = bool(full_page)
        self._slow = _SlowRules(max_rule_timeouts)
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
        if scorer is None:  # naming a scorer rule in the selection asks for it
            scorer = self.full_page or any(r.kind == "scorer" and _selected(r, select or ()) for r in keep)
        # Whether the scorer runs; when not, its rules are not kept, so its model is never loaded.
        self.scorer: bool = scorer
        if not scorer:
            if select and keep and all(r.kind == "scorer" for r in keep):
                raise RuleError(f"--select {', '.join(select)} chooses only the line scorer, which scorer=False "
                                "(--no-scorer, config scorer = false) leaves out; drop one of them")
            keep = [r for r in keep if r.kind != "scorer"]
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
        limits = [r.options.get("max_chars", 0) if "max_chars" in KINDS[r.kind].keys else 0 for r in keep]
        self._prefilter = Prefilter([(t, i) for i, r in enumerate(keep) for t in r.triggers], limits)
        self._detectors = [i for i, r in enumerate(keep) if KINDS[r.kind].stage == "document"]
        # Line rules no trigger arms (echoes of the headline): asked of every document.
        # Scorers read every line too, but run as their own pass after the rules.
        self._unarmed = [i for i, r in enumerate(keep)
                         if KINDS[r.kind].stage == "lines" and not KINDS[r.kind].triggered and r.kind != "scorer"]
        # Scorers read every line, so they are compiled (their model loaded) now, once.
        scorers = [cast(ScorerRule, self._compiled[i]) for i, r in enumerate(keep) if r.kind == "scorer"]
        self._passes = Passes(self._compiled, self._unarmed, self._prefilter.scan, scorers, self.full_page)

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
            packs, select, ignore, extra, profile, limit, full_page, scorer = self._args
            v = Cleaner(packs, select=select, ignore=[*ignore, *key], extra_packs=extra, profile=profile,
                        max_rule_timeouts=limit, full_page=full_page, scorer=scorer)
            v._slow = self._slow  # one run: a rule's timeouts count across per-file variants
            cache[key] = v
        return cache[key]

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its arguments in a worker process: compiled native objects (the
        # automaton, some regexes) are cheaper to rebuild than to ship.
        return (_rebuild, self._args)

    # -- public API -------------------------------------------------------

    @property
    def disabled(self) -> tuple[str, ...]:
        """Rules switched off for the rest of the run: each ran out of time on
        ``max_rule_timeouts`` documents."""
        return tuple(sorted(self._slow.off))

    def clean(self, text: str) -> CleanResult:
        off = self.disabled if self._slow.off else ()
        cleaner = self.variant(off) if off else self
        try:
            res = cleaner._clean(text)
        except RuleTimeout as exc:
            res = _without_slow_rules(cleaner, text, exc)
            self._slow.count(res.timeouts)
        return replace(res, disabled=off) if off else res

    def _clean(self, text: str) -> CleanResult:
        if not isinstance(text, str):
            raise TypeError(f"clean() takes str, not {type(text).__name__}; decode bytes first")
        # A \r also ends a line, so newline counts would not number the lines: split first.
        lines = Lines(text) if "\r" in text else None
        cands, later = self._prefilter.scan(text, lines.starts if lines else None)
        if not cands and not any(cast(EchoRule, self._compiled[i]).could_echo(text) for i in self._unarmed):
            # The common case at scale: nothing any rule could match.
            if not self._passes.scorers:
                return CleanResult(original=text, text=text)
            lines = lines or Lines(text)
            if not self._passes.scorers_may_decide(lines):
                return CleanResult(original=text, text=text)
        detectors = [cast(Judge, self._compiled[i]) for i in self._detectors if i in cands]
        return self._passes.run(text, lines or Lines(text), cands, later, detectors)

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


def _rebuild(packs: Any, select: Any, ignore: Any, extra: Any, profile: bool, limit: int,
             full_page: bool = False, scorer: bool | None = None) -> Cleaner:
    return Cleaner(packs, select=select, ignore=ignore, extra_packs=extra, profile=profile, max_rule_timeouts=limit,
                   full_page=full_page, scorer=scorer)


class _SlowRules:
    """How many documents each rule ran out of time on, and which are switched off: a
    slow rule costs its time limit on every document it is armed on, so one that fails
    on a few documents of a run would otherwise cost seconds on each of millions."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.timeouts: Counter[str] = Counter()
        self.off: set[str] = set()
        self._lock = threading.Lock()

    def count(self, codes: Sequence[str]) -> None:
        with self._lock:
            self.timeouts.update(codes)
            if self.limit:
                self.off.update(c for c in codes if self.timeouts[c] >= self.limit)


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
