"""A datatrove pipeline step that cleans ``doc.text`` and reports every edit.

>>> from datatrove.executor import LocalPipelineExecutor
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from cleaner.integrations.datatrove import CleanerStep
>>> LocalPipelineExecutor(pipeline=[JsonlReader("in/"), CleanerStep(drop_empty=True),
...                                 JsonlWriter("out/")], tasks=4).run()
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.writers.disk_base import DiskWriter
except ImportError as exc:  # pragma: no cover - exercised by a test that hides datatrove
    raise ImportError(
        f"cleaner.integrations.datatrove needs datatrove ({exc}); "
        "install it with: pip install 'scrape-cleaner[datatrove]'"
    ) from exc

from ..model import Pack
from . import LazyCleaner

__all__ = ["CleanerStep"]


class CleanerStep(BaseFilter):
    """Clean each document's text with a Cleaner; optionally drop those left empty.

    Options ``packs``, ``select``, ``ignore``, ``extra_packs``, ``full_page`` and ``scorer``
    are the Cleaner's.
    ``edits_key``: the ``doc.metadata`` key for the edits, a list of ``Edit.to_dict()``
    (``[]`` when nothing changed, so every document has the same shape); ``None``
    stores nothing. ``drop_empty``: drop documents whose clean text is blank; they
    are counted as ``dropped`` / ``dropped_empty`` and, with an ``exclusion_writer``,
    written there with their *original* text and the edits that emptied it.

    Stats, per task and merged: ``changed`` (documents edited), ``edits`` and
    ``chars_removed`` (per document), ``empty``, and one stat per rule code
    holding that rule's edit count; plus datatrove's ``total``/``forwarded``/``dropped``.

    Built on BaseFilter for its dropped-document accounting and exclusion writer.
    The step pickles without its compiled Cleaner, which each worker builds once.
    """

    name = "🧹 scrape-cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, packs: Sequence[str | Pack] | None = None, *,
                 select: Sequence[str] | None = None, ignore: Sequence[str] = (),
                 extra_packs: Sequence[str | Path | Pack] = (),
                 edits_key: str | None = "cleaner_edits", drop_empty: bool = False,
                 exclusion_writer: DiskWriter | None = None, full_page: bool = False,
                 scorer: bool | None = None) -> None:
        super().__init__(exclusion_writer=exclusion_writer)
        self.lazy_cleaner = LazyCleaner(packs, select=select, ignore=ignore, extra_packs=extra_packs,
                                        full_page=full_page, scorer=scorer)
        self.edits_key = edits_key
        self.drop_empty = drop_empty

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        # Build the Cleaner before the timed loop, so its one-off cost (loading the
        # packs) is not charged to the task's first document.
        _ = self.lazy_cleaner.cleaner
        yield from super().run(data, rank, world_size)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        res = self.lazy_cleaner.cleaner.clean(doc.text)
        self._record_stats(res.counts, res.chars_removed)
        if self.edits_key is not None:
            doc.metadata[self.edits_key] = [e.to_dict() for e in res.edits]
        if not res.text.strip():
            self.stat_update("empty")
            if self.drop_empty:
                # Keep the original text: an exclusion writer then saves what was
                # dropped, and the stored edits say why.
                return False, "empty"
        doc.text = res.text
        return True

    def _record_stats(self, counts: dict[str, int], chars_removed: int) -> None:
        edits = sum(counts.values())
        # Updated for every document, so their means are per document.
        self.stat_update("edits", value=edits)
        self.stat_update("chars_removed", value=chars_removed)
        if edits:
            self.stat_update("changed")
        for code, n in counts.items():
            self.stat_update(code, value=n)
