"""Engine behaviours that single rule examples do not show: zones, windows, gates."""

from __future__ import annotations

from invariants import assert_invariants

from cleaner import Cleaner, clean
from cleaner.loader import parse_pack

CL = Cleaner()


def test_tail_zone_cut_when_only_headlines_follow() -> None:
    text = ("The article ends here with a real sentence.\n\nYou may also like\n\n"
            "Ten Ways To Cook Rice\n\nWhy Markets Fell Today\n")
    res = assert_invariants(CL, text)
    assert res.text == "The article ends here with a real sentence.\n"
    assert [e.rule for e in res.edits] == ["NV005", "NV005", "NV005"]


def test_tail_zone_kept_when_prose_follows() -> None:
    text = ("First paragraph of the story.\n\nYou may also like\n\n"
            "The minister said the plan would go ahead next year, despite strong objections from farmers.\n")
    res = assert_invariants(CL, text)
    assert "The minister said the plan would go ahead" in res.text
    assert "You may also like" not in res.text
    assert res.edits[0].message.endswith("(marker only: prose follows it)")


def test_marker_outside_tail_window_is_a_line_only_if_it_is_junk() -> None:
    body = "\n\n".join(f"Paragraph {n} of the article says something long enough to be prose." for n in range(60))
    text = "Related articles\n\n" + body
    res = assert_invariants(CL, text)
    assert res.text.startswith("Related articles"), "a marker far from the end starts no zone"


def test_head_window() -> None:
    text = "Breaking News:\n\nOil Prices Fall Again\n\nThe real headline\n\nBody text of the article goes on.\n"
    assert clean(text).text == "The real headline\n\nBody text of the article goes on.\n"
    late = "Headline\n\n" + "Para one.\n\nPara two.\n\nPara three.\n\n" + "Breaking News:\n\nOil Prices Fall\n"
    assert clean(late).text == late


def test_src_repair_needs_the_signature_and_no_digit_one() -> None:
    corrupted = "Shells date to the src950s.\n\nAt src2:25 am ET the statement came."
    assert clean(corrupted).text == "Shells date to the 1950s.\n\nAt 12:25 am ET the statement came."
    has_one = corrupted + "\n\nIn 2021 it happened again."
    assert clean(has_one).text == has_one
    html = 'Use <img src="a.png"> and keep the src/ folder; src2 is a variable.'
    assert clean(html).text == html


def test_detector_judges_the_kept_text() -> None:
    """The only digit 1 sits in a line that is removed: the output has none, so the
    repair must fire in the same pass, or a second cleaning would repair more."""
    text = "Shells date to the src950s.\n\nAt src2:25 am ET it came.\n\nsource site-1"
    res = assert_invariants(CL, text)
    assert res.text == "Shells date to the 1950s.\n\nAt 12:25 am ET it came.\n"


def test_spans_follow_each_other_in_one_pass() -> None:
    text = ("This post may contain affiliate links. As an Amazon Associate I earn from qualifying purchases."
            "This post may contain affiliate links.\n\nReal text.")
    res = assert_invariants(CL, text)
    assert res.text == "Real text."


def test_glued_credit_keeps_the_sentence() -> None:
    res = clean("They met on April 25, 2019.Image source, Getty Images\n\nMore prose.")
    assert res.text == "They met on April 25, 2019.\n\nMore prose."
    assert res.edits[0].text == "Image source, Getty Images" and res.edits[0].column == 28


def test_mojibake_is_repaired_and_reported_but_quotes_stay_curly() -> None:
    res = assert_invariants(CL, "Itâ€™s a cafÃ© â€” “quoted”.\n")
    assert res.text == "It’s a café — “quoted”.\n"
    assert {e.rule for e in res.edits} == {"CR003"} and all(e.action == "repair" for e in res.edits)


FLAG_PACK = '''
[pack]
name = "unsure"

[[rule]]
code = "UN001"
name = "maybe-promo"
kind = "line"
action = "flag"
triggers = ["promo code"]
patterns = ['.*promo code.*']
message = "Possible promotion"
why = "Could be an ad, could be reporting on one."
remove = ["Use promo code SAVE10"]
keep = ["Nothing here."]
'''


def test_flag_action_keeps_text_and_reports() -> None:
    cl = Cleaner(packs=[], extra_packs=[parse_pack(FLAG_PACK, "unsure.toml")])
    res = cl.clean("Intro.\n\nUse promo code SAVE10\n")
    assert res.text == "Intro.\n\nUse promo code SAVE10\n" and not res.edits
    assert [(f.rule, f.line, f.text) for f in res.flags] == [("UN001", 3, "Use promo code SAVE10")]


