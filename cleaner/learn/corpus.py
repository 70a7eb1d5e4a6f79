"""Reading a corpus as a stream of documents: text files, HTML pages, JSON Lines.

- text files (``.txt``, ``.text``, ``.md``, ``.markdown``): one document each, no site;
- HTML pages (``.html``, ``.htm``, also gzip-compressed): the text the HTML mode
  extracts (``cleaner.html``: the text the packs will later see), the site from the
  page's canonical or ``og:url`` address;
- JSON Lines (``.jsonl``, ``.ndjson``, plain, ``.gz`` or ``.zst``): one document per
  record, the text at ``text_field`` (dots reach into objects) and the site at
  ``site_field``; without one, the first of ``site``, ``domain``, ``url`` present. A URL
  counts by its host, without ``www.``.

Records and files that cannot be read are skipped and counted in ``Corpus.skipped``
(with the first reasons): one bad record does not stop learning from a million good ones.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import regex

from ..files import UsageError, open_records, split_name
from ..records import field_path

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
RECORD_SUFFIXES = (".jsonl", ".ndjson")
AUTO_SITE_FIELDS = ("site", "domain", "url")
MAX_REASONS = 10

_CANONICAL = regex.compile(
    rb"""<link\b[^>]*\brel=["']?canonical["']?[^>]*\bhref=["']?([^"'\s>]+)"""
    rb"""|<link\b[^>]*\bhref=["']?([^"'\s>]+)["']?[^>]*\brel=["']?canonical"""
    rb"""|<meta\b[^>]*\bproperty=["']og:url["'][^>]*\bcontent=["']?([^"'\s>]+)""",
    regex.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    site: str | None  # a host without "www.", or None when unknown
    nbytes: int = 0  # bytes read for it, for progress


def site_of(value: Any) -> str | None:
    """'https://www.Example.com:8080/a' -> 'example.com'; 'example.com' -> itself; else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    v = value.strip()
    host = urlsplit(v if "//" in v else f"//{v}").hostname or ""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.") or None


def _kind(path: Path) -> str | None:
    base, ext, comp = split_name(path.name)
    ext = ext.lower()
    if ext in RECORD_SUFFIXES:
        return "jsonl"
    if ext in HTML_SUFFIXES and comp in ("", ".gz"):
        return "html"
    if ext in TEXT_SUFFIXES and not comp:
        return "text"
    return None


@dataclass(slots=True)
class Corpus:
    """Iterate to get the documents; ``skipped`` and ``reasons`` fill as it goes.

    ``part=(i, n)`` yields only documents i, i + n, i + 2n, ... of the corpus (numbered in
    file order, then record order), so n workers share one corpus, even one file, without
    passing documents between them; the others are passed over before being parsed.
    """

    paths: Sequence[Path]
    text_field: str = "text"
    site_field: str | None = None
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)
    part: tuple[int, int] = (0, 1)
    _next: int = field(default=0, repr=False, compare=False)

    def __post_init__(self) -> None:
        i, n = self.part
        if not 0 <= i < n:
            raise ValueError(f"part {self.part}: the index must be in 0..n-1")

    def _ours(self) -> bool:
        """Whether the next document of the corpus belongs to this part."""
        index, self._next = self._next, self._next + 1
        return index % self.part[1] == self.part[0]

    def files(self) -> list[tuple[Path, str]]:
        """Every input file with its kind, in a stable order; raises UsageError for a missing path."""
        out = []
        for root in self.paths:
            if root.is_dir():
                out += [(p, k) for p in sorted(root.rglob("*")) if p.is_file() and (k := _kind(p))]
            elif root.is_file():
                out.append((root, _kind(root) or "text"))
            else:
                raise UsageError(f"{root}: no such file or folder")
        return out

    def total_bytes(self) -> int:
        return sum(p.stat().st_size for p, _ in self.files())

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)

    def __iter__(self) -> Iterator[Document]:
        text_path = field_path(self.text_field)
        site_path = field_path(self.site_field) if self.site_field else None
        self._next = 0
        for path, kind in self.files():
            if kind == "jsonl":
                yield from self._records(path, text_path, site_path)
                continue
            if not self._ours():
                continue
            try:
                raw = path.read_bytes()
                if kind == "html":
                    doc = _html_document(str(path), gzip.decompress(raw) if path.name.lower().endswith(".gz") else raw)
                else:
                    doc = Document(str(path), raw.decode("utf-8"), None)
            except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
                self._skip(f"{path}: cannot read: {exc}")
                continue
            yield Document(doc.id, doc.text, doc.site, len(raw))

    def _records(self, path: Path, text_path: tuple[str, ...], site_path: tuple[str, ...] | None
                 ) -> Iterator[Document]:
        try:
            stream = open_records(path)
        except OSError as exc:
            if self.part[0] == 0:  # one file, named once whatever the number of parts
                self._skip(f"{path}: cannot read: {exc}")
            return
        with stream:
            for lineno, line in enumerate(stream, 1):
                if not line.strip() or not self._ours():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    self._skip(f"{path}:{lineno}: not JSON")
                    continue
                text = _get(record, text_path)
                if not isinstance(text, str):
                    self._skip(f"{path}:{lineno}: no text at '{'.'.join(text_path)}'")
                    continue
                if site_path is not None:
                    site = site_of(_get(record, site_path))
                else:
                    site = next((s for f in AUTO_SITE_FIELDS if (s := site_of(_get(record, (f,))))), None)
                rid = record.get("id") if isinstance(record, dict) else None
                yield Document(f"{path}:{rid if isinstance(rid, (str, int)) else lineno}", text, site, len(line))


def _get(record: Any, path: Sequence[str]) -> Any:
    node = record
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _html_document(doc_id: str, data: bytes) -> Document:
    # The HTML mode is imported only for HTML input: text corpora do not need lxml's parser.
    from ..html import clean_html

    m = _CANONICAL.search(data[:200_000])
    url = next((g for g in m.groups() if g), b"").decode("utf-8", "replace") if m else ""
    return Document(doc_id, clean_html(data).extracted, site_of(url) if url.startswith(("http", "//")) else None)
