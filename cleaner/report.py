"""The removal report: one JSON object per document, and the run summary.

The report is the contract with users downstream: it is versioned, described by
``report.schema.json`` beside this file, and complete enough that the output plus
the report rebuild the input byte for byte (``clean restore``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import orjson

from .model import CleanResult, Edit

REPORT_VERSION = 1
ENCODING = "utf-8"


def printable(path: str | None) -> str | None:
    """A path as UTF-8 can hold it: a file name's undecodable bytes (which Python keeps
    as lone surrogates) become ``\\xff`` escapes instead of failing the JSON write."""
    if path is None:
        return None
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogateescape") if _escapable(path) else path.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "backslashreplace")


def _escapable(s: str) -> bool:
    return all(not ("\ud800" <= ch <= "\udfff") or "\udc80" <= ch <= "\udcff" for ch in s)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_report(result: CleanResult, *, path: str | None, raw: bytes | None = None,
                    output_path: str | None = None, encoding: str = ENCODING) -> dict[str, Any]:
    """The report of one cleaned document. ``raw`` is the input as read, for its hash;
    ``output_path`` where the clean text was written, if it was written to a file;
    ``encoding`` what the input was decoded from (the output is always UTF-8)."""
    from . import __version__

    raw = result.original.encode(encoding) if raw is None else raw
    out = result.text.encode(ENCODING)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "cleaner", "version": __version__},
        "input": {"path": printable(path), "sha256": sha256(raw), "bytes": len(raw),
                  "chars": len(result.original), "encoding": encoding},
        "output": {"path": printable(output_path), "sha256": sha256(out), "bytes": len(out), "chars": len(result.text)},
        "edits": [e.to_dict() for e in result.edits],
        "flags": [f.to_dict() for f in result.flags],
        "counts": result.counts,
        "skipped_overlaps": result.skipped_overlaps,
        "timeouts": list(result.timeouts),
        "disabled": list(result.disabled),
        "evidence": [e.to_dict() for e in result.evidence],
        "skipped": [s.to_dict() for s in result.skipped],
    }


_JSON = json.JSONEncoder(ensure_ascii=False).encode


def encode(value: Any) -> str:
    """Compact JSON, by orjson (several times faster on a report's edits); json only for
    what orjson refuses, such as a lone surrogate a library caller's text may hold."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return _JSON(value)


def dumps(report: dict[str, Any]) -> str:
    """JSON with one edit or flag per line: readable, and built with the C encoder
    (``indent=`` would switch json to its pure-Python encoder, many times slower)."""
    enc = encode
    out = []
    for key, value in report.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(enc(v) for v in value)
            out.append(f"  {enc(key)}: [\n    {items}\n  ]")
        else:
            out.append(f"  {enc(key)}: {enc(value)}")
    return "{\n" + ",\n".join(out) + "\n}\n"


def edits_from_report(report: dict[str, Any]) -> list[Edit]:
    version = report.get("version")
    if version != REPORT_VERSION:
        raise ValueError(f"report version {version!r} is not supported (this cleaner reads version {REPORT_VERSION})")
    return [Edit.from_dict(d) for d in report["edits"]]


def schema() -> dict[str, Any]:
    return json.loads(resources.files("cleaner").joinpath("report.schema.json").read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class DocStats:
    """What the run summary needs from one cleaned document: small enough to send back
    from a worker process instead of the whole result."""

    changed: bool
    chars_in: int
    chars_removed: int
    edits: int
    flags: int
    rules: tuple[tuple[str, str, str, int], ...]  # (code, name, pack, edits)
    timeouts: tuple[str, ...] = ()  # rules skipped because their regex ran out of time
    disabled: tuple[str, ...] = ()  # rules switched off for the run before this document

    @classmethod
    def of(cls, result: CleanResult) -> DocStats:
        per: Counter[tuple[str, str, str]] = Counter((e.rule, e.name, e.pack) for e in result.edits)
        return cls(result.changed, len(result.original), result.chars_removed, len(result.edits),
                   len(result.flags), tuple((c, n, p, k) for (c, n, p), k in per.items()), result.timeouts,
                   result.disabled)


@dataclass
class RunSummary:
    """Counts for a whole run; the one place that knows how a run went."""

    files: int = 0
    records: int = 0
    changed: int = 0
    failed: int = 0
    bad_records: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    edits: int = 0
    flags: int = 0
    per_rule: Counter[str] = field(default_factory=Counter)
    per_pack: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    timeouts: Counter[str] = field(default_factory=Counter)  # documents each rule was skipped on
    disabled: set[str] = field(default_factory=set)  # rules switched off for the rest of the run

    def add(self, stats: DocStats, *, record: bool = False) -> None:
        if record:
            self.records += 1
        else:
            self.files += 1
        self.changed += stats.changed
        self.chars_in += stats.chars_in
        self.chars_removed += stats.chars_removed
        self.edits += stats.edits
        self.flags += stats.flags
        for code, name, pack, n in stats.rules:
            self.per_rule[code] += n
            self.per_pack[pack] += n
            self.names[code] = name
        self.timeouts.update(stats.timeouts)
        self.disabled.update(stats.disabled)

    def merge(self, other: RunSummary) -> None:
        """Add the counts of a part of the run (a worker's batch) to these."""
        for name in ("files", "records", "changed", "failed", "bad_records", "chars_in", "chars_removed",
                     "edits", "flags"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.per_rule.update(other.per_rule)
        self.per_pack.update(other.per_pack)
        self.names.update(other.names)
        self.timeouts.update(other.timeouts)
        self.disabled.update(other.disabled)
        self.failures.extend(other.failures)

    def fail(self, where: str, reason: str, *, record: bool = False) -> None:
        if record:
            self.bad_records += 1
        else:
            self.failed += 1
        self.failures.append((printable(where) or "", printable(reason) or ""))

    @property
    def ok(self) -> bool:
        return not (self.failed or self.bad_records)

    def exit_code(self, *, changes_fail: bool = False) -> int:
        """0 done (and, where changes fail the run, nothing to change); 1 something was or
        would be changed (--check, --diff, --fix); 3 some inputs could not be cleaned."""
        if not self.ok:
            return 3
        return 1 if changes_fail and self.changed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "files": self.files, "records": self.records, "changed": self.changed,
            "failed": self.failed, "bad_records": self.bad_records,
            "chars_in": self.chars_in, "chars_removed": self.chars_removed,
            "edits": self.edits, "flags": self.flags,
            "per_rule": {code: {"name": self.names[code], "count": n}
                         for code, n in self.per_rule.most_common()},
            "per_pack": dict(self.per_pack.most_common()),
            "failures": [{"where": p, "reason": r} for p, r in self.failures],
            "timeouts": dict(self.timeouts.most_common()),
            "disabled_rules": sorted(self.disabled),
        }
