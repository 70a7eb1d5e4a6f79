"""The ``clean`` command. All printing and exit codes live here; the library does neither.

``clean PATHS -o OUT`` cleans; ``clean restore``, ``clean rules`` and ``clean rule``
are subcommands. ``main(argv) -> int`` is the entry point tests and hooks call.

Exit codes: 0 done; 2 usage or rule-pack error; 3 some inputs could not be cleaned.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .engine import Cleaner
from .files import (
    SUMMARY_NAME,
    InputError,
    Job,
    UsageError,
    decode,
    discover,
    plan_outputs,
    read_text,
    write_atomic,
)
from .kinds import RuleError
from .replay import ReplayError, restore
from .report import RunSummary, document_report, dumps, edits_from_report, sha256

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 3
SUBCOMMANDS = ("restore", "rules", "rule")

clean_app = typer.Typer(add_completion=False, rich_markup_mode=None)
sub_app = typer.Typer(add_completion=False, rich_markup_mode=None, no_args_is_help=True)


def _exit_code(func: Callable[..., int]) -> Callable[..., None]:
    """Turn a command's returned exit code into the framework's Exit, which standalone
    mode otherwise ignores (it would exit 0)."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        rc = func(*args, **kwargs)
        if rc:
            raise typer.Exit(rc)
    return wrapper


