"""Project configuration: ``[tool.cleaner]`` in pyproject.toml, or a cleaner.toml.

Found by walking up from the inputs, as black and ruff do; the nearest file wins.
Command-line flags override it: ``--select`` replaces the file's selection, ``--ignore``
and ``--extend-select`` add to it. A misspelled key is an error that names the key and
suggests the right one, since a silently ignored setting is worse than none.
"""

from __future__ import annotations

import difflib
import fnmatch
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .files import UsageError

KEYS = ("select", "ignore", "extend-select", "rules", "exclude", "include", "per-file-ignores", "text-field",
        "full-page", "scorer")


@dataclass(frozen=True)
class Config:
    source: Path | None = None  # the file it came from; None: defaults only
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    text_field: str | None = None
    full_page: bool = False  # inputs are whole pages flattened to text (Cleaner(full_page=...))
    scorer: bool | None = None  # run the line scorer; None: exactly with full-page (Cleaner(scorer=...))

    def selection(self, cli_select: Sequence[str], cli_extend: Sequence[str]) -> list[str] | None:
        """The rules to run: the command line's --select replaces the file's."""
        base = list(cli_select) if cli_select else list(self.select)
        if not base:
            return None  # everything is selected, extend-select included
        return base + [*self.extend_select, *cli_extend]

    def excluded(self, rel: str) -> bool:
        return any(_match(rel, g) for g in self.exclude) or bool(self.include) and not any(
            _match(rel, g) for g in self.include)

    def ignored_for(self, rel: str) -> tuple[str, ...]:
        return tuple(code for glob, codes in self.per_file_ignores.items() if _match(rel, glob) for code in codes)

    def as_dict(self) -> dict[str, Any]:
        return {"source": str(self.source) if self.source else None, "select": list(self.select),
                "ignore": list(self.ignore), "extend-select": list(self.extend_select),
                "rules": [str(p) for p in self.rules], "exclude": list(self.exclude),
                "include": list(self.include),
                "per-file-ignores": {k: list(v) for k, v in self.per_file_ignores.items()},
                "text-field": self.text_field, "full-page": self.full_page,
                "scorer": self.scorer}


def _match(rel: str, glob: str) -> bool:
    """Globs match paths relative to the configuration's folder. As in .gitignore, a
    pattern without a slash matches a file name anywhere ("*.md"); one with a slash is
    anchored ("vendor/*.txt" is the top-level vendor folder only)."""
    if "/" not in glob:  # a bare name pattern matches the file name in any folder
        return fnmatch.fnmatch(PurePosixPath(rel).name, glob)
    glob = glob.lstrip("/")  # anchored at the configuration's folder either way
    # "**/" may stand for no folder at all: "docs/**/*.md" matches docs/a.md too.
    return fnmatch.fnmatch(rel, glob) or ("**/" in glob and fnmatch.fnmatch(rel, glob.replace("**/", "")))


def find(start: Path) -> Path | None:
    """The nearest cleaner.toml, or pyproject.toml with a [tool.cleaner] table."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        own = folder / "cleaner.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file() and "cleaner" in _read(py).get("tool", {}):
            return py
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read configuration: {exc}") from exc


def load(path: Path) -> Config:
    data = _read(path)
    table = data.get("tool", {}).get("cleaner", {}) if path.name == "pyproject.toml" else data
    where = f"{path}: [tool.cleaner]" if path.name == "pyproject.toml" else str(path)
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(KEYS)}"
            raise UsageError(f"{where}: unknown key '{key}'{hint}")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{where}: '{key}' must be a list of strings")
        return tuple(value)

    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict) or not all(isinstance(v, list) for v in pfi.values()):
        raise UsageError(f"{where}: 'per-file-ignores' maps a glob to a list of rule codes")
    text_field = table.get("text-field")
    if text_field is not None and not isinstance(text_field, str):
        raise UsageError(f"{where}: 'text-field' must be a string")
    full_page = table.get("full-page", False)
    if not isinstance(full_page, bool):
        raise UsageError(f"{where}: 'full-page' must be true or false")
    scorer = table.get("scorer")
    if scorer is not None and not isinstance(scorer, bool):
        raise UsageError(f"{where}: 'scorer' must be true or false (leave it out: on exactly with full-page)")
    return Config(source=path, select=strings("select"), ignore=strings("ignore"),
                  extend_select=strings("extend-select"),
                  rules=tuple(path.parent / p for p in strings("rules")),
                  exclude=strings("exclude"), include=strings("include"),
                  per_file_ignores={k: tuple(v) for k, v in pfi.items()}, text_field=text_field,
                  full_page=full_page, scorer=scorer)


def resolve(inputs: Sequence[str], explicit: Path | None = None) -> Config:
    """The configuration for a run: ``--config`` if given, else the nearest file above
    the first input (or the working folder for standard input), else defaults."""
    if explicit is not None:
        return load(explicit)
    start = Path(inputs[0]) if inputs and inputs[0] != "-" else Path.cwd()
    found = find(start if start.exists() else Path.cwd())
    return load(found) if found else Config()
