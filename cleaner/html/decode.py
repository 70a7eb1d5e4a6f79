"""Bytes to text for HTML: BOM, then the page's own declaration, then detection.

The order is the HTML standard's, minus the transport layer (we have no HTTP headers):
a byte-order mark wins; then ``<meta charset>`` or ``http-equiv`` within the first
kilobytes (or an XML declaration); then charset-normalizer guesses. UTF-8 is tried
before guessing because most pages are UTF-8 and a strict decode proves it.
"""

from __future__ import annotations

import codecs
import re

from ..decoding import detect

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_:.\-]+)""",
    re.IGNORECASE,
)
# Labels that browsers map to another codec (WHATWG Encoding standard, the common ones).
_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
            "ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis", "gb2312": "gb18030", "gbk": "gb18030"}


def declared_encoding(data: bytes) -> str | None:
    """The codec a page declares in its first 4 KB, if Python knows it."""
    m = _META.search(data[:4096])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii").lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that reached us as bytes cannot be UTF-16 yet carry an ASCII meta tag.
    return None if name.startswith(("utf-16", "utf-32")) else name


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding used). Never fails: the last resort replaces undecodable bytes."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, "replace"), name.replace("-sig", "")
    declared = declared_encoding(data)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # the declaration lies (a UTF-8 page declaring Latin-1, say): detect instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = detect(data)  # the same detection, and tie-break, as text files
    if name is not None:
        return data.decode(name, "replace"), name
    return data.decode("cp1252", "replace"), "cp1252"
