"""Is this input HTML? By file name first, then by its first bytes."""

from __future__ import annotations

import re
from pathlib import PurePath

HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# A page starts (after a BOM, whitespace and comments) with a doctype or one of the tags
# that only open documents; a text article starting like that is not plausible.
_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|\?xml[^>]*>\s*<!doctype html)",
    re.IGNORECASE | re.DOTALL,
)
# Further in: a few tags that plain text does not carry in numbers.
_TAGS = re.compile(rb"<(?:p|div|span|a|br|li|h[1-6]|meta|title|script|table)[\s/>]", re.IGNORECASE)


def has_html_name(path: str | PurePath) -> bool:
    return PurePath(path).suffix.lower() in HTML_SUFFIXES


def looks_like_html(data: bytes | str) -> bool:
    """True for a document that opens like a page, or whose first 4 KB hold many tags."""
    head = data[:4096]
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at it as ASCII
        head = head.decode("utf-16", "replace").encode("ascii", "replace")
    if _START.match(head):
        return True
    return len(_TAGS.findall(head)) >= 5
