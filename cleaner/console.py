"""Console output for the CLI: colour control, messages that are never read as markup,
the progress bar, and the exit-code convention. The library never imports this."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

# The same in every mode; the README's table says what each means.
EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3

COLOUR_MODES = ("auto", "always", "never")
# --color for this run, set while the options are parsed (before anything prints) and
# reset by main(); "auto": colour on a terminal unless NO_COLOR is set (no-color.org).
_colour = {"mode": "auto"}


def reset_colour() -> None:
    _colour["mode"] = "auto"


def set_colour(value: str) -> str:
    if value not in COLOUR_MODES:
        raise typer.BadParameter(f"{value!r}: choose auto, always or never")
    _colour["mode"] = value
    return value


def colour_on(stream: Any) -> bool:
    """Whether to write ANSI colours to ``stream`` ourselves (the diff)."""
    if _colour["mode"] != "auto":
        return _colour["mode"] == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR")


ColourOption = Annotated[str, typer.Option("--color", is_eager=True, callback=set_colour, metavar="auto|always|never",
                                           help="Colour: auto (on a terminal, unless NO_COLOR is set), always or never.")]


class LazyConsole:
    """A rich Console made on first use: importing rich is 50 ms of a 0.2 s start-up,
    which a quiet run (a pre-commit hook, a pipeline step) that prints nothing need not pay."""

    def __init__(self, *, stderr: bool = False, soft_wrap: bool = True) -> None:
        self._stderr = stderr
        self._soft_wrap = soft_wrap
        self._made: Console | None = None

    @property
    def rich(self) -> Console:
        if self._made is None:
            from rich.console import Console

            mode = _colour["mode"]
            # "always" wins over NO_COLOR, as a flag does over the environment; rich
            # itself reads NO_COLOR for "auto". No colour system: no escape codes at all.
            options: dict[str, Any] = ({"force_terminal": True, "no_color": False} if mode == "always"
                                       else {"color_system": None} if mode == "never" else {})
            self._made = Console(stderr=self._stderr, soft_wrap=self._soft_wrap, **options)
        return self._made

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.rich.print(*objects, **kwargs)

    def say(self, message: str) -> None:
        """A message as plain text: file names, rule names and configuration keys hold
        brackets (notes[draft].txt, [tool.cleaner]) that are not console markup."""
        self.rich.print(message, markup=False, highlight=False)

    def error(self, message: str, label: str = "error") -> None:
        from rich.text import Text

        self.rich.print(Text.assemble((label, "red"), ": ", message), highlight=False)


def returns_exit_code(func: Callable[..., int]) -> Callable[..., None]:
    """Turn a command's returned exit code into the framework's Exit, which standalone
    mode otherwise ignores (it would exit 0)."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        rc = func(*args, **kwargs)
        if rc:
            raise typer.Exit(rc)
    return wrapper


def interactive() -> bool:
    """A progress bar only for a person at a terminal: not when piped, not under CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(console: LazyConsole, total: int, *, enabled: bool,
             description: str = "cleaning") -> Iterator[Callable[[int, int], None]]:
    if not enabled:
        yield lambda docs, nbytes: None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[docs]:,} docs"), TextColumn("{task.fields[rate]}"), TimeRemainingColumn())
    started = time.perf_counter()
    with Progress(*columns, console=console.rich, transient=True) as bar:
        task = bar.add_task(description, total=total or None, docs=0, rate="")
        done = {"docs": 0, "bytes": 0}

        def tick(docs: int, nbytes: int) -> None:
            done["docs"] += docs
            done["bytes"] += nbytes
            dt = max(time.perf_counter() - started, 1e-9)
            rate = f"{done['docs'] / dt:,.0f} docs/s  {done['bytes'] / dt / 1e6:.1f} MB/s"
            bar.update(task, advance=nbytes, docs=done["docs"], rate=rate)

        yield tick
