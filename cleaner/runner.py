"""Running a cleaning job over files: one process or a pool, streaming, in input order.

The runner never prints: it fills a RunSummary and calls ``progress(docs, bytes)`` as
work completes; the CLI decides what to show. With ``jobs > 1`` documents are cleaned in
worker processes and results come back in input order, so the output is the same as
with one process. At most a few batches per worker are in flight, so memory stays flat
however large a record file is.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from .documents import clean_document
from .engine import Cleaner
from .files import InputError, Job, atomic_output, open_records, read_bytes, split_name, write_atomic
from .interrupts import in_worker
from .records import clean_batch
from .report import DocStats, RunSummary, dumps, encode

T = TypeVar("T")
Progress = Callable[[int, int], None]

BATCH_LINES = 512
BATCH_BYTES = 1 << 20
PARQUET_ROWS = 1024
TEXT_CHUNK = 32


@dataclass(frozen=True, slots=True)
class RunOptions:
    out_dir: Path
    jobs: int = 1
    text_field: tuple[str, ...] = ("text",)
    report_field: str | None = None
    rejects: Path | None = None
    # Text inputs: every document's report as one line of this JSON Lines file instead
    # of a .report.json beside each output (one file created per input instead of two).
    report_stream: Path | None = None
    extractor: str = "builtin"  # HTML inputs: "builtin" or "trafilatura"


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# -- worker side ------------------------------------------------------------------

_CLEANER: Cleaner | None = None


def _init_worker(cleaner: Cleaner) -> None:
    global _CLEANER
    _CLEANER = cleaner


TextOutcome = tuple[Job, DocStats | None, str | None, int, bytes | None]


def _init_pool_worker(cleaner: Cleaner, parent: int) -> None:
    in_worker()  # signals: see cleaner.interrupts
    _die_with_parent(parent)
    _init_worker(cleaner)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the process that started it dies: a parent
    ended by SIGKILL runs no clean-up, and its workers, blocked reading a task queue whose
    other end forked siblings still hold, would live on for ever. Their temporary files
    are swept by the next run into the same folder, as after any kill."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):  # not Linux: workers end when their queue does
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _text_tasks(jobs: list[Job], out_dir: Path, stream: bool, extractor: str = "builtin") -> list[TextOutcome]:
    # Several files per task: one task per small file spent more on passing it to a
    # worker than on cleaning it.
    return [_document_task(job, out_dir, stream, extractor) for job in jobs]


def _document_task(job: Job, out_dir: Path, stream: bool, extractor: str) -> TextOutcome:
    """Clean one text file or page into ``out_dir`` (a page lands in <name>.txt):
    (job, stats, error, bytes read, the report as one JSON line when reports are streamed
    to one file, else None)."""
    assert _CLEANER is not None
    target = str(out_dir / job.rel)
    try:
        done = clean_document(_CLEANER.variant(job.ignore), read_bytes(job.source), job.format,
                              path=str(job.source), output_path=target, encoding=job.encoding, extractor=extractor)
    except InputError as exc:
        return job, None, str(exc), 0, None
    return _write_outputs(job, target, out_dir, done.text, done.report, stream, done.stats, done.nbytes)


def _write_outputs(job: Job, target: str, out_dir: Path, text: str, report: dict[str, Any], stream: bool,
                   stats: DocStats, nbytes: int) -> TextOutcome:
    """Write the clean text, and the report beside it or (streamed) as one JSON line
    returned for the parent to write in input order."""
    line = None
    try:
        write_atomic(target, text.encode("utf-8"))
        if stream:
            line = (encode(report) + "\n").encode()
        else:
            write_atomic(out_dir / job.report_rel, dumps(report).encode())
    except OSError as exc:
        return job, None, f"cannot write its output: {exc.strerror or exc}", 0, None
    return job, stats, None, nbytes, line


@dataclass(frozen=True, slots=True)
class _Batch:
    """What a worker sends back for a batch of records: the bytes to write, already
    joined, the records it could not clean, and counts. Not one object per record: the
    parent's share of the work is what limits scaling across cores."""

    output: bytes
    report: bytes
    bad: tuple[tuple[int, str, bytes], ...]  # (line number, reason, raw line)
    summary: RunSummary
    nbytes: int
    records: int


