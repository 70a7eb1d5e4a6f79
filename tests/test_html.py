"""HTML input: sniffing, decoding, element rules, extraction, reports, CLI, quality floor."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from corpora import SCRAPINGHUB as CORPUS
from corpora import missing
from invariants import assert_invariants

from cleaner import Cleaner, RuleError
from cleaner.html import clean_html, decode_html, has_html_name, looks_like_html
from cleaner.loader import parse_pack
from cleaner.report import schema

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures" / "html"
CLEANER = Cleaner()


def page(name: str) -> bytes:
    return (FIX / name).read_bytes()


# -- sniffing and decoding ------------------------------------------------------------

def test_sniff_by_name_and_content() -> None:
    assert has_html_name("a/b/Page.HTM") and has_html_name("x.html") and not has_html_name("x.txt")
    assert looks_like_html(page("blog_post.html"))
    assert looks_like_html(page("utf16.html"))
    assert looks_like_html(b"\xef\xbb\xbf  <!-- saved --> <html><body>x</body></html>")
    assert not looks_like_html("The <p> tag starts a paragraph, as every HTML tutorial says.\n" * 3)
    assert not looks_like_html(b"Plain article text.\n\nSecond paragraph.")


@pytest.mark.parametrize(("name", "encoding", "needle"), [
    ("latin1.html", "cp1252", "café on the quay"),  # ISO-8859-1 is read as Windows-1252, as browsers do
    ("cp1252.html", "cp1252", "“Le Bateau”"),
    ("utf8_bom.html", "utf-8", "“Le Bateau”"),
    ("utf16.html", "utf-16", "naïve murals"),
])
def test_declared_and_bom_encodings(name: str, encoding: str, needle: str) -> None:
    text, used = decode_html(page(name))
    assert used == encoding and needle in text and "\ufffd" not in text
    res = clean_html(page(name))
    assert res.encoding == encoding and needle in res.text


def test_undeclared_legacy_encoding_is_detected() -> None:
    res = clean_html(page("undeclared_cp1252.html"))
    assert res.encoding not in ("utf-8", "unicode")
    assert "Renée" in res.text and "naïve" in res.text


def test_a_false_declaration_falls_back() -> None:
    raw = ('<html><head><meta charset="ascii-nonsense"></head>'
           '<body><p>Überall Grüße aus Köln, sagte sie.</p></body></html>')
    res = clean_html(raw.encode("utf-8"))
    assert res.encoding == "utf-8" and "Grüße" in res.text


# -- rules, extraction, report --------------------------------------------------------

def test_blog_post_keeps_the_article_and_drops_the_rest() -> None:
    res = clean_html(page("blog_post.html"))
    paras = res.text.split("\n\n")
    assert paras[0].startswith("The harbour bridge reopened")
    assert "What changed" in paras  # a heading is its own paragraph
    assert "A new cycle lane runs along the eastern side of the deck." in paras  # list items too
    assert paras[-1].startswith("Ferries that carried commuters")
    for junk in ("Sign in", "Share this", "Tags:", "Tunnel works", "anna says", "Leave a Reply", "Popular",
                 "All rights reserved", "By Ana Ruiz", "tracking", "color: red"):
        assert junk not in res.text, junk
    assert res.title == "Harbour bridge reopens after two years"
    assert "Harbour bridge reopens" not in res.text  # the headline is metadata, not body text


def test_removals_name_the_element_by_css_path_and_source_line() -> None:
    raw = page("blog_post.html")
    lines = raw.decode("utf-8").splitlines()
    res = clean_html(raw)
    by_rule = {r.rule: r for r in res.removals}
    assert {"HT001", "HT003", "HT004", "HT009", "HT010", "HT011", "HT012", "HT014"} <= set(by_rule)
    comments = by_rule["HT001"]
    assert comments.path == "html > body > div#page > div#comments" and comments.tag == "div"
    assert '<div id="comments">' in lines[comments.line - 1]
    share = by_rule["HT003"]
    assert share.path.endswith("article.post > div.sharedaddy:nth-of-type(1)")
    assert 'class="sharedaddy"' in lines[share.line - 1]
    # the comment form sits inside the comment section: it goes with it, reported once
    assert "HT002" not in by_rule and len(res.removals) == len({(r.path, r.line) for r in res.removals})


def test_text_edits_are_offsets_into_the_extracted_text() -> None:
    html = ("<html><body><article><p>The ferry timetable changes on Sunday, when the winter service begins again "
            "on every route across the bay.</p><p>Fares stay the same for the whole season, the operator said "
            "on Friday.</p><p>Leave a Reply</p><p>The new timetable is posted at every pier and on the operator's "
            "website, with the holiday changes.</p></article></body></html>")
    res = clean_html(html)
    assert res.result.original == res.extracted
    assert [e.rule for e in res.result.edits] == ["CM001"]
    e = res.result.edits[0]
    assert res.extracted[e.start : e.end] == e.text and e.text.startswith("Leave a Reply")
    assert "Leave a Reply" not in res.text
    assert_invariants(CLEANER, res.extracted)


def test_select_and_ignore_reach_html_rules() -> None:
    html = page("blog_post.html")
    kept = clean_html(html, cleaner=Cleaner(ignore=["HT"]))
    assert not kept.removals
    only = clean_html(html, cleaner=Cleaner(select=["HT001"]))
    assert {r.rule for r in only.removals} == {"HT001"}


def test_marked_main_content_and_long_elements_are_never_removed() -> None:
    body = " ".join(["The harbour authority published its yearly report on shipping and the state of the quays."] * 8)
    wrapped = f'<html><body><div class="sidebar"><div itemprop="articleBody"><p>{body}</p></div></div></body></html>'
    res = clean_html(wrapped)
    assert not res.removals and "yearly report" in res.text
    long_share = f'<html><body><div class="sharing"><p>{body}</p></div></body></html>'  # over HT003's max_words
    assert not clean_html(long_share).removals


def test_short_post_beats_a_long_sidebar_bio_and_unnamed_comment_lists_go() -> None:
    # The bio is one block twice the article's length; its "widget profile" names weigh it
    # down and the "post-body" name weighs the article up. The comments sit in a list no
    # container selector names; their "comment-N" ids take them out.
    res = clean_html(page("short_post_long_bio.html"))
    # The post's <h2> title sits right above its text: it is the post's (see extract._title).
    assert res.text.startswith("Ferry fares stay the same\n\nThe ferry operator said")
    assert res.text.endswith("returns in March.")
    assert "rowing boat" not in res.text and "night boat" not in res.text
    assert [r.rule for r in res.removals] == ["HT001", "HT001"]


def test_inline_linked_prose_is_not_a_link_list() -> None:
    linked = " ".join(f'<a href="/p/{i}">Councillor Number{i} Name{i}</a> said' for i in range(6))
    html = (f"<html><body><div><p>The council met on Tuesday to vote on the harbour plan, which has been debated for a "
            f"year and a half by every party.</p><p>{linked} that the plan was sound.</p><p>The vote passed by nine "
            f"to four, and the works start in spring after the tender closes.</p></div></body></html>")
    assert "that the plan was sound." in clean_html(html).text


def test_flag_rules_keep_the_element(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('''[pack]
name = "mine"
[[rule]]
code = "ZZ001"
name = "promo-box"
kind = "html"
action = "flag"
selectors = ['.promo']
message = "Promo box"
why = "test"
remove = ['<div class="promo">Buy now</div>']
keep = ['<p>promo</p>']
''')
    res = clean_html('<html><body><p>A sentence that is long enough to count as prose, with a full stop at its end.</p>'
                     '<div class="promo">Buy our gadget now and tell your friends about it.</div></body></html>',
                     cleaner=Cleaner(packs=[], extra_packs=[pack]))
    assert [(r.rule, r.action) for r in res.removals] == [("ZZ001", "flag")]


@pytest.mark.parametrize(("body", "message"), [
    ("triggers = ['x']\nselectors = ['.a']", "remove its 'triggers'"),
    ("max_words = 3", "needs 'selectors'"),
    ("selectors = ['div[']", "invalid selector"),
    ("xpath = ['//div[']", "invalid xpath"),
])
def test_loader_refuses_broken_html_rules(body: str, message: str) -> None:
    raw = f'''[pack]
name = "bad"
[[rule]]
code = "ZZ001"
name = "bad-rule"
kind = "html"
{body}
message = "m"
why = "w"
remove = ['<div class="a">x</div>']
keep = ['<p>y</p>']
'''
    with pytest.raises(RuleError, match=message):
        parse_pack(raw, "bad.toml")


def test_empty_and_tagless_input() -> None:
    assert clean_html(b"").text == ""
    assert clean_html("just words, no tags").text == "just words, no tags"
    with pytest.raises(TypeError):
        clean_html(42)  # type: ignore[arg-type]


@pytest.mark.integration
def test_trafilatura_composition() -> None:
    pytest.importorskip("trafilatura", reason="needs trafilatura: pip install -e '.[trafilatura]'")
    res = clean_html(page("blog_post.html"), extractor="trafilatura")
    # only the comment and sidebar rules run before trafilatura; the rest would cost it recall
    assert res.extractor == "trafilatura" and {r.rule for r in res.removals} <= {"HT001", "HT010"}
    assert "HT001" in {r.rule for r in res.removals}
    assert "harbour bridge reopened" in res.text and "anna says" not in res.text
    assert res.result.original == res.extracted


def test_only_rules_marked_before_extractor_run_before_trafilatura() -> None:
    from cleaner.html.api import _before_trafilatura, matcher_for

    marked = {r.name for r in CLEANER.rules if r.kind == "html" and r.options.get("before_extractor")}
    assert marked == {"comment-section", "sidebar"}
    assert {r.rule.name for r in _before_trafilatura(matcher_for(CLEANER)).rules} == marked


def test_matcher_agrees_with_css_on_every_element() -> None:
    """The indexed matcher (token, id, tag and substring indexes, verdict cache) selects
    exactly what lxml's CSS selectors select, first rule in pack order winning."""
    from lxml import etree
    from lxml.cssselect import CSSSelector

    from cleaner.html.api import matcher_for, parse

    matcher = matcher_for(CLEANER)
    classes = ["social-share-buttons", "post related", "ad", "x-newsletter-box", "comments", "no-comments",
               "sidebar-left", "menu item", "cookie-banner-x", "entry-meta", "ad-slot ad", ""]
    ids = ["comment-12", "comments_list", "gdpr-x", "sidebar", "main", "respond", ""]
    els = "".join(f'<{tag} class="{c}" id="{i}" role="{r}"><span>t</span></{tag}>'
                  for tag in ("div", "li", "nav", "aside") for c in classes for i in ids
                  for r in ("", "navigation", "banner"))
    for _ in range(2):  # the second page is answered from the cache
        root = parse(f"<html><body><article><aside>fact</aside></article>{els}</body></html>")
        general = matcher.prepare(root)
        taken = [{e for s in r.selectors for e in CSSSelector(s, translator="html")(root)}
                 | {e for x in r.xpaths for e in etree.XPath(x)(root)} for r in matcher.rules]
        for el in root.iter():
            want = next((i for i, t in enumerate(taken) if el in t), -1)
            assert matcher.match(el, general) == want, (el.tag, el.get("class"), el.get("id"), el.get("role"))


