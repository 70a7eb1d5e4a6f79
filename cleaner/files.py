"""Finding input files, reading them without loss, and writing outputs safely."""

from __future__ import annotations

import gzip
import io
import itertools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
RECORD_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
COMPRESSIONS = (".gz", ".zst")
REPORT_SUFFIX = ".report.json"
SUMMARY_NAME = "run-summary.json"

Format = Literal["text", "jsonl", "parquet"]

_SEQ = itertools.count()


class InputError(Exception):
    """One input cannot be cleaned; the run reports it and goes on with the others."""


class UsageError(Exception):
    """The command as given cannot run at all (it would overwrite an input, say)."""


def split_name(name: str) -> tuple[str, str, str]:
    """'a.jsonl.gz' -> ('a', '.jsonl', '.gz'); 'a.txt' -> ('a', '.txt', '')."""
    low = name.lower()
    comp = next((c for c in COMPRESSIONS if low.endswith(c)), "")
    rest = name[: len(name) - len(comp)]
    base, dot, ext = rest.rpartition(".")
    return (base, "." + ext, comp) if dot and base else (rest, "", comp)


def format_of(path: Path) -> Format | None:
    base, ext, _ = split_name(path.name)
    if path.name.endswith(REPORT_SUFFIX) or (ext.lower() == ".jsonl" and base.endswith(".report")):
        return None  # our own reports, when a folder holds an earlier run's output
    _, ext, comp = split_name(path.name)
    ext = ext.lower()
    if ext in RECORD_SUFFIXES:
        return "jsonl"
    if ext in PARQUET_SUFFIXES and not comp:
        return "parquet"
    if ext in TEXT_SUFFIXES and not comp:
        return "text"
    return None


@dataclass(frozen=True, slots=True)
class Job:
    source: Path
    rel: Path  # where it lands below the output folder
    format: Format = "text"
    ignore: tuple[str, ...] = ()  # rules the configuration switches off for this file

    @property
    def report_rel(self) -> Path:
        base, _, comp = split_name(self.rel.name)
        if self.format == "text":
            return self.rel.with_name(base + REPORT_SUFFIX)
        # Record formats get one report line per record, compressed like the input.
        return self.rel.with_name(base + ".report.jsonl" + comp)


def discover(paths: Sequence[Path]) -> Iterator[Job]:
    """Every input file named, or found below a named folder, in a stable order.

    A file named explicitly is cleaned as text unless its name says JSONL or Parquet;
    inside folders only files whose names say what they are are taken.
    """
    for root in paths:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                fmt = format_of(p)
                if fmt and p.is_file():
                    yield Job(p, p.relative_to(root), fmt)
        elif root.exists():
            yield Job(root, Path(root.name), format_of(root) or "text")
        else:
            raise UsageError(f"{root}: no such file or folder")


def plan_outputs(jobs: Sequence[Job], out_dir: Path, inputs: Sequence[Path], extra: Sequence[Path] = ()) -> None:
    """Refuse a run that would write into the input tree, over an input, or give two
    inputs one output. Files are compared by identity, one stat each: resolving every
    path cost more than cleaning a folder of small files."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"-o {out_dir} is a file; -o names the folder the outputs go to")
    out = out_dir.resolve()
    for root in inputs:
        r = root.resolve()
        if r.is_dir() and (out == r or r in out.parents):
            raise UsageError(f"-o {out_dir} lies inside the input folder {root}; choose an output folder outside it")
        for path in extra:  # --report, --rejects: the input tree is never written
            if r.is_dir() and r in path.resolve().parents:
                raise UsageError(f"{path} lies inside the input folder {root}; write it outside the inputs")
    # Compare files by identity (device, inode), so an input reached through a symlink
    # or a hard link is recognised however its path is spelled.
    sources: set[tuple[int, int]] = set()
    for j in jobs:
        sources.add(_identity(j.source) or (-1, -1))
    seen: dict[Path, Path] = {}
    for j in jobs:
        for rel in (j.rel, j.report_rel):
            target = out / rel  # rel comes from a walk below an input: no '..' in it
            if _identity(target) in sources:
                raise UsageError(f"writing {target} would overwrite an input; choose another -o folder")
            if target in seen and seen[target] != j.source:
                raise UsageError(f"{seen[target]} and {j.source} would both be written to {target}; "
                                 "clean them into separate -o folders")
            seen[target] = j.source
    planned = set(seen) | {out / SUMMARY_NAME}
    for path in extra:
        if _identity(path) in sources or path.absolute() in {p.absolute() for p in planned}:
            raise UsageError(f"writing {path} would overwrite an input or an output of this run")


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file a path leads to, or None when there is none yet."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def same_file(a: Path, b: Path) -> bool:
    ia = _identity(a)
    return ia is not None and ia == _identity(b)

def read_text(path: Path) -> tuple[str, bytes]:
    """The file's text and its raw bytes. Newlines are kept as they are (no translation),
    so offsets in the report point into the file exactly."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc
    return decode(raw), raw


def decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise InputError("looks like a binary file (NUL bytes); skipped")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at byte {exc.start}); "
                         "convert it to UTF-8 first") from exc


_MADE: set[Path] = set()  # folders already created by this process


def _tmp_for(path: Path) -> tuple[Path, int]:
    """Create the temporary file beside ``path``: a name no other writer uses (pid and a
    counter), created exclusively, with the usual umask-based permissions."""
    if path.parent not in _MADE:
        path.parent.mkdir(parents=True, exist_ok=True)
        _MADE.add(path.parent)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{next(_SEQ)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return tmp, os.open(tmp, flags, 0o666)
    except FileNotFoundError:  # the folder went away since we made it: make it again
        path.parent.mkdir(parents=True, exist_ok=True)
        return tmp, os.open(tmp, flags, 0o666)


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a file.
    ``mode`` sets the permissions (in-place fixes keep the file's own)."""
    tmp, fd = _tmp_for(path)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@contextmanager
def atomic_output(path: Path, compression: str = "") -> Iterator[BinaryIO]:
    """A binary stream that becomes ``path`` only when the block ends without error;
    ``compression`` ('.gz', '.zst' or '') compresses what is written."""
    tmp, fd = _tmp_for(path)
    try:
        with os.fdopen(fd, "wb") as raw:
            if compression == ".gz":
                # mtime=0: the same input gives byte-identical output, run after run.
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as z:
                    yield z  # type: ignore[misc]
            elif compression == ".zst":
                import zstandard

                with zstandard.ZstdCompressor().stream_writer(raw, closefd=False) as z:
                    yield z  # type: ignore[misc]
            else:
                yield raw
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def open_records(path: Path) -> BinaryIO:
    """A binary stream over a possibly compressed record file, decompressed on the fly."""
    comp = split_name(path.name)[2]
    if comp == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if comp == ".zst":
        import zstandard

        # The decompression reader has no readline; a buffer on top gives line iteration.
        reader = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)  # noqa: SIM115
        return io.BufferedReader(reader)  # type: ignore[arg-type]
    return open(path, "rb")  # noqa: SIM115 - the caller closes it
