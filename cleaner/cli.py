"""The ``clean`` command. Printing and exit codes live here and in cleaner.console and
cleaner.subcommands; the library does neither.

``clean PATHS -o OUT`` cleans; ``clean restore``, ``clean rules``, ``clean rule``,
``clean config`` and ``clean learn`` are subcommands (cleaner.subcommands).
``main(argv) -> int`` is the entry point tests and hooks call.

Exit codes, the same in every mode (the table in the README): 0 done; 1 something to act
on (--check/--diff would change, --fix changed, `rules test` failed, `learn` learned
nothing); 2 usage, configuration or rule-pack error; 3 some inputs could not be cleaned.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from . import config
from .console import (
    EXIT_OK,
    EXIT_USAGE,
    ColourOption,
    LazyConsole,
    colour_on,
    interactive,
    progress,
    reset_colour,
    returns_exit_code,
)
from .documents import clean_document
from .engine import Cleaner, _selected
from .files import (
    SUMMARY_NAME,
    InputError,
    Job,
    UsageError,
    atomic_output,
    decode_as,
    discover,
    plan_outputs,
    read_bytes,
    read_decoded,
    same_file,
    split_name,
    write_atomic,
    write_error,
)
from .interrupts import Interrupted, exit_code, handle_signals, sweep_stale
from .kinds import RuleError
from .lint import FORMATS, Finding, colourise, findings, fix_in_place, render, unified_diff
from .records import field_path
from .report import DocStats, RunSummary, dumps, printable
from .runner import RunOptions, default_jobs
from .runner import run as run_jobs
from .subcommands import SUBCOMMANDS, sub_app

clean_app = typer.Typer(add_completion=False, rich_markup_mode=None)


def _split(values: list[str] | None) -> list[str]:
    """--select A,B --select C -> [A, B, C]."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"clean (scrape-cleaner) {__version__}")
        raise typer.Exit()


