"""Finding input files, reading them without loss, and writing outputs safely."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
REPORT_SUFFIX = ".report.json"
SUMMARY_NAME = "run-summary.json"


class InputError(Exception):
    """One input cannot be cleaned; the run reports it and goes on with the others."""


class UsageError(Exception):
    """The command as given cannot run at all (it would overwrite an input, say)."""


@dataclass(frozen=True, slots=True)
class Job:
    source: Path
    rel: Path  # where it lands below the output folder

    @property
    def report_rel(self) -> Path:
        return self.rel.with_name(self.rel.stem + REPORT_SUFFIX) if self.rel.suffix else self.rel.with_name(self.rel.name + REPORT_SUFFIX)


def _is_text_name(p: Path) -> bool:
    return p.suffix.lower() in TEXT_SUFFIXES and not p.name.endswith(REPORT_SUFFIX)


def discover(paths: Sequence[Path]) -> Iterator[Job]:
    """Every text file named or found below a named folder, in a stable order."""
    for root in paths:
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file() and _is_text_name(p):
                    yield Job(p, p.relative_to(root))
        elif root.exists():
            yield Job(root, Path(root.name))
        else:
            raise UsageError(f"{root}: no such file or folder")


def plan_outputs(jobs: Sequence[Job], out_dir: Path, inputs: Sequence[Path]) -> None:
    """Refuse a run that would write into the input tree or give two inputs one output."""
    out = out_dir.resolve()
    for root in inputs:
        r = root.resolve()
        if r.is_dir() and (out == r or r in out.parents):
            raise UsageError(f"-o {out_dir} lies inside the input folder {root}; choose an output folder outside it")
    sources = {j.source.resolve() for j in jobs}
    seen: dict[Path, Path] = {}
    for j in jobs:
        for rel in (j.rel, j.report_rel):
            target = (out / rel).resolve()
            if target in sources:
                raise UsageError(f"writing {target} would overwrite an input; choose another -o folder")
            if target in seen and seen[target] != j.source:
                raise UsageError(f"{seen[target]} and {j.source} would both be written to {target}; clean them into separate -o folders")
            seen[target] = j.source


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
