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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import filterfalse

from .assemble import assemble
from .document import Doc, Proposal, bare_text, make_flag, take_whitespace, window_lines
from .kinds import CLEAR_POSITIONS, FROM_END, FROM_START
from .lines import Lines, is_prose, word_count
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
from .scoring import score_lines, scorers_may_decide
from .substitution import Verdict

# What decides on a whole document: detectors gate repairs; substitutions gate their own.
Judge = DetectorRule | SubstitutionRule


class Passes:
    """The passes of one Cleaner, over its compiled rules (rule index -> compiled rule)."""

    def __init__(self, compiled: Mapping[int, CompiledRule], scorers: Sequence[ScorerRule] = (),
                 full_page: bool = False) -> None:
        self.comp = compiled
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
        for _ in range(3):
            # The document state changes candidate sets; a rerun needs the pristine ones.
            doc = Doc(text, lines, {k: set(v) for k, v in cands.items()} if detectors else cands)
            doc.verdicts = verdicts
            self._inline_edits(doc, fired, later)
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
            fired, verdicts = again, again_verdicts
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

    def _inline_edits(self, doc: Doc, fired: set[str], later: dict[int, set[int]]) -> None:
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
                    self._substitute(doc, c, i, verdict)
            elif isinstance(c, MojibakeRule):
                mojibake.extend((c, i) for i in line_ids)
        for i, props in doc.inline.items():
            doc.inline[i] = disjoint(props, doc)
        # Mojibake after the repairs, on the repaired line: a repair inside a stretch
        # ftfy rewrites would otherwise be dropped as an overlap and made only by a
        # second cleaning, once the mojibake is gone.
        for c, i in mojibake:
            self._mojibake_line(doc, c, i)
        if later:
            touched = span_rules.keys() | doc.inline.keys()
            for idx, line_ids in later.items():
                c = self.comp[idx]
                if isinstance(c, SpanRule) and c.position == "anywhere":
                    for i in line_ids & touched:
                        span_rules.setdefault(i, []).append(c)
        for i, rules in span_rules.items():
            self._spans(doc, rules, i)

    def _substitute(self, doc: Doc, c: SubstitutionRule, i: int, verdict: Verdict) -> None:
        """Restore the digit in each run of line ``i`` that stands where a number stands;
        a run only the document's other evidence places is flagged when the document
        also uses the token as a word."""
        base = doc.lines.starts[i]
        for s, e, repl, sure, shape in c.repairs(doc.lines.contents[i], verdict, text=doc.text, start=base):
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
                            if doc.matches(idx, c, i) and (c.position not in CLEAR_POSITIONS or _clear_to_edge(
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
            if self._remove_runs(doc, positional, kept):
                changed = True
                kept = list(filterfalse(is_removed, nonblank))
            for idx, c in tails:
                if self._tail_zone(doc, c, idx, kept):
                    changed = True
                    break
            if not changed:
                return

    @staticmethod
    def _remove_runs(doc: Doc, positional: Sequence[tuple[int, LineRule | SpanRule]], kept: list[int]) -> bool:
        """Lines that a rule flags between paragraphs (outside its head/tail window) are
        removed after all when two or more of them stand together among the kept lines:
        one "Follow us" line between two paragraphs may be the article's own, a run of
        sign-up, paywall or share lines is the page's box."""
        hits: dict[int, LineRule] = {}
        for c, i in _matched_elsewhere(doc, positional):
            if not c.rule.flags_only:
                hits.setdefault(i, c)
        if len(hits) < 2:
            return False
        where = {line: n for n, line in enumerate(kept)}
        run = [i for i in hits if i in where and (
            (where[i] > 0 and kept[where[i] - 1] in hits) or (where[i] + 1 < len(kept) and kept[where[i] + 1] in hits))]
        for i in run:  # decided on the lines as they stood, then removed: order cannot matter
            doc.removed[i] = (hits[i].rule, f"{hits[i].rule.message} (in a run of such lines)")
        return bool(run)

    def _flag_elsewhere(self, doc: Doc) -> None:
        """A line that a head/tail/edge rule matches outside its window is flagged when
        the rule says so: a call to action between two paragraphs may be the article's
        own, so it is kept, but shown."""
        for c, i in _matched_elsewhere(doc, ((idx, self.comp[idx]) for idx in doc.cands)):
            if (c.rule.code, i) not in doc._flagged:
                doc._flagged.add((c.rule.code, i))
                doc.flags.append(make_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(i),
                                           f"{c.rule.message} (kept: between paragraphs, not at the "
                                           "article's head or tail)"))

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
            if (c.rule.code, i) not in doc._flagged:  # the fixpoint loop may see it again
                doc._flagged.add((c.rule.code, i))
                doc.flags.append(make_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(i), c.rule.message))
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

    def _tail_zone(self, doc: Doc, c: TailRule, idx: int, kept: list[int]) -> bool:
        """Cut from an end-of-article marker to the end, when what follows is not prose."""
        # The last kept prose line, found once from the end: asking every marker whether
        # prose follows it re-read the whole zone per marker, quadratic on a page whose
        # tail is a long list of share links that are all markers.
        last_prose = None
        for i in sorted(doc.cands[idx] & window_lines("tail", c.window, kept)):
            if not doc.matches(idx, c, i):
                continue
            if last_prose is None:
                last_prose = next((j for j in reversed(kept) if is_prose(doc.content(j), c.max_words)), -1)
            unsure = c.rule.flags_only
            if not unsure and last_prose <= i:  # no prose line after the marker
                # A marker flagged while prose followed it goes once that prose has gone
                # (a scorer removes lines after the rules): its flag goes with it.
                earlier = doc.tail_flags.pop((idx, i), None)
                if earlier is not None:
                    doc.flags.remove(earlier)
                doc.removed[i] = (c.rule, c.rule.message)
                for j in kept[bisect_right(kept, i) :]:
                    doc.removed[j] = (c.rule, f"{c.rule.message}: zone after the marker on line {i + 1}")
                return True
            if c.on_prose == "flag" or unsure:
                if (idx, i) not in doc.tail_flags:
                    flag = make_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(kept[-1]),
                                     f"{c.rule.message}; kept: prose follows the marker")
                    doc.flags.append(flag)
                    doc.tail_flags[(idx, i)] = flag
                continue
            doc.removed[i] = (c.rule, f"{c.rule.message} (marker only: prose follows it)")
            return True
        return False


