"""Matching ``html`` rules against elements in one pass, without XPath for simple selectors.

lxml evaluates a CSS class selector as an XPath string test on every element, once per
selector: fourteen rules cost ~40 ms on a large page. Most boilerplate selectors are
simple (``tag``, ``.class``, ``#id``, ``[attr=v]``, ``[attr*=v]`` and combinations of
these on one element), so they are indexed by class token, id, tag or attribute and
checked while the extractor walks the tree anyway. Anything else (combinators, pseudo-
classes, XPath) is evaluated once per page and looked up by element.

Precedence: the walk meets outer elements first, so an element inside one already taken
is never judged; an element several rules select goes to the first in pack order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml.cssselect import CSSSelector

from ..kinds import HtmlRule

_SIMPLE = re.compile(r"""^([a-zA-Z][\w-]*)?((?:[.#][\w-]+|\[[\w-]+(?:[*^$~]?=(?:"[^"]*"|'[^']*'|[\w-]+))?\])*)$""")
_PART = re.compile(r"""([.#])([\w-]+)|\[([\w-]+)(?:([*^$~]?=)(?:"([^"]*)"|'([^']*)'|([\w-]+)))?\]""")

Cond = tuple[str, str, str]  # (attribute, operator, value); operator "" tests presence


@dataclass(frozen=True, slots=True)
class _Sel:
    tag: str | None
    conds: tuple[Cond, ...]
    rule: int  # index into Matcher.rules

    def check(self, el: Any) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        for attr, op, v in self.conds:
            a = el.get(attr)
            if a is None:
                return False
            if op == "~=":
                if v not in a.split():
                    return False
            elif op == "=":
                if a != v:
                    return False
            elif op == "*=":
                if v not in a:
                    return False
            elif op == "^=":
                if not a.startswith(v):
                    return False
            elif op == "$=" and not a.endswith(v):
                return False
        return True


def _parse(selector: str) -> tuple[str | None, tuple[Cond, ...]] | None:
    """(tag, conditions) of a simple selector, or None when it needs the general path."""
    s = selector.strip()
    m = _SIMPLE.match(s)
    if not m or not s:
        return None
    conds: list[Cond] = []
    for p in _PART.finditer(m.group(2) or ""):
        if p.group(1) == ".":
            conds.append(("class", "~=", p.group(2)))
        elif p.group(1) == "#":
            conds.append(("id", "=", p.group(2)))
        else:
            value = next((g for g in p.group(5, 6, 7) if g is not None), "")
            conds.append((p.group(3).lower(), p.group(4) or "", value))
    tag = m.group(1).lower() if m.group(1) else None
    return (tag, tuple(conds)) if tag or conds else None


# Verdicts remembered across pages, keyed on (tag, the attribute values the simple selectors
# read): pages repeat the same class strings on hundreds of elements (list items, cards,
# grid cells), and sites share theme names. Bounded so a long run cannot grow it forever.
_CACHE_MAX = 200_000


class Matcher:
    """The rules of a cleaner, indexed for one walk over a page."""

    def __init__(self, rules: Sequence[HtmlRule]) -> None:
        self.rules = tuple(rules)
        self.by_class: dict[str, list[_Sel]] = {}
        self.by_id: dict[str, list[_Sel]] = {}
        self.by_tag: dict[str, list[_Sel]] = {}
        self.by_attr: dict[str, list[_Sel]] = {}  # keyed on an attribute's presence
        # Substring selectors ([class*=x], [id^=x], ...) per attribute, behind one combined
        # regex: an element pays one scan of its attribute, and only a hit checks them.
        substr: dict[str, list[_Sel]] = {}
        general: list[tuple[int, str]] = []
        read: set[str] = set()
        for i, c in enumerate(self.rules):
            for sel in c.selectors:
                parsed = _parse(sel)
                if parsed is None:
                    general.append((i, CSSSelector(sel, translator="html").path))
                    continue
                tag, conds = parsed
                read.update(a for a, _, _ in conds)
                s = _Sel(tag, conds, i)
                token = next((v for a, op, v in conds if a == "class" and op == "~="), None)
                ident = next((v for a, op, v in conds if a == "id" and op == "="), None)
                sub = next(((a, v) for a, op, v in conds if op in ("*=", "^=", "$=") and v), None)
                if token is not None:
                    self.by_class.setdefault(token, []).append(s)
                elif ident is not None:
                    self.by_id.setdefault(ident, []).append(s)
                elif sub is not None:
                    substr.setdefault(sub[0], []).append(s)
                elif tag is not None:
                    self.by_tag.setdefault(tag, []).append(s)
                else:
                    self.by_attr.setdefault(conds[0][0], []).append(s)
            general.extend((i, x) for x in c.xpaths)
        self._general = [(i, etree.XPath(x)) for i, x in general]
        self._attrs = tuple(self.by_attr.items())
        self._substr = tuple(
            (attr, re.compile("|".join(sorted({re.escape(v) for a, op, v in _subs(sels) if a == attr}))), sels)
            for attr, sels in substr.items()
        )
        self._read = tuple(sorted(read))
        self._cache: dict[tuple[Any, ...], int] = {}

    def prepare(self, root: Any) -> dict[Any, int]:
        """Elements the general selectors take on this page -> first rule index."""
        hits: dict[Any, int] = {}
        for i, xp in self._general:
            for el in xp(root):
                if isinstance(el, etree._Element) and hits.get(el, i + 1) > i:
                    hits[el] = i
        return hits

    def match(self, el: Any, general: dict[Any, int]) -> int:
        """Index of the first rule selecting ``el``, or -1."""
        get = el.get
        key = (el.tag, *map(get, self._read))
        best = self._cache.get(key)
        if best is None:
            best = self._simple(el)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[key] = best
        if general:
            g = general.get(el, -1)
            if g >= 0 and (best < 0 or g < best):
                return g
        return best

    def _simple(self, el: Any) -> int:
        """The first rule whose simple selectors take ``el`` (a function of the tag and
        the attributes in ``_read`` only, which is what makes the cache sound)."""
        cands: list[_Sel] = []
        cls = el.get("class")
        if cls:
            for token in cls.split():
                hit = self.by_class.get(token)
                if hit:
                    cands.extend(hit)
        ident = el.get("id")
        if ident:
            hit = self.by_id.get(ident)
            if hit:
                cands.extend(hit)
        hit = self.by_tag.get(el.tag)
        if hit:
            cands.extend(hit)
        for attr, rx, sels in self._substr:
            v = el.get(attr)
            if v and rx.search(v):
                cands.extend(sels)
        for attr, sels in self._attrs:
            if el.get(attr) is not None:
                cands.extend(sels)
        best = -1
        for s in cands:
            if (best < 0 or s.rule < best) and s.check(el):
                best = s.rule
        return best


def _subs(sels: Sequence[_Sel]) -> list[Cond]:
    """The substring condition each selector is indexed by (its first one)."""
    return [next(c for c in s.conds if c[1] in ("*=", "^=", "$=") and c[2]) for s in sels]
