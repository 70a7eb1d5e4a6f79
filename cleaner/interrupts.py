"""Stopping a run cleanly on SIGINT, SIGTERM or SIGHUP.

Every output is written to a temporary file and renamed into place (cleaner.files), and
the temporary file is removed when an exception unwinds through the write. SIGINT
already arrives as KeyboardInterrupt; SIGTERM and SIGHUP kill the process outright by
default, with no unwinding, which would leave temporary files behind. ``handle_signals``
turns them into an ``Interrupted`` exception, so the same clean-up runs and the command
can say what happened. Only SIGKILL (or a power cut) still leaves temporary files:
``sweep_stale`` removes those at the start of the next run.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

# Names cleaner.files gives its temporary files: .<name>.<pid>.<counter>.tmp
_TMP = re.compile(r"^\..+\.(\d+)\.\d+\.tmp$")
_CAUGHT = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None)


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error of the input
    """A termination signal arrived; raised where the program was, so writes unwind."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"interrupted by {signal.Signals(self.signum).name}"

    def __reduce__(self) -> tuple[type, tuple[int]]:  # crosses from a worker process
        return (Interrupted, (self.signum,))


_STOPPING = False


def _raise(signum: int, frame: FrameType | None) -> None:
    # Once only: a second signal must not interrupt the clean-up the first one started
    # (removing a temporary file). SIGKILL still ends the process at once.
    global _STOPPING
    if _STOPPING:
        return
    _STOPPING = True
    raise Interrupted(signum)


@contextmanager
def handle_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Interrupted, and so does SIGINT unless
    the host program handles it itself (the CLI framework would turn KeyboardInterrupt
    into a bare exit 1). Main thread only: handlers cannot be set elsewhere."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = list(_CAUGHT)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        sigs.append(signal.SIGINT)
    global _STOPPING
    _STOPPING = False
    old = {s: signal.signal(s, _raise) for s in sigs}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def in_worker() -> None:
    """In a pool worker: SIGINT is left to the parent (a Ctrl-C reaches the whole process
    group; the parent stops handing out work and lets running tasks finish their files),
    SIGTERM and SIGHUP unwind the task like in the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for s in _CAUGHT:
        signal.signal(s, _raise)


def exit_code(exc: BaseException) -> int:
    """128 + the signal number, as shells report a process ended by a signal."""
    return 128 + int(exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)


def sweep_stale(folder: Path) -> int:
    """Remove temporary files that a killed run left below ``folder``: ours by name,
    written by a process that no longer exists. Returns how many were removed."""
    removed = 0
    if not folder.is_dir():
        return 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            m = _TMP.match(name)
            if m and not _alive(int(m.group(1))):
                try:
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
                except OSError:
                    pass  # gone already, or not ours to remove: leave it
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    return True