def _split(values: list[str] | None) -> list[str]:
    """--select A,B --select C -> [A, B, C]."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _build(rules: list[Path] | None, select: list[str] | None, ignore: list[str] | None) -> Cleaner:
    return Cleaner(select=_split(select) or None, ignore=_split(ignore), extra_packs=rules or [])


@clean_app.command(help="Strip boilerplate from scraped article text. PATHS are files, folders or - for stdin.")
@_exit_code
def clean_command(
    paths: Annotated[list[str], typer.Argument(help="Text files, folders of them, or - for standard input.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output folder: clean text and a .report.json per input, mirroring the input tree.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="With one input and no -o: write the report here instead of to standard error.")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (TOML); repeatable.")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rules: codes, code prefixes, rule or pack names (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rules: codes, code prefixes, rule or pack names.")] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary table.")] = False,
) -> int:
    cleaner = _build(rules, select, ignore)
    err = Console(stderr=True, soft_wrap=True)
    if output is None:
        if len(paths) != 1 or (paths[0] != "-" and Path(paths[0]).is_dir()):
            raise UsageError("give -o OUT to clean several inputs or a folder; one file or - prints to standard output")
        return _clean_to_stdout(cleaner, paths[0], report, err)
    if "-" in paths:
        raise UsageError("standard input (-) prints to standard output; drop -o or name files")
    inputs = [Path(p) for p in paths]
    jobs = list(discover(inputs))
    plan_outputs(jobs, output, inputs)
    summary = RunSummary()
    for job in jobs:
        _clean_job(cleaner, job, output, summary)
    write_atomic(output / SUMMARY_NAME, dumps(summary.to_dict()).encode())
    out = Console()
    if not quiet:
        _print_summary(out, summary)
    for path, reason in summary.failures:
        err.print(f"[red]error[/red]: {path}: {reason}", highlight=False)
    return EXIT_FAILED if summary.failed else EXIT_OK


def _clean_job(cleaner: Cleaner, job: Job, out_dir: Path, summary: RunSummary) -> None:
    try:
        text, raw = read_text(job.source)
    except InputError as exc:
        summary.fail(str(job.source), str(exc))
        return
    result = cleaner.clean(text)
    summary.add(result)
    write_atomic(out_dir / job.rel, result.text.encode("utf-8"))
    write_atomic(out_dir / job.report_rel, dumps(document_report(result, path=str(job.source), raw=raw)).encode())


def _clean_to_stdout(cleaner: Cleaner, path: str, report_path: Path | None, err: Console) -> int:
    try:
        if path == "-":
            raw = sys.stdin.buffer.read()
            text = decode(raw)
        else:
            text, raw = read_text(Path(path))
    except InputError as exc:
        err.print(f"[red]error[/red]: {path}: {exc}", highlight=False)
        return EXIT_FAILED
    result = cleaner.clean(text)
    sys.stdout.buffer.write(result.text.encode("utf-8"))
    sys.stdout.flush()
    rep = dumps(document_report(result, path=None if path == "-" else path, raw=raw))
    if report_path is not None:
        write_atomic(report_path, rep.encode())
    else:
        sys.stderr.write(rep)
    return EXIT_OK


def _print_summary(console: Console, s: RunSummary) -> None:
    table = Table(title="cleaner", show_header=False, box=None)
    table.add_row("files", str(s.files))
    table.add_row("files changed", str(s.changed))
    table.add_row("failed", str(s.failed))
    pct = 100 * s.chars_removed / s.chars_in if s.chars_in else 0.0
    table.add_row("characters removed", f"{s.chars_removed:,} of {s.chars_in:,} ({pct:.1f}%)")
    table.add_row("edits / flagged", f"{s.edits} / {s.flags}")
    console.print(table)
    if s.per_rule:
        top = Table(title="top rules")
        for col in ("code", "name", "edits"):
            top.add_column(col)
        for code, n in s.per_rule.most_common(10):
            top.add_row(code, s.names[code], str(n))
        console.print(top)


@sub_app.command("restore", help="Rebuild the original input from a clean output and its report.")
@_exit_code
def restore_command(
    output_file: Annotated[Path, typer.Argument(help="The clean text written by clean.")],
    report_file: Annotated[Path, typer.Argument(help="Its .report.json.")],
    dest: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of standard output.")] = None,
) -> int:
    try:
        text, _ = read_text(output_file)
        data = json.loads(report_file.read_text(encoding="utf-8"))
        edits = edits_from_report(data)
    except (InputError, OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read {output_file} with {report_file}: {exc}") from exc
    try:
        original = restore(text, edits).encode(data["input"].get("encoding", "utf-8"))
    except ReplayError as exc:
        raise UsageError(f"{report_file} does not fit {output_file}: {exc}") from exc
    if sha256(original) != data["input"]["sha256"]:
        raise UsageError(f"restored text does not match the input hash in {report_file}; was the output edited?")
    if dest is None:
        sys.stdout.buffer.write(original)
        sys.stdout.flush()
    else:
        write_atomic(dest, original)
    return EXIT_OK


@sub_app.command("rules", help="List every rule of the loaded packs.")
@_exit_code
def rules_command(
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (TOML).")] = None,
) -> int:
    table = Table()
    for col in ("code", "name", "pack", "kind", "action"):
        table.add_column(col)
    for r in _build(rules, None, None).rules:
        action = r.options.get("action", "remove")
        table.add_row(r.code, r.name, r.pack, r.kind, "repair" if r.kind in ("repair", "mojibake") else action)
    Console().print(table)
    return EXIT_OK


@sub_app.command("rule", help="Explain one rule: what it removes, why, and its examples.")
@_exit_code
def rule_command(
    code: Annotated[str, typer.Argument(help="A rule code such as CM001, or a rule name.")],
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (TOML).")] = None,
) -> int:
    for r in _build(rules, None, None).rules:
        if code in (r.code, r.name):
            lines = [f"# {r.code} {r.name}", "", f"Pack: {r.pack}    Kind: {r.kind}", "",
                     "## What it removes", "", r.message, "", "## Why it is boilerplate", "", r.why, ""]
            for expect, title in (("remove", "## Example it removes"), ("keep", "## Example it keeps")):
                ex = [e for e in r.examples if e.expect == expect]
                if ex:
                    lines += [title, "", *("    " + ln for ln in ex[0].text.splitlines()), ""]
            print("\n".join(lines))
            return EXIT_OK
    raise UsageError(f"no rule {code!r}; `clean rules` lists them")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code (pre-commit-hooks convention)."""
    args = list(sys.argv[1:] if argv is None else argv)
    app = sub_app if args and args[0] in SUBCOMMANDS else clean_app
    command = typer.main.get_command(app)
    try:
        # Standalone mode lets the CLI framework print its own usage errors; it ends by
        # raising SystemExit, whose code we hand back instead of exiting.
        rc = command.main(args=args, prog_name="clean", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    except (UsageError, RuleError) as exc:
        Console(stderr=True, soft_wrap=True).print(f"[red]error[/red]: {exc}", highlight=False)
        return EXIT_USAGE
    return rc if isinstance(rc, int) else EXIT_OK


def run() -> None:
    sys.exit(main())
