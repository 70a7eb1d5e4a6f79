"""From counts to candidates: which recurring lines are boilerplate.

A key becomes a candidate when, in some scope (one site's documents, or the whole
corpus), it occurs in at least ``min_docs`` documents and in at least ``min_share`` of
that scope's documents, and survives the exclusions below. Each exclusion is named in the
``Rejection`` it produces, so a run can say why a frequent line was left out.

- ``no-words``: the key has no literal word of two characters or more ("___", "12"):
  nothing to trigger on, and nothing a reader could review.
- ``quoted``: the line opens with a quotation mark or holds a quoted passage of three
  words or more. Articles repeat each other's quotations; a site's boilerplate is not
  quoted speech.
- ``syndication``: prose (the engine's prose test) that either recurs across several
  sites in the corpus-wide scope, or, in the body of its documents, recurs with the same
  line before it or after it in at least half of its occurrences (a run of copied
  paragraphs). That is how a syndicated story or a widely quoted paragraph
  looks: a run of identical prose in different places. A site's own boilerplate sentence
  ("This story was produced by ...") recurs in a large share of *one* site's documents,
  and is learned in that site's scope; syndicated text never reaches such a share.
- the thresholds themselves: a quotation, or a wire story carried by many sites, appears
  in a few documents of each site, far below ``min_share`` of any of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

import regex

from ..lines import is_prose
from .count import CORPUS, PROSE_WORDS, LineCounts, Totals
from .normalise import literal_words

STABLE_CONTEXT = 0.5  # share of occurrences with the same neighbours that marks a copied run
EDGE = 0.5  # share of occurrences at the head or tail above which a line is at the edge

_OPENS_QUOTED = regex.compile(r"""^[>"“”„«»‹›‘']""")
_QUOTED_PASSAGE = regex.compile(r"""["“„«]([^"“”„«»]*)["”“»]""")


@dataclass(frozen=True, slots=True)
class LearnOptions:
    min_docs: int = 5
    min_share: float = 0.2
    max_length: int = 200
    prefix: str = "LRN"
    max_rules: int = 999  # codes have three digits

    def __post_init__(self) -> None:
        if self.min_docs < 2:
            raise ValueError("--min-docs must be at least 2: a line seen once does not recur")
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError("--min-share must be a share of documents, above 0 and at most 1 (e.g. 0.2)")
        if self.max_length < 1:
            raise ValueError("--max-length must be a positive number of characters")
        if not regex.fullmatch(r"[A-Z]{2,4}", self.prefix):
            raise ValueError(f"--prefix must be two to four capital letters (codes are PREFIX + 3 digits), "
                             f"not {self.prefix!r}")
        if not 1 <= self.max_rules <= 999:
            raise ValueError("max_rules must be between 1 and 999 (codes have three digits)")


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    docs: int  # documents of the corpus it occurs in
    corpus_docs: int
    scopes: tuple[tuple[str, int, int], ...]  # (scope, docs there, documents of the scope) that qualified
    head: float  # share of counted occurrences among the first lines of a document
    tail: float
    samples: tuple[str, ...]
    sites: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rejection:
    key: str
    scope: str
    docs: int
    reason: str


def is_quoted(line: str) -> bool:
    if _OPENS_QUOTED.match(line.strip()):
        return True
    return any(len(regex.findall(r"\w+", m.group(1))) >= 3 for m in _QUOTED_PASSAGE.finditer(line))


def _exclusion(entry: LineCounts, sample: str) -> str | None:
    if not any(len(w) >= 2 for w in literal_words(entry.key)):
        return "no-words"
    if is_quoted(sample):
        return "quoted"
    if is_prose(sample, PROSE_WORDS):
        if entry.scope == CORPUS and len(entry.sites) >= 2:
            return "syndication"  # prose shared by several sites
        at_edge = (entry.head + entry.tail) / entry.docs >= EDGE
        if entry.docs >= 2 and entry.context_share() >= STABLE_CONTEXT and not at_edge:
            return "syndication"  # part of a run of prose copied whole, in the body
    return None


def mine(records: Iterable[LineCounts], totals: Totals, options: LearnOptions
         ) -> tuple[list[Candidate], list[Rejection]]:
    """Candidates, most frequent first (then by key: deterministic), and the frequent
    keys that were left out with the reason. ``records`` sorted by key (then scope), as
    counting and merging give them: one key's scopes are read together, then let go."""
    out: list[Candidate] = []
    rejected: list[Rejection] = []
    sizes = {CORPUS: totals.docs, **dict(totals.sites)}
    for key, group in groupby(records, key=lambda r: r.key):
        scopes = list(group)
        found: list[tuple[LineCounts, int]] = []
        for entry in scopes:
            total = sizes.get(entry.scope, 0)
            if entry.docs < options.min_docs or entry.docs < options.min_share * total or not entry.samples:
                continue
            if max(len(s) for s in entry.samples) > options.max_length:
                continue
            reason = _exclusion(entry, entry.samples[0])
            if reason:
                rejected.append(Rejection(entry.key, entry.scope, entry.docs, reason))
                continue
            found.append((entry, total))
        if not found:
            continue
        # A site-scope rule and a corpus-scope rule for the same key are one rule: a pack
        # applies to every document, whatever its site.
        whole = next((e for e in scopes if e.scope == CORPUS), None)
        ref = whole or max(found, key=lambda f: (f[0].docs, f[0].scope))[0]
        sites = {s for e, _ in found for s in (e.sites or ([e.scope] if e.scope else []))}
        out.append(Candidate(
            key=key, docs=ref.docs, corpus_docs=totals.docs,
            scopes=tuple(sorted((e.scope, e.docs, t) for e, t in found)),
            head=ref.head / ref.docs, tail=ref.tail / ref.docs,
            samples=tuple(sorted({s for e, _ in found for s in e.samples})),
            sites=tuple(sorted(sites | set(whole.sites if whole else ())))))
    out.sort(key=lambda c: (-c.docs, c.key))
    rejected.sort(key=lambda r: (-r.docs, r.key, r.scope))
    return out[: options.max_rules], rejected
