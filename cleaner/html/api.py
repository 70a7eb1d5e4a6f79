"""``clean_html``: a page in, the article text and a report of what went out.

decode (bytes) -> parse (lxml) -> strip scripts and hidden elements -> ``html`` rules
remove boilerplate elements (recorded) -> extract the main content as text (builtin
or trafilatura) -> the text packs clean that text (edits are offsets into it).
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

from ..engine import Cleaner, default_cleaner
from ..kinds import HtmlRule, RuleError, compile_rule
from ..model import CleanResult
from . import extract
from .decode import decode_html
from .dom_rules import ElementRemoval, apply_rules
from .select import Matcher

Extractor = Literal["builtin", "trafilatura"]
EXTRACTORS: tuple[str, ...] = ("builtin", "trafilatura")

# lxml refuses a str that still carries an XML encoding declaration; the text is decoded already.
_XML_DECL = re.compile(r"\A(\ufeff)?\s*<\?xml[^>]*\?>")
# lxml.etree's HTML parser, not lxml.html's: the latter looks up an HtmlElement class for
# every element proxy the walk creates (a third of the walk's cost), and nothing here
# uses HtmlElement's extra methods.
# huge_tree: libxml2 otherwise stops at 256 levels of nesting and returns an empty tree,
# and real pages reach that with unclosed <font> or <span> tags. With it the limit is
# 2,048 levels; a page deeper than that is refused (PageError), never emptied.
# One parser per thread: its error log, read after each page, is the parser's own.
_LOCAL = threading.local()
# Extraction time grows about linearly with the page (0.4 s a MB here); a page larger than
# this is refused with a message instead of holding a run for minutes.
MAX_PAGE_CHARS = 50_000_000
_MATCHERS: weakref.WeakKeyDictionary[Cleaner, Matcher] = weakref.WeakKeyDictionary()
_TRAF_MATCHERS: weakref.WeakKeyDictionary[Matcher, Matcher] = weakref.WeakKeyDictionary()
# Which built-in element rules still run before trafilatura is data: the rule key
# ``before_extractor`` (rules/html.toml). Trafilatura finds the article and drops menus,
# footers, share bars and related links itself; our rules running first only cost it
# recall (a byline or caption its scoring would have kept), so only the rules measured to
# add precision on top of it carry the key (bench/eval_html.py, per rule). Packs the user
# adds run in full: they name their own sites' boilerplate.
BUILTIN_PACK = "html"


class PageError(ValueError):
    """A page that cannot be cleaned whole (too deep or too large); the run names it as
    failed and goes on."""


@dataclass(frozen=True, slots=True)
class HtmlResult:
    """What cleaning one page gave.

    ``extracted`` is the text the extractor produced; ``result`` is the text packs' work
    on it, so every ``Edit`` offset points into ``extracted`` and ``text`` (=
    ``result.text``) is the clean article. ``removals`` are the elements the ``html``
    rules took out before extraction, with CSS path and source line.
    """

    text: str
    extracted: str
    removals: tuple[ElementRemoval, ...]
    result: CleanResult
    encoding: str
    title: str
    extractor: str
    chars: int = 0  # length of the decoded page


def matcher_for(cleaner: Cleaner) -> Matcher:
    """The cleaner's html rules, indexed once per cleaner."""
    hit = _MATCHERS.get(cleaner)
    if hit is None:
        rules = [compile_rule(r) for r in cleaner.rules if r.kind == "html"]
        hit = _MATCHERS[cleaner] = Matcher([r for r in rules if isinstance(r, HtmlRule)])
    return hit


def parse(text: str) -> Any:
    """The page as an lxml tree (an empty <html> for an empty or tag-less document)."""
    text = _XML_DECL.sub("", text, count=1)
    parser = _parser()
    try:
        root = etree.fromstring(text, parser) if text.strip() else None
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message:
            raise PageError(f"the page nests elements deeper than the HTML parser follows ({entry.message.split(',')[0]}); "
                            "nothing was extracted")
    return root if root is not None else etree.fromstring("<html><body></body></html>", parser)


def _parser() -> Any:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False,
                                                  huge_tree=True)
    return parser


