"""HTML input: sniffing, decoding, element rules, main-content extraction (see api.py)."""

from .api import EXTRACTORS, HtmlResult, clean_html
from .decode import decode_html
from .dom_rules import ElementRemoval
from .sniff import has_html_name, looks_like_html

__all__ = ["EXTRACTORS", "ElementRemoval", "HtmlResult", "clean_html", "decode_html", "has_html_name",
           "looks_like_html"]