def test_article_split_across_sibling_wrappers_is_joined() -> None:
    para = "The harbour board met on Monday and agreed to rebuild the north quay before the winter storms."
    teasers = "".join(f'<li><a href="/s/{i}">Another story number {i} from this site</a></li>' for i in range(8))
    html = (f'<html><body><div class="wrap"><div class="part"><p>{para}</p><p>{para} It will cost more.</p>'
            f'<p>{para} Work starts soon.</p></div><div class="part"><p>The second half of the report said the '
            f'quay would reopen in May, three months later than planned at first, because the stone for the new '
            f'wall comes from a quarry in the north.</p></div>'
            f'<div class="more"><ul>{teasers}</ul></div></div></body></html>')
    text = clean_html(html).text
    assert "reopen in May" in text and "Another story" not in text


def test_body_named_element_beats_a_teaser_column_and_gathers_its_parts() -> None:
    # The teaser excerpts add up to more prose than the short article, so the column holding
    # both would win; the "article-body" name weighs the article's own element up. Its second
    # part sits in another row after an ad slot: same tag and class, so it joins.
    text = clean_html(page("body_named_vs_teasers.html")).text
    assert text.startswith("The harbour board agreed") and text.endswith("the harbour master said.")
    assert "Lifeboat crew" not in text and "Two walkers" not in text and "Advertisement" not in text



