#!/usr/bin/env python3
"""Peak memory of ``clean`` on a large JSONL file: streaming should keep it flat.

Writes a JSONL file of ``--gb`` GB (10**9 bytes) to a temporary folder by repeating the
scrapinghub extractor-output records, streamed to disk, then runs
``clean DIR -o OUT -q -j 1`` (and with ``--j2`` also ``-j 2``) as a child process and
reports its peak RSS, the input size and the wall time. PASS when every run's peak RSS
is under ``--limit-mb`` (300). A small reference run (``--baseline-gb``, a tenth of
``--gb`` by default) shows whether the peak grows with the input.

    python bench/memory.py --gb 0.05      # quick check, seconds
    python bench/memory.py                # 1 GB: minutes, and about 3 GB of disk
    python bench/memory.py --j2 --json

Peak RSS is the child's ru_maxrss from os.wait4: the largest single process, the cleaner
or any worker it reaped. With -j 2 the parent and its workers are alive together, so the
summed RSS of the process tree, sampled every 0.1 s from /proc, is reported beside it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

GB = 1_000_000_000
MiB = 1 << 20  # write buffer
MB = 1_000_000  # RSS is reported in decimal MB, like the sizes


sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ holds scripts, not a package
import corpus as cp  # noqa: E402


@dataclass
class MemRun:
    label: str
    jobs: int
    input_bytes: int
    records: int
    seconds: float
    peak_rss_mb: float
    tree_peak_mb: float
    records_cleaned: int | None
    passed: bool

    @property
    def mb_s(self) -> float:
        return self.input_bytes / 1e6 / self.seconds if self.seconds > 0 else float("inf")


# --- input -----------------------------------------------------------------------------------


def write_big_jsonl(texts: list[str], path: Path, target_bytes: int) -> tuple[int, int]:
    """Cycle the records into ``path`` until it holds ``target_bytes``; returns (bytes, records).

    Streamed line by line so the generator's own memory stays small; each text is JSON-
    encoded once and only the id prefix changes, which keeps generation I/O-bound.
    """
    bodies = [json.dumps(t, ensure_ascii=False).encode("utf-8") for t in texts]
    size = records = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb", buffering=MiB) as f:
        while size < target_bytes:
            line = b'{"id": %d, "text": %s}\n' % (records, bodies[records % len(bodies)])
            f.write(line)
            size += len(line)
            records += 1
    return size, records


# --- runs ------------------------------------------------------------------------------------


def measure(label: str, in_dir: Path, out: Path, jobs: int, input_bytes: int, records: int,
            limit_mb: float) -> MemRun:
    if out.exists():
        shutil.rmtree(out)
    run = cp.check(cp.run_clean([str(in_dir), "-o", str(out), "-q", "-j", str(jobs)], sample_tree=True),
                   f"clean -j {jobs}")
    cleaned = _records_cleaned(out)
    shutil.rmtree(out)  # the output is as large as the input: free it before the next run
    peak = run.maxrss_bytes / MB
    return MemRun(label, jobs, input_bytes, records, run.seconds, peak, run.tree_peak_bytes / MB,
                  cleaned, peak < limit_mb)


def _records_cleaned(out: Path) -> int | None:
    """From run-summary.json, to show the whole file went through (None if unreadable)."""
    try:
        summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = summary.get("records")
    return value if isinstance(value, int) else None


def run_all(args: argparse.Namespace, texts: list[str], work: Path, say: Callable[[str], None]) -> list[MemRun]:
    results: list[MemRun] = []
    sizes = [("baseline", args.baseline_gb)] if args.baseline_gb > 0 else []
    sizes.append(("main", args.gb))
    for label, gb in sizes:
        in_dir = work / f"in-{label}"
        say(f"writing {gb:g} GB of JSONL")
        nbytes, nrec = write_big_jsonl(texts, in_dir / "big.jsonl", int(gb * GB))
        for jobs in [1, 2] if args.j2 else [1]:
            say(f"clean -j {jobs} on {nbytes / GB:.3f} GB")
            results.append(measure(label, in_dir, work / "out", jobs, nbytes, nrec, args.limit_mb))
        shutil.rmtree(in_dir)
    return results


def growth(results: list[MemRun], jobs: int) -> float | None:
    """Peak RSS of the main run over the baseline's: ~1 when memory does not follow input size."""
    by = {r.label: r for r in results if r.jobs == jobs}
    if "baseline" in by and "main" in by and by["baseline"].peak_rss_mb > 0:
        return by["main"].peak_rss_mb / by["baseline"].peak_rss_mb
    return None


