"""Boilerplate as real scrapes phrase it: each line, glued after a paragraph of article
text, must go, and the article paragraph must stay."""

from __future__ import annotations

import pytest

from cleaner import clean

ARTICLE = "The council approved the budget on Tuesday after a long debate about school funding."

PHRASES = [
    ("This post may contain affiliate links.", "AF"),
    ("As an Amazon Associate I earn from qualifying purchases.", "AF"),
    ("Your email address will not be published. Required fields are marked *", "CM"),
    ("Share this:", "NV"),
    ("Originally published at example.com.", "SY"),
    ("Comments are closed.", "CM"),
    ("Story continues below advertisement", "NV"),
    ("Leave a Reply", "CM"),
    ("Leave a Comment", "CM"),
    ("This site uses Akismet to reduce spam. Learn how your comment data is processed.", "CM"),
    ("source site-34", "SY"),
    ("Read More", "NV"),
    ("You may also like", "NV"),
    ("Back to homepage", "NV"),
    ("Loading ...", "NV"),
    ("Image caption,", "MD"),
    ("Copyright © 2021 Example Media. All rights reserved.", "PT"),
    ("Sign up for our newsletter", "PT"),
    ("Click to share on Twitter (Opens in new window)", "NV"),
    ("Like this:", "NV"),
    ("Skip to content", "NV"),
    ("Advertisement", "NV"),
]


@pytest.mark.parametrize("line, pack", PHRASES, ids=[p for p, _ in PHRASES])
def test_phrase_is_removed(line: str, pack: str) -> None:
    res = clean(f"{ARTICLE}\n\n{line}\n")
    assert res.text == ARTICLE + "\n", [(e.rule, e.text) for e in res.edits]
    assert any(e.rule.startswith(pack) for e in res.edits)
