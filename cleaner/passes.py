"""The passes over one document: what each kind of rule does, in order.

1. Document judges (detectors, substitutions) decide what the document is.
2. Inline edits: repairs and substitutions, mojibake fixes, then span removals.
3. Line decisions: whole-line removals; rules bound to the head or the tail, and the
   zone after an end-of-article marker, are re-judged among the lines still kept until
   nothing changes, the fixpoint that makes cleaning the output again a no-op. A scorer
   then judges the kept lines (cleaner.scoring), and the rules look again after it; on
   a full page the scorer reads every line once before the rules too.
4. The judges look again at what will be kept; if their verdict changes where it
   matters, the passes run again (at most three times).
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from itertools import filterfalse
from typing import cast

from .assemble import assemble
from .document import Doc, Proposal, bare_text, make_flag, take_whitespace, window_lines
from .echo import ECHO_HEAD, EchoRule
from .kinds import CLEAR_POSITIONS
from .lines import Lines, is_prose
from .matchers import (
    CompiledRule,
    DetectorRule,
    LineRule,
    MojibakeRule,
    RepairRule,
    ScorerRule,
    SpanRule,
    SubstitutionRule,
    TailRule,
)
from .model import CleanResult
from .overlaps import disjoint, take_span
from .positions import clear_to_edge, drop_stale_flags, matched_elsewhere, remove_runs, tail_zone
from .scoring import score_lines, scorers_may_decide
from .substitution import Verdict

# The prefilter's scan of a text: rule index -> lines armed, and lines deferred.
Scan = Callable[[str], tuple[dict[int, set[int]], dict[int, set[int]]]]
# What decides on a whole document: detectors gate repairs; substitutions gate their own.
Judge = DetectorRule | SubstitutionRule


class Passes:
    """The passes of one Cleaner, over its compiled rules (rule index -> compiled rule)."""

    def __init__(self, compiled: Mapping[int, CompiledRule], unarmed: Sequence[int] = (),
                 arm: Scan | None = None, scorers: Sequence[ScorerRule] = (), full_page: bool = False) -> None:
        self.comp = compiled
        self.unarmed = tuple(unarmed)  # echo rules: no trigger arms them
        self.arm = arm  # the prefilter's scan, for lines that repairs rewrote
        self.scorers = tuple(scorers)
        self.full_page = full_page  # the scorers' scope: a whole page, not an article's text

    def scorers_may_decide(self, lines: Lines) -> bool:
        """Whether a scorer could remove or flag a line of a text no other rule edits:
        on a full page, any line; by default, only if some line is a suspect."""
        return scorers_may_decide(self.scorers, [bare_text(lines.contents[i]) for i in lines.nonblank()], self.full_page)

    def run(self, text: str, lines: Lines, cands: dict[int, set[int]], later: dict[int, set[int]],
            detectors: Sequence[Judge]) -> CleanResult:
        """Clean one document whose rules the prefilter armed (``cands``: rule index ->
        lines; ``later``: rules a line's length deferred), with its document judges."""
        fired, verdicts = judge(detectors, text)
        prev: Doc | None = None
        for _ in range(3):
            # The document state changes candidate sets; a rerun needs the pristine ones.
            doc = Doc(text, lines, {k: set(v) for k, v in cands.items()} if detectors else cands)
            doc.verdicts = verdicts
            self._inline_edits(doc, fired, later, prev)
            doc.arm_deferred(later, doc.inline.keys())
            if self.scorers and self.full_page:
                # A whole page is first read by the scorer as it was trained, on every
                # line: rules that took the menus away first would hide where a
                # boilerplate region is from the lines around it.
                score_lines(doc, self.scorers, self.full_page)
            self._line_decisions(doc, later)
            if self.scorers:
                while score_lines(doc, self.scorers, self.full_page):
                    self._line_decisions(doc, later)
                doc.flags.extend(doc.score_flags)
            drop_stale_flags(doc)
            self._flag_elsewhere(doc)
            if not detectors:
                break
            # Detectors judge the document that will be kept: a signature (or an absent
            # digit) that only removed lines carried must not change the verdict, or a
            # second cleaning of the output would judge differently.
            kept = "\n".join(doc.without_removals(i) for i in range(len(lines)) if i not in doc.removed)
            # Nothing removed: the kept text is the text, and so are the verdicts.
            again, again_verdicts = (fired, verdicts) if kept == text else judge(detectors, kept)
            if again == fired or not self._gates_kept_line(doc, again ^ fired):
                # A verdict that changed only where every line its repairs could touch
                # is removed changes nothing in the output: without this, a repair that
                # lets a line rule remove its own line flipped the verdict back and forth.
                break
            fired, verdicts, prev = again, again_verdicts, doc
        evidence = tuple(c.evidence(doc.verdicts[c.rule.code]) for c in detectors if isinstance(c, SubstitutionRule))
        return assemble(doc, evidence)

    def _gates_kept_line(self, doc: Doc, codes: set[str]) -> bool:
        """Whether a repair gated by one of ``codes`` would still find something to
        repair in a kept line as this pass leaves it: only then can a second cleaning,
        whose detectors judge this output, change it."""
        for idx, line_ids in doc.cands.items():
            c = self.comp[idx]
            if isinstance(c, RepairRule) and codes & set(c.requires):
                if any(i not in doc.removed and c.repairs(doc.content(i)) for i in line_ids):
                    return True
            elif isinstance(c, SubstitutionRule) and c.rule.code in codes:
                if any(i not in doc.removed and c.could_repair(doc.content(i)) for i in line_ids):
                    return True
        return False

    # -- stages -----------------------------------------------------------

    def _inline_edits(self, doc: Doc, fired: set[str], later: dict[int, set[int]], prev: Doc | None = None) -> None:
        """Repairs and mojibake fixes first, then spans, all inside lines. Span rules
        deferred for a line's length join any line that other inline edits touch: they
        may fit once it is shorter (each round re-checks the limit)."""
        span_rules: dict[int, list[SpanRule]] = {}
        mojibake: list[tuple[MojibakeRule, int]] = []
        for idx, line_ids in doc.cands.items():
            c = self.comp[idx]
            if isinstance(c, SpanRule) and c.position == "anywhere":
                for i in line_ids:
                    span_rules.setdefault(i, []).append(c)
            elif isinstance(c, RepairRule):
                if not all(code in fired for code in c.requires):
                    continue
                for i in line_ids:
                    base = doc.lines.starts[i]
                    for s, e, repl in c.repairs(doc.lines.contents[i]):
                        self._propose(doc, i, Proposal(base + s, base + e, repl, c.rule, c.rule.message))
            elif isinstance(c, SubstitutionRule):
                verdict = doc.verdicts.get(c.rule.code)
                if verdict is None or not verdict.repair:
                    continue
                for i in line_ids:
                    self._substitute(doc, c, i, verdict, prev)
            elif isinstance(c, MojibakeRule):
                mojibake.extend((c, i) for i in line_ids)
        for i, props in doc.inline.items():
            doc.inline[i] = disjoint(props, doc)
        # Mojibake after the repairs, on the repaired line: a repair inside a stretch
        # ftfy rewrites would otherwise be dropped as an overlap and made only by a
        # second cleaning, once the mojibake is gone.
        for c, i in mojibake:
            self._mojibake_line(doc, c, i)
        if self.arm is not None:
            self._rearm_rewritten(doc, later, self.arm)
        if later:
            touched = span_rules.keys() | doc.inline.keys()
            for idx, line_ids in later.items():
                c = self.comp[idx]
                if isinstance(c, SpanRule) and c.position == "anywhere":
                    for i in line_ids & touched:
                        span_rules.setdefault(i, []).append(c)
        for i, rules in span_rules.items():
            self._spans(doc, rules, i)

    @staticmethod
    def _rearm_rewritten(doc: Doc, later: dict[int, set[int]], arm: Scan) -> None:
        """Arm the rules whose triggers a repair or a mojibake fix wrote into a line
        ("Ã¼ber den Autor" repaired to "über den Autor"): the prefilter read the line
        as it was, and a second cleaning would read it as it is now."""
        for i, props in doc.inline.items():
            if any(p.replacement for p in props):
                armed, deferred = arm(doc.content(i))
                for idx in armed:
                    doc.cands.setdefault(idx, set()).add(i)
                for idx in deferred:
                    later.setdefault(idx, set()).add(i)

    def _substitute(self, doc: Doc, c: SubstitutionRule, i: int, verdict: Verdict, prev: Doc | None) -> None:
        """Restore the digit in each run of line ``i`` that stands where a number stands;
        a run only the document's other evidence places is flagged when the document
        also uses the token as a word.

        On a rerun (``prev``: the pass whose kept text gave ``verdict``) a line that pass
        cut spans from is read as it was kept: a run's role hangs on the text before it
        ("reserved.src9" reads as a property, "src9" as a number), and a second cleaning
        reads the kept line."""
        base = doc.lines.starts[i]
        if prev is not None and (cuts := prev.cuts(i)):
            found = [(prev.to_original(i, s, False, cuts) - base, prev.to_original(i, e, True, cuts) - base,
                      repl, sure, shape) for s, e, repl, sure, shape in c.repairs(prev.without_removals(i), verdict)]
        else:
            found = c.repairs(doc.lines.contents[i], verdict, text=doc.text, start=base)
        for s, e, repl, sure, shape in found:
            if sure:
                self._propose(doc, i, Proposal(base + s, base + e, repl, c.rule, f"{c.rule.message} ({shape})"))
            else:
                doc.flags.append(make_flag(doc, c.rule, base + s, base + e,
                                       f"{c.rule.message}? ({shape}; the document also uses "
                                       f"{c.sub.token!r} as a word; would become {repl!r})"))

    @staticmethod
    def _propose(doc: Doc, i: int, p: Proposal) -> None:
        """Queue a repair, or only report it when its rule is marked unsure."""
        if p.rule.flags_only:
            doc.flags.append(make_flag(doc, p.rule, p.start, p.end, f"{p.message} (would become {p.replacement!r})"))
        else:
            doc.inline.setdefault(i, []).append(p)

    def _spans(self, doc: Doc, rules: Sequence[SpanRule], i: int) -> None:
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
                    s, e = take_whitespace(content, s, e)
                    a, b = doc.to_original(i, s, False), doc.to_original(i, e, True)
                    if c.rule.flags_only:
                        if round_ == 0:
                            doc.flags.append(make_flag(doc, c.rule, a, b, c.rule.message))
                        continue
                    found.append((a, b, c))
            if not found:
                return
            props = doc.inline.setdefault(i, [])
            for a, b, c in sorted(found, key=lambda f: (f[0], -f[1])):
                take_span(doc, props, a, b, c.rule, c.rule.message)
            props.sort(key=lambda p: p.start)
            doc.invalidate(i)

    def _mojibake_line(self, doc: Doc, c: MojibakeRule, i: int) -> None:
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
        if c.rule.flags_only and covered:
            return self._propose(doc, i, Proposal(covered[0].start, covered[-1].end, "", c.rule, c.rule.message))
        replacement = fixed[s : len(fixed) - (len(content) - e)]
        a, b = doc.to_original(i, s, False), doc.to_original(i, e, True)  # while the repairs still map
        message = c.rule.message
        if covered:
            message += f" (with {', '.join(sorted({p.rule.code for p in covered}))}: {'; '.join(sorted({p.message for p in covered}))})"
            doc.inline[i] = [p for p in props if p not in covered]
        self._propose(doc, i, Proposal(a, b, replacement, c.rule, message))
        doc.inline[i].sort(key=lambda p: p.start)
        doc.invalidate(i)

    def _line_decisions(self, doc: Doc, later: dict[int, set[int]]) -> None:
        """Whole-line removals. Rules bound to the head or tail are re-evaluated among
        the lines still kept until nothing changes (the fixpoint idempotence needs)."""
        comp, cands = self.comp, doc.cands
        # Lines emptied by their inline edits go as a whole, so no blank husk remains.
        for i, props in doc.inline.items():
            if props and not doc.content(i).strip():
                doc.removed[i] = (props[0].rule, props[0].message)
        removed, matches = doc.removed, doc.matches
        for idx in sorted(cands):  # position-free rules are judged once
            c = comp[idx]
            if isinstance(c, LineRule) and c.position == "anywhere":
                for i in sorted(cands[idx]):
                    if i not in removed and matches(idx, c, i):
                        self._remove_line(doc, c, i)
        nonblank = doc.lines.nonblank()
        spans_done: set[tuple[int, int]] = set()
        is_removed = removed.__contains__
        n_cands = -1
        echo_head: list[int] | None = None
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
            if not (positional or tails or self.unarmed):
                return
            changed = False
            while True:  # head/tail rules until stable
                kept = list(filterfalse(is_removed, nonblank))
                before = (len(doc.removed), len(spans_done))
                windows: dict[tuple[str, int], frozenset[int]] = {}
                for idx, c in positional:
                    allowed = windows.get((c.position, c.window))
                    if allowed is None:
                        allowed = windows[(c.position, c.window)] = window_lines(c.position, c.window, kept)
                    for i in sorted(cands[idx] & allowed):
                        if i in doc.removed:
                            continue
                        if isinstance(c, LineRule):
                            # The edge test reads the lines around; the match is cached.
                            if doc.matches(idx, c, i) and (c.position not in CLEAR_POSITIONS or clear_to_edge(
                                    doc, kept, i, c.window, c.max_words, c.position)):
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
            if remove_runs(doc, positional, kept):
                changed = True
                kept = list(filterfalse(is_removed, nonblank))
            # Echoes relate the first kept lines to the others: removing other lines
            # cannot make new ones, so they are asked again only when that head changes.
            if self.unarmed and kept[:ECHO_HEAD] != echo_head:
                echo_head = kept[:ECHO_HEAD]
                if self._remove_echoes(doc, kept):
                    changed = True
                    kept = list(filterfalse(is_removed, nonblank))
            for idx, c in tails:
                if tail_zone(doc, c, idx, kept):
                    changed = True
                    break
            if not changed:
                return

    def _remove_echoes(self, doc: Doc, kept: list[int]) -> bool:
        """Lines repeating the headline (see ``cleaner.echo``), among the kept lines."""
        changed = False
        contents, inline = doc.lines.contents, doc.inline

        def text_of(i: int) -> str:  # an unedited line is its own content
            return (doc.content(i) if i in inline else contents[i]).strip()

        for idx in self.unarmed:
            c = cast(EchoRule, self.comp[idx])
            for e in c.echoes(kept, text_of):
                message = f"{c.rule.message} ({e.how} on line {e.headline + 1})"
                if c.rule.flags_only:
                    doc.flag_line(c.rule, e.line, message)
                else:
                    doc.removed[e.line] = (c.rule, message)
                    changed = True
        return changed

    def _flag_elsewhere(self, doc: Doc) -> None:
        """A line that a head/tail/edge rule matches outside its window is flagged when
        the rule says so: a call to action between two paragraphs may be the article's
        own, so it is kept, but shown."""
        for c, i in matched_elsewhere(doc, ((idx, self.comp[idx]) for idx in doc.cands)):
            doc.flag_line(c.rule, i, f"{c.rule.message} (kept: between paragraphs, not at the article's head or tail)")

    def _rejudge(self, doc: Doc, i: int, later: dict[int, set[int]], by: SpanRule) -> None:
        """Line ``i`` was shortened by a head/tail span: judge it again as a second
        cleaning would, with the rules its length had deferred and the position-free
        rules that saw it at its old length."""
        doc.arm_deferred(later, (i,))
        if not doc.content(i).strip():
            doc.removed[i] = (by.rule, by.rule.message)
            return
        mine = [self.comp[idx] for idx in sorted(doc.cands) if i in doc.cands[idx]]
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

    def _remove_line(self, doc: Doc, c: LineRule, i: int) -> None:
        if c.rule.flags_only:
            doc.flag_line(c.rule, i, c.rule.message)
            return
        if c.keep_first and i == doc.lines.nonblank()[0]:
            doc.flag_line(c.rule, i, f"{c.rule.message} (kept: the text's first line, its title's place)")
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


def judge(detectors: Sequence[Judge], text: str) -> tuple[set[str], dict[str, Verdict]]:
    """The codes that fire on ``text``, and each substitution's verdict with its evidence."""
    fired: set[str] = set()
    verdicts: dict[str, Verdict] = {}
    for c in detectors:
        if isinstance(c, SubstitutionRule):
            v = verdicts[c.rule.code] = c.judge(text)
            if v.repair:
                fired.add(c.rule.code)
        elif c.fires(text):
            fired.add(c.rule.code)
    return fired, verdicts