def test_body_named_post_inside_a_widget_and_tagged_with_terms_beats_a_profile() -> None:
    # Blogger wraps the post list in "widget Blog" and WordPress puts the post's terms in its
    # class ("tag-biology"): neither may halve the "post-body entry-content" element, or
    # the page (article plus a long profile bio) would win over it.
    text = clean_html(page("widget_blog_tagged_post.html")).text
    assert text.startswith("Seed swap moves to the library\n\nThe spring seed swap")  # its <h3> title
    assert text.endswith("until the seeds are gone.")
    assert "allotment on the east side" not in text


def test_a_lone_paragraph_gives_way_to_its_body() -> None:
    # Two lineups of linked names inside the story text push its score below its first
    # paragraph's; the paragraph's parent is taken instead and the lineups still go.
    text = clean_html(page("lone_paragraph_body.html")).text
    assert text.startswith("Rovers travel to United") and text.endswith("made in the summer.")
    assert "Keeper Name" not in text


def test_comments_inside_the_container_go() -> None:
    # The comments read as prose and sit inside the article's container under a name no
    # element rule lists; the "comments" in that name takes them out.
    text = clean_html(page("comments_in_container.html")).text
    assert text.startswith("The town pool reopens") and text.endswith("in the water with them.")
    assert "driving to the next town" not in text



