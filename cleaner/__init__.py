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
    "RuleError", "apply_edits", "clean", "default_cleaner", "restore",
]
__version__ = "0.1.0"
