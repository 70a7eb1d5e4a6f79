"""The report of one HTML page: the text report, plus what the page-level stage did.

``edits`` and ``flags`` are offsets into the *extracted* text (``html.extracted_chars``
long), exactly as for a text input, so ``clean restore`` rebuilds the extracted text
from the output; the page itself is not rebuilt (its removed elements are listed with a
CSS path and source line instead). ``input`` describes the HTML bytes as read.
"""

from __future__ import annotations

from typing import Any

from ..report import document_report
from .api import HtmlResult


def html_report(res: HtmlResult, *, path: str | None, raw: bytes, output_path: str | None = None) -> dict[str, Any]:
    report = document_report(res.result, path=path, raw=raw, output_path=output_path)
    report["input"]["encoding"] = res.encoding
    report["input"]["chars"] = res.chars
    report["html"] = {
        "extractor": res.extractor,
        "title": res.title,
        "extracted_chars": len(res.extracted),
        "removals": [r.to_dict() for r in res.removals],
    }
    return report
