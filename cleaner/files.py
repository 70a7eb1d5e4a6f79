"""Finding input files, reading them without loss, and writing outputs safely."""

from __future__ import annotations

import errno
import gzip
import io
import itertools
import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from .decoding import Decoded, DecodeError, decode_bytes

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
RECORD_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
COMPRESSIONS = (".gz", ".zst")
REPORT_SUFFIX = ".report.json"
SUMMARY_NAME = "run-summary.json"

Format = Literal["text", "jsonl", "parquet", "html"]

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
    if ext in HTML_SUFFIXES and not comp:
        return "html"
    return None


@dataclass(frozen=True, slots=True)
class Job:
    source: Path
    rel: Path  # where it lands below the output folder
    format: Format = "text"
    ignore: tuple[str, ...] = ()  # rules the configuration switches off for this file
    encoding: str | None = None  # --encoding: read the file as this, no detection
    refused: str | None = None  # why it is not read at all (a symlink out of the input folder)

    @property
    def report_rel(self) -> Path:
        base, _, comp = split_name(self.rel.name)
        if self.format in ("text", "html"):
            return self.rel.with_name(base + REPORT_SUFFIX)
        # Record formats get one report line per record, compressed like the input.
        return self.rel.with_name(base + ".report.jsonl" + comp)


def discover(paths: Sequence[Path]) -> Iterator[Job]:
    """Every input file named, or found below a named folder, in a stable order.

    A file named explicitly is cleaned as text unless its name says JSONL, Parquet or
    HTML, or its first bytes look like a page; inside folders only files whose names say
    what they are are taken. HTML lands in ``<name>.txt`` beside its report.
    """
    for root in paths:
        if root.is_dir():
            found, unreadable = _walk(root)
            for where, why in unreadable:
                yield Job(where, where.relative_to(root), "text", refused=f"folder cannot be read: {why}; skipped")
            for p in found:
                fmt = format_of(p)
                if fmt and p.is_file():
                    yield Job(p, _out_rel(p.relative_to(root), fmt), fmt, refused=_leaves(p, root))
                elif fmt and not p.is_dir():
                    # Named like an input but no file to read: listed, never skipped silently.
                    yield Job(p, _out_rel(p.relative_to(root), fmt), fmt, refused=_not_a_file(p))
        elif root.exists() or root.is_symlink():
            why = None if root.is_file() else _not_a_file(root)
            fmt = format_of(root) or ("html" if not why and _sniffs_html(root) else "text")
            yield Job(root, _out_rel(Path(root.name), fmt), fmt, refused=why)
        else:
            raise UsageError(f"{root}: no such file or folder")


def _walk(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every entry below ``root`` but folders, sorted, without following linked folders;
    and the folders that could not be read (a path past the system's length limit, no
    permission), which the run names instead of stopping at the first."""
    unreadable: list[tuple[Path, str]] = []

    def failed(exc: OSError) -> None:
        unreadable.append((Path(exc.filename), exc.strerror or str(exc)))

    found = [Path(top, name) for top, _dirs, files in os.walk(root, onerror=failed) for name in files]
    return sorted(found), sorted(unreadable)


def _not_a_file(path: Path) -> str:
    """Why a path that exists is no input: a FIFO would block the run, a device never ends."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a symlink to a missing file; not read"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}" if exc.errno != errno.ELOOP else "a symlink loop; not read"
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"{kind}; only regular files are read (pipe it to `clean -` instead)"


def _leaves(path: Path, root: Path) -> str | None:
    """Why a file found below ``root`` must not be read: a symlink to a file outside the
    folder (the walk never descends into linked folders). A link inside it is fine."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    top = root.resolve()
    if target == top or top in target.parents:
        return None
    return f"a symlink to {target}, outside the input folder {root}; not followed (name the file itself to clean it)"


def _out_rel(rel: Path, fmt: Format) -> Path:
    """Where a job's output lands: HTML becomes text, so page.html -> page.txt."""
    return rel.with_name(split_name(rel.name)[0] + ".txt") if fmt == "html" else rel


def _sniffs_html(path: Path) -> bool:
    """An explicitly named file without an HTML extension that still opens like a page."""
    if path.suffix.lower() in TEXT_SUFFIXES or not path.is_file():
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False  # reading it properly reports the error
    from .html.sniff import looks_like_html

    return looks_like_html(head)


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
    inside: dict[Path, bool] = {}  # folder below -o -> whether it really lies inside -o
    # A new -o holds nothing yet, so no target can be an input: two stats a file saved,
    # which were most of the serial start of a run over many small files.
    fresh = not out.exists()
    for j in jobs:
        for rel in (j.rel, j.report_rel):
            if rel.is_absolute() or ".." in rel.parts or not rel.parts:
                raise UsageError(f"{j.source}: its output name {str(rel)!r} would leave the -o folder; rename it")
            target = out / rel
            if not fresh:  # below a new -o nothing exists yet, symlinks included
                folder = target.parent
                if folder not in inside:
                    # A symlinked folder already in -o could point anywhere: resolve once per folder.
                    real = folder.resolve()
                    inside[folder] = real == out or out in real.parents
                if not inside[folder]:
                    raise UsageError(f"writing {target} would leave the -o folder through a symlink; "
                                     "remove the link or choose another -o")
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



