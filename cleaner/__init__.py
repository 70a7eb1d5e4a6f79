"""cleaner: strip boilerplate from scraped article text, and say exactly what went.

>>> from cleaner import clean
>>> result = clean(text)
>>> result.text, result.edits
"""

from .engine import Cleaner, clean, default_cleaner
from .kinds import RuleError
from .model import CleanResult, Edit, Example, Flag, Pack, Rule
from .replay import ReplayError, apply_edits, restore

__all__ = [
    "CleanResult", "Cleaner", "Edit", "Example", "Flag", "Pack", "ReplayError", "Rule",
    "RuleError", "apply_edits", "clean", "default_cleaner", "restore", "clean_html", "HtmlResult",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # HTML support is imported on first use: text-only programs do not pay for lxml.
    if name in ("clean_html", "HtmlResult"):
        from . import html

        return getattr(html, name)
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
