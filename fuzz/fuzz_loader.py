"""Coverage-guided fuzzing of the rule-pack loader: any text as a pack must give a Pack
or a RuleError naming the problem, never another exception; a pack that loads must
clean its own examples without crashing.

    python3 fuzz/fuzz_loader.py -max_total_time=600 fuzz/corpus/loader
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from cleaner import Cleaner
    from cleaner.kinds import RuleError
    from cleaner.loader import parse_pack


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        pack = parse_pack(text, "fuzz.toml")
    except RuleError as exc:
        if not str(exc).startswith("fuzz.toml"):
            raise AssertionError(f"error does not name the file: {exc}") from None
        return
    try:
        cleaner = Cleaner(packs=[pack])
    except RuleError:
        return  # e.g. a repair requiring a detector the pack lacks: refused by name
    for rule in pack.rules:
        for ex in rule.examples:
            cleaner.clean(ex.text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