def read_decoded(path: Path, encoding: str | None = None) -> tuple[Decoded, bytes]:
    """The file's text with the encoding it was read in (see cleaner.decoding), and its
    bytes. Newlines are kept as they are, so offsets in the report point into the file."""
    raw = read_bytes(path)
    return decode_as(raw, encoding), raw


def read_bytes(path: Path) -> bytes:
    """A file's bytes; InputError for what is no regular file or cannot be read."""
    if path.exists() and not path.is_file():
        raise InputError(_not_a_file(path))  # reading a FIFO would block the run for ever
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc


def decode_as(raw: bytes, encoding: str | None = None) -> Decoded:
    try:
        return decode_bytes(raw, encoding)
    except DecodeError as exc:
        raise InputError(str(exc)) from exc


_MADE: set[str] = set()  # folders already created by this process


def _tmp_name(path: str) -> str:
    """The temporary file's name beside ``path``: one no other writer uses (pid and a
    counter; cleaner.interrupts.sweep_stale knows this form)."""
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.{os.getpid()}.{next(_SEQ)}.tmp")


def _create(tmp: str) -> int:
    """Create ``tmp`` exclusively, with the usual umask-based permissions. Called inside
    the caller's clean-up block, so a signal arriving just after creation still removes it."""
    folder = os.path.dirname(tmp)
    if folder not in _MADE:
        os.makedirs(folder or ".", exist_ok=True)
        _MADE.add(folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(tmp, flags, 0o666)
    except FileNotFoundError:  # the folder went away since we made it: make it again
        os.makedirs(folder or ".", exist_ok=True)
        return os.open(tmp, flags, 0o666)


def write_atomic(path: Path | str, data: bytes, *, mode: int | None = None,
                 owner: tuple[int, int] | None = None) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a file.
    ``mode`` sets the permissions and ``owner`` the (uid, gid): in-place fixes keep the
    file's own."""
    target = os.fspath(path)
    tmp = _tmp_name(target)
    try:
        fd = _create(tmp)
        if owner is not None and owner != (os.geteuid(), os.getegid()):
            os.fchown(fd, *owner)
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@contextmanager
def atomic_output(path: Path, compression: str = "") -> Iterator[BinaryIO]:
    """A binary stream that becomes ``path`` only when the block ends without error;
    ``compression`` ('.gz', '.zst' or '') compresses what is written."""
    tmp = _tmp_name(os.fspath(path))
    try:
        fd = _create(tmp)
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
        # A buffer on top gives line iteration.
        return io.BufferedReader(_ZstdFrames(open(path, "rb")))  # noqa: SIM115
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


class _ZstdFrames(io.RawIOBase):
    """zstd frames decompressed one after another, to the end of the file. A stream that
    ends inside a frame is truncated (EOFError) and bytes that are not zstd are corrupt
    (ValueError): zstandard's own stream reader returns what it has in both cases, so a
    file cut at a record boundary read as complete."""

    _CHUNK = 1 << 17

    def __init__(self, raw: BinaryIO) -> None:
        import zstandard

        self._raw = raw
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._error = zstandard.ZstdError
        self._dobj: Any = None
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        while not self._pending and not self._done:
            self._pending = self._step()
        n = min(len(buf), len(self._pending))
        buf[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _step(self) -> bytes:
        data = self._raw.read(self._CHUNK)
        if not data:
            self._done = True
            if self._dobj is not None and not self._dobj.eof:
                raise EOFError("truncated: the zstd stream ends inside a frame")
            return b""
        out = []
        while data:
            if self._dobj is None or self._dobj.eof:
                self._dobj = self._new()
            try:
                out.append(self._dobj.decompress(data))
            except self._error as exc:
                raise ValueError(f"not zstd, or corrupt: {exc}") from exc
            data = self._dobj.unused_data if self._dobj.eof else b""
        return b"".join(out)

    def close(self) -> None:
        self._raw.close()
        super().close()


def write_error(exc: OSError) -> str:
    """What went wrong writing a file, and what to do about it, by its real cause."""
    what = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{what}; free some space and rerun"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{what}; choose a folder you can write to with -o"
    return what
