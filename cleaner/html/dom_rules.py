"""Applying ``html``-kind rules: remove the matched elements and record each one.

Rules run in pack order on the live tree, so an element inside one already removed is
never reported twice. Each removal records a CSS path and the source line, computed
before the element leaves the tree (paths need the ancestors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

from ..kinds import HtmlRule
from .select import Matcher


@dataclass(frozen=True, slots=True)
class ElementRemoval:
    """One element an html rule took out of the page (or, for a flag rule, pointed at)."""

    rule: str
    name: str
    pack: str
    action: Literal["remove", "flag"]
    path: str  # CSS path from <html>, e.g. "html > body > div#page > section.comments"
    line: int  # 1-based line of the element's start tag in the decoded input (0: unknown)
    tag: str
    words: int  # words of text the element held
    text: str  # its text, shortened, so a reader can see what went
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in _FIELDS}


_FIELDS = tuple(ElementRemoval.__dataclass_fields__)
PREVIEW = 120
# The page's own mark of its main content: a rule that selects it (or an ancestor) is
# wrong about this page, whatever its selector says.
# Attribute presence first, values in Python: lxml's XPath compares values per element
# slower than it tests presence, and few elements carry these attributes.
_ROLE_OR_ITEMPROP = etree.XPath("//*[@role or @itemprop]")


def main_holders(root: Any) -> set[Any]:
    """The page's main-content marks and their ancestors, found once per page: asking each
    selected element for a marked descendant walked its subtree again."""
    out: set[Any] = set()
    marks = [e for e in _ROLE_OR_ITEMPROP(root) if e.get("role") == "main" or e.get("itemprop") == "articleBody"]
    for el in [*root.iter("main"), *marks]:
        while el is not None and el not in out:
            out.add(el)
            el = el.getparent()
    return out


def css_path(el: Any) -> str:
    """html > body > div#main > ul.share:nth-of-type(2): id when there is one, else the
    classes, plus a position among same-tag siblings when the tag alone is ambiguous."""
    parts = []
    while el is not None:
        tag = el.tag if isinstance(el.tag, str) else "node"
        part = tag
        ident = el.get("id")
        if ident and " " not in ident:
            part += f"#{ident}"
        else:
            classes = (el.get("class") or "").split()
            if classes:
                part += "".join(f".{c}" for c in classes[:3])
            parent = el.getparent()
            if parent is not None:
                # Compared by tag, not iterchildren(tag): lxml refuses a tag name with
                # control characters as a filter, and broken pages have such tags.
                same = [s for s in parent.iterchildren() if s.tag == el.tag]
                if len(same) > 1:
                    part += f":nth-of-type({same.index(el) + 1})"
        parts.append(part)
        el = el.getparent()
    return " > ".join(reversed(parts))


def _text(el: Any) -> str:
    return " ".join(" ".join(el.itertext()).split())


def judge(el: Any, c: HtmlRule, holders: set[Any]) -> ElementRemoval | None:
    """The record of ``el`` going to rule ``c``, or None when a guard keeps it: the page's
    marked main content is inside (``holders``, from main_holders), or it has more words
    than the rule allows."""
    if el.tag in ("html", "body") or el in holders:
        return None
    text = _text(el)
    words = text.count(" ") + 1 if text else 0
    if c.max_words and words > c.max_words:
        return None  # too long for boilerplate of this shape: an article body carrying the class
    action: Literal["remove", "flag"] = c.rule.action
    return ElementRemoval(c.rule.code, c.rule.name, c.rule.pack, action, css_path(el), el.sourceline or 0,
                          str(el.tag), words, text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…",
                          c.rule.message)


def apply_rules(root: Any, matcher: Matcher) -> list[ElementRemoval]:
    """Remove (or flag) what the rules select in ``root``, changing the tree in place.
    The extractor does the same inside its own walk (extract.blocks); this is for the
    other extractors and for the examples."""
    out: list[ElementRemoval] = []
    general = matcher.prepare(root)
    holders = main_holders(root)
    doomed: list[Any] = []
    it = etree.iterwalk(root, events=("start",))
    for _, el in it:
        i = matcher.match(el, general)
        if i < 0:
            continue
        rec = judge(el, matcher.rules[i], holders)
        if rec is None:
            continue
        out.append(rec)
        if rec.action == "remove":
            doomed.append(el)
            it.skip_subtree()
    for el in doomed:
        drop(el)
    return out


def drop(el: Any) -> None:
    """Remove an element, keeping its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
