"""The echo kind: lines repeating the headline (cleaner.echo, rule NV046)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.loader import parse_pack
from cleaner.model import RuleError

ROOT = Path(__file__).resolve().parent.parent
ECHO = Cleaner(select=["NV046"])
ALL = Cleaner()

ECHO_PACK = '''
[pack]
name = "mine"

[[rule]]
code = "HE001"
name = "headline-twice"
kind = "echo"
message = "Headline repeated"
why = "The page title beside the headline."
remove = ["Harbour Wall to Be Rebuilt Next Spring\\n\\nHarbour Wall to Be Rebuilt Next Spring | Gazette\\n\\nWork starts in March."]
keep = ["Harbour Wall to Be Rebuilt Next Spring\\n\\nWork starts in March."]
'''


def test_the_first_copy_stays_and_the_report_names_the_headline() -> None:
    text = "Bridge Reopens After Two Years of Repairs\n\nBridge reopens after two years of repairs\n\nThe bridge reopened on Monday.\n"
    res = ECHO.clean(text)
    assert res.text == "Bridge Reopens After Two Years of Repairs\n\nThe bridge reopened on Monday.\n"
    [edit] = res.edits
    assert edit.rule == "NV046" and "repeats the headline on line 1" in edit.message


@pytest.mark.parametrize(("decorated", "how"), [
    ("News › Transport › Bridge Reopens After Two Years of Repairs", "breadcrumb"),
    ("Bridge Reopens After Two Years of Repairs – The Valley Post", "site's name"),
    ("Bridge Reopens After Two Years of Repairs :: Valley Post Online", "site's name"),
])
def test_decorated_copies_go_whichever_comes_first(decorated: str, how: str) -> None:
    plain = "Bridge Reopens After Two Years of Repairs"
    body = "The bridge reopened on Monday after two years of repairs, the council said.\n"
    for text in (f"{decorated}\n\n{plain}\n\n{body}", f"{plain}\n\n{decorated}\n\n{body}"):
        res = ECHO.clean(text)
        assert res.text == f"{plain}\n\n{body}" and how in res.edits[0].message


@pytest.mark.parametrize("text", [
    # The headline's words opening a sentence of the article.
    "Rain Returns to the Valley\n\nRain returns to the valley this week, forecasters said.\n",
    # A colon and a sentence after the headline's words.
    "Five Things to Know About the Budget\n\nFive things to know about the budget: it is late.\n",
    # A breadcrumb needs capitalised words: this is prose that ends on the headline.
    "Council Approves the New Budget\n\nafter a long night the council approves the new budget\n",
    # Too short to be a headline.
    "Weather\n\nWeather\n\nSunny all day.\n",
    # Too many words after the separator to be a site's name.
    "Bridge Reopens After Two Years\n\nBridge Reopens After Two Years - and the town celebrates with a fair on the green\n",
])
def test_lines_that_only_resemble_the_headline_stay(text: str) -> None:
    assert ECHO.clean(text).edits == ()


def test_a_text_no_trigger_arms_is_still_compared() -> None:
    text = "Orchard Harvest Best in a Decade\n\nOrchard Harvest Best in a Decade\n\nGrowers were out at dawn.\n"
    assert ALL._prefilter.scan(text) == ({}, {})
    assert ALL.clean(text).text == "Orchard Harvest Best in a Decade\n\nGrowers were out at dawn.\n"


def test_the_cheap_check_never_hides_an_echo() -> None:
    """could_echo is the gate for texts no trigger armed: wherever the rule removes a line,
    the gate must have let the text through."""
    [rule] = [c for c in ECHO.compiled() if c.rule.code == "NV046"]
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    texts += [ex.text for r in ALL.rules for ex in r.examples]
    # Other line ends, and headlines far apart in blank lines.
    texts += [t.replace("\n", "\r\n") for t in texts] + [t.replace("\n\n", "\n" * 30) for t in texts]
    hits = 0
    for text in texts:
        if ECHO.clean(text).edits:
            hits += 1
            assert rule.could_echo(text), text[:80]
    assert hits >= 5


def test_cleaning_twice_changes_nothing() -> None:
    text = "Skip to content\n\nHome News Orchard Harvest Best in a Decade\n\nOrchard Harvest Best in a Decade\n\nGrowers picked early this year.\n\nOrchard Harvest Best in a Decade | Valley Post\n"
    once = ALL.clean(text).text
    assert once == "Orchard Harvest Best in a Decade\n\nGrowers picked early this year.\n"
    assert ALL.clean(once).text == once


def test_user_echo_rules_load_and_refuse_triggers() -> None:
    pack = parse_pack(ECHO_PACK, "mine.toml")
    cl = Cleaner(packs=[], extra_packs=[pack])
    assert cl.clean(pack.rules[0].examples[0].text).edits[0].rule == "HE001"
    with pytest.raises(RuleError, match="remove its 'triggers'"):
        parse_pack(ECHO_PACK.replace('kind = "echo"', 'kind = "echo"\ntriggers = ["harbour"]'), "mine.toml")
    with pytest.raises(RuleError, match="'max_words' must be at least 'min_words'"):
        parse_pack(ECHO_PACK.replace('kind = "echo"', 'kind = "echo"\nmin_words = 9\nmax_words = 5'), "mine.toml")