@clean_app.command(help="Strip boilerplate from scraped article text. PATHS are files, folders or - for stdin.")
@returns_exit_code
def clean_command(
    paths: Annotated[list[str], typer.Argument(help="Text, JSONL (.jsonl, .jsonl.gz, .jsonl.zst) or Parquet files, folders of them, or - for standard input.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output folder: clean text and a .report.json per input, mirroring the input tree.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="With one input and no -o: write the report here instead of to standard error. With -o: every text input's report as one line of this JSON Lines file (.jsonl, .jsonl.gz, .jsonl.zst) instead of a .report.json per input.")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (TOML); repeatable.")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only these rules: codes, code prefixes, rule or pack names (comma-separated).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rules: codes, code prefixes, rule or pack names.")] = None,
    extend_select: Annotated[list[str] | None, typer.Option("--extend-select", help="Add these rules to the selection.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Skip files matching this glob; repeatable.")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="Use this cleaner.toml or pyproject.toml instead of the nearest one.")] = None,
    text_field: Annotated[str | None, typer.Option("--text-field", help="Records: the field to clean; dots reach into nested objects (meta.body). Default: text.")] = None,
    report_field: Annotated[str | None, typer.Option("--report-field", help="Records: put each record's edits in this field instead of a side report.")] = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Records that cannot be cleaned go here instead of passing through unchanged.")] = None,
    jobs: Annotated[int, typer.Option("-j", "--jobs", help="Worker processes (default: one per 4 MB of input, up to all cores). Output is the same whatever the number.")] = 0,
    profile: Annotated[bool, typer.Option("--profile", help="Time each rule and print where the time went (runs in one process).")] = False,
    max_rule_timeouts: Annotated[int, typer.Option("--max-rule-timeouts", help="Switch a rule off for the rest of the run once its regex has run out of time on this many documents (per worker; 0: never).")] = 3,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary table, no progress bar.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; list what would be removed or repaired (exit 1 if anything).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Change nothing; print a unified diff of what would change (exit 1 if anything).")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Clean the files in place, atomically (exit 1 if any file changed).")] = False,
    fmt: Annotated[str | None, typer.Option("--format", help="With --check: text (default), json, github or sarif.")] = None,
    stdin_filename: Annotated[str | None, typer.Option("--stdin-filename", help="The name to report for standard input.")] = None,
    stdin_format: Annotated[str, typer.Option("--stdin-format", help="Standard input (-) holds text (default) or jsonl: JSON Lines records, cleaned to standard output one by one (--text-field, --report-field apply).")] = "text",
    encoding: Annotated[str | None, typer.Option("--encoding", help="Read text inputs in this encoding (a Python codec name: cp1252, utf-16, ...) instead of detecting it. Output is UTF-8.")] = None,
    full_page: Annotated[bool | None, typer.Option("--full-page/--article", help="Text inputs are whole pages flattened to text (crawler innerText, html-text, lynx -dump): the line scorer removes boilerplate regions anywhere, keeping the title, byline and prose. Default (--article): an extractor's article text, where it removes only near-certain lines at the edges. Config key: full-page.")] = None,
    scorer: Annotated[bool | None, typer.Option("--scorer/--no-scorer", help="Run the learned line scorer (SC001). Default: on with --full-page, off on article text, where it removed next to nothing at several times the rules' cost; naming it in --select or --extend-select turns it on. Config key: scorer.")] = None,
    extractor: Annotated[str, typer.Option("--extractor", help="HTML inputs: builtin (main-content extraction) or trafilatura (needs the trafilatura extra); the text packs run on its output.")] = "builtin",
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit.")] = False,
    color: ColourOption = "auto",
) -> int:
    if extractor not in ("builtin", "trafilatura"):
        raise UsageError(f"--extractor {extractor!r}: choose builtin or trafilatura")
    cfg = config.resolve(paths, config_file)
    extra_packs = [*cfg.rules, *(rules or [])]
    if max_rule_timeouts < 0:
        raise UsageError(f"--max-rule-timeouts {max_rule_timeouts}: give 0 (never switch a rule off) or more")
    use_scorer = cfg.scorer if scorer is None else scorer
    options: dict[str, Any] = dict(select=cfg.selection(_split(select), _split(extend_select)),
                                    ignore=[*cfg.ignore, *_split(ignore)], extra_packs=extra_packs,
                                    profile=profile, max_rule_timeouts=max_rule_timeouts,
                                    full_page=cfg.full_page if full_page is None else full_page)
    try:
        cleaner = Cleaner(**options, scorer=use_scorer)
        if use_scorer is None and not cleaner.scorer and _names_scorer(
                cleaner, [*cfg.extend_select, *_split(extend_select)]):
            # --extend-select SC001 without --select selects everything: the scorer too.
            cleaner = Cleaner(**options, scorer=True)
    except RuleError:
        _check_config_selectors(Cleaner(extra_packs=extra_packs), cfg)  # name the file when it is at fault
        raise
    _check_config_selectors(cleaner, cfg)
    cfg = replace(cfg, exclude=(*cfg.exclude, *(exclude or [])))
    err = LazyConsole(stderr=True)
    modes = [name for name, on in (("check", check), ("diff", diff), ("fix", fix)) if on]
    if len(modes) > 1:
        raise UsageError(f"choose one of --check, --diff and --fix, not {' and '.join('--' + m for m in modes)}")
    if fmt is not None and modes != ["check"]:
        # Only --check has formats; elsewhere the flag would be dropped without a word.
        raise UsageError("--format chooses how --check lists its findings; add --check or drop --format")
    if modes:
        if output is not None:
            raise UsageError(f"--{modes[0]} works on the inputs themselves; drop -o")
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
        return _lint(cleaner, cfg, paths, modes[0], fmt or "text", stdin_filename, err, quiet, encoding)
    if stdin_format not in ("text", "jsonl"):
        raise UsageError(f"--stdin-format {stdin_format!r}: choose text or jsonl")
    if stdin_format == "jsonl":
        if paths != ["-"] or modes or output is not None:
            raise UsageError("--stdin-format jsonl reads records from standard input (-) and writes them to "
                             "standard output; give - as the only input, without -o, --check, --diff or --fix")
        try:
            path = field_path(text_field or cfg.text_field or "text")
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        return _records_to_stdout(cleaner, path, report_field, report, err, stdin_filename or "-")
    if output is None:
        if len(paths) != 1 or (paths[0] != "-" and Path(paths[0]).is_dir()):
            raise UsageError("give -o OUT to clean several inputs or a folder; one file or - prints to standard output")
        return _clean_to_stdout(cleaner, paths[0], report, err, extractor, encoding=encoding)
    if "-" in paths:
        raise UsageError("standard input (-) prints to standard output; drop -o or name files")
    try:
        path = field_path(text_field or cfg.text_field or "text")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    inputs = [Path(p) for p in paths]
    found = _configured(discover(inputs), cfg)
    if report is not None and split_name(report.name)[1].lower() not in (".jsonl", ".ndjson"):
        raise UsageError(f"--report {report}: with -o the reports of all inputs go to one JSON Lines file; "
                         "name it .jsonl (or .jsonl.gz, .jsonl.zst)")
    plan_outputs(found, output, inputs, [p for p in (rejects, report) if p])
    if encoding is not None:
        found = [replace(j, encoding=encoding) for j in found]
    sweep_stale(output)  # temporary files a killed run left (SIGKILL, power cut)
    total = sum(j.source.stat().st_size for j in found if not j.refused)
    # By default one worker per 4 MB of input, up to every core: starting a pool costs
    # more than it saves on a handful of small files. The output is the same either way.
    n_jobs = 1 if profile else (jobs if jobs > 0 else min(default_jobs(), max(1, total >> 22)))
    opts = RunOptions(output, n_jobs, path, report_field, rejects, report, extractor)
    summary = RunSummary()
    started = time.perf_counter()
    with progress(err, total, enabled=not quiet and interactive()) as tick:
        run_jobs(cleaner, found, opts, summary, tick)
    elapsed = time.perf_counter() - started
    try:
        write_atomic(output / SUMMARY_NAME, dumps(summary.to_dict()).encode())
    except OSError as exc:  # every output written so far is complete; the errors still print
        summary.fail(str(output / SUMMARY_NAME), f"cannot write it: {write_error(exc)}")
        for where, reason in summary.failures:
            err.error(f"{where}: {reason}")
        return summary.exit_code()
    out = LazyConsole(soft_wrap=False)
    if not quiet:
        _print_summary(out, summary)
    if profile and cleaner.timings is not None:
        _print_profile(out, cleaner, elapsed, total)
    for where, reason in summary.failures[:20]:
        err.error(f"{where}: {reason}")
    if len(summary.failures) > 20:
        err.say(f"... and {len(summary.failures) - 20} more errors; all are listed in {output / SUMMARY_NAME}")
    return summary.exit_code()


