"""Line rules that weigh evidence in any order (all_of, none_of, max_sentences) and the
[signals] fragments they share."""

from __future__ import annotations

import pytest

from cleaner import Cleaner, RuleError
from cleaner.loader import parse_pack
from cleaner.matchers import sentences

PACK = '''
[pack]
name = "mine"

[signals]
letter = '\\b(?:newsletter|{{stations}})\\b'

[vocab]
stations = ["harbour fm", "gazette radio"]

[[rule]]
code = "MY001"
name = "newsletter-box"
kind = "line"
max_chars = 200
triggers = ["newsletter", "harbour fm", "gazette radio"]
all_of = ['{{letter}}', '\\b(?:sign up|subscribe|get)\\b', '{{reader}}|{{site}}']
none_of = ['{{quote_marks}}']
max_sentences = 2
message = "Newsletter box"
why = "A pitch for the site's newsletter."
remove = ["Story.\\n\\nSign up for our newsletter."]
keep = ["Story.\\n\\nThe newsletter had 300 readers."]
'''

PROSE = "The council met on Tuesday and voted to extend the tram line to the hospital by 2027."


def _clean(pack: str, line: str) -> str:
    cl = Cleaner(packs=[], extra_packs=[parse_pack(pack, "mine.toml")])
    return cl.clean(f"{PROSE}\n\n{line}\n").text


@pytest.mark.parametrize("line", [
    "Sign up for our newsletter.",
    "Our newsletter: the day's news in your inbox. Subscribe!",
    "Get Harbour FM's morning bulletin in your inbox",
])
def test_evidence_in_any_order_removes_the_line(line: str) -> None:
    assert _clean(PACK, line) == f"{PROSE}\n"


@pytest.mark.parametrize("line", [
    "The newsletter had 300 readers and closed in May.",  # no sign-up, nobody addressed
    "“Sign up for our newsletter” read the banner at the fair.",  # quoted: none_of
    "Sign up for our newsletter. It is free. It comes every day. Nobody reads it.",  # four sentences
    "Sign up for our newsletter " + "and read more about the harbour " * 6,  # over max_chars
])
def test_missing_evidence_a_veto_or_a_long_line_keeps_it(line: str) -> None:
    assert line in _clean(PACK, line)


def test_patterns_and_all_of_must_both_hold() -> None:
    pack = PACK.replace("max_sentences = 2", "max_sentences = 2\npatterns = ['sign up[^\\n]*']")
    assert _clean(pack, "Sign up for our newsletter.") == f"{PROSE}\n"
    assert "Our newsletter: subscribe!" in _clean(pack, "Our newsletter: subscribe!")


def test_a_line_rule_needs_patterns_or_all_of() -> None:
    pack = PACK.replace("all_of = ['{{letter}}', '\\b(?:sign up|subscribe|get)\\b', '{{reader}}|{{site}}']\n", "")
    with pytest.raises(RuleError, match="needs 'patterns'.*'all_of'"):
        Cleaner(packs=[], extra_packs=[parse_pack(pack, "mine.toml")])


def test_signals_are_checked_and_kept_out_of_triggers() -> None:
    with pytest.raises(RuleError, match=r"\[signals\]: stations: a word list of \[vocab\] has this name"):
        parse_pack(PACK.replace("letter = ", "stations = ").replace("{{letter}}", "{{stations}}"), "mine.toml")
    with pytest.raises(RuleError, match=r"\[signals\]: letter: not a valid regex fragment"):
        parse_pack(PACK.replace("letter = '\\b(?:newsletter", "letter = '\\b(?:newsletter("), "mine.toml")
    with pytest.raises(RuleError, match=r"'triggers' uses \{\{letter\}\}, a regex fragment"):
        parse_pack(PACK.replace('triggers = ["newsletter", ', 'triggers = ["{{letter}}", '), "mine.toml")
    with pytest.raises(RuleError, match=r"unknown top-level key 'signal'.*signals"):
        parse_pack(PACK.replace("[signals]", "[signal]"), "mine.toml")


def test_a_fragment_is_one_group_with_its_word_lists_expanded() -> None:
    [rule] = parse_pack(PACK, "mine.toml").rules
    assert rule.options["all_of"][0] == r"(?:\b(?:newsletter|(?:gazette\s+radio|harbour\s+fm))\b)"


@pytest.mark.parametrize(("text", "n"), [
    ("One line without an end", 1),
    ("First. Second! Third? fourth stays in the third", 3),
    ("He said: “Stop.” Then he left.", 2),
    ("About 3.5 per cent, e.g. in May.", 1),
])
def test_sentences_are_counted_by_end_marks_before_a_capital(text: str, n: int) -> None:
    assert sentences(text) == n


def test_every_shipped_signal_compiles_on_its_own() -> None:
    """Start-up does not compile the shipped fragments; this does, so a bad one is named."""
    import regex

    from cleaner.vocabulary import shipped_signals

    for name, fragment in shipped_signals().items():
        assert regex.compile(fragment, regex.IGNORECASE), name
