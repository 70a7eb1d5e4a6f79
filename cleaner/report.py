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

from .model import CleanResult, Edit

REPORT_VERSION = 1
ENCODING = "utf-8"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_report(result: CleanResult, *, path: str | None, raw: bytes | None = None) -> dict[str, Any]:
    """The report of one cleaned document. ``raw`` is the input as read, for its hash."""
    from . import __version__

    raw = result.original.encode(ENCODING) if raw is None else raw
    out = result.text.encode(ENCODING)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "cleaner", "version": __version__},
        "input": {"path": path, "sha256": sha256(raw), "bytes": len(raw),
                  "chars": len(result.original), "encoding": ENCODING},
        "output": {"sha256": sha256(out), "bytes": len(out), "chars": len(result.text)},
        "edits": [e.to_dict() for e in result.edits],
        "flags": [f.to_dict() for f in result.flags],
        "counts": result.counts,
        "skipped_overlaps": result.skipped_overlaps,
    }


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def edits_from_report(report: dict[str, Any]) -> list[Edit]:
    version = report.get("version")
    if version != REPORT_VERSION:
        raise ValueError(f"report version {version!r} is not supported (this cleaner reads version {REPORT_VERSION})")
    return [Edit.from_dict(d) for d in report["edits"]]


def schema() -> dict[str, Any]:
    return json.loads(resources.files("cleaner").joinpath("report.schema.json").read_text(encoding="utf-8"))


@dataclass
class RunSummary:
    """Counts for a whole run; the one place that knows how a run went."""

    files: int = 0
    changed: int = 0
    failed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    edits: int = 0
    flags: int = 0
    per_rule: Counter[str] = field(default_factory=Counter)
    per_pack: Counter[str] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, result: CleanResult) -> None:
        self.files += 1
        self.changed += result.changed
        self.chars_in += len(result.original)
        self.chars_removed += result.chars_removed
        self.edits += len(result.edits)
        self.flags += len(result.flags)
        for e in result.edits:
            self.per_rule[e.rule] += 1
            self.per_pack[e.pack] += 1
            self.names[e.rule] = e.name

    def fail(self, path: str, reason: str) -> None:
        self.failed += 1
        self.failures.append((path, reason))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "files": self.files, "changed": self.changed, "failed": self.failed,
            "chars_in": self.chars_in, "chars_removed": self.chars_removed,
            "edits": self.edits, "flags": self.flags,
            "per_rule": {code: {"name": self.names[code], "count": n}
                         for code, n in self.per_rule.most_common()},
            "per_pack": dict(self.per_pack.most_common()),
            "failures": [{"path": p, "reason": r} for p, r in self.failures],
        }
