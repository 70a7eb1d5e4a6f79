"""Reading rule packs (TOML data files) and checking them before any text is touched.

A broken user pack is refused as a whole with the file, rule, key and line named:
a half-loaded pack would silently clean less than its author believes.
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from . import vocabulary
from .kinds import COMMON_KEYS, KINDS, RuleError, compile_rule, kinds_accepting
from .model import Example, Pack, Rule
from .regex_safety import check_rule

TOP_KEYS = ("pack", "rule", "vocab", "signals")
PACK_KEYS = {"name", "description", "prefix"}
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


_CODE_LINE = re.compile(r"^[ \t]*code[ \t]*=[ \t]*[\"']([^\"'\n]*)[\"']", re.MULTILINE)


def _code_lines(raw: str) -> dict[str, int]:
    """Line number of each rule's first ``code = "..."`` in the file, for error messages:
    one scan of the file (a search per rule, each a new regex, was a sixth of start-up)."""
    out: dict[str, int] = {}
    line, pos = 1, 0
    for m in _CODE_LINE.finditer(raw):
        line += raw.count("\n", pos, m.start())
        pos = m.start()
        out.setdefault(m.group(1), line)
    return out


def _examples(where: str, code: str, spec: dict[str, Any]) -> tuple[Example, ...]:
    out: list[Example] = []
    for key, expect in (("remove", "remove"), ("keep", "keep")):
        items = spec.get(key, [])
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise RuleError(f"{where}: rule {code}: '{key}' must be a list of example texts")
        out.extend(Example(t, expect) for t in items)
    fixes = spec.get("fix", [])
    if not isinstance(fixes, list):
        raise RuleError(f"{where}: rule {code}: 'fix' must be a list of {{input, output}} tables")
    for fix in fixes:
        if not isinstance(fix, dict) or set(fix) != {"input", "output"}:
            raise RuleError(f"{where}: rule {code}: each 'fix' example needs exactly 'input' and 'output'")
        out.append(Example(fix["input"], "remove", fix["output"]))
    return tuple(out)


def parse_pack(raw: str, source: str, *, trusted: bool = False, base: Path | None = None) -> Pack:
    """Parse and validate a pack. A user pack's patterns are compiled and checked now,
    not mid-run; ``trusted`` (the shipped packs, whose tests compile and check every
    pattern) defers compiling to the rule's first use, which keeps start-up short.
    ``base``: the folder relative paths in the pack (a scorer's model) start from."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise RuleError(f"{source}: nested too deep to read as TOML; a pack is a [pack] table and "
                        "[[rule]] tables of strings and lists") from exc
    for key in data:
        if key not in TOP_KEYS:
            raise RuleError(f"{source}: unknown top-level key '{key}'{_suggest(key, TOP_KEYS)}")
    vocab = {**vocabulary.shipped(), **vocabulary.read(data.get("vocab", {}), source)}
    signals = {**vocabulary.shipped_signals(), **vocabulary.read_signals(data.get("signals", {}), source, vocab)}
    head = data.get("pack")
    if not isinstance(head, dict) or not isinstance(head.get("name"), str):
        raise RuleError(f"{source}: a pack starts with a [pack] table that has a 'name'")
    for key in head:
        if key not in PACK_KEYS:
            raise RuleError(f"{source}: [pack]: unknown key '{key}'{_suggest(key, PACK_KEYS)}")
    pack_name = head["name"]
    prefix = head.get("prefix")
    if prefix is not None and not (isinstance(prefix, str) and re.fullmatch(r"[A-Z]{2,4}", prefix)):
        raise RuleError(f"{source}: [pack]: 'prefix' must be two to four capital letters, like 'HG'")
    rules: list[Rule] = []
    seen: set[str] = set()
    specs = data.get("rule", [])
    if not isinstance(specs, list) or not all(isinstance(r, dict) for r in specs):
        raise RuleError(f"{source}: 'rule' must be [[rule]] tables, one per rule")
    lines = _code_lines(raw)
    for spec in specs:
        code = spec.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise RuleError(f"{source}: every rule needs a 'code' like 'AB123', got {code!r}")
        where = f"{source}:{lines.get(code, 0)}"
        spec = vocabulary.expand_rule(spec, vocab, f"{where}: rule {code}", signals)
        if code in seen:
            raise RuleError(f"{where}: duplicate rule code {code}")
        if prefix and not code.startswith(prefix):
            raise RuleError(f"{where}: rule {code}: the pack's prefix is '{prefix}'; give the rule a code like "
                            f"'{prefix}{code[-3:]}'")
        seen.add(code)
        kind = spec.get("kind")
        if kind not in KINDS:
            raise RuleError(f"{where}: rule {code}: 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
        own = KINDS[kind].keys
        allowed = COMMON_KEYS | set(own)
        for key in spec:
            if key not in allowed:
                elsewhere = kinds_accepting(key)
                hint = (f"; kinds that accept it: {', '.join(elsewhere)}" if elsewhere else _suggest(key, allowed))
                raise RuleError(f"{where}: rule {code}: unknown key '{key}' for kind '{kind}'{hint}")
        name = spec.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise RuleError(f"{where}: rule {code}: 'name' must be kebab-case, got {name!r}")
        for key in ("message", "why"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise RuleError(f"{where}: rule {code}: '{key}' is required")
        triggers = spec.get("triggers", [])
        if not isinstance(triggers, list) or not all(isinstance(t, str) and t for t in triggers):
            raise RuleError(f"{where}: rule {code}: 'triggers' must be a list of literal words")
        if not KINDS[kind].triggered and triggers:
            # Selectors find the elements, echoes compare lines, a scorer reads every
            # line: words would never be looked at, so refuse them.
            raise RuleError(f"{where}: rule {code}: a rule of kind '{kind}' is not found by words: remove its 'triggers'")
        if not triggers and KINDS[kind].triggered:
            # Without triggers a rule runs on every line: the prefilter exists to avoid that.
            raise RuleError(f"{where}: rule {code}: 'triggers' is required (literal words the rule cannot match without)")
        if spec.get("action", "remove") not in ("remove", "flag"):
            raise RuleError(f"{where}: rule {code}: 'action' must be 'remove' or 'flag'")
        if spec.get("case", "ignore") not in ("ignore", "exact"):
            raise RuleError(f"{where}: rule {code}: 'case' must be 'ignore' or 'exact'")
        replaces = spec.get("replaces", [])
        if not isinstance(replaces, list) or not all(isinstance(c, str) and CODE_RE.match(c) for c in replaces):
            raise RuleError(f"{where}: rule {code}: 'replaces' must be a list of retired rule codes like 'AB123'")
        examples = _examples(where, code, spec)
        if KINDS[kind].needs_examples:
            if not any(e.expect == "remove" for e in examples):
                raise RuleError(f"{where}: rule {code}: needs at least one 'remove' (or 'fix') example")
            if not any(e.expect == "keep" for e in examples):
                raise RuleError(f"{where}: rule {code}: needs at least one 'keep' example")
        requires = spec.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(c, str) for c in requires):
            raise RuleError(f"{where}: rule {code}: 'requires' must be a list of detector codes")
        options = dict(own)
        options.update({k: v for k, v in spec.items() if k in own or k in ("case", "replaces")})
        if isinstance(options.get("model"), str) and options["model"]:
            # A model file sits beside its pack (without a base: beside the source named).
            options["model"] = str((base if base is not None else Path(source).parent) / options["model"])
        lowered = tuple(t.lower() for t in triggers)
        rule = Rule(code=code, name=name, pack=pack_name, kind=kind, message=spec["message"].strip(),
                    why=spec["why"].strip(), triggers=lowered, examples=examples,
                    options=options, source=where, action=spec.get("action", "remove"))
        if not trusted:
            compile_rule(rule, check=True)  # validates patterns and options now, not mid-run
            check_rule(rule)  # refuses patterns that can backtrack exponentially
        rules.append(rule)
    if not rules:
        raise RuleError(f"{source}: pack '{pack_name}' has no [[rule]] entries")
    return Pack(name=pack_name, description=str(head.get("description", "")), rules=tuple(rules), source=source)


def load_pack_file(path: str | Path) -> Pack:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"{p}: cannot read rule pack: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise RuleError(f"{p}: rule pack is not UTF-8 text: {exc}") from exc
    return parse_pack(raw, str(p), base=p.parent)


def default_pack_names() -> list[str]:
    root = importlib.resources.files("cleaner.packs")
    return sorted(f.name[:-5] for f in root.iterdir() if f.name.endswith(".toml") and f.name[:-5] != vocabulary.SHIPPED)


def load_default_packs() -> list[Pack]:
    root = importlib.resources.files("cleaner.packs")
    packs = []
    for name in default_pack_names():
        res = root / f"{name}.toml"
        packs.append(parse_pack(res.read_text(encoding="utf-8"), f"rules/{name}.toml", trusted=True,
                                base=Path(str(root))))
    return packs


def check_codes_unique(packs: Iterable[Pack]) -> None:
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            # A retired code a rule replaces stays taken: a selector naming it means that rule.
            for code in (rule.code, *rule.options.get("replaces", ())):
                if code in seen:
                    raise RuleError(f"{rule.source}: rule code {code} is already used by {seen[code]}")
                seen[code] = rule.source