def _record_task(batch: list[tuple[int, bytes]], path: tuple[str, ...], report_field: str | None,
                 reject: bool, ignore: tuple[str, ...] = ()) -> _Batch:
    assert _CLEANER is not None
    out, rep, bad = [], [], []
    part = RunSummary()
    for o in clean_batch(_CLEANER.variant(ignore), batch, path, report_field):
        if o.error is not None:
            bad.append((o.lineno, o.error, o.raw if o.raw.endswith(b"\n") else o.raw + b"\n"))
            if reject:
                continue
        elif o.stats is not None:
            part.add(o.stats, record=True)
        out.append(o.output)
        if o.report is not None:
            rep.append(o.report)
    return _Batch(b"".join(out), b"".join(rep), tuple(bad), part, sum(len(r) for _, r in batch), len(batch))


def _texts_task(texts: list[str | None], ignore: tuple[str, ...] = ()) -> list[tuple[str | None, str | None, DocStats | None]]:
    """Parquet rows: (clean text, details as JSON or None, stats); None rows pass."""
    assert _CLEANER is not None
    cleaner = _CLEANER.variant(ignore)
    out: list[tuple[str | None, str | None, DocStats | None]] = []
    for t in texts:
        if t is None:
            out.append((None, None, None))
            continue
        res = cleaner.clean(t)
        details = None
        if res.edits or res.flags:
            parts: dict[str, object] = {"edits": [e.to_dict() for e in res.edits],
                                        "flags": [f.to_dict() for f in res.flags], "counts": res.counts}
            if res.evidence:
                parts["evidence"] = [e.to_dict() for e in res.evidence]
            details = json.dumps(parts, ensure_ascii=False)
        out.append((res.text, details, DocStats.of(res)))
    return out


# -- parent side ------------------------------------------------------------------

