"""Line decisions that hang on where a line stands among the kept lines: next to the
text's start or end (edge, top, bottom), in a run of lines a rule flags between
paragraphs, or after an end-of-article marker (the tail zone)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from .document import Doc, make_flag, window_lines
from .kinds import FROM_END, FROM_START
from .lines import is_prose, word_count
from .matchers import CompiledRule, LineRule, SpanRule, TailRule


def remove_runs(doc: Doc, positional: Sequence[tuple[int, LineRule | SpanRule]], kept: list[int]) -> bool:
    """Lines that a rule flags between paragraphs (outside its head/tail window) are
    removed after all when two or more of them stand together among the kept lines:
    one "Follow us" line between two paragraphs may be the article's own, a run of
    sign-up, paywall or share lines is the page's box."""
    hits: dict[int, LineRule] = {}
    for c, i in matched_elsewhere(doc, positional):
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


def tail_zone(doc: Doc, c: TailRule, idx: int, kept: list[int]) -> bool:
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
            # (a scorer or another rule removed it later); drop_stale_flags takes its flag.
            doc.removed[i] = (c.rule, c.rule.message)
            for j in kept[bisect_right(kept, i) :]:
                doc.removed[j] = (c.rule, f"{c.rule.message}: zone after the marker on line {i + 1}")
            return True
        items = _list_after(doc, kept, i, c.max_words) if c.on_prose == "remove-list" and not unsure else []
        if items:  # a box of headlines between paragraphs: the heading and its list go
            doc.removed[i] = (c.rule, f"{c.rule.message} (a list between paragraphs)")
            for j in items:
                doc.removed[j] = (c.rule, f"{c.rule.message}: item of the list under line {i + 1}")
            return True
        if c.on_prose in ("flag", "remove-list") or unsure:
            if (idx, i) not in doc.tail_flags:
                flag = make_flag(doc, c.rule, doc.lines.starts[i], doc.lines.cend(kept[-1]),
                                 f"{c.rule.message}; kept: prose follows the marker")
                doc.flags.append(flag)
                doc.tail_flags[(idx, i)] = flag
            continue
        doc.removed[i] = (c.rule, f"{c.rule.message} (marker only: prose follows it)")
        return True
    return False


def drop_stale_flags(doc: Doc) -> None:
    """Take back each tail marker's "kept: prose follows" flag whose marker line was
    removed after all (by its own rule once the prose went, or by another rule): a flag
    must point at text the output still holds."""
    for (idx, i), flag in list(doc.tail_flags.items()):
        if i in doc.removed:
            doc.flags.remove(flag)
            del doc.tail_flags[(idx, i)]


def _list_after(doc: Doc, kept: list[int], i: int, max_words: int) -> list[int]:
    """The lines between marker ``i`` and the next prose line, when they make a list of
    two or more headlines: each of three words or more, none reading as prose or ending
    like a sentence or a label. Anything else (one line, a fragment, a caption) and the
    marker may be the article's own subheading: nothing is returned."""
    items: list[int] = []
    for j in kept[bisect_right(kept, i):]:
        line = doc.content(j).strip()
        if is_prose(line, max_words):
            break
        if word_count(line) < 3 or line.endswith((".", ":", ";", ",")):
            return []
        items.append(j)
    return items if len(items) >= 2 else []


def matched_elsewhere(doc: Doc, rules: Iterable[tuple[int, CompiledRule]]) -> Iterator[tuple[LineRule, int]]:
    """Each kept line, in order, that a positional rule flagging elsewhere matches: the
    lines a run of calls to action is made of, and those flagged when they stand alone."""
    for idx, c in rules:
        if isinstance(c, LineRule) and c.flag_elsewhere and c.position != "anywhere":
            for i in sorted(doc.cands[idx]):
                if i not in doc.removed and doc.matches(idx, c, i):
                    yield c, i


def clear_to_edge(doc: Doc, kept: list[int], i: int, window: int, max_words: int, position: str) -> bool:
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