def _matched_elsewhere(doc: Doc, rules: Iterable[tuple[int, CompiledRule]]) -> Iterator[tuple[LineRule, int]]:
    """Each kept line, in order, that a positional rule flagging elsewhere matches: the
    lines a run of calls to action is made of, and those flagged when they stand alone."""
    for idx, c in rules:
        if isinstance(c, LineRule) and c.flag_elsewhere and c.position != "anywhere":
            for i in sorted(doc.cands[idx]):
                if i not in doc.removed and doc.matches(idx, c, i):
                    yield c, i


def _clear_to_edge(doc: Doc, kept: list[int], i: int, window: int, max_words: int, position: str) -> bool:
    """Whether nothing but short lines stands between kept line ``i`` and the start
    (top), the end (bottom) or either (edge) of the text, within ``window`` lines: such
    a rule's line belongs to the page around the article, not to a short article's
    first or last paragraphs."""
    n = bisect_left(kept, i)
    before, after = kept[max(0, n - window):n], kept[n + 1:n + 1 + window]

    def long_(j: int) -> bool:
        return word_count(doc.content(j)) > max_words

    return (position in FROM_START and n < window and not any(map(long_, before))) or (
        position in FROM_END and len(kept) - 1 - n < window and not any(map(long_, after)))


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