def test_short_closing_sentences_stay_with_the_article() -> None:
    # The story opens on a short standfirst and ends on two short sentences (too short to be
    # good blocks on their own); they touch the first and last good paragraphs, so the edge
    # trim keeps them. The "Related posts:" label and its links stay out. The headline and
    # the dateline right above the standfirst are the story's header (extract._title).
    text = clean_html(page("closing_lines.html")).text
    assert text.startswith("Ferry timetable changes for the winter\n\nBy a staff reporter | Tuesday\n\n"
                           "Fewer boats, same fares.")
    assert text.endswith('"Nobody asked us," one member said.')
    assert "Related posts" not in text and "New pier" not in text


def test_a_byline_above_and_a_sign_off_div_below_stay() -> None:
    # The byline is one short non-sentence <p> directly above the first paragraph, the
    # sign-off a sentence in a bare <div> directly after the last: both are the article's.
    # The share label above the byline and the tag line after the sign-off stay out.
    text = clean_html(page("byline_and_signoff.html")).text
    assert text.startswith("By Sam Field | March 3, 2014\n\nThe town library")
    assert text.endswith("member of the library's friends group.")
    assert "Share this" not in text and "Tags:" not in text


def test_an_article_that_is_mostly_a_plain_list_keeps_the_list() -> None:
    # Sixteen short unlinked list items between the intro and the closing line: counted as
    # "other" they made the intro's wrapper beat the whole article; a list without links
    # is the article's own, so the container with the list and the closing line wins.
    text = clean_html(page("plain_list_article.html")).text
    assert text.startswith("Most schools in the county") and text.endswith("send in their plans tonight.")
    assert "Stonebridge: out Thursday and Friday" in text and "Weather" not in text


def test_a_slideshow_among_the_story_paragraphs_goes() -> None:
    # A slideshow embedded between two paragraphs repeats each caption (full and truncated)
    # and adds controls; the captions read as prose, so only the rule (HT015) keeps them out.
    text = clean_html(page("gallery_in_story.html")).text
    assert text.startswith("The old harbour reopened") and text.endswith("anything for the next.")
    assert "Fishermen unload" not in text and "Image 1 of 6" not in text and "ribbon" not in text


def test_a_content_named_tab_in_the_page_header_loses_to_the_article() -> None:
    # The header's featured-issue tab is a "content" panel: with the positive name it beat
    # the article beside it; inside a header-named region it is worth half.
    text = clean_html(page("header_tab_content.html")).text
    assert text.startswith("The library board voted") and text.endswith("once school is out.")
    assert "latest issue" not in text


def test_a_lone_paragraph_under_a_broken_tag_is_no_crash() -> None:
    # The paragraph's parent is a tag whose name holds control characters (found by fuzzing):
    # the twins search must not hand that name to lxml as a filter.
    html = (b'<html><body><div class="x"><arti\xe8\x03\x00\x00cle class="post"><p>The harbour bridge reopened '
            b"to traffic on Monday, two years after engineers closed it for repairs.</p></arti\xe8\x03\x00\x00cle>"
            b"</div></body></html>")
    assert clean_html(html).text.startswith("The harbour bridge reopened")


