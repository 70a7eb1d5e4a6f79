"""Coverage-guided fuzzing of the text path: bytes -> decode -> clean, the invariants
checked on every input. Any exception but a DecodeError is a crash.

    python3 fuzz/fuzz_engine.py -max_total_time=600 fuzz/corpus/engine   # a long run
    python3 fuzz/fuzz_engine.py -runs=1 crash-<hash>                     # replay a crash
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from cleaner import Cleaner
    from cleaner.decoding import DecodeError, decode_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import check_invariants  # noqa: E402

CLEANER = Cleaner()


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeBool():
        # Arbitrary code points, surrogates included: what a JSONL record can hold.
        text = fdp.ConsumeUnicodeNoSurrogates(len(data)) if fdp.ConsumeBool() else fdp.ConsumeUnicode(len(data))
    else:
        try:
            text = decode_bytes(fdp.ConsumeBytes(len(data))).text
        except DecodeError:
            return
    check_invariants(CLEANER, text)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