def _names_scorer(cleaner: Cleaner, keys: list[str]) -> bool:
    """Whether ``keys`` name a scorer rule of the cleaner's packs (turning the scorer on)."""
    return bool(keys) and any(r.kind == "scorer" and _selected(r, keys) for p in cleaner.packs for r in p.rules)


def _check_config_selectors(cleaner: Cleaner, cfg: config.Config) -> None:
    """A selector in the configuration file that matches no rule is an error naming the
    file and the key, as a misspelled flag is (per-file ignores are checked here, up
    front, rather than when the first matching file is cleaned)."""
    every = [r for p in cleaner.packs for r in p.rules]
    named = [("select", cfg.select), ("extend-select", cfg.extend_select), ("ignore", cfg.ignore),
             *((f"per-file-ignores {glob!r}", codes) for glob, codes in cfg.per_file_ignores.items())]
    for key, keys in named:
        unknown = [k for k in keys if not any(_selected(r, [k]) for r in every)]
        if unknown:
            raise UsageError(f"{cfg.source}: {key}: {', '.join(unknown)} matches no rule; see `clean rules`")


def _configured(jobs: Iterable[Job], cfg: config.Config) -> list[Job]:
    """Drop excluded files and attach per-file ignores; globs match paths relative to
    the configuration's folder (or as given, for files outside it)."""
    base = cfg.source.parent.resolve() if cfg.source else Path.cwd().resolve()
    out = []
    for job in jobs:
        absolute = job.source.absolute()
        try:
            rel = absolute.relative_to(base).as_posix()
        except ValueError:
            rel = job.source.as_posix()
        if cfg.excluded(rel):
            continue
        out.append(replace(job, ignore=cfg.ignored_for(rel)))
    return out


