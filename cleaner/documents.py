"""One input document in, its clean text, its report and its counts out.

Every path that cleans a whole document, a text file or an HTML page, from a folder
run's worker to a single file printed to standard output, goes through ``clean_document``:
so decoding, HTML handling, the report and the reasons a document fails are the same
everywhere. (Record files are cleaned a record at a time: ``cleaner.records``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .engine import Cleaner
from .files import InputError, decode_as
from .report import DocStats, document_report


@dataclass(frozen=True, slots=True)
class CleanedDocument:
    text: str  # the clean text, written as UTF-8
    report: dict[str, Any]  # the document report (report.schema.json)
    stats: DocStats  # what the run summary counts
    nbytes: int  # bytes read


def clean_document(cleaner: Cleaner, raw: bytes, fmt: str, *, path: str | None, output_path: str | None = None,
                   encoding: str | None = None, extractor: str = "builtin") -> CleanedDocument:
    """Clean one document's bytes: ``fmt`` "html" is a page (decoded from its own
    declarations, extracted, then cleaned), anything else text (``encoding`` forces its
    codec). Raises InputError, with the reason, for a document that cannot be cleaned."""
    if fmt == "html":
        from .html.api import PageError, clean_html
        from .html.report import html_report

        try:
            page = clean_html(raw, cleaner=cleaner, extractor=extractor)  # type: ignore[arg-type]
        except (ImportError, PageError) as exc:
            raise InputError(str(exc)) from exc
        return CleanedDocument(page.text, html_report(page, path=path, raw=raw, output_path=output_path),
                               DocStats.of(page.result), len(raw))
    decoded = decode_as(raw, encoding)
    result = cleaner.clean(decoded.text)
    report = document_report(result, path=path, raw=raw, output_path=output_path, encoding=decoded.encoding)
    return CleanedDocument(result.text, report, DocStats.of(result), len(raw))
