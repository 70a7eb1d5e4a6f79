#!/usr/bin/env python3
"""Measure the default packs on sites they were not written from: a by-site held-out split.

    python bench/eval_heldout.py                     # both halves, every corpus
    python bench/eval_heldout.py --split heldout --show 20 --corpus dragnet
    python bench/eval_heldout.py --json

Every page gets a site key, and a site's half is the parity of the first byte of
sha1(site): even = ``dev``, odd = ``heldout``. The same site falls in the same half in
every corpus and on every machine. The site key is the registered domain (``tld``'s bundled
public-suffix list) of:

- scrapinghub: the ``url`` of ``ground-truth.json``; trafilatura-eval: the page's key in
  ``evaldata.json``; CleanPortalEval and cleaneval-dev: the gold's ``URL:`` line.
- dragnet, page-signal, readability (no URL in the data), and a cleaneval-dev page with an
  empty ``URL:`` line: the page's own ``<link rel=canonical>``, ``og:url`` or ``<base href>``;
  failing those, the domain most ``<a href>`` links point to, leaving out third-party hosts
  (W3C, social networks, ad and analytics hosts); failing that too, ``<corpus>:<name>``
  (readability: the test-page name without its ``-N``, which names the site; others: the
  page id, so such a page is its own site).

Inputs, and what "the gold keeps" means:

- scrapinghub: the three extractor outputs (newspaper, goose3, html-text: the last is the
  whole visible page, the noisiest input here) against ``articleBody``. HTML not used.
- trafilatura-eval, dragnet (test and training), webpages/*: no text is given, so each page
  goes through ``cleaner.clean_html`` (builtin extractor, about 10 ms a page): its
  ``extracted`` text is the input, its ``result`` the text packs' work on it. That is the
  text a user of ``clean_html`` gets; the extractor already drops most menus, so these rows
  test the packs on cleaner input than html-text does. The ``html`` element rules that run
  before extraction are not scored. Gold: trafilatura-eval's ``with``/``without`` snippets;
  dragnet's text before the comments separator (user comments after it are counted apart);
  CleanEval text (CleanPortalEval, cleaneval-dev); readability's extracted HTML;
  page-signal's elements marked headline, full text or supplemental (comments apart).

Alignment: a line is normalised to its lower-cased NFKC word tokens (white space and
punctuation folded away, so quote styles do not matter). Gold has a line if the line has at
least 3 words and occurs in the gold token stream, or if it equals a whole gold line or
paragraph (this keeps a removed one-word subheading countable, while a short "Share" that
happens to occur inside some gold sentence is not taken as kept). A removal (an edit with
action ``remove``, one unit per original line it touches) removed gold if either the
removed part or the whole line it was cut from is a gold line by that test, unless the
output still has a line with the same words (a removed copy of a kept line loses
nothing: counted as "copies"); against
snippets, if the removed part contains a ``with`` snippet or lies inside one. Lines left
after cleaning that gold does not have (trafilatura-eval: ``without`` snippets still there)
are boilerplate left, counted by family with the keyword classifier ``family`` over the
families of docs/families.md ("other" when none claims the line: headlines, captions, teasers,
prose the gold left out). "headline" is a headline-shaped line repeating an earlier line of
its document; "byline" also takes real "By <Name>" lines; "post-meta" takes a dateline alone.
"∧prose" counts the removed gold lines no family claims: the ones most likely article text
(the rest are credits, disclosures and the like that a generous gold kept). Examples
(``--show``) go to the terminal only, never into the JSON.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
CORPORA = BENCH_DIR.parent.parent / "shared" / "corpora"
SPLITS = ("heldout", "dev")
GROUPS = ("scrapinghub", "trafilatura-eval", "dragnet", "webpages")
SH_SOURCES = ("newspaper", "goose3", "html-text")
COMMENTS_SEP = "!@#$%^&*()  COMMENTS"
_WORD = re.compile(r"\w+")

# --- sites and the split ----------------------------------------------------------------------

_THIRD_PARTY = frozenset(
    "w3.org purl.org dublincore.org schema.org ogp.me google.com googleapis.com gstatic.com googlesyndication.com "
    "google-analytics.com googletagmanager.com doubleclick.net facebook.com facebook.net fb.com twitter.com x.com "
    "addthis.com sharethis.com youtube.com instagram.com linkedin.com pinterest.com reddit.com digg.com "
    "stumbleupon.com delicious.com feedburner.com wordpress.org wordpress.com gravatar.com creativecommons.org "
    "adobe.com macromedia.com apple.com microsoft.com quantserve.com scorecardresearch.com disqus.com bit.ly "
    "typekit.net jquery.com cloudfront.net akamaihd.net amazon.com yahoo.com feedly.com tumblr.com".split())
_DECLARED = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*>|<meta[^>]+og:url[^>]*>|<base\s[^>]*href[^>]*>", re.I)
_ABS_URL = re.compile(rb"(?:href|content)\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I)
_LINK = re.compile(rb"<a\s[^>]*href\s*=\s*[\"']?(https?://[^\"'\s>/]+)", re.I)


def registered_domain(url: str) -> str | None:
    from tld import get_fld  # a bench dependency (trafilatura -> courlan -> tld), with its own suffix list

    fld = get_fld(url.strip(), fail_silently=True, fix_protocol=True)
    return fld.lower() if fld else None


def infer_site(html: bytes) -> str | None:
    """The page's declared URL's domain, else the domain most of its links point to."""
    for tag in _DECLARED.finditer(html[:200_000]):
        url = _ABS_URL.search(tag.group(0))
        site = url and registered_domain(url.group(1).decode("ascii", "replace"))
        if site:
            return site
    votes = Counter(registered_domain(m.group(1).decode("ascii", "replace")) for m in _LINK.finditer(html))
    ranked = sorted((-n, s) for s, n in votes.items() if s and s not in _THIRD_PARTY)
    return ranked[0][1] if ranked else None


def split_of(site: str) -> str:
    return "heldout" if hashlib.sha1(site.encode("utf-8")).digest()[0] & 1 else "dev"


# --- gold and alignment -------------------------------------------------------------------------

def norm(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


@dataclass(frozen=True)
class Gold:
    """What the gold keeps: a token stream and its whole lines, or must-keep/must-drop snippets."""

    stream: str = " "  # " tok tok ... " over the whole gold text
    lines: frozenset[str] = frozenset()
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    raw_drop: tuple[str, ...] = ()  # the must-drop snippets as written, for the family classifier
    comments: Gold | None = None

    @classmethod
    def of(cls, text: str, comments: str = "") -> Gold:
        lines = frozenset(n for n in map(norm, text.splitlines()) if n)
        return cls(f" {norm(text)} ", lines, comments=cls.of(comments) if comments.strip() else None)

    @property
    def snippets(self) -> bool:
        return bool(self.keep or self.drop)

    def has(self, n: str) -> bool:
        if not n:
            return False
        if self.snippets:
            return any(s in n or (n.count(" ") >= 2 and n in s) for s in self.keep)
        return (n.count(" ") >= 2 and f" {n} " in self.stream) or n in self.lines


def removals(original: str, edits: Any) -> Iterator[tuple[str, str, str]]:
    """(rule, removed part, whole original line) for each original line a removal touches."""
    for e in edits:
        if e.action != "remove":
            continue
        pos = e.start
        for part in e.text.split("\n"):
            if part.strip():
                a = original.rfind("\n", 0, pos) + 1
                b = original.find("\n", pos)
                yield e.rule, part, original[a:len(original) if b < 0 else b]
            pos += len(part) + 1


def removed_gold(gold: Gold, part: str, line: str) -> bool:
    if gold.snippets:
        return gold.has(norm(part))
    return gold.has(norm(part)) or gold.has(norm(line))


# --- the family classifier ----------------------------------------------------------------------

def _alt(*names: str, drop: tuple[str, ...] = ()) -> str:
    try:
        from cleaner import vocabulary
        vocab = vocabulary.shipped()
    except (ImportError, AttributeError):  # the lists are a convenience; the patterns below still work
        vocab = {}
    words = sorted({w.lower() for n in names for w in vocab.get(n, ()) if w.lower() not in drop}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + ")" if words else "(?!)"


_AMBIGUOUS_NETWORKS = ("x", "line", "mail", "email", "e-mail", "sms", "google", "medium", "messenger", "threads", "correo")
NET, SHARE, FOLLOW = _alt("networks", drop=_AMBIGUOUS_NETWORKS), _alt("share"), _alt("follow")
SUB, NEWS, REL = _alt("subscribe"), _alt("newsletter"), _alt("related")
SUBR, CONSENT, CHAN, APP, GNEWS = _alt("subscriber"), _alt("consent"), _alt("channel"), _alt("app"), _alt("google_news")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WIRE = r"(?:afp|reuters|ap|associated press|dpa|efe|ansa|anp|agência brasil)"
_AGENCY = r"(?:afp|reuters|ap|epa|getty images|bloomberg|dpa|imago|shutterstock|istock|associated press|efe|ansa|anp)"
# (family, pattern, most words a line of it has). First match wins, so the specific come first.
FAMILIES: tuple[tuple[str, str, int], ...] = (
    ("script", r"adsbygoogle|googletag|datalayer|\bfunction\s*\(|\[/?(?:caption|embed)\b|\{\{.*\}\}|&nbsp;"
               r"|enable javascript|^like this:?$|^like loading|^(?:var|let|const)\s+\w+\s*=|<(?:script|div|iframe)\b", 400),
    ("cookie", r"\bcookies?\b.*\b(?:accept|agree|consent|reject|manage|preferences|settings|privacy|partners"
               rf"|continu\w*|we use|uses)\b|\btraceurs\b|^(?:{CONSENT})\W*$", 90),
    ("paywall", rf"{SUBR}s? only|reserved for {SUBR}|(?:subscribe|sign in|log in|register)\b.{{0,30}}\b(?:continue|keep) "
                r"reading|reached your (?:limit|maximum)|\bfree articles?\b|already an? (?:subscriber|member)|free trial"
                r"|unlock (?:this|the) (?:article|story)|[£$€]\s?\d+(?:[.,]\d+)? (?:a|per|/) ?(?:week|month)"
                rf"|^{SUBR}(?: exclusive| only| content)?\W*$|subscriber exclusive|réservé aux abonnés", 60),
    ("comments", r"^leave a (?:reply|comment)|email address will not be published|required fields are marked"
                 r"|^\d+ (?:comments?|responses?|replies|thoughts) (?:on|to)\b|^(?:post|add|view|show|load|read) "
                 r"(?:a |all |more )?(?:comments?|replies)\b|^\d+\s+comments?$|^comments?\W*(?:\(\d+\))?$|be the first "
                 r"to comment|join the (?:discussion|conversation)|comments are (?:closed|moderated)|^reply$"
                 r"|^(?:name|email|website)\s*\*|disqus|akismet|notify me of|save my name, email"
                 r"|schreibe einen kommentar|deja un comentario|laisser un commentaire|deixe um comentário"
                 r"|lascia un commento|laat een reactie achter", 30),
    ("newsletter", rf"\b{NEWS}\b.*\b{SUB}\b|\b{SUB}\b.*\b{NEWS}\b|\be-?mail address\b|unsubscribe|signing up"
                   rf"|delivered to your inbox|^(?:get )?(?:the|our) .{{1,30}}{NEWS}\W*$", 60),
    ("contact", r"\b(?:contact|email|e-mail|reach) (?:\w+ ){0,3}at \S+@|can be reached at|got a (?:news )?tip"
                r"|have a (?:news )?tip|^follow \w+(?: \w+)? on \w+\s*:?\s*@\w+|^@\w+$|kontakt zum autor"
                r"|hinweise an die redaktion|escribe a la autora?|contacter l.auteur|fale com o repórter"
                r"|scrivi all.autrice|tip de redactie|\S+@\S+\.[a-z]{2,}", 30),
    ("follow", rf"^{FOLLOW}\b.*\b(?:{NET}|{GNEWS})\b|^{FOLLOW}\s*(?:on|@|:)|\b{FOLLOW} on (?:{NET})\b"
               rf"|(?:join|subscribe to) (?:our|the) .{{0,30}}\b{CHAN}\b|download (?:the|our) .{{0,30}}\b{APP}\b"
               r"|app store|google play|preferred source|turn on (?:push )?notifications|hit the bell|^follow$", 25),
    ("share", rf"^{SHARE}(?:\s*[:|]|\s+(?:on|via|with|to|this (?:article|story|post|page)))?\W*$|^{SHARE}\s*[:|]"
              rf"|click to share|copy link|link copied|^\d[\d.,]*\s*[km]?\s+shares?$|\bopens in new window"
              rf"|^(?:(?:{NET}|{SHARE}|print|e-?mail|copy link)[\s·•|/,:]*){{2,}}$", 15),
    ("affiliate", r"qualifying purchases|amazon associate|referral (?:fee|commission)|affiliate (?:link|commission|"
                  r"partner|program)|(?:earn|receive|get) (?:a )?(?:small )?commission|at no (?:extra |additional )?"
                  r"cost to you|reader-supported|prices? (?:are )?(?:accurate|correct) (?:at|as of)"
                  r"|^(?:see it|buy|check price) (?:at|on) |^[$£€]\d[\d.,]* at ", 60),
    ("sponsored", r"^(?:sponsored(?: content| post| by .*)?|paid (?:post|content)|partner content|presented by .{1,40}"
                  r"|brand studio|advertorial)\W*$|in partnership with|did not involve (?:our|the) newsroom"
                  r"|in kooperation mit|unbezahlte werbung", 40),
    ("disclaimer", r"^disclaimer\b|for (?:general )?information(?:al)? purposes only|not (?:a )?substitute for"
                   r"|does not constitute|not (?:medical|financial|investment|legal) advice|consult (?:your|a) "
                   r"(?:doctor|physician|veterinarian|financial advis[eo]r)|past performance|holds? no position", 90),
    ("syndication", r"originally (?:published|appeared)|first (?:appeared|published) (?:on|in)\b|republished "
                    r"(?:with permission|from)|creative commons|\(reporting by|editing by|contributed to this report"
                    rf"|^(?:with|mit|con|avec|com|met) (?:material von |información de |informazioni di |medewerking "
                    rf"van )?{_WIRE}\W*$|^\W*{_WIRE}\W*$", 40),
    ("source-tag", r"^source\s*:|^via\s+\S+$|^\[[^\]]{2,40}\]$|read the (?:full|original) (?:story|article) (?:at|on)"
                   r"|zum originalartikel|appeared first on|^source site-\d+", 25),
    ("photo-credit", r"^\(?(?:photo(?:graph)?s?|image|credit|illustration|foto|bild|beeld|imagen|crédit photo|pictured)"
                     rf"(?:\s+credits?)?\s*(?:by)?\s*:|(?:/|\||\bvia)\s*{_AGENCY}\b|\bgetty(?: images)?\W*$|shutterstock|\(photo:|^\(?(?:[\w.]+ ){{0,3}}photo by (?-i:[A-Z])"
                     r"|photo credit|^©\s*\w+(?:\s+\w+){0,3}$|symbolbild|foto de archivo", 25),
    ("copyright", r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|alle rechte vorbehalten|derechos reservados"
                  r"|tous droits réservés|direitos reservados|diritti riservati|alle rechten voorbehouden"
                  r"|may not be (?:reproduced|republished|published, broadcast)|riproduzione riservata", 40),
    ("author-box", r"^about the author|über die autor|sobre el autor|sobre a autora?|à propos de l.auteur|over de auteur"
                   r"|view all posts by|(?:more|all) (?:articles|stories|posts) (?:by|from) \w|^\d[\d.,]*[km]?\s+"
                   r"followers$|^written by\b|^(?-i:[A-Z]\w+(?: [A-Z]\w+){1,2}) is an? (?:\w+ )?(?:writer|reporter|"
                   r"editor|correspondent|journalist|columnist|contributor)\b", 60),
    ("reading-time", r"\b\d+\s*-?\s*min(?:ute)?s?\.?\s*(?:read|reading)\b|reading time|lesezeit|tiempo de lectura"
                     r"|temps de lecture|tempo de leitura|tempo di lettura|leestijd", 12),
    ("post-meta", r"^posted (?:on|in|by)\b|^filed (?:in|under)\b.*\||leave a comment\s*$|^\d[\d,.]*\s+views?$"
                  r"|^(?:published|updated|last updated|posted)\b.{0,30}\d|veröffentlicht am|publicado (?:el|em)"
                  r"|publié le|pubblicato il|geplaatst op", 20),
    # A dateline alone (not a sentence that mentions a date).
    ("post-meta", rf"^(?!.*\w\w\.$).*(?:\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}\.?\s+{_MONTH},?"
                  r"\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b)", 12),
    ("prev-next", r"^(?!.*«.*»)(?:(?:[←«‹<]\s*)?(?:previous|next|older|newer)(?:\s+(?:post|article|story|entry|page"
                  r"|posts|entries))?\s*(?:[:→»›>]|$)|[←«‹].*|.*[→»›]\s*$)", 20),
    ("read-more", r"^(?:read more|read the full (?:story|article)|continue reading|keep reading|show more|see more|view more"
                  r"|load more|weiterlesen|mehr anzeigen|leer más|seguir leyendo|ver más|lire la suite|lire plus|leia mais"
                  r"|continue lendo|ver mais|leggi tutto|continua a leggere|lees verder|lees meer)\W*$"
                  r"|\[(?:…|\.\.\.)\]\s*$", 20),
    ("related", rf"^{REL}\W*$|^{REL}\s*[:|]|^more (?:on|from|about) .{{1,40}}$", 15),
    ("breadcrumb", r"^(?:you are here|sie sind hier|está aquí|vous êtes ici|você está aqui|ti trovi in|u bent hier)\b"
                   r"|^(?:home|startseite|inicio|portada|accueil|início|homepage|voorpagina)\s*[»›>/|]", 20),
    ("tags", r"^(?:tags?|tagged(?: with)?|topics|filed under|categories|category|keywords|schlagwörter|themen|etiquetas"
             r"|temas|archivado en|mots-clés|étiquettes|thèmes|palavras-chave|marcadores|argomenti|parole chiave"
             r"|trefwoorden|onderwerpen)\s*:|^(?:#\w+[\s,]*){2,}$", 40),
    ("byline", r"^(?:by|von|por|par|di|door|author|posted by)\s*:?\s*(?:admin|news desk|web team|staff|editor|news"
               r"|redaktion|redacción|la rédaction|redação|redazione|redactie)\b|^(?:redacción web|redazione online)$"
               r"|^by\s+(?-i:[A-Z][\w.'-]+)(?:\s+(?-i:[A-Z][\w.'-]+)){0,3}(?:\s*(?:,|\band\b|&|\|).*)?$", 12),
    ("service", r"spotted an error|report (?:a |an )?(?:correction|error|typo)|fehler gefunden|signaler une erreur"
                r"|segnala un errore|fout gezien|\breprints?\b|licensing requests|^(?:e-?mail|print|save|gift) (?:this )?"
                r"(?:article|story|page)\b|^text size$|^(?:print|imprimir|stampa|save)$|artikel (?:drucken|printen)", 15),
    ("chrome", r"^open in app$|member-only story|^listen$|^\d[\d.,]*[km]?\s+claps?$|recommended from medium"
               r"|report this article|like · comment · share|to view or add a comment|discover more from|^restack$"
               r"|type your email|blogthis|share to (?:x|twitter|facebook|pinterest)", 15),
    ("ad-label", r"^[-–—\s]*(?:advertisement|advert|ad|ads|anzeige|werbung|publicidad|publicité|pub|publicidade|anúncio"
                 r"|pubblicità|advertentie|sponsored links?)[-–—\s]*$|continues? (?:below|after) (?:this )?(?:advertisement"
                 r"|ad)\b|nach der anzeige|après cette publicité|após a publicidade|dopo la pubblicità|onder de advertentie"
                 r"|tras la publicidad", 10),
    ("donation", r"support (?:independent |local |our |quality )?journalism|^donate\b|become a (?:member|supporter|patron)"
                 r"|chip in|give monthly|one-time (?:gift|donation)|buy me a coffee|patreon|every contribution"
                 r"|jetzt spenden|haz una donación|faire un don|soutenez-nous|faça uma doação|dona ora|doneer nu", 90),
    ("media-label", r"listen to this article|^listen \(\d|^(?:watch|video)\s*[:|]|^play video$|^(?:image|photo|foto|bild) "
                    r"\d+ (?:of|von|de|di|van) \d+$|^(?:photo )?gallery$|^\d{1,2}:\d{2}(?:\s*/\s*\d{1,2}:\d{2})?$"
                    r"|does not support the video|artikel anhören|video abspielen|écouter l.article|voir la vidéo"
                    r"|diaporama|assista ao vídeo|ascolta l.articolo|guarda il video|bekijk de video"
                    r"|^(?:view|see|open) (?:the )?(?:gallery|slideshow|photos)\b", 15),
    ("signoff", r"^thanks? (?:you )?(?:so much )?for (?:reading|visiting|stopping by|watching)\b|^until next time\b"
                r"|danke fürs lesen|gracias por leer|merci de m.avoir lu|obrigado pela leitura|grazie per aver letto"
                r"|bedankt voor het lezen", 12),
    ("nav", r"^(?:skip to (?:main )?(?:content|navigation)|zum inhalt springen|ir al contenido|aller au contenu|pular para o"
            r" conteúdo|vai al contenuto|naar de inhoud springen|menu|menü|menú|search|suche|buscar|rechercher|pesquisar"
            r"|cerca|zoeken|close|back to top|nach oben|volver arriba|retour en haut|voltar ao topo|torna su|terug naar"
            r" boven|log ?in|sign ?in|log ?out|sign ?out|sign up|register|home|main menu|toggle navigation|navigation"
            r"|sections?|more|all sections)\W*$|^(?-i:(?:[A-Z][a-z][\w&'-]*\s+){4,}[A-Z][a-z][\w&'-]*)$|^(?:[^|]{1,25}\|){3,}[^|]{1,25}$", 30),
)
_COMPILED = tuple((name, re.compile(pat, re.I), most) for name, pat, most in FAMILIES)
FAMILY_NAMES = tuple(dict.fromkeys(name for name, _, _ in FAMILIES)) + ("headline", "other")


def family(line: str, seen: frozenset[str] | set[str] = frozenset()) -> str:
    """The boilerplate family a leftover line belongs to; ``seen`` holds the normalised lines
    before it in its document (a headline-shaped line that repeats one is a repeated headline)."""
    text = " ".join(line.split())
    words = len(text.split())
    for name, pattern, most in _COMPILED:
        if words <= most and pattern.search(text):
            return name
    n = norm(text)
    head = norm(re.split(r"\s+[|–—-]\s+", text)[0])
    shaped = 4 <= words <= 25 and not text.endswith(".")
    return "headline" if shaped and (n in seen or head in seen) else "other"


# --- scoring ------------------------------------------------------------------------------------

@dataclass
class Tally:
    sites: set[str] = field(default_factory=set)
    pages: int = 0
    lines_in: int = 0
    removed: Counter[str] = field(default_factory=Counter)  # rule -> removed line units
    removed_gold: Counter[str] = field(default_factory=Counter)  # rule -> of those, gold keeps
    removed_prose: int = 0  # removed gold lines no family claims: article prose, most likely
    removed_comments: int = 0
    removed_copies: int = 0  # removed lines whose words a kept line still has
    left: Counter[str] = field(default_factory=Counter)  # family -> boilerplate lines left
    left_comments: int = 0
    flags: int = 0
    keep_in: int = 0  # must-keep snippets in the extracted text
    keep_kept: int = 0  # ... and still there after cleaning
    drop_in: int = 0  # must-drop snippets in the extracted text
    examples: list[tuple[str, str, str, str]] = field(default_factory=list)  # site, rule, text, family

    def row(self) -> dict[str, Any]:
        removed, wrong = sum(self.removed.values()), sum(self.removed_gold.values())
        return {"sites": len(self.sites), "pages": self.pages, "lines_in": self.lines_in, "removed": removed,
                "removed_gold": wrong, "removed_gold_rate": wrong / removed if removed else 0.0,
                "removed_gold_prose": self.removed_prose, "removed_comments": self.removed_comments,
                "removed_copies": self.removed_copies, "left": sum(self.left.values()), "left_other": self.left["other"], "left_comments": self.left_comments,
                "flags": self.flags, "keep_in": self.keep_in, "keep_kept": self.keep_kept, "drop_in": self.drop_in}


def assess(tally: Tally, site: str, text: str, result: Any, gold: Gold) -> None:
    """Add one cleaned document to ``tally``: what went that gold keeps, and what junk stayed."""
    tally.pages += 1
    tally.sites.add(site)
    tally.lines_in += sum(1 for ln in text.splitlines() if ln.strip())
    tally.flags += len(result.flags)
    kept = {norm(ln) for ln in result.text.splitlines()}
    for rule, part, line in removals(text, result.edits):
        tally.removed[rule] += 1
        if norm(part) in kept:
            tally.removed_copies += 1
        elif removed_gold(gold, part, line):
            tally.removed_gold[rule] += 1
            fam = family(part)
            tally.removed_prose += fam == "other"
            tally.examples.append((site, rule, part.strip(), fam))
        elif gold.comments and gold.comments.has(norm(part)):
            tally.removed_comments += 1
    out = result.text
    if gold.snippets:
        before, after = f" {norm(text)} ", f" {norm(out)} "
        keep = [k for k in gold.keep if f" {k} " in before]
        tally.keep_in += len(keep)
        tally.keep_kept += sum(f" {k} " in after for k in keep)
        tally.drop_in += sum(f" {d} " in before for d in gold.drop)
        for d, raw in zip(gold.drop, gold.raw_drop, strict=True):
            if f" {d} " in after:
                tally.left[family(raw)] += 1
        return
    seen: set[str] = set()
    for line in out.splitlines():
        n = norm(line)
        if n and not gold.has(n):
            if gold.comments and gold.comments.has(n):
                tally.left_comments += 1
            else:
                tally.left[family(line, seen)] += 1
        seen.add(n)


# --- corpora --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    corpus: str  # "dragnet", "scrapinghub/goose3", "webpages/readability", ...
    site: str
    load: Callable[[], tuple[str, Any, Gold]]  # -> input text, its CleanResult, gold


_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "blockquote", "pre",
           "section", "article", "header", "footer", "ul", "ol", "dt", "dd", "figcaption", "table")


def html_text(data: bytes, classes: tuple[str, ...] = ()) -> str:
    """A page's text with a line break around each block; only inside ``classes`` when given."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for el in root.xpath("//script|//style|//noscript"):
        el.drop_tree()
    for el in root.iter(*_BLOCKS):
        el.text, el.tail = "\n" + (el.text or ""), "\n" + (el.tail or "")
    test = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in classes)
    nodes = root.xpath(f"//*[{test}]") if classes else [root]
    return "\n".join("".join(node.itertext()) for node in nodes)