def _lint(cleaner: Cleaner, cfg: config.Config, paths: list[str], mode: str, fmt: str, stdin_name: str | None,
          err: LazyConsole, quiet: bool, encoding: str | None = None) -> int:
    summary = RunSummary()
    found: list[Finding] = []
    out = sys.stdout
    colour = mode == "diff" and colour_on(out)

    def one(name: str, text: str, source: Path | None, ignore: tuple[str, ...] = (), encoding: str = "utf-8") -> None:
        name = printable(name) or ""  # an undecodable file name must not fail the write to stdout
        res = cleaner.variant(ignore).clean(text)
        if mode != "fix" or source is None:
            summary.add(DocStats.of(res))
        if mode == "check":
            found.extend(findings(name, res))
        elif mode == "diff":
            d = unified_diff(name, res)
            out.write(colourise(d) if colour else d)
        elif source is None:  # --fix on standard input: the fixed text goes to standard output
            out.write(res.text)
        else:
            try:
                if fix_in_place(source, res, encoding):
                    out.write(f"Fixing {name}\n")
                summary.add(DocStats.of(res))  # counted as changed only once it is
            except OSError as exc:
                summary.fail(name, f"cannot write the fixed file: {exc.strerror or exc}; it is unchanged")
            except UnicodeEncodeError as exc:
                summary.fail(name, f"the fixed text has {exc.object[exc.start]!r}, which {encoding} cannot hold; "
                                   "it is unchanged (clean it with -o OUT, which writes UTF-8)")

    if paths == ["-"]:
        try:
            one(stdin_name or "-", decode_as(sys.stdin.buffer.read(), encoding).text, None)
        except InputError as exc:
            summary.fail(stdin_name or "-", str(exc))
    else:
        named = {Path(p) for p in paths}
        for job in _configured(discover([Path(p) for p in paths]), cfg):
            if job.format == "html" and job.source not in named:
                continue  # pages in a folder: not text to fix in place (as before HTML input existed)
            if job.format != "text":
                summary.fail(str(job.source), f"--{mode} cleans text files; use -o OUT for {job.format} files")
                continue
            if job.refused:
                summary.fail(str(job.source), job.refused)
                continue
            try:
                decoded, _ = read_decoded(job.source, encoding)
            except InputError as exc:
                summary.fail(str(job.source), str(exc))
                continue
            one(str(job.source), decoded.text, job.source, job.ignore, decoded.encoding)
    if mode == "check":
        out.write(render(found, fmt, cleaner.rules))
    out.flush()
    for where, reason in summary.failures:
        err.error(f"{where}: {reason}")
    if not quiet and fmt == "text":
        verb = {"check": "would change", "diff": "would change", "fix": "changed"}[mode]
        err.say(f"{summary.changed} of {summary.files} file(s) {verb}; {summary.edits} edit(s), "
                f"{summary.flags} flagged")
    return summary.exit_code(changes_fail=True)


def _print_profile(console: LazyConsole, cleaner: Cleaner, elapsed: float, nbytes: int) -> None:
    from rich.table import Table
    from rich.text import Text

    assert cleaner.timings is not None
    in_rules = sum(cleaner.timings.values())
    table = Table(title=f"profile: {elapsed:.2f}s for {nbytes / 1e6:.1f} MB "
                        f"({nbytes / 1e6 / max(elapsed, 1e-9):.1f} MB/s); rules {in_rules:.2f}s, "
                        f"the rest (reading, prefilter, layout, writing) {elapsed - in_rules:.2f}s")
    for col in ("code", "name", "seconds", "share"):
        table.add_column(col)
    names = {r.code: r.name for r in cleaner.rules}
    for code, secs in cleaner.timings.most_common(20):
        table.add_row(Text(code), Text(names[code]), f"{secs:.3f}", f"{100 * secs / max(elapsed, 1e-9):.1f}%")
    console.print(table)


def _clean_to_stdout(cleaner: Cleaner, path: str, report_path: Path | None, err: LazyConsole,
                     extractor: str = "builtin", encoding: str | None = None) -> int:
    """One text file, page or standard input: the clean text to standard output, the
    report to --report or standard error."""
    if path != "-" and not Path(path).exists():
        raise UsageError(f"{path}: no such file or folder")  # as for every other input named
    if report_path is not None and path != "-" and same_file(report_path, Path(path)):
        raise UsageError(f"--report {report_path} is the input itself; name another file")
    _check_report_target(report_path)
    summary = RunSummary()
    fmt = "text" if path == "-" else next(discover([Path(path)])).format
    try:
        raw = sys.stdin.buffer.read() if path == "-" else read_bytes(Path(path))
        done = clean_document(cleaner, raw, fmt, path=None if path == "-" else path, encoding=encoding,
                              extractor=extractor)
    except InputError as exc:
        summary.fail(path, str(exc))
    else:
        summary.add(done.stats)
        sys.stdout.buffer.write(done.text.encode("utf-8"))
        sys.stdout.flush()
        rep = dumps(done.report)
        if report_path is not None:
            write_atomic(report_path, rep.encode())
        else:
            sys.stderr.write(rep)
    for where, reason in summary.failures:
        err.error(f"{where}: {reason}")
    return summary.exit_code()


