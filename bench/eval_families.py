"""Boilerplate families on the project's own test articles (fixtures/families/).

Each article has must-keep and must-drop snippets (its .toml). Cleaned with the default
packs, a keep snippet must still be in the output and a drop snippet gone; a snippet
only flagged counts as kept (flags change nothing). Prints, per family and per
language: drop recall, keep precision, and the flags raised on drop lines.

    python3 bench/eval_families.py [--show N]   # N: print up to N missed drop lines
    python3 bench/eval_families.py --folder fixtures/holdout
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from cleaner import Cleaner  # noqa: E402

FIXTURES = ROOT / "fixtures" / "families"
_NAME = re.compile(r"\d+_(?P<family>.+)_(?P<lang>[a-z]{2})\.txt")


def _fold(s: str) -> str:
    return " ".join(s.split())


@dataclass
class Tally:
    drops: int = 0
    dropped: int = 0
    flagged: int = 0
    keeps: int = 0
    kept: int = 0
    traps: int = 0
    traps_untouched: int = 0


@dataclass(frozen=True)
class Outcome:
    name: str
    family: str
    lang: str
    missed: tuple[str, ...]  # drop snippets still in the output
    lost: tuple[str, ...]  # keep snippets no longer in the output
    drops: int
    keeps: int
    flagged: int
    trap: bool
    untouched: bool


def articles(folder: Path = FIXTURES) -> list[tuple[Path, dict]]:
    return [(p, tomllib.loads(p.with_suffix(".toml").read_text(encoding="utf-8")))
            for p in sorted(folder.glob("*.txt"))]


def judge(cleaner: Cleaner, path: Path, spec: dict) -> Outcome:
    m = _NAME.fullmatch(path.name)
    family, lang = (m.group("family"), m.group("lang")) if m else ("?", "?")
    text = path.read_text(encoding="utf-8")
    res = cleaner.clean(text)
    out = _fold(res.text)
    flagged_text = " ".join(_fold(f.text) for f in res.flags)
    drops = [d for d in spec.get("drop", [])]
    missed = tuple(d for d in drops if _fold(d) in out)
    flagged = sum(1 for d in missed if _fold(d) in flagged_text or any(_fold(f.text) in _fold(d) for f in res.flags))
    lost = tuple(k for k in spec.get("keep", []) if _fold(k) not in out)
    trap = family.startswith("trap")
    return Outcome(path.name, family.split("_")[0] if trap else family, lang, missed, lost, len(drops),
                   len(spec.get("keep", [])), flagged, trap, res.text == text and not res.edits)


def evaluate(cleaner: Cleaner, folder: Path = FIXTURES) -> list[Outcome]:
    return [judge(cleaner, p, spec) for p, spec in articles(folder)]


def table(outcomes: list[Outcome], key: str) -> dict[str, Tally]:
    out: dict[str, Tally] = defaultdict(Tally)
    for o in outcomes:
        t = out[getattr(o, key)]
        t.drops += o.drops
        t.dropped += o.drops - len(o.missed)
        t.flagged += o.flagged
        t.keeps += o.keeps
        t.kept += o.keeps - len(o.lost)
        t.traps += o.trap
        t.traps_untouched += o.trap and o.untouched
    return dict(sorted(out.items()))


def totals(outcomes: list[Outcome]) -> Tally:
    t = Tally()
    for row in table(outcomes, "lang").values():
        for f in vars(t):
            setattr(t, f, getattr(t, f) + getattr(row, f))
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--folder", type=Path, default=FIXTURES,
                    help="another set in the same format (default: fixtures/families)")
    args = ap.parse_args(argv)
    outcomes = evaluate(Cleaner(), args.folder)
    for key in ("family", "lang"):
        print(f"| {key} | drop lines | removed | recall | flagged | keep snippets | kept | traps untouched |")
        print("|---|---|---|---|---|---|---|---|")
        for name, t in table(outcomes, key).items():
            print(f"| {name} | {t.drops} | {t.dropped} | {t.dropped / max(t.drops, 1):.2f} | {t.flagged} | "
                  f"{t.keeps} | {t.kept} | {t.traps_untouched}/{t.traps} |")
        print()
    t = totals(outcomes)
    print(f"all: drop recall {t.dropped}/{t.drops} = {t.dropped / max(t.drops, 1):.3f}; "
          f"keep precision {t.kept}/{t.keeps} = {t.kept / max(t.keeps, 1):.4f}; "
          f"traps untouched {t.traps_untouched}/{t.traps}")
    shown = 0
    for o in outcomes:
        for d in o.missed:
            if shown < args.show:
                print(f"  missed {o.name}: {d[:110]!r}")
                shown += 1
    for o in outcomes:
        for k in o.lost:
            print(f"  LOST {o.name}: {k[:110]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