# --- output ----------------------------------------------------------------------------------


def format_table(results: list[MemRun], args: argparse.Namespace) -> str:
    head = (f"{'run':<8} | {'-j':>2} | {'input GB':>8} | {'records':>9} | {'cleaned':>9} | {'seconds':>8} | "
            f"{'MB/s':>6} | {'peak RSS MB':>11} | {'tree MB':>7} | verdict")
    lines = [f"clean peak memory on JSONL (limit {args.limit_mb:g} MB per process)", head, "-" * len(head)]
    for r in results:
        cleaned = "?" if r.records_cleaned is None else f"{r.records_cleaned:,}"
        lines.append(f"{r.label:<8} | {r.jobs:>2} | {r.input_bytes / GB:8.3f} | {r.records:>9,} | {cleaned:>9} | "
                     f"{r.seconds:8.2f} | {r.mb_s:6.2f} | {r.peak_rss_mb:11.1f} | {r.tree_peak_mb:7.1f} | "
                     f"{'PASS' if r.passed else 'FAIL'}")
    for jobs in sorted({r.jobs for r in results}):
        g = growth(results, jobs)
        if g is not None:
            lines.append(f"-j {jobs}: peak RSS x{g:.2f} from baseline to main input "
                         f"(x{args.gb / args.baseline_gb:.0f} the input)")
    lines.append("peak RSS = largest single process (ru_maxrss via wait4); tree = summed RSS of the "
                 "child and its workers, sampled every 0.1 s")
    lines.append("PASS" if all(r.passed for r in results) else "FAIL")
    return "\n".join(lines)


def to_json(results: list[MemRun], args: argparse.Namespace) -> dict[str, Any]:
    return {
        "config": {"gb": args.gb, "baseline_gb": args.baseline_gb, "limit_mb": args.limit_mb, "j2": args.j2,
                   "corpus": str(args.corpus), "clean": " ".join(cp.clean_command())},
        "runs": [{**asdict(r), "mb_s": round(r.mb_s, 3)} for r in results],
        "growth": {str(j): growth(results, j) for j in sorted({r.jobs for r in results})},
        "passed": all(r.passed for r in results),
    }


# --- command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=cp.DEFAULT_CORPUS, help="benchmark directory")
    p.add_argument("--gb", type=float, default=1.0, help="JSONL input size in GB (default 1.0)")
    p.add_argument("--baseline-gb", type=float, default=None,
                   help="size of the reference run (default: a tenth of --gb; 0 skips it)")
    p.add_argument("--j2", action="store_true", help="also run with -j 2")
    p.add_argument("--limit-mb", type=float, default=300.0, help="PASS below this peak RSS in MB (10**6 bytes)")
    p.add_argument("--tmp", type=Path, default=None, help="where to write the temporary input")
    p.add_argument("--json", action="store_true", help="print machine-readable figures")
    args = p.parse_args(argv)
    if args.gb <= 0:
        p.error("--gb must be positive")
    if args.baseline_gb is None:
        args.baseline_gb = args.gb / 10
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.corpus / "output").is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    tmp_root = args.tmp or Path(tempfile.gettempdir())
    # Input + output + the side report of edits, with room to spare: one size at a time.
    need, free = int(3.5 * args.gb * GB) + 500 * 10**6, cp.free_bytes(tmp_root)
    if free < need:
        print(f"not enough space in {tmp_root}: need about {need / GB:.1f} GB, {free / GB:.1f} GB free "
              "(use --tmp elsewhere or a smaller --gb)", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def say(what: str) -> None:
        if not args.json:
            print(f"[{time.perf_counter() - started:6.1f}s] {what} ...", file=sys.stderr, flush=True)

    texts = cp.load_texts(args.corpus)
    with tempfile.TemporaryDirectory(prefix="cleaner-memory-", dir=tmp_root) as work:
        results = run_all(args, texts, Path(work), say)
    print(json.dumps(to_json(results, args), indent=2) if args.json else format_table(results, args))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
