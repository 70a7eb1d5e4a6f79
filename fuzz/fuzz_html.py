"""Coverage-guided fuzzing of the HTML path: any bytes as a page must give a result
(text and edits) or a clear error, never a crash.

    python3 fuzz/fuzz_html.py -max_total_time=600 fuzz/corpus/html
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from cleaner import Cleaner
    from cleaner.html.api import clean_html

CLEANER = Cleaner()


def test_one_input(data: bytes) -> None:
    res = clean_html(data, cleaner=CLEANER)
    if not isinstance(res.text, str):
        raise AssertionError("no text")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
