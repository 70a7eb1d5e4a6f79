"""Main-content localisation and conversion to text.

The page is cut into *blocks*: the text directly owned by a block-level element
(a paragraph, a heading, a list item, a cell, a div's own text), with how much of it
sits inside links. Then:

1. Each block is judged on its own: *good* when it reads as article prose (enough
   text, few link characters, a sentence shape), *bad* when it is mostly links (but a
   long <p> of sentences full of inline links is neither: it is prose with linked names,
   and so is a shorter <p> that reads as a sentence of 7+ words with some unlinked text).
2. Every ancestor of a block adds the block's good and bad characters; the article
   container is the element with the best ``good - PENALTY * bad - other / 4``
   (other = text that is neither). A tight container that holds most of the prose
   beats <body>, which also holds menus, teasers and footers; a lone paragraph loses
   to the container holding its siblings because their good text adds up. A positive
   score is halved inside an element whose class or id names a sidebar, footer, page header,
   comment list, widget or profile, and raised by half on an <article> or an element named as
   the post, entry, story or body text, tripled on an element named as exactly the
   article body ("article-body", "entry-content"): a long bio, disclaimer or column of
   teaser excerpts must not outweigh a short article. The body name wins over a negative
   region around it (Blogger's "widget Blog"); a lone winning <p> gives way to its parent.
3. Inside the container, comment-named parts and link lists go, and so do the non-prose blocks before the
   first and after the last good block (datelines, share labels, tag lists), except a
   run of sentence-shaped <p> touching the first or last good block (a standfirst, a
   closing quote; at the end a sentence-shaped <div> too), or one short non-sentence <p>
   directly above the first good block (a byline, a dateline); short lines between good blocks (subheadings, list items) stay. An
   unlinked list item is not counted against its container in step 2: it is the
   article's own list, where menus and teaser lists are links.
4. The post's title joins the text when it directly heads it: an <h2>/<h3> that is the
   block right before the text (blog themes' post title), or a non-sentence heading of
   any level followed by one dateline or byline line and then the text (a post header).
   A <h1> alone above the text stays out (more often a page or section title); the <h1>
   headline is also kept aside as ``title``.

All of it is a single walk over the tree plus arithmetic on the blocks, so it costs
a few milliseconds on a large page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .dom_rules import ElementRemoval, drop, judge, main_holders
from .select import Matcher

BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "ul", "ol", "li",
    "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th",
    "tbody", "thead", "tfoot", "figure", "figcaption", "form", "fieldset", "address", "center", "details",
    "summary", "caption", "hr", "menu", "hgroup", "legend",
})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Never text a reader sees as part of an article: code, media, form controls.
NOISE_TAGS = ("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
              "video", "audio", "button", "select", "textarea", "input", "link", "meta", "head", "map")
# Hidden by attribute only. The former inline-style test (translate() of @style, then
# 'display:none') could never match, since translate() deleted the ':' it looked for; it
# cost a third of strip_noise. Whether a working style test helps is not measured yet.
_HIDDEN = etree.XPath("//*[@hidden or @aria-hidden='true']")
CAPTION_TAGS = frozenset({"figcaption", "caption"})

PENALTY = 1.5  # a character of link list costs more than a character of prose earns
# Class and id names themes give the parts of a page, across CMSs (the readability
# heuristic): a candidate inside a sidebar, footer, comment list, widget or author profile
# is worth half, because those hold one long bio or disclaimer that can outweigh a short
# article; a candidate named as the post or story body (or an <article>) is worth more.
# Negative wins over positive: "footer-content" is a footer. A page header (id "header",
# "site-header") holds featured-issue tabs and teasers in panels named "content", which
# the positive name would otherwise raise above the article beside them.
NEGATIVE_NAMES = re.compile(
    r"sidebar|footer|copyright|comment|widget|profile|\bbio|related|promo|sponsor|masthead|shoutbox|disclaimer"
    r"|newsletter|subscribe|header", re.I)
POSITIVE_NAMES = re.compile(r"article|entry|post|story|\bbody|text|content", re.I)
# The names themes give the element that holds exactly the article body, not a column or
# a page region ("main-content", "content-left" also match POSITIVE_NAMES): a stem for the
# article or post joined to body/content/text. Worth more than a generic positive name,
# so a short article in such an element beats <body> or a column that adds teaser
# excerpts, a bio or a newsletter notice to it.
BODY_NAMES = re.compile(
    r"(article|entry|post|story|blog)[-_ ]?(body|content|text|copy)|articlebody|\bbody[-_ ]?(text|copy)", re.I)
# Parts dropped whole from inside the chosen container (see select): only comment lists.
# The wider NEGATIVE_NAMES cost SH recall 0.033 and TE "with" 0.06 there: "related",
# "promo", "widget" and "bio" name parts that wrap article text on many sites.
# "commentary" is an article genre, not a comment list.
FURNITURE_NAMES = re.compile(r"comment(?!ary)|disqus", re.I)
NEGATIVE_WEIGHT = 0.5
POSITIVE_WEIGHT = 1.5
BODY_WEIGHT = 3.0
# A byline or dateline ("By Jane Doe", "Posted by x on May 2, 2012 | 5:51 PM") is one
# short line; a longer non-sentence line above the text is a deck or a teaser.
BYLINE_MAX = 120
SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", ")", ":", ";")
LINKED_SENTENCE_MAX_LD = 0.9
# The post header: a title heading, then at most one dateline or byline ("by Jane Doe on
# May 2, 2012", "Posted on September 4th, 2012", "Monday, November 12, 2012"), then the
# text. A date, a clock time, or a line opening with a byline verb.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
DATELINE = re.compile(
    r"\b(?:" + _MONTH + r" \d{1,2}\b|\d{1,2}(?:st|nd|rd|th)? " + _MONTH + r" \d{4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{4}-\d\d-\d\d|\d{1,2}:\d\d)|^(?:by|posted|written|published|submitted)\b", re.I)
TITLE_TAGS = frozenset({"h2", "h3"})


@dataclass(frozen=True, slots=True)
class Block:
    """Text directly owned by one block-level element."""

    el: Any
    text: str
    chars: int
    link_chars: int
    tag: str
    good: bool
    bad: bool


def strip_noise(root: Any) -> None:
    """Drop what is never visible text: scripts, styles, form controls, comments, hidden
    elements. Not reported: no rule decides it and no reader would miss it."""
    etree.strip_elements(root, *NOISE_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for el in _HIDDEN(root):
        if el.tag not in ("html", "body") and el.getparent() is not None:
            drop(el)


def _norm(raw: str, pre: bool) -> str:
    if pre:
        return raw.strip("\n")
    if "\x00" not in raw:
        return " ".join(raw.split())
    # <br> became "\x00": keep those breaks, collapse all other whitespace.
    return "\n".join(" ".join(part.split()) for part in raw.split("\x00")).strip()


def _judge(text: str, chars: int, link_chars: int, tag: str) -> tuple[bool, bool]:
    ld = link_chars / chars if chars else 0.0
    if ld > 0.5:
        # A long paragraph that reads as sentences is prose with many inline links (names
        # linked to profiles, hover cards), not a link list: it is kept but earns nothing.
        if tag == "p" and chars >= 150 and text.rstrip().endswith(SENTENCE_END) and text.count(" ") >= 20:
            return False, False
        # A shorter one too, when some of it is unlinked and it reads as a sentence of 7+
        # words ("Refer to the Ultimate Guide to hashtags for more."): a link list item is a
        # name or a headline, not a sentence. Between good blocks it now stays (dragnet:
        # 16 pages of 14 sites gain); a wholly linked line is still a teaser or a menu.
        if (tag == "p" and link_chars < LINKED_SENTENCE_MAX_LD * chars and text.count(" ") >= 6
                and text.rstrip().endswith(SENTENCE_END) and not text.rstrip().endswith(":")):
            return False, False
        return False, True
    if tag in HEADINGS or tag in CAPTION_TAGS:
        return False, False
    if ld < 0.3:
        if chars >= 150:
            return True, False
        if chars >= 40 and text.rstrip().endswith(SENTENCE_END) and text.count(" ") >= 6:
            return True, False
    return False, False


def blocks(root: Any, matcher: Matcher | None = None, removals: list[ElementRemoval] | None = None) -> list[Block]:
    """Every block of text in document order, in one pass over the tree. With a
    ``matcher``, the elements its rules take are skipped (not parsed into blocks) and
    recorded in ``removals``: the rules cost no walk of their own."""
    out: list[Block] = []
    general = matcher.prepare(root) if matcher is not None else {}
    holders = main_holders(root) if matcher is not None else set()
    skipped: set[Any] = set()
    stack: list[Any] = [root]
    buf: list[str] = []
    link_buf: list[str] = []
    in_link = 0
    in_pre = 0

    def flush() -> None:
        if not buf:
            return
        raw = "".join(buf)
        buf.clear()
        links = "".join(link_buf)
        link_buf.clear()
        text = _norm(raw, in_pre > 0)
        if not text:
            return
        owner = stack[-1]
        tag = owner.tag
        chars = len(text)
        link_chars = min(chars, len(" ".join(links.split()))) if links else 0
        good, bad = _judge(text, chars, link_chars, tag)
        out.append(Block(owner, text, chars, link_chars, tag, good, bad))

    walk = etree.iterwalk(root, events=("start", "end"))
    for event, el in walk:
        tag = el.tag
        if event == "start":
            if matcher is not None:
                i = matcher.match(el, general)
                if i >= 0:
                    rec = judge(el, matcher.rules[i], holders)
                    if rec is not None:
                        assert removals is not None
                        removals.append(rec)
                        if rec.action == "remove":
                            walk.skip_subtree()
                            skipped.add(el)
                            continue
            if tag in BLOCK_TAGS:
                flush()
                stack.append(el)
                if tag == "pre":
                    in_pre += 1
            elif tag == "br":
                buf.append("\x00")
            elif tag == "a":
                in_link += 1
            if el.text:
                buf.append(el.text)
                if in_link:
                    link_buf.append(el.text)
        else:
            if skipped and el in skipped:
                pass  # its own text is gone; its tail is the parent's and stays
            elif tag in BLOCK_TAGS:
                flush()
                stack.pop()
                if tag == "pre":
                    in_pre -= 1
            elif tag == "a":
                in_link -= 1
            if el.tail:
                buf.append(el.tail)
                if in_link:
                    link_buf.append(el.tail)
    flush()
    return out


# Class tokens a CMS derives from the article's own terms, not from the page region:
# WordPress's post_class() adds one "tag-<slug>" and "category-<slug>" per term, so a post
# tagged "biolite" or "comments" would otherwise read as a bio or a comment list.
_TERM_CLASSES = re.compile(r"(?<![\w-])(?:tag|category)-[\w-]+")


def _named(el: Any, pattern: re.Pattern[str]) -> bool:
    cls, ident = el.get("class"), el.get("id")
    if cls and "-" in cls:
        cls = _TERM_CLASSES.sub(" ", cls)
    return bool(cls and pattern.search(cls) or ident and pattern.search(ident))


def _tally(found: Sequence[Block]) -> tuple[dict[Any, int], dict[Any, int], dict[Any, int]]:
    """Good, bad and other characters under every element that holds a block."""
    good: dict[Any, int] = {}
    bad: dict[Any, int] = {}
    other: dict[Any, int] = {}
    for b in found:
        if b.tag == "li" and not b.good and not b.bad and not b.link_chars:
            # A short list item without a link is the article's own list (steps, closures,
            # ingredients, lineups); menus and teaser lists are links. Counted as "other" it
            # sank a container that is mostly such a list below a lone paragraph in it.
            continue
        table = good if b.good else bad if b.bad else other
        el = b.el
        while el is not None:
            table[el] = table.get(el, 0) + b.chars
            el = el.getparent()
    return good, bad, other


def locate(found: Sequence[Block], root: Any) -> Any:
    """The element that best holds the article (see the module docstring)."""
    good, bad, other = _tally(found)
    if not good:
        return root
    negative: dict[Any, bool] = {}

    def under_negative(el: Any) -> bool:
        chain = []
        while el is not None and el not in negative:
            chain.append(el)
            el = el.getparent()
        seen = negative.get(el, False) if el is not None else False
        for e in reversed(chain):  # outermost first, so a mark inherits downwards
            seen = negative[e] = seen or (e.tag not in ("html", "body") and _named(e, NEGATIVE_NAMES))
        return seen

    best, best_score = root, float("-inf")
    for el, g in good.items():
        score = g - PENALTY * bad.get(el, 0) - other.get(el, 0) / 4
        if score > 0:
            # An element named as exactly the article body keeps its weight inside a
            # negative-named region: Blogger and other widget-based themes wrap the post
            # list itself in a "widget" ("widget Blog"), and the name on the element is the
            # more specific of the two.
            if (not _named(el, NEGATIVE_NAMES) and _named(el, BODY_NAMES)) or el.get("itemprop") == "articleBody":
                score *= BODY_WEIGHT
            elif under_negative(el):
                score *= NEGATIVE_WEIGHT
            elif el.tag == "article" or _named(el, POSITIVE_NAMES):
                score *= POSITIVE_WEIGHT
        if score > best_score:
            best, best_score = el, score
    # A lone paragraph is a piece of the article, never all of it: it wins when the body
    # around it also holds link-heavy blocks (a lineup of linked names, an inline list of
    # links, an embed's credits) that push the body's score below its best paragraph's.
    # Its parent is the body; select() still drops the parent's link lists and edges.
    parent = best.getparent()
    if best.tag == "p" and parent is not None and parent.tag not in ("body", "html"):
        return parent
    return best


# A sibling of the container joins it when it reads as more of the same article: CMSs
# split one body across sibling wrappers (a lead block and the rest, text before and after
# an embed or an ad slot, paginated "part" divs), and the scoring can only pick one of
# them. The test is strict because the usual neighbour of an article is a teaser list, a
# bio or a comment block: it must hold real prose (SIBLING_MIN_GOOD characters of good
# blocks), almost no links or link lists, no name that marks it as page furniture, and it
# must touch the container (siblings without any text in between are skipped, a sibling
# that fails ends the run), so the article grows only through a contiguous stretch.
SIBLING_MIN_GOOD = 150
SIBLING_MAX_BAD = 0.1  # bad characters per good character
SIBLING_MAX_OTHER = 1.0  # neither-good-nor-bad characters (short lines) per good character
TWIN_LEVELS = 4
SIBLING_SKIP_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "table", "ul", "ol"})


def extend(found: Sequence[Block], container: Any) -> tuple[Any, ...]:
    """The container plus its twins and the adjacent siblings that continue the article."""
    good, bad, other = _tally(found)
    if container.getparent() is None or container not in good:
        return (container,)

    def joins(el: Any) -> bool | None:  # None: holds no text, look past it
        g, b, o = good.get(el, 0), bad.get(el, 0), other.get(el, 0)
        if not (g or b or o):
            return None
        return (g >= SIBLING_MIN_GOOD and b <= SIBLING_MAX_BAD * g and o <= SIBLING_MAX_OTHER * g
                and el.tag not in SIBLING_SKIP_TAGS and not _named(el, NEGATIVE_NAMES))

    out = [container]
    cls = container.get("class")
    if cls:
        # Twins: the body split into parts of the container's tag and class, each in its own
        # wrapper (a grid row per part, an ad or embed between them), so they are not
        # siblings. The CMS printed them as body, so one good paragraph is enough; looked
        # for only a few levels up, so a teaser list elsewhere that reuses the class cannot join.
        top = container
        for _ in range(TWIN_LEVELS):
            if top.getparent() is None or top.tag in ("body", "html"):
                break
            top = top.getparent()
        # Compared by hand, not iter(tag): lxml refuses a tag with a control character as
        # a filter, and a lone <p>'s parent (see locate) can be any element of broken HTML.
        for el in top.iter():
            if el.tag != container.tag:
                continue
            g = good.get(el, 0)
            if (el is not container and el.get("class") == cls and g and bad.get(el, 0) <= SIBLING_MAX_BAD * g
                    and not any(a in out for a in el.iterancestors())):
                out.append(el)
    for step in (container.itersiblings(preceding=True), container.itersiblings()):
        for sib in step:
            if not isinstance(sib.tag, str):
                continue
            ok = joins(sib)
            if ok is None:
                continue
            if not ok:
                break
            out.append(sib)
    return tuple(out)


def select(found: Sequence[Block], container: Any | Sequence[Any]) -> list[Block]:
    """The blocks of the container (or containers, see extend) minus link lists and the
    non-prose edges."""
    boxes = set(container) if isinstance(container, tuple | list) else {container}
    # Inside the container, a part named as page furniture (a comment list, related
    # links, a bio box) goes whole: a container wide enough to hold the article often
    # holds the comments under it too, and comments read as prose.
    furniture: dict[Any, bool] = {}
    inside = []
    for b in found:
        el = b.el
        chain = []
        while el is not None and el not in boxes:
            chain.append(el)
            el = el.getparent()
        if el is None:
            continue
        drop = False
        for e in chain:
            hit = furniture.get(e)
            if hit is None:
                hit = furniture[e] = _named(e, FURNITURE_NAMES)
            if hit:
                drop = True
                break
        if not drop:
            inside.append(b)
    goods = [i for i, b in enumerate(inside) if b.good]
    if not goods:
        return [b for b in inside if not b.bad and b.tag != "h1"]
    first, last = goods[0], goods[-1]
    # The closing line of a story (a one-line quote, "Colombia lost on Monday.") and a short
    # lead sentence are too short to be good, so the edge trim took them; a <p> that reads
    # as a sentence and touches the first or last good block is the article's. A line
    # ending in ":" ("Related posts:") introduces a list and stays out, as do divs and list
    # items (datelines, share counts) and anything after a non-sentence line. At the end a
    # <div> sentence counts too: themes close a post with a bare div of text (a sign-off, a
    # source note) where they lead it with divs of widgets. One short non-sentence <p>
    # directly above the first good block is the byline or dateline (both golds keep it
    # more often than not); one above a standfirst is a kicker and stays out.
    while last + 1 < len(inside) and _edge_prose(inside[last + 1], ("p", "div")):
        last += 1
    if first > 0 and _byline(inside[first - 1]):
        first -= 1
    else:
        while first > 0 and _edge_prose(inside[first - 1]):
            first -= 1
    out = [b for b in inside[first : last + 1] if not b.bad and b.tag != "h1" and b.tag not in CAPTION_TAGS]
    return _title(found, out) + out


def _title(found: Sequence[Block], chosen: list[Block]) -> list[Block]:
    """The post's title (and its dateline) when it directly heads the chosen text.

    Blog themes put the post title in an <h2>/<h3> right above the entry text, inside or
    outside the element the scoring picked; dragnet's gold keeps it, scrapinghub's has
    none there (its news pages title the story with a <h1> in a page header). So: an
    <h2>/<h3> that is the very block before the text (dragnet F1 +0.005, scrapinghub
    -0.0002), or any heading that is not a sentence (a deck is) followed by one dateline
    or byline line and then the text: that is a post header, title and dateline both kept
    (dragnet +0.004, scrapinghub -0.002: its headlines keep the same shape on some
    sites). A <h1> alone right above the text, without a dateline, is more often a page
    or section title than a post's (scrapinghub -0.002 for dragnet +0.001), and stays out;
    ``HtmlResult.title`` has the headline either way.
    """
    if not chosen:
        return []
    i = next(k for k, b in enumerate(found) if b is chosen[0])
    if i >= 1 and found[i - 1].tag in TITLE_TAGS:
        return [found[i - 1]]
    if i >= 2:
        head, line = found[i - 2], found[i - 1]
        if (head.tag in HEADINGS and not head.text.rstrip().endswith(SENTENCE_END) and not line.good
                and line.tag not in HEADINGS and line.chars <= BYLINE_MAX and DATELINE.search(line.text)):
            return [head, line]
    return []


def _byline(b: Block) -> bool:
    return b.tag == "p" and not b.bad and b.chars <= BYLINE_MAX and not b.text.rstrip().endswith(SENTENCE_END)


def _edge_prose(b: Block, tags: tuple[str, ...] = ("p",)) -> bool:
    text = b.text.rstrip()
    return b.tag in tags and not b.bad and text.endswith(SENTENCE_END) and not text.endswith(":")


def to_text(chosen: Sequence[Block]) -> str:
    """Blocks as paragraphs: one blank line between them; <br> breaks stay line breaks."""
    return "\n\n".join(b.text for b in chosen)
