"""Running the examples written beside each rule: the pack's own test suite."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Cleaner
from .model import Example, Rule


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule: Rule
    example: Example
    problem: str


def check_rule(cleaner: Cleaner, rule: Rule) -> list[ExampleFailure]:
    """Each 'remove' example must be edited (or, for a flag rule, flagged) by the rule (and give its 'output' when one
    is written); each 'keep' example must not be touched by it. Cleaning any example's
    output again must change nothing."""
    if rule.kind == "html":
        return _check_html_rule(cleaner, rule)
    failures = []
    for ex in rule.examples:
        res = cleaner.clean(ex.text)
        mine: list = [e for e in res.edits if e.rule == rule.code]
        if rule.flags_only:  # an unsure rule's "remove" is a flag
            mine += [f for f in res.flags if f.rule == rule.code]
        if ex.expect == "remove" and not mine:
            others = sorted({e.rule for e in res.edits})
            why = f"; {', '.join(others)} edited it first" if others else ""
            failures.append(ExampleFailure(rule, ex, f"expected the rule to edit this example; it did not{why}"))
        elif ex.expect == "keep" and mine:
            failures.append(ExampleFailure(rule, ex, f"expected no edit, got {mine[0].text!r}"))
        if ex.output is not None and res.text != ex.output:
            failures.append(ExampleFailure(rule, ex, f"expected output {ex.output!r}, got {res.text!r}"))
        again = cleaner.clean(res.text)
        if again.edits:
            failures.append(ExampleFailure(rule, ex, f"not idempotent: a second pass removed {again.edits[0].text!r}"))
    return failures


def _check_html_rule(cleaner: Cleaner, rule: Rule) -> list[ExampleFailure]:
    """HTML examples: a 'remove' snippet must lose (or, for a flag rule, show) an element to
    this rule, a 'keep' snippet must lose none to it; the page as cleaned, parsed again,
    must lose nothing more (idempotence). Only the element rules run here: extraction
    would judge a snippet too small to have a main content."""
    from .html.examples import html_rule_hits

    failures = []
    for ex in rule.examples:
        mine, again = html_rule_hits(cleaner, rule, ex.text)
        if ex.expect == "remove" and not mine:
            failures.append(ExampleFailure(rule, ex, "expected the rule to take an element of this example; it did not"))
        elif ex.expect == "keep" and mine:
            failures.append(ExampleFailure(rule, ex, f"expected no removal, got {mine[0].path} ({mine[0].text!r})"))
        if again:
            failures.append(ExampleFailure(rule, ex, f"not idempotent: a second pass removed {again[0].path}"))
    return failures
