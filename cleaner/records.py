"""Cleaning JSON Lines records: one field cleaned, every other field kept.

A record that cannot be cleaned (not JSON, no such field, not a string) is never
dropped: it comes back with its error, and the caller passes it through or rejects it.
A record the rules do not change is written back byte for byte, formatting and all; a
changed one is written compactly (no spaces after separators).

JSON goes through orjson, about twice as fast as the json module on records of a few
KB (parsing and writing are a third of a JSONL run's time otherwise). What orjson
refuses and json reads (NaN and Infinity, lone surrogate escapes) is read and written by
json, with the same compact separators; so is a record in which orjson read a whole
number of 2**63 or more as a float: it does that to integers past 64 bits, changing them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from .engine import Cleaner
from .report import DocStats


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    lineno: int
    raw: bytes  # the input line as read, with its newline
    output: bytes  # the line to write: the cleaned record, or ``raw`` when unchanged or bad
    report: bytes | None  # a line for the side report, when the record has edits or flags
    error: str | None = None
    stats: DocStats | None = None


def field_path(spec: str) -> tuple[str, ...]:
    """'meta.body' -> ('meta', 'body'): dots reach into nested objects."""
    parts = tuple(spec.split("."))
    if not all(parts):
        raise ValueError(f"--text-field {spec!r}: empty part between dots")
    return parts


def _get(record: Any, path: Sequence[str]) -> Any:
    node = record
    for key in path:
        if not isinstance(node, dict) or key not in node:
            raise KeyError(".".join(path))
        node = node[key]
    return node


def _set(record: dict[str, Any], path: Sequence[str], value: Any) -> None:
    node = record
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


# allow_nan=False: a number json read as infinity would be written as invalid JSON. One
# encoder for every record: json.dumps with options set builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def _line(obj: Any, ending: bytes = b"\n", fast: bool = True) -> bytes:
    """``obj`` as one JSON line; ``fast``: orjson read it, so orjson can mostly write it
    (not nesting 255 deep, which it reads but will not write)."""
    if fast:
        try:
            return orjson.dumps(obj) + ending
        except orjson.JSONEncodeError:
            pass
    return _ENCODE(obj).encode("utf-8") + ending


def _parse(raw: bytes) -> tuple[Any, bool]:
    """The record, and whether orjson read it (see the module docstring)."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw), False
    if _has_big_float(record):  # maybe an integer past 64 bits that orjson made a float
        return json.loads(raw), False
    return record, True


def _has_big_float(obj: Any) -> bool:
    """Whether ``obj`` holds a whole-number float of 2**63 or more: what orjson makes of an
    integer past 64 bits (a float written so, like 1e19, merely takes the slower path)."""
    stack: list[Any] = [[obj]]  # wrapped: a line may hold a bare number, not a record
    while stack:
        node = stack.pop()
        values = node.values() if isinstance(node, dict) else node
        for v in values:
            if isinstance(v, float):
                if abs(v) >= _BIG and v.is_integer():
                    return True
            elif isinstance(v, (dict, list)):
                stack.append(v)
    return False


_BIG = 2.0**63


def clean_record(cleaner: Cleaner, lineno: int, raw: bytes, path: Sequence[str],
                 report_field: str | None = None) -> RecordOutcome:
    try:
        return _clean_record(cleaner, lineno, raw, path, report_field)
    except (UnicodeEncodeError, ValueError) as exc:
        # e.g. a lone surrogate escaped in the JSON, which UTF-8 cannot write back, or a
        # number JSON cannot hold: this record passes through, the file goes on.
        return RecordOutcome(lineno, raw, raw, None, f"cannot be written back as JSON: {exc}")
    except RecursionError:
        return RecordOutcome(lineno, raw, raw, None, "nested too deep to read as JSON (about 1,000 levels or more)")


def _clean_record(cleaner: Cleaner, lineno: int, raw: bytes, path: Sequence[str],
                  report_field: str | None) -> RecordOutcome:
    line = raw  # unchanged records go back byte for byte, line ending (or none) included
    if not raw.strip():
        return RecordOutcome(lineno, raw, line, None)  # blank lines pass through silently
    try:
        record, fast = _parse(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return RecordOutcome(lineno, raw, line, None, f"not valid JSON: {exc}")
    if not isinstance(record, dict):
        return RecordOutcome(lineno, raw, line, None, f"a record must be a JSON object, not {type(record).__name__}")
    try:
        text = _get(record, path)
    except KeyError:
        return RecordOutcome(lineno, raw, line, None, f"no field {'.'.join(path)!r}; set --text-field")
    if not isinstance(text, str):
        return RecordOutcome(lineno, raw, line, None,
                             f"field {'.'.join(path)!r} is {type(text).__name__}, not a string")
    res = cleaner.clean(text)
    stats = DocStats.of(res)
    if not res.edits and not res.flags and not res.timeouts:
        return RecordOutcome(lineno, raw, line, None, None, stats)
    if report_field is not None and report_field in record:
        # The report would replace data the record already holds (the text itself, with
        # --report-field text): the record passes through untouched and is named.
        return RecordOutcome(lineno, raw, line, None,
                             f"already has a field {report_field!r}; --report-field would overwrite it, "
                             "choose a name the records do not use")
    details = {"edits": [e.to_dict() for e in res.edits], "flags": [f.to_dict() for f in res.flags],
               "counts": res.counts}
    if res.timeouts:  # rules skipped for this record: their regex ran out of time
        details["timeouts"] = list(res.timeouts)
    if res.evidence:  # what a substitution's decision to repair (or not) rested on
        details["evidence"] = [e.to_dict() for e in res.evidence]
    if res.edits:
        _set(record, path, res.text)
    report = None
    if report_field is not None:
        record[report_field] = details
    else:
        ident = record.get("id")
        report = _line({"line": lineno, **({"id": ident} if ident is not None else {}), **details}, b"\n", fast)
    ending = b"\r\n" if raw.endswith(b"\r\n") else b"\n" if raw.endswith(b"\n") else b""
    out = _line(record, ending, fast) if (res.edits or report_field is not None) else line
    return RecordOutcome(lineno, raw, out, report, None, stats)


def clean_batch(cleaner: Cleaner, batch: Sequence[tuple[int, bytes]], path: Sequence[str],
                report_field: str | None) -> list[RecordOutcome]:
    return [clean_record(cleaner, n, raw, path, report_field) for n, raw in batch]