def clean_html(data: str | bytes, *, cleaner: Cleaner | None = None, extractor: Extractor = "builtin") -> HtmlResult:
    """Clean one HTML page. ``data`` as bytes is decoded from its BOM, its declared charset
    or by detection (``HtmlResult.encoding`` says which); a str is taken as decoded.
    ``extractor="trafilatura"`` needs ``pip install 'scrape-cleaner[trafilatura]'``."""
    if isinstance(data, bytes):
        text, encoding = decode_html(data)
    elif isinstance(data, str):
        text, encoding = data, "unicode"
    else:
        raise TypeError(f"clean_html() takes str or bytes, not {type(data).__name__}")
    if extractor not in EXTRACTORS:
        raise ValueError(f"extractor must be one of {', '.join(EXTRACTORS)}, not {extractor!r}")
    if len(text) > MAX_PAGE_CHARS:
        raise PageError(f"the page is {len(text) / 1e6:.1f} million characters, over the "
                        f"{MAX_PAGE_CHARS / 1e6:.0f} million an HTML page may have; extract its text with another tool "
                        "and clean that")
    cleaner = cleaner or default_cleaner()
    matcher = matcher_for(cleaner)
    if extractor == "trafilatura":
        root = _trafilatura_tree(text)
        title = _title(root)
        removals = apply_rules(root, _before_trafilatura(matcher))
        extracted = _trafilatura(root)
    else:
        root = parse(text)
        title = _title(root)
        extract.strip_noise(root)
        removals = []
        found = extract.blocks(root, matcher, removals)
        extracted = extract.to_text(extract.select(found, extract.extend(found, extract.locate(found, root))))
    result = without_scorers(cleaner).clean(extracted)
    return HtmlResult(result.text, extracted, tuple(removals), result, encoding, title, extractor, len(text))


def without_scorers(cleaner: Cleaner) -> Cleaner:
    """The cleaner for extracted page text: its line scorers left out. Measured with
    bench/eval_html.py, scoring the extracted blocks lowered F1 (scrapinghub 0.961 ->
    0.959, dragnet and trafilatura-eval unchanged) at 60 % of the speed: the extraction
    has already dropped the regions the scorer finds."""
    codes = [r.code for r in cleaner.rules if r.kind == "scorer"]
    return cleaner.variant(codes) if codes else cleaner


def _title(root: Any) -> str:
    """The first <h1> (the headline), else <title> (which usually adds the site's name)."""
    for tag in ("h1", "title"):
        for el in root.iter(tag):
            t = " ".join("".join(el.itertext()).split())
            if t:
                return t
    return ""


def _import_trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        raise ImportError("the trafilatura extractor needs trafilatura: "
                          "pip install 'scrape-cleaner[trafilatura]'") from exc
    return trafilatura


def _trafilatura_tree(text: str) -> Any:
    """The page parsed the way trafilatura parses it: our parser and noise stripping
    (hidden elements) cost it recall it gets back with its own loader."""
    tree = _import_trafilatura().load_html(_XML_DECL.sub("", text, count=1))
    return tree if tree is not None else parse("")


def _before_trafilatura(matcher: Matcher) -> Matcher:
    """Only the element rules trafilatura does not already do better itself (the built-in
    ones marked ``before_extractor``), so the user's own html rules and --select/--ignore
    still apply."""
    hit = _TRAF_MATCHERS.get(matcher)
    if hit is None:
        keep = [r for r in matcher.rules if r.rule.pack != BUILTIN_PACK or _before_extractor(r)]
        hit = _TRAF_MATCHERS[matcher] = Matcher(keep)
    return hit


def _before_extractor(rule: HtmlRule) -> bool:
    value = rule.rule.options.get("before_extractor", False)
    if not isinstance(value, bool):
        raise RuleError(f"{rule.rule.source}: rule {rule.rule.code}: 'before_extractor' must be true or false")
    return value


def _trafilatura(root: Any) -> str:
    trafilatura = _import_trafilatura()
    # Comments off: the reference numbers are with comments off, and comments are
    # exactly what the comments pack would otherwise have to strip line by line.
    out = trafilatura.extract(root, include_comments=False, include_tables=True, favor_precision=False)
    return out or ""
