"""The counts file: one shard's (or a merge's) line counts, written by
``clean learn SHARD --counts-only -o FILE`` and read by ``clean learn --merge FILE...``.

Format, version 1 (docs/learn.md): a zstandard-compressed stream of JSON lines, UTF-8.

1. a header object: ``{"format": "scrape-cleaner learn counts", "version": 1,
   "config": {head, tail, max_length, samples, site_samples}, "docs": N,
   "sites": [[site, documents], ...]}`` (sites sorted);
2. one array per (key, scope), sorted by key then scope (code-point order):
   ``[key, scope, docs, head, tail, [samples...], [sites...], [[hash, n], ...], [[hash, n], ...]]``
   (scope ``""`` is the whole corpus; the last two are a prose line's neighbours);
3. a trailer object ``{"end": number of records}``, so a truncated file is recognised.

Files are written to a temporary name and renamed into place. Reading checks the
header, the version, the order of the records and the trailer, and says what is wrong
and what to do instead of learning from a damaged file.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import zstandard

from .count import CountConfig, LineCounts, Totals

FORMAT = "scrape-cleaner learn counts"
VERSION = 1


class CountsFileError(ValueError):
    """A counts file that cannot be used; the message names the file and the next step."""


def _dumps(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:  # a lone surrogate, which orjson refuses: JSON escapes it
        return json.dumps(obj, separators=(",", ":")).encode("ascii")


def _loads(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def write_counts(path: Path, totals: Totals, config: CountConfig, records: Iterable[LineCounts]) -> int:
    """Write ``records`` (sorted by key, scope) as a counts file; returns how many."""
    path = Path(path)
    header = {"format": FORMAT, "version": VERSION, "config": config.signature(), "docs": totals.docs,
              "sites": [list(s) for s in totals.sites]}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    n = 0
    try:
        with os.fdopen(fd, "wb") as raw, zstandard.ZstdCompressor(level=3).stream_writer(raw) as out:
            out.write(_dumps(header) + b"\n")
            for r in records:
                out.write(_dumps([r.key, r.scope, r.docs, r.head, r.tail, r.samples, r.sites,
                                  r.prev, r.next]) + b"\n")
                n += 1
            out.write(_dumps({"end": n}) + b"\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


@dataclass(frozen=True, slots=True)
class CountsFile:
    """An opened counts file: its header now, its records streamed on demand."""

    path: Path
    totals: Totals
    config: dict[str, int]

    def records(self) -> Iterator[LineCounts]:
        """The records in order; raises CountsFileError on damage found on the way."""
        with _Lines(self.path) as lines:
            next(lines)  # the header, checked when the file was opened
            n, last = 0, None
            for lineno, line in enumerate(lines, 2):
                row = self._parse(line, lineno)
                if isinstance(row, dict):
                    if row.get("end") != n:
                        raise self._damaged(f"line {lineno}: the trailer counts {row.get('end')} records, "
                                            f"the file holds {n}")
                    return
                rec = self._record(row, lineno)
                if last is not None and rec.sort_key <= last:
                    raise self._damaged(f"line {lineno}: records out of order")
                last = rec.sort_key
                n += 1
                yield rec
        raise self._damaged("it ends before its trailer (truncated: was its writer interrupted?)")

    def _damaged(self, what: str) -> CountsFileError:
        return CountsFileError(f"{self.path}: damaged counts file: {what}; "
                               "count that shard again with `clean learn SHARD --counts-only -o FILE`")

    def _parse(self, line: bytes, lineno: int) -> Any:
        try:
            return _loads(line)
        except ValueError as exc:
            raise self._damaged(f"line {lineno} is not JSON ({exc})") from exc

    def _record(self, row: Any, lineno: int) -> LineCounts:
        try:
            key, scope, docs, head, tail, samples, sites, prev, nxt = row
            rec = LineCounts(key, scope, docs, head, tail, tuple(samples), tuple(sites),
                             tuple((h, c) for h, c in prev), tuple((h, c) for h, c in nxt))
        except (TypeError, ValueError) as exc:
            raise self._damaged(f"line {lineno} is not a record ({exc})") from exc
        if not (isinstance(key, str) and isinstance(scope, str) and isinstance(docs, int) and docs > 0):
            raise self._damaged(f"line {lineno} is not a record")
        return rec


class _Lines:
    """The decompressed lines of a file, as a context manager; zstd errors become CountsFileError."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Iterator[bytes]:
        self.raw = open(self.path, "rb")  # noqa: SIM115 - closed in __exit__
        stream = zstandard.ZstdDecompressor().stream_reader(self.raw, read_across_frames=True)
        self.text = io.BufferedReader(stream)  # type: ignore[arg-type]
        return self._iter()

    def _iter(self) -> Iterator[bytes]:
        try:
            yield from self.text
        except zstandard.ZstdError as exc:
            raise CountsFileError(f"{self.path}: not a counts file, or a damaged one (zstandard: {exc}); "
                                  "counts files are written by `clean learn SHARD --counts-only -o FILE`") from exc

    def __exit__(self, *exc: object) -> None:
        self.raw.close()


def read_counts(path: Path) -> CountsFile:
    """Open a counts file and check its header; raises CountsFileError (a ValueError)."""
    path = Path(path)
    try:
        with _Lines(path) as lines:
            first = next(lines, b"")
    except OSError as exc:
        raise CountsFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        header = _loads(first) if first.strip() else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CountsFileError(f"{path}: not a counts file (no header); counts files are written by "
                              "`clean learn SHARD --counts-only -o FILE`")
    if header.get("version") != VERSION:
        raise CountsFileError(f"{path}: counts format version {header.get('version')!r}; this cleaner reads "
                              f"version {VERSION}: count the shard again with this version")
    try:
        totals = Totals(int(header["docs"]), tuple((str(s), int(n)) for s, n in header["sites"]))
        config = {str(k): int(v) for k, v in header["config"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise CountsFileError(f"{path}: damaged counts file header ({exc}); count that shard again") from exc
    return CountsFile(path, totals, config)