def test_removed_lines_take_their_blank_separators() -> None:
    text = "A para.\n\nRead More\n\nB para.\n\n\nLeave a Reply\n\n"
    assert clean(text).text == "A para.\n\nB para.\n"


def test_flag_rule_examples_count_flags() -> None:
    from cleaner.examples import check_rule
    cl = Cleaner(packs=[], extra_packs=[parse_pack(FLAG_PACK, "unsure.toml")])
    assert check_rule(cl, cl.rules[0]) == []


UNSURE_TAIL = '''
[pack]
name = "unsure-tail"

[[rule]]
code = "UT001"
name = "maybe-zone"
kind = "tail"
action = "flag"
triggers = ["see also"]
patterns = ['see also']
message = "Possible see-also list"
why = "Could be a list of links, could be the article's own further reading."
remove = ["Text.\\n\\nSee also\\n\\nOther Page"]
keep = ["Nothing."]
'''


def test_unsure_tail_rule_flags_even_without_prose() -> None:
    cl = Cleaner(packs=[], extra_packs=[parse_pack(UNSURE_TAIL, "u.toml")])
    text = "Text.\n\nSee also\n\nOther Page"
    res = cl.clean(text)
    assert res.text == text and not res.edits
    assert [(f.rule, f.text) for f in res.flags] == [("UT001", "See also\n\nOther Page")]


def test_unsure_repair_only_flags() -> None:
    from cleaner.model import Pack
    packs = {p.name: p for p in Cleaner().packs}
    repairs = packs["repairs"]
    rules = tuple(
        type(r)(**{**{f: getattr(r, f) for f in r.__dataclass_fields__},
                   "action": "flag"}) if r.code == "CR002" else r
        for r in repairs.rules)
    cl = Cleaner(packs=[Pack(repairs.name, repairs.description, rules, repairs.source)])
    res = cl.clean("Shells date to the src950s.")
    assert res.text == "Shells date to the src950s." and not res.edits
    assert res.flags[0].rule == "CR002" and "would become '1'" in res.flags[0].message


def test_prefilter_arms_each_rule_on_the_lines_holding_its_triggers() -> None:
    """The prefilter scans bytes with only ASCII lower-cased and numbers lines by
    counting newlines (given the line starts when a \r also ends lines). Whatever the
    text, every rule must be armed (or deferred for length) on exactly the lines whose
    str.lower() holds one of its triggers."""
    import random

    from cleaner.lines import Lines

    c = Cleaner()
    pieces = ["Read more", "Share this", "Advertisement", "Prose words here.", "© 2021 Example Media",
              "\u2028", "\x0c", "Loading ...", "This site uses Akismet to reduce spam.", "x" * 300 + " share",
              "SHARE THIS", "Caf\u00c9 \u00c3\u00a9t\u00c9", "FACEBOO\u212a", "\u00e9l\u00e8ve R\u00e9", "\ud800 read more",
              "\u0130stanbul read more", "\ufb01le photo", "\u00e9" * 90 + " share"]
    rng = random.Random(7)
    for _ in range(600):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 12))]
        text = "".join(p + rng.choice(["\n", " ", "\n\n", "\r\n", "\r"]) for p in parts)
        lines = Lines(text)
        armed, deferred = c._prefilter.scan(text, lines.starts if "\r" in text else None)
        expected: dict[int, set[int]] = {}
        for i, content in enumerate(lines.contents):
            low = _lower_same_length(content)
            for idx, rule in enumerate(c.rules):
                if any(t in low for t in rule.triggers):
                    expected.setdefault(idx, set()).add(i)
        got = {k: armed.get(k, set()) | deferred.get(k, set()) for k in armed.keys() | deferred.keys()}
        assert got == expected, text
        for idx, line_ids in deferred.items():  # deferred: longer than the rule's limit
            for i in line_ids:
                assert len(lines.contents[i].strip()) > c._prefilter.limit(idx) > 0, (text, idx, i)