def _records_to_stdout(cleaner: Cleaner, path: tuple[str, ...], report_field: str | None,
                       report_path: Path | None, err: LazyConsole, name: str) -> int:
    """JSON Lines on standard input: records to standard output, the side report to
    --report (or standard error), a bad record passed through and named on standard error."""
    from .streams import clean_records

    with ExitStack() as stack:
        reports = None
        _check_report_target(report_path if report_field is None else None)
        if report_field is None:
            reports = (stack.enter_context(atomic_output(report_path, split_name(report_path.name)[2]))
                       if report_path is not None else sys.stderr.buffer)
        summary = clean_records(cleaner, sys.stdin.buffer, sys.stdout.buffer, reports, path, report_field, name)
        sys.stdout.flush()
    for where, reason in summary.failures:
        err.error(f"{where}: {reason}")
    return summary.exit_code()


def _check_report_target(report_path: Path | None) -> None:
    """--report may replace an earlier report, never another file (an input beside it)."""
    if report_path is None or not report_path.exists():
        return
    try:
        with open(report_path, "rb") as f:
            head = f.read(4096)
    except OSError:
        head = b""
    if b'"tool": {"name":"cleaner"' not in head and b'"edits"' not in head.split(b"\n", 1)[0]:
        raise UsageError(f"--report {report_path} exists and is not a report of this tool; "
                         "name a new file, or delete it first")


def _print_summary(console: LazyConsole, s: RunSummary) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="cleaner", show_header=False, box=None)
    if s.files or not s.records:
        table.add_row("files", str(s.files))
    if s.records or s.bad_records:
        table.add_row("records", f"{s.records:,}")
        table.add_row("records not cleaned", f"{s.bad_records:,}")
    table.add_row("records changed" if s.records else "files changed", f"{s.changed:,}")
    table.add_row("failed files", str(s.failed))
    pct = 100 * s.chars_removed / s.chars_in if s.chars_in else 0.0
    table.add_row("characters removed", f"{s.chars_removed:,} of {s.chars_in:,} ({pct:.1f}%)")
    table.add_row("edits / flagged", f"{s.edits} / {s.flags}")
    console.print(table)
    if s.per_rule:
        top = Table(title="top rules")
        for col in ("code", "name", "edits"):
            top.add_column(col)
        for code, n in s.per_rule.most_common(10):
            top.add_row(Text(code), Text(s.names[code]), str(n))
        console.print(top)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code (pre-commit-hooks convention)."""
    args = list(sys.argv[1:] if argv is None else argv)
    reset_colour()
    # A file named like a subcommand ("rules", "config") is an input: paths are what users
    # pass most, and a subcommand wanted there is one folder away (`clean rules` elsewhere).
    app = sub_app if args and args[0] in SUBCOMMANDS and not Path(args[0]).is_file() else clean_app
    command = typer.main.get_command(app)
    try:
        # Standalone mode lets the CLI framework print its own usage errors; it ends by
        # raising SystemExit, whose code we hand back instead of exiting.
        with handle_signals():
            rc = command.main(args=args, prog_name="clean", standalone_mode=True)
    except (Interrupted, KeyboardInterrupt) as exc:
        # Every output is renamed into place only when complete, and the temporary file
        # of the one being written is removed as this unwinds: nothing is half-written.
        LazyConsole(stderr=True).error("the files written so far are complete; run the same command again to finish",
                                    label=str(exc or "interrupted"))
        return exit_code(exc)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    except (UsageError, RuleError) as exc:
        LazyConsole(stderr=True).error(str(exc))
        return EXIT_USAGE
    return rc if isinstance(rc, int) else EXIT_OK


def run() -> None:
    sys.exit(main())
