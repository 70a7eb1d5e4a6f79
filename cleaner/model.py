"""The data model shared by the engine, the report and the CLI.

Everything here is a frozen dataclass: a result can be handed across threads and
processes, cached and compared without defensive copies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal

Action = Literal["remove", "repair"]
RuleAction = Literal["remove", "flag"]  # a rule's own setting: edit, or only report (flag)


class RuleError(ValueError):
    """A pack or rule that cannot be loaded; the message names file, rule and key."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the original text.

    ``start``/``end`` are character offsets into the *original* text (end exclusive);
    ``text`` is exactly ``original[start:end]`` and ``replacement`` what stands there
    in the output. ``line``/``column`` are 1-based and point at ``start``.
    """

    rule: str
    name: str
    pack: str
    action: Action
    start: int
    end: int
    line: int
    column: int
    text: str
    replacement: str
    message: str
    # A learned decision's probability of boilerplate and the three features that
    # weighed most (name, contribution to the log-odds); None and () for a rule's edit.
    score: float | None = None
    features: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies every field and was the largest single
        # cost of writing reports for record files. All fields here are immutable, and
        # one attrgetter reads them all in C.
        out = dict(zip(_EDIT_FIELDS, _EDIT_VALUES(self), strict=True))
        return _scored(out, self) if self.score is not None else out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        return cls(**{k: data[k] for k in _EDIT_FIELDS}, score=data.get("score"),
                   features=tuple((str(f["name"]), float(f["weight"])) for f in data.get("features", ())))


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a rule suspected but did not change (precision first: unsure means keep)."""

    rule: str
    name: str
    pack: str
    start: int
    end: int
    line: int
    column: int
    text: str
    message: str
    score: float | None = None  # as Edit.score: set for a learned decision only
    features: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = dict(zip(_FLAG_FIELDS, _FLAG_VALUES(self), strict=True))
        return _scored(out, self) if self.score is not None else out


@dataclass(frozen=True, slots=True)
class Evidence:
    """A rule's judgement of a whole document and what it rested on: a digit
    substitution's decision to repair or keep, with its runs counted by role and shape
    (``{"number": {"time": 2}, "meant": {"attribute": 1}}``)."""

    rule: str
    name: str
    pack: str
    decision: Literal["repair", "keep"]
    reason: str
    runs: dict[str, dict[str, int]] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "name": self.name, "pack": self.pack, "decision": self.decision,
                "reason": self.reason, "runs": {k: dict(v) for k, v in self.runs.items()}}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A candidate edit left out because another edit took its place: ``rule`` proposed
    ``text`` at ``start``-``end`` (offsets into the original); ``winner`` is the rule whose
    edit was kept there, and ``reason`` says why that one won."""

    rule: str
    start: int
    end: int
    text: str
    winner: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "start": self.start, "end": self.end, "text": self.text,
                "winner": self.winner, "reason": self.reason}


_LEARNED = ("score", "features")
# The fields every report entry has; a learned decision adds score and features.
_EDIT_FIELDS = tuple(f for f in Edit.__dataclass_fields__ if f not in _LEARNED)
_FLAG_FIELDS = tuple(f for f in Flag.__dataclass_fields__ if f not in _LEARNED)
_EDIT_VALUES = attrgetter(*_EDIT_FIELDS)
_FLAG_VALUES = attrgetter(*_FLAG_FIELDS)


def _scored(out: dict[str, Any], entry: Edit | Flag) -> dict[str, Any]:
    out["score"] = entry.score
    out["features"] = [{"name": n, "weight": w} for n, w in entry.features]
    return out


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The outcome of cleaning one document: the clean text and every edit that made it."""

    original: str
    text: str
    edits: tuple[Edit, ...] = ()
    flags: tuple[Flag, ...] = ()
    # Candidate edits dropped because an earlier edit already covered their span; each one,
    # with the edit that won and why, in ``skipped``.
    skipped_overlaps: int = 0
    # Rules skipped for this document because their regex ran out of time (regex_safety).
    timeouts: tuple[str, ...] = ()
    # Document-level judgements (digit substitutions) and the evidence behind each.
    evidence: tuple[Evidence, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    # Rules switched off for the rest of the run before this document (each ran out of
    # time on too many documents); the document was cleaned without them.
    disabled: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    @property
    def counts(self) -> dict[str, int]:
        """Edits per rule code, most frequent first."""
        return dict(Counter(e.rule for e in self.edits).most_common())

    @property
    def chars_removed(self) -> int:
        return len(self.original) - len(self.text)


@dataclass(frozen=True, slots=True)
class Example:
    """A documented case beside a rule: ``remove`` examples must trigger it, ``keep`` must not.

    ``output`` (optional) is the exact text the document must clean to.
    """

    text: str
    expect: Literal["remove", "keep"]
    output: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule as loaded from a pack; the ``kind`` picks the code that applies it."""

    code: str
    name: str
    pack: str
    kind: str
    message: str
    why: str
    triggers: tuple[str, ...]
    examples: tuple[Example, ...]
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    source: str = ""  # "path:line" where the rule is defined, for error messages
    # "flag": the rule only reports what it would edit (precision first: unsure means keep).
    action: RuleAction = "remove"

    @property
    def flags_only(self) -> bool:
        return self.action == "flag"


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    description: str
    rules: tuple[Rule, ...]
    source: str
