"""From one document's decisions to its CleanResult: removed lines and inline edits
become one sorted list of edits, each an exact slice of the original."""

from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter, itemgetter

from .document import Doc
from .model import Action, CleanResult, Edit, Evidence, Rule
from .overlaps import LINE_REMOVED, OVERLAPS, skip

_SPAN = itemgetter(0, 1)
_SKIPPED_ORDER = attrgetter("start", "end")


def assemble(doc: Doc, evidence: tuple[Evidence, ...] = ()) -> CleanResult:
    text, lines = doc.text, doc.lines
    starts = lines.starts
    last_kept = -1
    nonblank = lines.nonblank() if doc.removed else []
    if doc.removed:
        last_kept = next((i for i in reversed(nonblank) if i not in doc.removed), -1)
    # (start, end, replacement, rule, message, line index or -1 when not known yet, a
    # scorer's (score, features) or None)
    items: list[tuple[int, int, str, Rule, str, int, tuple[float, tuple[tuple[str, float], ...]] | None]] = []
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
        items.append((starts[li], end, "", rule, message, li, doc.scored.get(i)))
        for p in doc.inline.pop(i, []):
            skip(doc, p.rule, p.start, p.end, rule, LINE_REMOVED)
    for props in doc.inline.values():
        items.extend((p.start, p.end, p.replacement, p.rule, p.message, -1, None) for p in props)
    items.sort(key=_SPAN)
    edits: list[Edit] = []
    out: list[str] = []
    pos = 0
    last: Rule | None = None
    for start, end, replacement, r, message, li, scored in items:
        if start < pos and last is not None:  # overlapping: the earlier edit already covers it
            skip(doc, r, start, end, last, OVERLAPS)
            continue
        last = r
        if li < 0:
            li = bisect_right(starts, start) - 1
        action: Action = "remove" if replacement == "" else "repair"
        edits.append(Edit(r.code, r.name, r.pack, action, start, end, li + 1, start - starts[li] + 1,
                          text[start:end], replacement, message, *(scored or (None, ()))))
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return CleanResult(original=text, text="".join(out), edits=tuple(edits),
                       flags=tuple(sorted(doc.flags, key=lambda f: f.start)), skipped_overlaps=len(doc.skipped),
                       evidence=evidence, skipped=tuple(sorted(doc.skipped, key=_SKIPPED_ORDER)))
