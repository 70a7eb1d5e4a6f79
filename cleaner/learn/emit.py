"""Writing candidates as an ordinary rule pack (TOML), checked before it is returned.

Each candidate becomes one ``line`` rule (full match, so the line embedded in a longer
sentence is never touched): its pattern is the key made back into a regex, its trigger
the longest literal word of the key, its ``remove`` examples the corpus lines it was
learned from and its ``keep`` example one of them inside a longer sentence. The pack is
then loaded with the default packs beside it and every rule's examples are run; a rule
that fails (most often: a default rule already removes the line, so the learned rule
adds nothing) is left out and named in ``Emitted.dropped``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..engine import Cleaner
from ..examples import check_rule
from ..kinds import RuleError
from ..loader import parse_pack
from ..model import Pack
from .count import CORPUS
from .mine import Candidate, LearnOptions
from .normalise import display, literal_words, pattern_for

MAX_REMOVE_EXAMPLES = 2


@dataclass(frozen=True, slots=True)
class Emitted:
    text: str  # the pack, TOML; "" when no rule survived
    rules: tuple[Candidate, ...]  # in code order
    dropped: tuple[tuple[Candidate, str], ...]  # candidate, why it was left out


def _toml_str(s: str) -> str:
    # JSON strings are TOML basic strings, except that TOML also wants DEL escaped.
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_pattern(p: str) -> str:
    """Literal strings read as written (as in the hand-written packs) when they can."""
    if "'" not in p and "\n" not in p and not regex.search(r"[\x00-\x1f\x7f]", p):
        return f"'{p}'"
    return _toml_str(p)


def _slug(key: str) -> str:
    words = regex.findall(r"[a-z0-9]+", " ".join(literal_words(key)).encode("ascii", "ignore").decode())
    return "-".join(words[:5])


def _trigger(key: str) -> str:
    # The longest literal word: every matching line contains it, and long words are rare.
    words = [w for w in literal_words(key) if len(w) >= 2]
    return max(words, key=len)  # max keeps the first of equally long words


def _why(c: Candidate) -> str:
    where = []
    for scope, docs, total in c.scopes:
        name = "the corpus" if scope == CORPUS else scope
        where.append(f"{docs} of {total} documents of {name} ({docs / max(total, 1):.0%})")
    sites = f"; sample sites: {', '.join(c.sites[:5])}" if c.sites else ""
    return (f"Learned by `clean learn`: seen in {'; '.join(where)}; {c.head:.0%} of occurrences among a "
            f"document's first lines, {c.tail:.0%} among its last{sites}. Review before committing.")


def _rule(code: str, name: str, c: Candidate, options: LearnOptions) -> str:
    pattern = pattern_for(c.key)
    compiled = regex.compile(pattern, regex.IGNORECASE)
    removes = [s for s in c.samples if compiled.fullmatch(s)][:MAX_REMOVE_EXAMPLES]
    keep = f"The notice {removes[0] if removes else display(c.key)} was cited in a longer sentence, which stays."
    lines = [
        "[[rule]]",
        f'code = "{code}"',
        f'name = "{name}"',
        'kind = "line"',
        f"triggers = [{_toml_str(_trigger(c.key))}]",
        "# Full match only: the same words inside a longer line are prose and stay.",
        f"patterns = [{_toml_pattern(pattern)}]",
        f"max_chars = {options.max_length}",
        f"message = {_toml_str('Recurring line: ' + display(c.key)[:80])}",
        f"why = {_toml_str(_why(c))}",
        f"remove = [{', '.join(_toml_str(s) for s in removes)}]",
        f"keep = [{_toml_str(keep)}]",
    ]
    return "\n".join(lines)


def _render(chosen: Sequence[Candidate], options: LearnOptions, name: str) -> tuple[str, list[str]]:
    head = "\n".join([
        "# Learned from a corpus by `clean learn`: every rule is a line that recurred across",
        "# many documents. Read each one before committing: a learned rule can be article text.",
        "[pack]",
        f"name = {_toml_str(name)}",
        f"description = {_toml_str(f'{len(chosen)} recurring lines learned by clean learn')}",
        f'prefix = "{options.prefix}"',
    ])
    codes, names, blocks = [], set(), [head]
    for i, c in enumerate(chosen, 1):
        code = f"{options.prefix}{i:03d}"
        base = f"learned-{_slug(c.key) or 'line'}"
        rname = base if base not in names else f"{base}-{code.lower()}"
        names.add(rname)
        codes.append(code)
        blocks.append(_rule(code, rname, c, options))
    return "\n\n".join(blocks) + "\n", codes


def emit(candidates: Sequence[Candidate], options: LearnOptions, *, name: str = "learned",
         base: Cleaner | None = None) -> Emitted:
    """The pack text for ``candidates`` (kept in their order), every rule's examples
    checked with ``base``'s packs beside it (default: the default packs)."""
    base_packs: list[Pack] = list(base.packs) if base is not None else list(Cleaner().packs)
    dropped: list[tuple[Candidate, str]] = []
    chosen = []
    for c in candidates:
        words = [w for w in literal_words(c.key) if len(w) >= 2]
        if not words:
            dropped.append((c, "no literal word to trigger on"))
        elif not any(regex.fullmatch(pattern_for(c.key), s, regex.IGNORECASE) for s in c.samples):
            dropped.append((c, "its pattern does not match the lines it was learned from"))
        else:
            chosen.append(c)
    # Checking can drop rules, which renumbers the rest; the next round checks the pack as
    # written. Each round drops at least one rule, so this ends.
    while True:
        if not chosen:
            return Emitted("", (), tuple(dropped))
        text, codes = _render(chosen, options, name)
        pack = parse_pack(text, f"<learned pack {name}>")
        try:
            cleaner = Cleaner(packs=[*base_packs, pack])
        except RuleError as exc:  # a code the base packs use already
            raise ValueError(f"{exc}; choose another --prefix") from exc
        failing = {}
        for rule in pack.rules:
            problems = check_rule(cleaner, rule)
            if problems:
                failing[rule.code] = problems[0].problem
        if not failing:
            return Emitted(text, tuple(chosen), tuple(dropped))
        by_code = dict(zip(codes, chosen, strict=True))
        dropped += [(by_code[code], problem) for code, problem in sorted(failing.items())]
        chosen = [c for code, c in zip(codes, chosen, strict=True) if code not in failing]
