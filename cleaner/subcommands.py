"""The subcommands: ``clean restore``, ``clean rules``, ``clean rule``, ``clean config``,
``clean learn`` and ``clean train``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import config
from .console import EXIT_FOUND, EXIT_OK, ColourOption, LazyConsole, interactive, progress, returns_exit_code
from .engine import Cleaner
from .examples import check_rule
from .files import InputError, UsageError, decode_as, open_records, same_file, split_name, write_atomic
from .kinds import KINDS
from .model import Rule
from .replay import ReplayError, restore
from .report import edits_from_report, sha256

if TYPE_CHECKING:
    from .learn import LearnOptions

SUBCOMMANDS = ("restore", "rules", "rule", "config", "learn", "train")
sub_app = typer.Typer(add_completion=False, rich_markup_mode=None, no_args_is_help=True)


def _every_rule(rules: list[Path] | None) -> list[Rule]:
    """Every rule of the default packs and ``rules``, the line scorer included (a listing
    names it though a cleaning of article text leaves it out)."""
    return [r for p in Cleaner(extra_packs=rules or []).packs for r in p.rules]


@sub_app.command("restore", help="Rebuild the original input from a clean output and its report.")
@returns_exit_code
def restore_command(
    output_file: Annotated[Path, typer.Argument(help="The clean text written by clean.")],
    report_file: Annotated[Path, typer.Argument(help="Its .report.json.")],
    dest: Annotated[Path | None, typer.Option("-o", "--output", help="Write here instead of standard output.")] = None,
) -> int:
    try:
        # The output is always UTF-8, whatever it holds (a NUL, say): no detection here.
        text = decode_as(output_file.read_bytes(), "utf-8").text
        data = _report_for(output_file, report_file)
        edits = edits_from_report(data)
    except (InputError, OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read {output_file} with {report_file}: {exc}") from exc
    try:
        original = restore(text, edits).encode(data.get("input", {}).get("encoding", "utf-8"))
    except ReplayError as exc:
        raise UsageError(f"{report_file} does not fit {output_file}: {exc}") from exc
    if sha256(original) != data.get("input", {}).get("sha256"):
        raise UsageError(f"restored text does not match the input hash in {report_file}; was the output edited?")
    if dest is None:
        sys.stdout.buffer.write(original)
        sys.stdout.flush()
    else:
        write_atomic(dest, original)
    return EXIT_OK


def _report_for(output_file: Path, report_file: Path) -> dict[str, Any]:
    """The report of ``output_file``: the whole file, or from a JSON Lines file of
    reports (``clean -o OUT --report all.jsonl``) the line whose output is that file."""
    if split_name(report_file.name)[1].lower() not in (".jsonl", ".ndjson"):
        return json.loads(report_file.read_text(encoding="utf-8"))
    with open_records(report_file) as stream:
        for raw in stream:
            data = json.loads(raw)
            where = (data.get("output") or {}).get("path")
            if where and (Path(where) == output_file or same_file(Path(where), output_file)):
                return data
    raise ValueError(f"no line of {report_file} is the report of {output_file}")


@sub_app.command("rules", help="List every rule (code, name, pack, kind, safety, status), or `rules test PACK...` to check packs.")
@returns_exit_code
def rules_command(
    args: Annotated[list[str] | None, typer.Argument(help="Nothing to list the rules; `test PACK...` to validate packs and run their examples.")] = None,
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (TOML).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="The listing: text (aligned columns) or json (an array of objects).")] = "text",
) -> int:
    if args and args[0] == "test":
        return _test_packs([Path(a) for a in args[1:]])
    if args:
        raise UsageError(f"unknown `clean rules` action {args[0]!r}; use `clean rules` or `clean rules test PACK...`")
    if fmt not in ("text", "json"):
        raise UsageError(f"--format {fmt!r}: choose text or json")
    rows = [{"code": r.code, "name": r.name, "pack": r.pack, "kind": r.kind, "safety": _safety(r),
             "status": "flags only" if r.flags_only else "active"}
            for r in _every_rule(rules)]
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    # Plain columns as wide as their longest cell: nothing is cut to a terminal's width,
    # and a pipe gets the same text as a screen.
    columns = list(rows[0]) if rows else ["code", "name", "pack", "kind", "safety", "status"]
    widths = {c: max([len(c), *(len(row[c]) for row in rows)]) for c in columns}
    for row in [{c: c for c in columns}, *rows]:
        sys.stdout.write("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip() + "\n")
    return EXIT_OK


def _safety(rule: Rule) -> str:
    return KINDS[rule.kind].effect


def _test_packs(paths: list[Path]) -> int:
    """Validate user packs and run their examples with the default packs beside them,
    as `--rules` would use them."""
    if not paths:
        raise UsageError("name the packs to test: clean rules test my_pack.toml")
    # A broken pack raises RuleError (file, rule, key, line); a scorer's model is loaded too.
    cleaner = Cleaner(extra_packs=paths, scorer=True)
    mine = [r for p in cleaner.packs[-len(paths):] for r in p.rules]
    failures = [f for r in mine for f in check_rule(cleaner, r)]
    examples = sum(len(r.examples) for r in mine)
    for f in failures:
        print(f"{f.rule.source}: {f.rule.code} {f.rule.name}: {f.example.expect} example {f.example.text[:60]!r}: {f.problem}")
    print(f"{len(mine)} rules, {examples} examples: "
          f"{'all passed' if not failures else f'{len(failures)} failed'}")
    return EXIT_FOUND if failures else EXIT_OK


@sub_app.command("rule", help="Explain one rule: what it removes, why, and its examples.")
@returns_exit_code
def rule_command(
    code: Annotated[str, typer.Argument(help="A rule code such as CM001, or a rule name.")],
    rules: Annotated[list[Path] | None, typer.Option("--rules", help="Extra rule pack (TOML).")] = None,
) -> int:
    for r in _every_rule(rules):
        retired = r.options.get("replaces", ())
        if code in (r.code, r.name) or code in retired:
            lines = [f"# {r.code} {r.name}", "", f"Pack: {r.pack}    Kind: {r.kind}", "",
                     *([f"Replaces the retired {', '.join(retired)}.", ""] if retired else []),
                     "## What it removes", "", r.message, "", "## Why it is boilerplate", "", r.why, ""]
            for expect, title in (("remove", "## Example it removes"), ("keep", "## Example it keeps")):
                ex = [e for e in r.examples if e.expect == expect]
                if ex:
                    lines += [title, "", *("    " + ln for ln in ex[0].text.splitlines()), ""]
            print("\n".join(lines))
            return EXIT_OK
    raise UsageError(f"no rule {code!r}; `clean rules` lists them")


@sub_app.command("config", help="Print the configuration a run on PATHS would use, and where it comes from.")
@returns_exit_code
def config_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Inputs, to find the nearest configuration from.")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="A cleaner.toml or pyproject.toml to read.")] = None,
) -> int:
    cfg = config.resolve(paths or ["."], config_file)
    print(json.dumps(cfg.as_dict(), indent=2))
    return EXIT_OK


@sub_app.command("learn", help="Learn a rule pack from a corpus: lines that recur across many documents (docs/learn.md).")
@returns_exit_code
def learn_command(
    inputs: Annotated[list[Path] | None, typer.Argument(help="Folders of text or HTML, or JSON Lines files; with "
                                                        "--merge, counts files.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The pack to write (TOML), or with "
                                                "--counts-only the counts file.", show_default=False)] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL: the text field (dots reach into objects).")] = "text",
    site_field: Annotated[str | None, typer.Option("--site-field", help="JSONL: the site, domain or URL field "
                                                   "(default: the first of site, domain, url).")] = None,
    min_docs: Annotated[int, typer.Option("--min-docs", help="A line must recur in at least this many documents.")] = 5,
    min_share: Annotated[float, typer.Option("--min-share", help="...and in this share of its site's documents "
                                             "(of the corpus, for lines counted corpus-wide).")] = 0.2,
    max_length: Annotated[int, typer.Option("--max-length", help="Longer lines are never learned (characters).")] = 200,
    prefix: Annotated[str, typer.Option("--prefix", help="Code prefix of the learned rules (2-4 capitals).")] = "LRN",
    jobs: Annotated[int, typer.Option("-j", "--jobs", help="Processes counting the corpus; the pack is the same "
                                      "for any number.")] = 1,
    counts_only: Annotated[bool, typer.Option("--counts-only", help="Write the line counts (a counts file) "
                                              "instead of a pack, to merge later with --merge.")] = False,
    merge: Annotated[bool, typer.Option("--merge", help="The inputs are counts files: merge them, then write the "
                                        "pack (or, with --counts-only, the merged counts).")] = False,
    max_entries: Annotated[int, typer.Option("--max-entries", help="Line counts a process holds in memory before "
                                             "it spills a sorted run to a temporary file (counts stay exact).")
                           ] = 1_000_000,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bar, no summary.")] = False,
    color: ColourOption = "auto",
) -> int:
    from .learn import CountsFileError, LearnOptions

    try:
        options = LearnOptions(min_docs=min_docs, min_share=min_share, max_length=max_length, prefix=prefix)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if output is None:
        raise UsageError("name the output with -o: a pack (pack.toml), or with --counts-only a counts file")
    if not inputs:
        raise UsageError("name the corpus to learn from (folders or files), or with --merge the counts files")
    if jobs < 1:
        raise UsageError(f"-j {jobs}: give a number of processes, 1 or more")
    if max_entries < 1:
        raise UsageError(f"--max-entries {max_entries}: give a number of entries, 1 or more")
    err = LazyConsole(stderr=True)
    try:
        return _learn(inputs, output, options, err, text_field=text_field, site_field=site_field, jobs=jobs,
                      counts_only=counts_only, merge=merge, max_entries=max_entries, quiet=quiet)
    except CountsFileError as exc:
        raise UsageError(str(exc)) from exc


def _learn(inputs: list[Path], output: Path, options: LearnOptions, err: LazyConsole, *, text_field: str,
           site_field: str | None, jobs: int, counts_only: bool, merge: bool, max_entries: int, quiet: bool) -> int:
    import tempfile

    from .learn import Corpus, CountConfig, count_documents, learn_from_counts, merge_files, write_counts
    from .learn.parallel import count_parallel

    with tempfile.TemporaryDirectory(prefix="cleaner-learn-") as tmp:
        counter = None
        if merge:
            if any(same_file(output, p) for p in inputs):
                raise UsageError(f"{output} is one of the inputs; write elsewhere")
            config, totals, records = merge_files(inputs)
            if options.max_length > config.max_length:
                raise UsageError(f"the counts were made with --max-length {config.max_length}; "
                                 f"give --max-length {config.max_length} or less, or count again")
        else:
            docs = Corpus(inputs, text_field=text_field, site_field=site_field)
            if any(same_file(output, p) for p, _ in docs.files()):
                raise UsageError(f"{output} is one of the inputs; write elsewhere")
            config = CountConfig(max_length=options.max_length, max_cells=max_entries)
            if jobs == 1:
                with progress(err, docs.total_bytes(), enabled=not quiet and interactive(),
                              description="learning") as tick:
                    counter = count_documents(docs, config, progress=lambda d: tick(1, d.nbytes))
                totals, records, skipped, reasons = counter.totals, counter.records(), docs.skipped, docs.reasons
            else:
                parts = count_parallel(docs, config, jobs, Path(tmp))
                config, totals, records = merge_files([p.path for p in parts])
                skipped = sum(p.skipped for p in parts)
                reasons = [r for p in parts for r in p.reasons]
            if skipped:
                err.say(f"{skipped} input(s) skipped: {'; '.join(reasons[:3])}")
        try:
            if counts_only:
                n = write_counts(output, totals, config, records)
                if not quiet:
                    err.say(f"counts of {n:,} lines in {totals.docs:,} documents written to {output}; "
                            f"merge counts files with `clean learn --merge FILE... -o pack.toml`")
                return EXIT_OK
            result = learn_from_counts(records, totals, options, config=config)
        finally:
            if counter is not None:
                counter.close()
    if not result.pack.text:
        err.say(f"no rule learned from {result.docs} documents: no line recurs in {options.min_docs} documents "
                f"and {options.min_share:.0%} of its site; try a lower --min-docs or --min-share")
        return EXIT_FOUND
    write_atomic(output, result.pack.text.encode("utf-8"))
    if not quiet:
        why: dict[str, int] = {}
        for r in result.rejected:
            why[r.reason] = why.get(r.reason, 0) + 1
        left = ", ".join(f"{n} {w}" for w, n in sorted(why.items()))
        err.say(f"{len(result.pack.rules)} rules from {result.docs} documents written to {output}; "
                f"left out: {left or 'none'}; {len(result.pack.dropped)} failed their examples "
                f"(most: a default rule removes the line already). Review them, then "
                f"`clean rules test {output}`.")
    return EXIT_OK


@sub_app.command("train", help="Train a line scorer from labelled pages and write it with a pack that uses it "
                 "(needs the train extra).")
@returns_exit_code
def train_command(
    pages: Annotated[Path, typer.Argument(help="Folder of pages: HTML, or text with one block per line.")],
    gold: Annotated[Path, typer.Argument(help="Folder of gold texts, named as the pages (any extension).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The model file to write (.json or .json.gz); "
                                         "its pack is written beside it as .toml.")],
    code: Annotated[str, typer.Option("--code", help="Rule code of the pack's scorer rule.")] = "SCU001",
    full_page: Annotated[float, typer.Option("--full-page-threshold", help="Score from which --full-page removes a line.")] = 0.5,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress messages.")] = False,
) -> int:
    from .scorer.folders import TrainError, train_folders

    err = LazyConsole(stderr=True)
    try:
        done = train_folders(pages, gold, output, code=code, full_page=full_page,
                             progress=None if quiet else err.say)
    except TrainError as exc:
        raise UsageError(str(exc)) from exc
    if not quiet:
        err.say(f"{done.model} ({done.size:,} bytes) from {done.pages} pages; on them: {done.figures}. "
                f"Use it with --rules {done.pack} (add --ignore SC001 to replace the shipped scorer).")
    return EXIT_OK
