"""Shared helpers for the speed and memory benchmarks: the input texts and the ``clean`` child.

The texts are the scrapinghub extractor outputs (newspaper, goose3, html-text), every
non-empty ``articleBody``, interleaved by document id so that any prefix of the corpus
mixes all three extractors. Larger corpora repeat that sequence. Sizes are in decimal
megabytes (10**6 bytes of UTF-8 text), the unit ``clean --profile`` prints.

The corpus stays outside the repo (``../shared/corpora/...`` from the repo root); the
benchmarks write their inputs to a temporary folder and delete it afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MB = 1_000_000


# bench/ is a folder of scripts: siblings import by name with it on the path.
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
import eval_text  # noqa: E402

DEFAULT_CORPUS: Path = eval_text.DEFAULT_CORPUS
SOURCES: tuple[str, ...] = eval_text.SOURCES


# --- texts ---------------------------------------------------------------------------------


def load_texts(corpus_dir: Path) -> list[str]:
    """Every non-empty articleBody of the three extractor outputs, interleaved by id."""
    outputs = [eval_text.load_predictions(corpus_dir, s) for s in SOURCES]
    ids = sorted(set().union(*outputs))
    return [out[i] for i in ids for out in outputs if out.get(i)]


def repeat_to(texts: Sequence[str], target_bytes: int) -> list[str]:
    """Whole documents from ``texts``, cycled, until their UTF-8 size reaches the target."""
    if not texts:
        raise ValueError("no texts to repeat")
    sizes = [len(t.encode("utf-8")) for t in texts]
    out: list[str] = []
    total = 0
    i = 0
    while total < target_bytes:
        out.append(texts[i % len(texts)])
        total += sizes[i % len(texts)]
        i += 1
    return out


def nbytes(texts: Sequence[str]) -> int:
    return sum(len(t.encode("utf-8")) for t in texts)


def records(texts: Sequence[str], start: int = 0) -> Iterator[bytes]:
    """One JSONL line per text: {"id": n, "text": ...} (``clean``'s default --text-field)."""
    for n, text in enumerate(texts, start):
        yield (json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n").encode("utf-8")


def write_txt_dir(texts: Sequence[str], folder: Path) -> None:
    """One document per .txt file. Zero-padded names keep discovery order = corpus order."""
    folder.mkdir(parents=True, exist_ok=True)
    width = len(str(len(texts)))
    for n, text in enumerate(texts):
        (folder / f"{n:0{width}d}.txt").write_bytes(text.encode("utf-8"))


def write_jsonl(texts: Sequence[str], path: Path) -> int:
    """All texts as one JSONL file; returns its size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with path.open("wb") as f:
        for line in records(texts):
            f.write(line)
            size += len(line)
    return size


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


# --- the clean child process -------------------------------------------------------------------


def clean_command() -> list[str]:
    """The installed ``clean`` script beside this interpreter, else ``python -m cleaner``.

    Not the one found on PATH: under pyenv that is a shell shim that adds its own
    start-up time, which is not the cleaner's.
    """
    script = Path(sys.executable).parent / "clean"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "cleaner"]


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    maxrss_bytes: int  # the largest single process: the child or any worker it reaped
    tree_peak_bytes: int  # sampled sum over the child and its live descendants
    returncode: int
    stderr: str


def _descendants(pid: int) -> list[int]:
    """pid and all its live descendants, via /proc/<pid>/task/<tid>/children (Linux)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            tids = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                continue
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree. ru_maxrss only gives the largest single
    process, which understates what ``-j 2`` (parent plus workers) holds at once."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self._done.is_set():
            self.peak = max(self.peak, sum(_rss_bytes(p) for p in _descendants(self.pid)))
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def run_clean(args: Sequence[str], *, sample_tree: bool = False) -> ChildRun:
    """Run ``clean ARGS`` and time it, start-up included. Peak RSS comes from os.wait4 on
    this very child, so several runs in one benchmark do not share one maximum (as
    RUSAGE_CHILDREN would)."""
    cmd = [*clean_command(), *args]
    # stderr to a file rather than a pipe: a chatty child cannot block on a full pipe.
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=devnull, stderr=err)
        sampler = _TreeSampler(proc.pid) if sample_tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if sampler:
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        message = err.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB (macOS in bytes; these benchmarks target Linux).
    maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return ChildRun(seconds, maxrss, sampler.peak if sampler else 0, proc.returncode, message)


def check(run: ChildRun, what: str) -> ChildRun:
    if run.returncode != 0:
        raise RuntimeError(f"{what}: clean exited {run.returncode}\n{run.stderr[-2000:]}")
    return run
