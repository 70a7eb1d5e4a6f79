"""JSON Lines records from one stream to another (``clean - --stdin-format jsonl``).

The same per-record cleaning as a .jsonl file under ``-o`` (cleaner.records), one record
at a time, so a pipeline sees each record as soon as it is cleaned. Nothing is printed:
bad records pass through unchanged and are counted in the returned RunSummary, for the
caller to report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from .engine import Cleaner
from .records import clean_record
from .report import RunSummary


def clean_records(cleaner: Cleaner, lines: Iterable[bytes], out: BinaryIO, reports: BinaryIO | None,
                  path: tuple[str, ...], report_field: str | None, name: str = "-") -> RunSummary:
    """Clean each line of ``lines`` as a record and write it to ``out``; the side report
    lines go to ``reports`` (none when ``report_field`` puts them in the records)."""
    summary = RunSummary()
    for lineno, raw in enumerate(lines, 1):
        outcome = clean_record(cleaner, lineno, raw, path, report_field)
        if outcome.error is not None:
            summary.fail(f"{name}:{lineno}", outcome.error, record=True)
        elif outcome.stats is not None:
            summary.add(outcome.stats, record=True)
        out.write(outcome.output)
        if reports is not None and outcome.report is not None:
            reports.write(outcome.report)
    return summary