class _Inline(Executor):
    """Runs tasks in this process: --jobs 1 takes exactly the code path of the pool."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        fut: Future[T] = Future()
        fut.set_result(fn(*args, **kwargs))
        return fut


def _ordered(pool: Executor, fn: Callable[..., T], items: Iterable[tuple[Any, ...]], window: int) -> Iterator[T]:
    """Results of ``fn(*item)`` in input order, with at most ``window`` tasks in flight."""
    pending: deque[Future[T]] = deque()
    for item in items:
        pending.append(pool.submit(fn, *item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _make_pool(cleaner: Cleaner, jobs: int) -> Executor:
    _init_worker(cleaner)
    if jobs <= 1:
        return _Inline()
    # fork hands each worker the compiled cleaner for free; elsewhere it is rebuilt
    # from its arguments (Cleaner pickles that way).
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_pool_worker,
                               initargs=(cleaner, os.getpid()))


def run(cleaner: Cleaner, jobs: list[Job], opts: RunOptions, summary: RunSummary,
        progress: Progress | None = None) -> None:
    """Clean every job into ``opts.out_dir``; failures are counted, never raised."""
    tick = progress or (lambda docs, nbytes: None)
    pool = _make_pool(cleaner, opts.jobs)
    window = max(2, opts.jobs * 4)
    try:
        with ExitStack() as stack:
            rejects = stack.enter_context(atomic_output(opts.rejects)) if opts.rejects else None
            stream = opts.report_stream
            reports = (stack.enter_context(atomic_output(stream, split_name(stream.name)[2]))
                       if stream else None)
            for job in jobs:
                if job.refused:
                    summary.fail(str(job.source), job.refused)
            jobs = [j for j in jobs if not j.refused]
            texts = [j for j in jobs if j.format in ("text", "html")]
            chunks = [(texts[k : k + TEXT_CHUNK], opts.out_dir, stream is not None, opts.extractor)
                      for k in range(0, len(texts), TEXT_CHUNK)]
            for results in _ordered(pool, _text_tasks, chunks, window):
                for job, stats, error, nbytes, line in results:
                    if error is not None:
                        summary.fail(str(job.source), error)
                    else:
                        assert stats is not None
                        summary.add(stats)
                        if reports is not None and line is not None:
                            reports.write(line)
                    tick(1, nbytes or _size(job.source))
            for job in jobs:
                if job.format == "jsonl":
                    _run_records(pool, job, opts, summary, tick, rejects, window)
                elif job.format == "parquet":
                    _run_parquet(pool, job, opts, summary, tick, window)
    finally:
        # After an interrupt, queued tasks are dropped; running ones finish their files.
        pool.shutdown(cancel_futures=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _batches(stream: BinaryIO) -> Iterator[tuple[list[tuple[int, bytes]]]]:
    batch: list[tuple[int, bytes]] = []
    size = 0
    for n, raw in enumerate(stream, 1):
        batch.append((n, raw))
        size += len(raw)
        if len(batch) >= BATCH_LINES or size >= BATCH_BYTES:
            yield (batch,)
            batch, size = [], 0
    if batch:
        yield (batch,)


def _run_records(pool: Executor, job: Job, opts: RunOptions, summary: RunSummary, tick: Progress,
                 rejects: BinaryIO | None, window: int) -> None:
    comp = split_name(job.rel.name)[2]
    try:
        stream = open_records(job.source)
    except OSError as exc:
        summary.fail(str(job.source), f"cannot read: {exc.strerror or exc}")
        return
    try:
        with stream, atomic_output(opts.out_dir / job.rel, comp) as out, \
                atomic_output(opts.out_dir / job.report_rel, comp) as report:
            reject = rejects is not None
            tasks = ((batch, opts.text_field, opts.report_field, reject, job.ignore) for (batch,) in _batches(stream))
            for result in _ordered(pool, _record_task, tasks, window):
                for lineno, reason, raw in result.bad:
                    summary.fail(f"{job.source}:{lineno}", reason, record=True)
                    if rejects is not None:
                        rejects.write(raw)
                summary.merge(result.summary)
                out.write(result.output)
                report.write(result.report)
                tick(result.records, result.nbytes)
    except (OSError, EOFError, ValueError) as exc:
        # A truncated or corrupt compressed stream: nothing half-written is left behind.
        summary.fail(str(job.source), f"cannot read: {exc or type(exc).__name__}")


def _run_parquet(pool: Executor, job: Job, opts: RunOptions, summary: RunSummary, tick: Progress,
                 window: int) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        summary.fail(str(job.source), "Parquet needs pyarrow: pip install 'scrape-cleaner[parquet]'")
        return
    if len(opts.text_field) != 1:
        summary.fail(str(job.source), "Parquet columns are top-level: --text-field takes no dots here")
        return
    column = opts.text_field[0]
    try:
        src = pq.ParquetFile(job.source)
    except (OSError, pa.ArrowException) as exc:
        summary.fail(str(job.source), f"cannot read Parquet: {exc}")
        return
    if column not in src.schema_arrow.names:
        summary.fail(str(job.source), f"no column {column!r}; set --text-field")
        return
    schema = src.schema_arrow
    kind = schema.field(column).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        summary.fail(str(job.source), f"column {column!r} holds {kind}, not text; set --text-field")
        return
    if opts.report_field:
        schema = schema.append(pa.field(opts.report_field, pa.string()))
    out_path = opts.out_dir / job.rel
    try:
        with atomic_output(out_path) as out, atomic_output(opts.out_dir / job.report_rel) as report:
            writer = pq.ParquetWriter(out, schema)
            row = 0
            batches = ((b,) for b in src.iter_batches(batch_size=PARQUET_ROWS))
            # Clean each batch's text column in the pool, in order.
            def task(batch: Any) -> tuple[Any, Future[Any]]:
                return batch, pool.submit(_texts_task, batch.column(column).to_pylist(), job.ignore)

            pending: deque[tuple[Any, Future[Any]]] = deque()

            def drain(item: tuple[Any, Future[Any]]) -> None:
                nonlocal row
                batch, fut = item
                cleaned = fut.result()
                for _text, details, stats in cleaned:
                    if stats is not None:
                        summary.add(stats, record=True)
                    if details is not None and not opts.report_field:
                        report.write((json.dumps({"row": row, **json.loads(details)}, ensure_ascii=False) + "\n").encode())
                    row += 1
                idx = batch.schema.get_field_index(column)
                arrays = list(batch.columns)
                arrays[idx] = pa.array([c[0] for c in cleaned], type=batch.schema.field(column).type)
                if opts.report_field:
                    arrays.append(pa.array([c[1] for c in cleaned], type=pa.string()))
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
                tick(len(cleaned), sum(len(c[0] or "") for c in cleaned))

            try:
                for (b,) in batches:
                    pending.append(task(b))
                    if len(pending) >= window:
                        drain(pending.popleft())
                while pending:
                    drain(pending.popleft())
            finally:
                writer.close()
    except (OSError, pa.ArrowException) as exc:
        # A corrupt page or column chunk: the outputs are not kept, the run goes on.
        summary.fail(str(job.source), f"cannot read Parquet: {exc}")
