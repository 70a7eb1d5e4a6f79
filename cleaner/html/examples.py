"""Running an html rule's examples (small HTML snippets) through the element rules."""

from __future__ import annotations

import lxml.html

from ..engine import Cleaner
from ..model import Rule
from . import extract
from .api import matcher_for, parse
from .dom_rules import ElementRemoval, apply_rules


def html_rule_hits(cleaner: Cleaner, rule: Rule, snippet: str) -> tuple[list[ElementRemoval], list[ElementRemoval]]:
    """(this rule's removals on the snippet, every removal of a second pass on the result)."""
    rules = matcher_for(cleaner)
    root = parse(snippet)
    extract.strip_noise(root)
    first = apply_rules(root, rules)
    again = apply_rules(parse(lxml.html.tostring(root, encoding="unicode")), rules)
    return [r for r in first if r.rule == rule.code], [r for r in again if r.action == "remove"]
