"""Broken user packs are refused with the file, rule, key and line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, RuleError
from cleaner.loader import parse_pack

GOOD = '''
[pack]
name = "mine"

[[rule]]
code = "MY001"
name = "subscribe-line"
kind = "line"
triggers = ["subscribe now"]
patterns = ['subscribe now!?']
message = "Subscription pitch"
why = "A call to action of the site, not the article."
remove = ["Subscribe now!"]
keep = ["Readers who subscribe now get nothing, he said."]
'''


def test_good_pack_loads_and_cleans(tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text(GOOD, encoding="utf-8")
    cl = Cleaner(packs=[], extra_packs=[p])
    res = cl.clean("Article text here.\n\nSubscribe now!\n")
    assert [e.rule for e in res.edits] == ["MY001"]
    assert res.text == "Article text here.\n"


@pytest.mark.parametrize("change, message", [
    (("patterns = ['subscribe now!?']", "patterns = ['subscribe (now']"), "MY001: invalid regex in 'patterns'"),
    (("kind = \"line\"", "kind = \"line\"\npatern = 'x'"), "unknown key 'patern' for kind 'line' (did you mean 'patterns'?)"),
    (("keep = [\"Readers who subscribe now get nothing, he said.\"]", ""), "needs at least one 'keep' example"),
    (("remove = [\"Subscribe now!\"]", ""), "needs at least one 'remove'"),
    (("kind = \"line\"", "kind = \"lines\""), "'kind' must be one of"),
    (("name = \"subscribe-line\"", "name = \"Subscribe Line\""), "must be kebab-case"),
    (("triggers = [\"subscribe now\"]", "triggers = []"), "'triggers' is required"),
    (("[[rule]]", "[[rule]\n"), "not valid TOML"),
    # A key of another kind names the kinds that take it.
    (("kind = \"line\"", "kind = \"line\"\non_prose = 'flag'"),
     "unknown key 'on_prose' for kind 'line'; kinds that accept it: tail"),
    (("kind = \"line\"", "kind = \"line\"\nmax_chars = 80\nreplacement = ''"),
     "unknown key 'replacement' for kind 'line'; kinds that accept it: repair"),
    (("name = \"mine\"", "name = \"mine\"\nprefix = \"HG\""), "the pack's prefix is 'HG'; give the rule a code like 'HG001'"),
    (("name = \"mine\"", "name = \"mine\"\nprefix = \"hg\""), "'prefix' must be two to four capital letters"),
    # Two halves that are valid only when joined into one alternation are still refused.
    (("patterns = ['subscribe now!?']", "patterns = ['subscribe now)|(?:x', 'y']"),
     "invalid regex in 'patterns': 'subscribe now)|(?:x'"),
])
def test_broken_pack_is_refused(change: tuple[str, str], message: str) -> None:
    raw = GOOD.replace(*change)
    with pytest.raises(RuleError, match=None) as info:
        parse_pack(raw, "mine.toml")
    assert message in str(info.value)
    assert "mine.toml" in str(info.value)


def test_error_names_the_line() -> None:
    with pytest.raises(RuleError) as info:
        parse_pack(GOOD.replace("'subscribe now!?'", "'(('"), "mine.toml")
    assert str(info.value).startswith("mine.toml:6: rule MY001")


def test_duplicate_code_across_packs(tmp_path: Path) -> None:
    p = tmp_path / "dup.toml"
    p.write_text(GOOD.replace("MY001", "CM001"), encoding="utf-8")
    with pytest.raises(RuleError, match="CM001 is already used"):
        Cleaner(extra_packs=[p])


def test_missing_pack_file() -> None:
    with pytest.raises(RuleError, match="cannot read rule pack"):
        Cleaner(extra_packs=["/nonexistent/pack.toml"])


def test_shipped_packs_validate_as_strictly_as_user_packs() -> None:
    """The shipped packs are loaded trusted (their patterns compile on first use, for a
    short start-up): so here every pack is parsed as a user pack would be, compiling
    every pattern and running the backtracking check."""
    import importlib.resources

    from cleaner.loader import default_pack_names, parse_pack

    root = importlib.resources.files("cleaner.packs")
    for name in default_pack_names():
        pack = parse_pack((root / f"{name}.toml").read_text(encoding="utf-8"), f"rules/{name}.toml",
                          base=Path(str(root)))
        assert pack.rules


def test_a_pack_built_without_the_loaders_checks_still_has_each_pattern_checked() -> None:
    # parse_pack(trusted=True) skips compiling (shipped packs do, for start-up); a Cleaner
    # given such a pack compiles its rules on first use, each pattern alone.
    raw = GOOD.replace("patterns = ['subscribe now!?']", "patterns = ['subscribe now)|(?:x', 'y']")
    pack = parse_pack(raw, "mine.toml", trusted=True)
    with pytest.raises(RuleError, match="invalid regex in 'patterns'"):
        Cleaner(packs=[pack]).clean("Subscribe now\n")


def test_html_rule_before_extractor_must_be_a_boolean() -> None:
    raw = '''[pack]
name = "pages"
[[rule]]
code = "PG001"
name = "promo-box"
kind = "html"
selectors = [".promo"]
before_extractor = "yes"
message = "Promo box"
why = "A box of the site's own promotions."
remove = ['<div class="promo">Buy</div>']
keep = ['<p>Text</p>']
'''
    with pytest.raises(RuleError, match="'before_extractor' must be true or false"):
        parse_pack(raw, "pages.toml")


def test_rule_action_is_a_field_of_the_rule() -> None:
    pack = parse_pack(GOOD.replace('kind = "line"', 'kind = "line"\naction = "flag"'), "mine.toml")
    [rule] = pack.rules
    assert rule.action == "flag" and rule.flags_only and "action" not in rule.options


VOCAB_PACK = '''
[pack]
name = "mine"

[vocab]
stations = ["harbour fm", "gazette radio"]

[[rule]]
code = "MY001"
name = "listen-live"
kind = "line"
triggers = ["{{stations}}"]
patterns = ['listen (?:live )?(?:to|on) {{stations}}']
message = "Radio pitch"
why = "A pitch for the site's radio station."
remove = ["Listen live on Harbour FM"]
keep = ["Harbour FM said the council met."]
'''


def test_vocabularies_expand_in_patterns_and_triggers() -> None:
    [rule] = parse_pack(VOCAB_PACK, "mine.toml").rules
    assert rule.triggers == ("harbour fm", "gazette radio")
    assert rule.options["patterns"] == [r"listen (?:live )?(?:to|on) (?:gazette\s+radio|harbour\s+fm)"]
    cl = Cleaner(packs=[], extra_packs=[parse_pack(VOCAB_PACK, "mine.toml")])
    assert cl.clean("Story.\n\nListen live on Harbour FM\n").text == "Story.\n"


def test_shipped_vocabularies_serve_every_pack_and_unknown_names_are_refused() -> None:
    raw = VOCAB_PACK.replace("triggers = [\"{{stations}}\"]", "triggers = [\"{{networks}}\"]")
    assert "facebook" in parse_pack(raw, "mine.toml").rules[0].triggers
    with pytest.raises(RuleError, match=r"uses \{\{stashuns\}\}, which no \[vocab\] defines; known: .*stations"):
        parse_pack(VOCAB_PACK.replace("{{stations}}']", "{{stashuns}}']"), "mine.toml")
    with pytest.raises(RuleError, match="must be a non-empty list"):
        parse_pack(VOCAB_PACK.replace('["harbour fm", "gazette radio"]', "[]"), "mine.toml")
