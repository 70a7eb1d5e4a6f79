"""A batched cleaning function for Hugging Face ``datasets.Dataset.map``.

>>> from cleaner.integrations.datasets import make_batch_cleaner, decode_edits
>>> ds = ds.map(make_batch_cleaner(), batched=True, num_proc=4)
>>> decode_edits(ds[0]["cleaner_edits"])        # -> list[Edit]

The edits column holds one JSON string per row (a JSON array of ``Edit.to_dict()``):
Arrow stores it as a plain string whatever the row, whereas a list of structs would
have its type inferred per batch and per process (an all-empty batch infers a null
type), which breaks the merge of ``num_proc`` shards.

Nothing here imports ``datasets``: the function takes and returns plain dicts of lists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..model import Edit, Pack
from . import LazyCleaner

__all__ = ["BatchCleaner", "decode_edits", "encode_edits", "make_batch_cleaner"]


class BatchCleaner:
    """Callable for ``Dataset.map(fn, batched=True)``: cleans ``text_column`` in place and
    writes the edits, as a JSON string per row, to ``edits_column`` (``None``: no column).
    Without ``batched=True`` it gets one row and returns that row's cells, the same
    result, more slowly.

    A ``None`` text stays ``None`` with no edits. Picklable (and dill-hashable, so
    datasets' cache fingerprint is stable): the compiled Cleaner is built lazily in
    each process and never pickled.
    """

    def __init__(self, text_column: str = "text", edits_column: str | None = "cleaner_edits",
                 lazy_cleaner: LazyCleaner | None = None) -> None:
        self.text_column = text_column
        self.edits_column = edits_column
        self.lazy_cleaner = lazy_cleaner if lazy_cleaner is not None else LazyCleaner()

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        if self.text_column not in batch:
            raise KeyError(f"batch has no column {self.text_column!r}; pass text_column=")
        column = batch[self.text_column]
        if column is None or isinstance(column, str):
            # Dataset.map without batched=True hands over one row: its text is a string,
            # which the loop below would take for a batch of one-character texts.
            return self._row(column)
        cleaner = self.lazy_cleaner.cleaner
        texts: list[str | None] = []
        edits: list[str] = []
        for text in batch[self.text_column]:
            if text is None:  # a null cell in an Arrow string column
                texts.append(None)
                edits.append("[]")
                continue
            res = cleaner.clean(text)
            texts.append(res.text)
            edits.append(encode_edits(res.edits))
        out: dict[str, Any] = {self.text_column: texts}
        if self.edits_column is not None:
            out[self.edits_column] = edits
        return out

    def _row(self, text: str | None) -> dict[str, Any]:
        """One row (``Dataset.map`` without ``batched=True``): the same cells as a batch's."""
        batch = self({self.text_column: [text]})
        return {name: values[0] for name, values in batch.items()}


def make_batch_cleaner(text_column: str = "text", edits_column: str | None = "cleaner_edits", *,
                       packs: Sequence[str | Pack] | None = None, select: Sequence[str] | None = None,
                       ignore: Sequence[str] = (), extra_packs: Sequence[str | Path | Pack] = (),
                       full_page: bool = False, scorer: bool | None = None) -> BatchCleaner:
    """A batched map function with the given Cleaner options (checked now, in the caller)."""
    lazy = LazyCleaner(packs, select=select, ignore=ignore, extra_packs=extra_packs, full_page=full_page,
                       scorer=scorer)
    return BatchCleaner(text_column, edits_column, lazy)


def encode_edits(edits: Sequence[Edit]) -> str:
    # Compact, and non-ASCII kept as is: the removed text is often not English.
    return json.dumps([e.to_dict() for e in edits], ensure_ascii=False, separators=(",", ":"))


def decode_edits(value: str | None) -> list[Edit]:
    """The ``Edit`` objects stored in one cell of the edits column."""
    return [Edit.from_dict(d) for d in json.loads(value)] if value else []
