"""Linter-style modes: --check reports, --diff shows, --fix rewrites in place.

The functions here return text and outcomes; the CLI prints them. Findings use the
convention editors and CI systems parse: ``path:line:col: CODE message``.
"""

from __future__ import annotations

import difflib
import errno
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .files import write_atomic
from .lines import Lines
from .model import CleanResult, Rule

FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    name: str
    action: str  # remove | repair | flag
    message: str
    text: str


def findings(path: str, result: CleanResult) -> list[Finding]:
    """One finding per edit (what --fix would change) and per flag (what it would keep),
    placed on the edit's first visible character: a removal that also takes the blank
    lines around a line should point at the line, not at the blank before it."""
    out = []
    for e in result.edits:
        line, col = _first_visible(e.text, e.line, e.column)
        out.append(Finding(path, line, col, e.rule, e.name, e.action, e.message, e.text.strip()))
    for f in result.flags:
        line, col = _first_visible(f.text, f.line, f.column)
        out.append(Finding(path, line, col, f.rule, f.name, "flag", f.message, f.text.strip()))
    return sorted(out, key=lambda f: (f.line, f.column, f.code))


def _first_visible(text: str, line: int, column: int) -> tuple[int, int]:
    lead = text[: len(text) - len(text.lstrip())]
    if not lead or lead == text:
        return line, column
    breaks = lead.count("\n") + lead.count("\r") - lead.count("\r\n")
    if not breaks:
        return line, column + len(lead)
    last = max(lead.rfind("\n"), lead.rfind("\r"))
    return line + breaks, len(lead) - last


def render(items: Sequence[Finding], fmt: str, rules: Iterable[Rule] = ()) -> str:
    if fmt == "text":
        return "".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}"
                       f"{' (flagged, kept)' if f.action == 'flag' else ''}\n" for f in items)
    if fmt == "json":
        return json.dumps([_as_dict(f) for f in items], ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        # GitHub Actions workflow commands: one annotation per finding on the PR diff.
        return "".join(f"::{'notice' if f.action == 'flag' else 'warning'} file={f.path},line={f.line},"
                       f"col={f.column},title={f.code} {f.name}::{_gh_escape(f.message)}\n" for f in items)
    if fmt == "sarif":
        return json.dumps(_sarif(items, rules), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r}; formats are {', '.join(FORMATS)}")


def _as_dict(f: Finding) -> dict[str, Any]:
    return {k: getattr(f, k) for k in Finding.__dataclass_fields__}


def _gh_escape(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _sarif(items: Sequence[Finding], rules: Iterable[Rule]) -> dict[str, Any]:
    """A SARIF 2.1.0 log, the format code-scanning services read."""
    used = {f.code for f in items}
    descriptors = [{"id": r.code, "name": r.name, "shortDescription": {"text": r.message},
                    "fullDescription": {"text": r.why}, "properties": {"pack": r.pack, "kind": r.kind}}
                   for r in rules if r.code in used]
    results = [{
        "ruleId": f.code,
        "level": "note" if f.action == "flag" else "warning",
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": Path(f.path).as_posix()},
            "region": {"startLine": f.line, "startColumn": f.column},
        }}],
    } for f in items]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "cleaner", "version": __version__, "rules": descriptors}},
                  "results": results}],
    }


def unified_diff(path: str, result: CleanResult) -> str:
    if not result.edits:
        return ""
    # The engine's own line splitting: splitlines() also breaks at U+2028 and form
    # feeds, which would put hunks on lines no report or editor agrees with.
    before, after = _lines(result.original), _lines(result.text)
    lines = difflib.unified_diff(before, after, fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(ln if ln.endswith(("\n", "\r")) else ln + "\n\\ No newline at end of file\n" for ln in lines)


def _lines(text: str) -> list[str]:
    lines = Lines(text)
    return [text[a:b] for a, b in zip(lines.starts, lines.ends, strict=True)]


def colourise(diff: str) -> str:
    """ANSI colours for a terminal: additions green, removals red, hunks cyan."""
    out = []
    for ln in diff.splitlines(keepends=True):
        if ln.startswith(("+++", "---")):
            out.append(f"\x1b[1m{ln.rstrip()}\x1b[0m\n")
        elif ln.startswith("@@"):
            out.append(f"\x1b[36m{ln.rstrip()}\x1b[0m\n")
        elif ln.startswith("+"):
            out.append(f"\x1b[32m{ln.rstrip()}\x1b[0m\n")
        elif ln.startswith("-"):
            out.append(f"\x1b[31m{ln.rstrip()}\x1b[0m\n")
        else:
            out.append(ln)
    return "".join(out)


def fix_in_place(path: Path, result: CleanResult, encoding: str = "utf-8") -> bool:
    """Rewrite ``path`` with the clean text, atomically, keeping its permissions and its
    encoding (UnicodeEncodeError, file untouched, if a repair made text it cannot hold).
    Returns whether the file changed."""
    if not result.edits:
        return False
    real = Path(os.path.realpath(path))  # through a symlink to the file it names, not over the link
    st = os.stat(real)
    mode = stat.S_IMODE(st.st_mode)
    # Checked by the mode bits, not os.access: as root every file is writable, and a
    # file someone made read-only is one they meant to keep as it is.
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(errno.EACCES, "the file is read-only (make it writable to fix it)")
    if st.st_nlink > 1:
        # The rename that makes the fix atomic would give this name a new file and leave
        # the other links with the old text.
        raise PermissionError(errno.EMLINK, f"the file has {st.st_nlink} hard links, which a fix by rename "
                                            "would split; clean it with -o OUT instead")
    write_atomic(real, result.text.encode(encoding), mode=mode, owner=(st.st_uid, st.st_gid))
    return True