def test_prefilter_spellings_cover_every_character_that_lowercases_to_a_trigger_letter() -> None:
    """The prefilter leaves non-ASCII letters as they are and searches triggers in every
    spelling instead; its table of the odd ones (the Kelvin sign lower-cases to "k") must
    agree with this Python's Unicode data."""
    from cleaner.prefilter import spellings

    for cp in range(0x110000):
        ch = chr(cp)
        low = ch.lower()
        if len(low) == 1 and low != ch and not ch.isascii():
            assert ch in spellings(low), (hex(cp), low)
    assert set(spellings("k\u00e9")) == {"k\u00e9", "\u212a\u00e9", "k\u00c9", "\u212a\u00c9"}
    # str.lower() gives a word-final \u03a3 as \u03c2 (final sigma): a Greek trigger ends so.
    from cleaner.prefilter import Prefilter

    assert Prefilter([("\u03bb\u03bf\u03b3\u03bf\u03c2", 0)]).scan("Intro.\n\u039b\u039f\u0393\u039f\u03a3\n") == ({0: {1}}, {})
    assert len(spellings("\u00e9" * 12)) <= 64  # a long run of cased letters is cut to a prefix


def _lower_same_length(text: str) -> str:
    """The oracle: how triggers were found before the scan moved to bytes. str.lower()
    of the text, except the few characters it turns into two (İ), kept as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


EDGE_PACK = '''
[pack]
name = "edge"

[[rule]]
code = "ED001"
name = "follow-line"
kind = "line"
position = "edge"
window = 2
elsewhere = "flag"
triggers = ["follow us"]
patterns = ['follow us on \\w+']
message = "Follow prompt"
why = "A call to action."
remove = ["Story.\\n\\nFollow us on Mastodon"]
keep = ["Follow us on the trail, the guide said."]
'''


def test_edge_rule_removes_at_either_edge_and_flags_between_paragraphs() -> None:
    cl = Cleaner(packs=[], extra_packs=[parse_pack(EDGE_PACK, "edge.toml")])
    paras = [f"Paragraph {n} of the story, with words enough to read as prose." for n in range(6)]
    text = "\n\n".join(["Follow us on Threads", *paras[:3], "Follow us on Mastodon", *paras[3:], "Follow us on Bluesky"])
    res = cl.clean(text)
    assert [e.text.strip() for e in res.edits] == ["Follow us on Threads", "Follow us on Bluesky"]
    assert [f.text for f in res.flags] == ["Follow us on Mastodon"] and "between paragraphs" in res.flags[0].message
    again = cl.clean(res.text)
    assert again.text == res.text and [f.text for f in again.flags] == ["Follow us on Mastodon"]


def test_a_trigger_written_by_a_mojibake_fix_arms_its_rule_at_once() -> None:
    """The prefilter reads the text before repairs; a heading that only a mojibake fix
    spells out ("Über den Autor" scraped as UTF-8 read as cp1252) must be judged in the
    same cleaning, or a second cleaning would remove it."""
    prose = "Der Rat hat entschieden, die Arbeiten an der Brücke beginnen im Mai und dauern zwei Jahre lang."
    heading = "Über den Autor".encode().decode("cp1252")
    text = f"{prose}\n\n{heading}\n\nMarta Keller schreibt seit 2015 über Verkehr und Stadtplanung in Kiel.\n"
    cl = Cleaner()
    once = cl.clean(text)
    assert heading not in once.text and "Über den Autor" not in once.text
    assert cl.clean(once.text).text == once.text


def test_first_line_keep_flags_a_match_on_the_texts_first_line() -> None:
    """A line rule with first_line = "keep" flags its match on the first non-blank line
    (a page's own title) and removes the same line further down."""
    from cleaner.loader import parse_pack
    pack = parse_pack('''
[pack]
name = "mine"

[[rule]]
code = "XX001"
name = "gallery-label"
kind = "line"
first_line = "keep"
triggers = ["gallery"]
patterns = ['gallery: [^\\n]{3,60}']
message = "Gallery label"
why = "A gallery's label."
remove = ["Story.\\n\\nGallery: the harbour at dawn"]
keep = ["Gallery: the harbour at dawn\\n\\nStory."]
''', "test.toml")
    c = Cleaner([pack])
    text = "\nGallery: the harbour at dawn\n\nStory of the harbour.\n\nGallery: the harbour at dawn\n"
    res = c.clean(text)
    assert [e.text.strip() for e in res.edits] == ["Gallery: the harbour at dawn"] and res.edits[0].start > 30
    assert [f.rule for f in res.flags] == ["XX001"] and "first line" in res.flags[0].message
    assert res.text.startswith("\nGallery: the harbour at dawn\n")