# -- command line ---------------------------------------------------------------------

def test_cli_on_a_folder_mixing_html_and_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "post.html").write_bytes(page("blog_post.html"))
    (src / "cafe.htm").write_bytes(page("cp1252.html"))
    (src / "note.txt").write_text("The council met on Tuesday.\n\nLeave a Reply\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "cleaner", str(src), "-o", str(out), "-q"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "cafe.report.json", "cafe.txt", "note.report.json", "note.txt", "run-summary.json",
        "sub/post.report.json", "sub/post.txt"]
    text = (out / "sub" / "post.txt").read_text(encoding="utf-8")
    assert text.startswith("The harbour bridge reopened") and "anna says" not in text
    report = json.loads((out / "sub" / "post.report.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema())
    assert report["input"]["encoding"] == "utf-8" and report["html"]["extractor"] == "builtin"
    assert any(r["path"].endswith("div#comments") for r in report["html"]["removals"])
    cafe = json.loads((out / "cafe.report.json").read_text(encoding="utf-8"))
    jsonschema.validate(cafe, schema())
    assert cafe["input"]["encoding"] == "cp1252"
    jsonschema.validate(json.loads((out / "note.report.json").read_text(encoding="utf-8")), schema())
    # --check is for text in place: pages inside a folder are left out, as before
    check = subprocess.run([sys.executable, "-m", "cleaner", "--check", str(src)], capture_output=True, text=True)
    assert check.returncode == 1 and "note.txt" in check.stdout and "post.html" not in check.stdout + check.stderr


def test_cli_sniffs_an_explicit_file_and_prints_the_text(tmp_path: Path) -> None:
    saved = tmp_path / "saved_page"  # no extension: the content says HTML
    saved.write_bytes(page("blog_post.html"))
    proc = subprocess.run([sys.executable, "-m", "cleaner", str(saved)], capture_output=True)
    assert proc.returncode == 0
    assert proc.stdout.decode().startswith("The harbour bridge reopened")
    jsonschema.validate(json.loads(proc.stderr), schema())


# -- quality floor --------------------------------------------------------------------

@pytest.mark.integration
@pytest.mark.skipif(not (CORPUS / "ground-truth.json").is_file(), reason=missing(CORPUS))
def test_quality_floor_on_scrapinghub() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import shingles

    gold = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    rows = []
    for doc_id, entry in sorted(gold.items()):
        raw = gzip.open(CORPUS / "html" / f"{doc_id}.html.gz").read()
        rows.append(shingles.match(entry.get("articleBody") or "", clean_html(raw, cleaner=CLEANER).text))
    agg = shingles.aggregate(rows)
    # Measured 0.9612 F1 (P 0.9473, R 0.9757) when this floor was set. It was 0.9637
    # (P 0.9532) before post titles and post headers stayed with the text (extract._title):
    # scrapinghub's gold has no titles or datelines, dragnet's has them (dragnet F1 0.892 ->
    # 0.902), a trade kept while scrapinghub stays at or above its 0.960 target.
    assert agg["f1"] >= 0.961 and agg["precision"] >= 0.947 and agg["recall"] >= 0.975, agg


def test_post_title_and_header_stay_a_page_headline_alone_does_not() -> None:
    para = "<p>The council voted on Monday to keep the night buses running through the winter season.</p>"
    linked = ('<p>Read <a href="/a">the full minutes of the council</a> on the <a href="/b">city website</a> '
              'before Friday.</p>')
    # An <h2> post title right above the text stays, and so does a linked sentence between paragraphs.
    text = clean_html(f"<html><body><h1>City news</h1><div><h2>Night buses stay</h2>{para}{linked}{para}"
                      "</div></body></html>").text
    assert text.startswith("Night buses stay\n\nThe council") and "full minutes" in text
    assert "City news" not in text
    # A headline with a dateline under it is a post header: both stay.
    text = clean_html(f"<html><body><h1>Night buses stay</h1><div>By Jo Park | May 2, 2012</div>{para}{para}"
                      "</body></html>").text
    assert text.startswith("Night buses stay\n\nBy Jo Park | May 2, 2012\n\nThe council")
