"""Adapters that run a Cleaner inside data-processing frameworks.

``cleaner.integrations.datatrove.CleanerStep``: a datatrove pipeline step.
``cleaner.integrations.datasets.make_batch_cleaner``: a batched function for
``datasets.Dataset.map``.
``cleaner.integrations.arrow.make_arrow_cleaner``: a function over ``pyarrow.Table``
batches (Spark's pandas UDFs, Dask partitions; docs/distributed.md).
``cleaner.integrations.ray``: ``clean_dataset``, ``run_summary`` and ``learn_dataset``
over a ``ray.data.Dataset``.

All are shipped to worker processes (pickled, or dilled, by the framework), so
they carry only the Cleaner's *options* and compile the Cleaner once per
process, on first use: a compiled Cleaner is large and not guaranteed to pickle.
The frameworks themselves are optional dependencies, imported only by the
submodule that needs them, so ``import cleaner.integrations`` never requires them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..engine import Cleaner
from ..loader import load_pack_file
from ..model import Pack

__all__ = ["BatchCleaner", "CleanerStep", "LazyCleaner", "decode_edits", "make_batch_cleaner"]


class LazyCleaner:
    """The options of a Cleaner, which build it on first use in each process.

    The options are checked at construction (a Cleaner is built and kept), so a bad
    selector or pack fails in the driver, not in every worker. Pickling drops the
    built Cleaner: what travels is the options, a few kilobytes. Extra pack files
    are read now, so workers on other machines need not see them.
    """

    def __init__(self, packs: Sequence[str | Pack] | None = None, *,
                 select: Sequence[str] | None = None, ignore: Sequence[str] = (),
                 extra_packs: Sequence[str | Path | Pack] = (), full_page: bool = False,
                 scorer: bool | None = None) -> None:
        self.packs = None if packs is None else tuple(packs)
        self.full_page = bool(full_page)
        self.scorer = scorer
        self.select = None if select is None else tuple(select)
        self.ignore = tuple(ignore)
        self.extra_packs: tuple[Pack, ...] = tuple(
            p if isinstance(p, Pack) else load_pack_file(p) for p in extra_packs)
        self._cleaner: Cleaner | None = self._build()
        # Names the rules themselves, not just the options: pickled state is what
        # datasets hashes for its map cache, and an upgrade that changes the shipped
        # packs must not reuse results cleaned by the old ones.
        self.rules_digest = hashlib.sha256(
            f"{__version__}|{self._cleaner.rules!r}".encode()).hexdigest()[:16]

    def _build(self) -> Cleaner:
        return Cleaner(self.packs, select=self.select, ignore=self.ignore, extra_packs=self.extra_packs,
                       full_page=self.full_page, scorer=self.scorer)

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = self._build()
        return self._cleaner

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cleaner"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        # Shown in datatrove's executor.json and logs: names, not whole packs.
        extra = [p.name for p in self.extra_packs]
        return (f"LazyCleaner(packs={self.packs!r}, select={self.select!r}, "
                f"ignore={self.ignore!r}, extra_packs={extra!r}, full_page={self.full_page!r}, "
                f"scorer={self.scorer!r}, rules_digest={self.rules_digest!r})")


def __getattr__(name: str) -> Any:
    # Lazy re-exports: importing the datatrove adapter requires datatrove.
    if name == "CleanerStep":
        from .datatrove import CleanerStep
        return CleanerStep
    if name in ("BatchCleaner", "make_batch_cleaner", "decode_edits"):
        from . import datasets
        return getattr(datasets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
