"""bench/eval_heldout.py: the by-site split, the family classifier and the line alignment.

Every line below is written for this test; none comes from a corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from types import SimpleNamespace

import pytest
from bench_scripts import BENCH, load
from corpora import SCRAPINGHUB, missing

from cleaner import Edit

eh = load("eval_heldout")
SITES = [f"site{n}.example" for n in range(40)] + ["bbc.co.uk", "wsj.com", "nytimes.com"]


def test_split_is_the_same_in_any_interpreter():
    # Python's own hash() of a str changes with PYTHONHASHSEED; the split must not.
    code = (f"import sys; sys.path.insert(0, {str(BENCH)!r}); import eval_heldout as e; "
            f"print(' '.join(e.split_of(s) for s in {SITES!r}))")
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("1", "2")]
    first, second = (p.communicate(timeout=60)[0].split() for p in procs)
    run = [eh.split_of(s) for s in SITES]
    assert first == second == run
    # Both halves get a fair share of 43 sites.
    assert 10 <= run.count("heldout") <= 33


def test_subdomains_of_one_site_share_a_key_and_a_half():
    pytest.importorskip("tld")
    keys = {eh.registered_domain(u) for u in ("https://www.bbc.co.uk/news/a", "http://news.bbc.co.uk/b", "bbc.co.uk/c")}
    assert keys == {"bbc.co.uk"}
    assert eh.registered_domain("http://blogs.example.com/x") == "example.com"
    declared = b'<html><head><link rel="canonical" href="https://www.example.org/story/1"></head><body></body></html>'
    assert eh.infer_site(declared) == "example.org"
    links = b"".join(b'<a href="http://w3.org/x">w</a>' for _ in range(5))
    links += b'<a href="http://www.sample.net/a">a</a><a href="https://sample.net/b">b</a>'
    assert eh.infer_site(links) == "sample.net"  # W3C links are third-party, however many
    assert eh.infer_site(b"<html><body><p>No links at all.</p></body></html>") is None


@pytest.mark.skipif(not (SCRAPINGHUB / "ground-truth.json").is_file(), reason=missing(SCRAPINGHUB))
def test_corpus_split_is_disjoint_by_site():
    pytest.importorskip("tld")
    halves: dict[str, set[str]] = {"dev": set(), "heldout": set()}
    pages = Counter()
    for page in eh.scrapinghub(eh.CORPORA, None):  # no page is cleaned: the cleaner is not needed
        halves[eh.split_of(page.site)].add(page.site)
        pages[page.site] += 1
    assert halves["dev"] and halves["heldout"]
    assert not halves["dev"] & halves["heldout"]
    assert not any(s.startswith("www.") for s in pages)
    assert max(pages.values()) > 3  # some site has several pages, all in one half


@pytest.mark.parametrize(("line", "expected"), [
    ("Share this article", "share"),
    ("Follow us on Instagram for daily updates", "follow"),
    ("Sign up for our weekly newsletter", "newsletter"),
    ("This site uses cookies. By continuing to browse you agree to our use of cookies.", "cookie"),
    ("Already a subscriber? Log in to keep reading.", "paywall"),
    ("Leave a Reply", "comments"),
    ("© 2021 Harbour Light Media Ltd. All rights reserved.", "copyright"),
    ("Photo: Ana Ruiz/Reuters", "photo-credit"),
    ("Tags: gardening, balcony, herbs", "tags"),
    ("Skip to content", "nav"),
    ("Home » Local » Weather", "breadcrumb"),
    ("6 min read", "reading-time"),
    ("About the author", "author-box"),
    ("You may also like", "related"),
    ("ADVERTISEMENT", "ad-label"),
    ("Thanks for reading!", "signoff"),
    ("Folgen Sie uns auf Instagram", "follow"),
    ("The council approved the new budget after a long debate on Tuesday night.", "other"),
    ("Shares in the ferry company rose sharply after the announcement, traders said.", "other"),
    ("She baked cookies for the neighbours every Sunday and never missed a week.", "other"),
])
def test_family_of_a_line(line, expected):
    assert eh.family(line) == expected


def test_a_repeated_headline_needs_its_first_occurrence():
    line = "Storm closes the harbour for two days"
    assert eh.family(line) == "other"
    assert eh.family(line + " | Coast Gazette", {eh.norm(line)}) == "headline"


def _remove(original: str, part: str, rule: str) -> Edit:
    start = original.index(part)
    return Edit(rule=rule, name="test", pack="test", action="remove", start=start, end=start + len(part), line=1,
                column=1, text=part, replacement="", message="test")


def test_alignment_counts_a_removed_line_the_gold_keeps():
    gold = eh.Gold.of("The ferry left at dawn with forty passengers aboard.\n\nBackground\n\n"
                      "Repairs to the pier will take until spring, the harbour master said.")
    original = ("The ferry left at dawn with forty passengers aboard.\nShare this\nBackground\nAt dawn\n"
                "Repairs to the pier will take until spring, the harbour master said.\nFollow us on Instagram\n")
    cuts = {"Share this\n": "ZZ001", "Background\n": "ZZ002", "master said.": "ZZ003", "At dawn\n": "ZZ005"}
    edits = tuple(_remove(original, part, rule) for part, rule in cuts.items())
    kept = original
    for part in cuts:
        kept = kept.replace(part, "")
    tally = eh.Tally()
    eh.assess(tally, "example.org", original, SimpleNamespace(text=kept, edits=edits, flags=()), gold)
    assert sum(tally.removed.values()) == 4
    # Counted: the one-word heading (a whole gold line) and the end cut off a gold sentence.
    # Not counted: "Share this" (not in the gold) and "At dawn", too short to tell from the
    # words of a gold sentence it happens to match.
    assert tally.removed_gold == Counter({"ZZ002": 1, "ZZ003": 1})
    assert tally.left == Counter({"follow": 1})  # what is left of the cut sentence is still gold
    assert [e[1] for e in tally.examples] == ["ZZ002", "ZZ003"]


def test_alignment_against_snippets():
    gold = eh.Gold(keep=(eh.norm("forty passengers aboard"),), drop=(eh.norm("Follow us on Instagram"),),
                   raw_drop=("Follow us on Instagram",))
    original = "The ferry left at dawn with forty passengers aboard.\nFollow us on Instagram\n"
    edits = (_remove(original, "The ferry left at dawn with forty passengers aboard.\n", "ZZ004"),)
    tally = eh.Tally()
    eh.assess(tally, "example.org", original, SimpleNamespace(text="Follow us on Instagram\n", edits=edits, flags=()),
              gold)
    assert tally.removed_gold == Counter({"ZZ004": 1})
    assert (tally.keep_in, tally.keep_kept, tally.drop_in) == (1, 0, 1)
    assert tally.left == Counter({"follow": 1})
