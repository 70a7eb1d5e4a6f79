"""Issue 6, fault injection: a run killed mid-way, or hitting a full disk, loses nothing
and leaves no partial file; running the same command again completes the job."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import cleaner.files as files
from cleaner.cli import main
from cleaner.interrupts import sweep_stale

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def make_inputs(src: Path, n: int, copies: int = 1) -> None:
    """``n`` text files built from the seeds, and one JSONL file of the same texts."""
    src.mkdir()
    texts = [p.read_text(encoding="utf-8") * copies for p in SEEDS]
    for i in range(n):
        (src / f"doc{i:04d}.txt").write_text(texts[i % len(texts)] + f"\n\nDocument {i}.\n", encoding="utf-8")
    with open(src / "records.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": i, "text": texts[i % len(texts)]}) + "\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder``; reports name their output file, so the folder's own
    path is replaced to compare runs into different folders."""
    me = str(folder).encode()
    return {str(p.relative_to(folder)): p.read_bytes().replace(me, b"OUT")
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("faults")
    src, out = base / "in", base / "ref"
    make_inputs(src, 240, copies=3)
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 0
    return src, snapshot(out)


def _complete_subset(out: Path, ref: dict[str, bytes]) -> None:
    """Whatever a stopped run left is whole: every file equals the full run's version."""
    assert leftovers(out) == []
    for name, data in snapshot(out).items():
        assert name in ref and data == ref[name], f"{name} is partial or foreign"


def _run_and_stop(src: Path, out: Path, sig: int, jobs: int, group: bool = False) -> int:
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", str(src), "-o", str(out), "-q", "-j", str(jobs)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=group)
    deadline = time.monotonic() + 60
    # Stop it once some outputs exist, well before it is done.
    while time.monotonic() < deadline and len(list(out.glob("*.txt"))) < 20 and proc.poll() is None:
        time.sleep(0.005)
    assert proc.poll() is None, "the run finished before it could be interrupted; give it more work"
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    proc.communicate(timeout=60)
    return proc.returncode


@pytest.mark.parametrize(("sig", "jobs", "group"), [
    (signal.SIGTERM, 1, False), (signal.SIGINT, 1, False), (signal.SIGTERM, 2, True), (signal.SIGINT, 2, True),
])
def test_signal_mid_run_leaves_only_whole_files_and_rerun_completes(
        tmp_path: Path, reference: tuple[Path, dict[str, bytes]], sig: int, jobs: int, group: bool) -> None:
    src, ref = reference
    out = tmp_path / "out"
    rc = _run_and_stop(src, out, sig, jobs, group)
    assert rc == 128 + sig
    _complete_subset(out, ref)
    assert "run-summary.json" not in snapshot(out)  # the run did not pretend to finish
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 0
    assert snapshot(out) == ref


def test_sigkill_leftovers_are_swept_by_the_rerun(tmp_path: Path, reference: tuple[Path, dict[str, bytes]]) -> None:
    src, ref = reference
    out = tmp_path / "out"
    rc = _run_and_stop(src, out, signal.SIGKILL, 1)
    assert rc == -signal.SIGKILL
    # SIGKILL cannot be caught: a temporary file may remain. Plant one for certain, as a
    # dead process would have left it, and check the rerun removes it.
    out.mkdir(exist_ok=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (out / f".doc0001.txt.{int(dead.stdout)}.0.tmp").write_bytes(b"half a fi")
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 0
    assert leftovers(out) == []
    assert snapshot(out) == ref


def test_sweep_keeps_live_writers_files(tmp_path: Path) -> None:
    mine = tmp_path / f".a.txt.{os.getpid()}.0.tmp"
    mine.write_bytes(b"x")
    (tmp_path / ".not-ours.tmp").write_bytes(b"x")
    assert sweep_stale(tmp_path) == 0 and mine.exists()


class _FullDisk:
    """A file object on a disk that fills up: every write stores half its bytes, then fails."""

    def __init__(self, f: Any) -> None:
        self._f = f

    def write(self, data: bytes) -> int:
        self._f.write(bytes(data)[: len(data) // 2])
        self._f.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()


def test_disk_full_loses_nothing_and_rerun_completes(tmp_path: Path, reference: tuple[Path, dict[str, bytes]],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    src, ref = reference
    out = tmp_path / "out"
    real_fdopen = os.fdopen
    calls = {"n": 0}

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        f = real_fdopen(fd, mode, *args, **kwargs)
        calls["n"] += 1
        # The disk fills after 100 files: every later write fails half-way.
        return _FullDisk(f) if calls["n"] > 100 and "w" in mode else f

    monkeypatch.setattr(files.os, "fdopen", fdopen)
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err
    _complete_subset(out, ref)
    assert 0 < len(snapshot(out)) < len(ref)
    monkeypatch.setattr(files.os, "fdopen", real_fdopen)
    assert main([str(src), "-o", str(out), "-q", "-j", "1"]) == 0
    assert snapshot(out) == ref


def test_existing_output_is_replaced_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed rewrite keeps the previous output whole (it is replaced only by a rename)."""
    target = tmp_path / "x.txt"
    target.write_bytes(b"previous complete output\n")
    real_fdopen = os.fdopen
    monkeypatch.setattr(files.os, "fdopen", lambda fd, mode="r", *a, **k: _FullDisk(real_fdopen(fd, mode, *a, **k)))
    with pytest.raises(OSError):
        files.write_atomic(target, b"new output that does not fit\n")
    assert target.read_bytes() == b"previous complete output\n"
    assert leftovers(tmp_path) == []