def _gz(path: Path) -> bytes:
    with gzip.open(path) as f:
        return f.read()


def _html_page(corpus: str, site: str, html: bytes, gold: Callable[[], Gold], cl: Any) -> Page:
    from cleaner.html import clean_html

    def load() -> tuple[str, Any, Gold]:
        r = clean_html(html, cleaner=cl)
        return r.extracted, r.result, gold()
    return Page(corpus, site, load)


def _clean_text(cl: Any, text: str, gold: Gold) -> tuple[str, Any, Gold]:
    return text, cl.clean(text), gold


def scrapinghub(root: Path, cl: Any) -> Iterator[Page]:
    sys.path.insert(0, str(BENCH_DIR))
    import eval_text

    base = root / "scrapinghub-article-extraction-benchmark"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {i: Gold.of(e.get("articleBody") or "") for i, e in truth.items()}
    for source in SH_SOURCES:
        for i, text in sorted(eval_text.load_predictions(base, source).items()):
            site = registered_domain(truth[i].get("url") or "") or f"scrapinghub:{i}"
            yield Page(f"scrapinghub/{source}", site, partial(_clean_text, cl, text, gold[i]))


def trafilatura_eval(root: Path, cl: Any) -> Iterator[Page]:
    base = root / "trafilatura-eval"
    data = json.loads((base / "tests" / "evaldata.json").read_text(encoding="utf-8"))
    with open(base / "included_html.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for row in rows:
        entry = data[row["url"]]
        drop = [s for s in entry.get("without", []) if norm(s)]
        gold = partial(Gold, keep=tuple(n for n in map(norm, entry.get("with", [])) if n),
                       drop=tuple(map(norm, drop)), raw_drop=tuple(drop))
        site = registered_domain(row["url"]) or f"trafilatura-eval:{row['path']}"
        yield _html_page("trafilatura-eval", site, _gz(base / (row["path"] + ".gz")), gold, cl)


def dragnet(root: Path, cl: Any) -> Iterator[Page]:
    base = root / "dragnet"
    ids = [i for name in ("test.txt", "training.txt") for i in (base / name).read_text().split()]
    for i in ids:
        html = _gz(base / "HTML" / f"{i}.html.gz")
        path = base / "Corrected" / f"{i}.html.corrected.txt.gz"

        def gold(path: Path = path) -> Gold:
            article, _, comments = _gz(path).decode("utf-8", "replace").partition(COMMENTS_SEP)
            return Gold.of(article, comments)
        yield _html_page("dragnet", infer_site(html) or f"dragnet:{i}", html, gold, cl)


def _cleaneval_gold(raw: bytes) -> Gold:  # a URL line, then <p>, <h> or <l> before each block
    return Gold.of(re.sub(r"<[phl]>", "\n", re.sub(r"\A\s*URL:[^\n]*", "", raw.decode("utf-8", "replace"))))


WEBPAGE_GOLD: dict[str, Callable[[bytes], Gold]] = {
    "CleanPortalEval": _cleaneval_gold, "cleaneval-dev": _cleaneval_gold,
    "readability": lambda raw: Gold.of(html_text(raw)),
    "page-signal": lambda raw: Gold.of(html_text(raw, ("x-nc-sel1", "x-nc-sel2", "x-nc-sel3")),
                                       html_text(raw, ("x-nc-sel4",))),  # 4 is comments; 5 related, 0 chrome
}


def webpages(root: Path, cl: Any) -> Iterator[Page]:
    for name, gold_of in WEBPAGE_GOLD.items():
        base = root / "webpages" / name
        for path in sorted((base / "input").glob("*.html.gz")):
            stem = path.name.removesuffix(".html.gz")
            html, raw = _gz(path), _gz(base / "gold" / f"{stem}.txt.gz")
            url = re.match(rb"\s*URL:[ \t]*(\S*)", raw)
            site = (url and url.group(1) and registered_domain(url.group(1).decode("utf-8", "replace"))
                    or infer_site(html) or f"{name}:{re.sub(r'-[0-9]+$', '', stem) if name == 'readability' else stem}")
            yield _html_page(f"webpages/{name}", site, html, partial(gold_of, raw), cl)


DIRS = {"scrapinghub": "scrapinghub-article-extraction-benchmark"}  # otherwise the folder is the name
LOADERS = {"scrapinghub": scrapinghub, "trafilatura-eval": trafilatura_eval, "dragnet": dragnet, "webpages": webpages}


# --- output ---------------------------------------------------------------------------------------

def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = [[f"{c:.4f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|",
                      *("| " + " | ".join(r) + " |" for r in cells)])


def report(tallies: dict[str, dict[str, Tally]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for split, by_corpus in tallies.items():
        families: dict[str, Counter[str]] = defaultdict(Counter)
        rules: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for corpus, t in by_corpus.items():
            families[corpus.split("/")[0]].update(t.left)
            for rule, n in t.removed.items():
                rules[rule][0] += n
                rules[rule][1] += t.removed_gold[rule]
        out[split] = {"corpora": {c: t.row() for c, t in sorted(by_corpus.items())},
                      "families": {g: dict(families[g]) for g in GROUPS if g in families},
                      "rules": {r: {"removed": a, "removed_gold": b} for r, (a, b) in sorted(rules.items())}}
    return out


def print_report(census: dict[str, dict[str, Tally]], results: dict[str, Any], tallies: dict[str, dict[str, Tally]],
                 show: int) -> None:
    print("Split by site: sha1(site)[0] even -> dev, odd -> heldout.\n")
    rows = [[s, c, len(t.sites), t.pages] for s in SPLITS for c, t in sorted(census[s].items())]
    rows += [[s, "**all**", len(set().union(*(t.sites for t in census[s].values()))), sum(t.pages for t in
             census[s].values())] for s in SPLITS]
    print(_table(["split", "corpus", "sites", "pages"], rows))
    for split, res in results.items():
        print(f"\n## {split}\n")
        cols = ("sites", "pages", "lines_in", "removed", "removed_gold", "removed_gold_rate", "removed_gold_prose",
                "removed_comments", "removed_copies", "left", "left_other", "left_comments", "flags")
        head = ["corpus", "sites", "pages", "lines in", "removed", "removed∧gold", "rate", "∧prose", "cmt removed",
                "copies", "left", "left other", "cmt left", "flags", "keep kept/in", "drop in→left"]
        print(_table(head, [[c, *(r[k] for k in cols), f"{r['keep_kept']}/{r['keep_in']}" if r["keep_in"] else "-",
                             f"{r['drop_in']}→{r['left']}" if c == "trafilatura-eval" else "-"]
                            for c, r in res["corpora"].items()]))
        fam = res["families"]
        names = sorted(FAMILY_NAMES, key=lambda f: (f == "other", -sum(fam[g].get(f, 0) for g in fam), f))
        print(f"\nBoilerplate lines left by family ({split}; trafilatura-eval: must-drop snippets left)\n")
        print(_table(["family", *fam, "total"], [[f, *(fam[g].get(f, 0) for g in fam), sum(fam[g].get(f, 0)
                                                 for g in fam)] for f in names if any(fam[g].get(f) for g in fam)]))
        print(f"\nRemovals by rule ({split})\n")
        rules = sorted(res["rules"].items(), key=lambda kv: (-kv[1]["removed_gold"], -kv[1]["removed"], kv[0]))
        print(_table(["rule", "removed", "removed∧gold", "rate"], [[r, v["removed"], v["removed_gold"],
                     v["removed_gold"] / v["removed"]] for r, v in rules]))
        # Prose-like first (no family claims them), each distinct line once with its count.
        found = Counter((e[3] != "other", c, *e[:3]) for c, t in sorted(tallies[split].items()) for e in t.examples)
        if show and found:
            print(f"\nRemoved lines the gold keeps ({split}; prose-like first; {min(show, len(found))} of {len(found)}):")
            for (claimed, corpus, site, rule, text), n in sorted(found.items())[:show]:
                print(f"  {rule} {corpus} {site}{f' ×{n}' if n > 1 else ''}{' [family]' if claimed else ''}: {text[:200]!r}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpora", type=Path, default=CORPORA, help="folder holding the corpora")
    p.add_argument("--corpus", action="append", choices=list(LOADERS), help="repeatable; default all")
    p.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    p.add_argument("--show", type=int, default=0, metavar="N", help="print N removed lines the gold keeps")
    p.add_argument("--json", action="store_true", help="print the figures as JSON (no examples)")
    args = p.parse_args(argv)
    missing = [c for c in args.corpus or LOADERS if not (args.corpora / DIRS.get(c, c)).is_dir()]
    if missing:
        print(f"corpora not found in {args.corpora}: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        import tld  # noqa: F401
    except ImportError:
        print("needs the tld package for site names: pip install -e '.[bench]' (trafilatura brings it)", file=sys.stderr)
        return 2
    from cleaner import Cleaner

    cl, started = Cleaner(), time.perf_counter()
    wanted = SPLITS if args.split == "both" else (args.split,)
    census: dict[str, dict[str, Tally]] = {s: defaultdict(Tally) for s in SPLITS}
    tallies: dict[str, dict[str, Tally]] = {s: defaultdict(Tally) for s in wanted}
    for name in args.corpus or LOADERS:
        for page in LOADERS[name](args.corpora, cl):
            split = split_of(page.site)
            census[split][page.corpus].sites.add(page.site)
            census[split][page.corpus].pages += 1
            if split in tallies:
                assess(tallies[split][page.corpus], page.site, *page.load())
    results = report(tallies)
    if args.json:
        counts = {s: {c: {"sites": len(t.sites), "pages": t.pages} for c, t in census[s].items()} for s in SPLITS}
        print(json.dumps({"census": counts, "results": results, "seconds": time.perf_counter() - started}, indent=2))
    else:
        print_report(census, results, tallies, args.show)
        print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
