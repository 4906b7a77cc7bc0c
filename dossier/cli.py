"""CLI: the ``dossier`` command. Parses arguments, runs a command, prints what it did and every problem.

Only this module and ``serve`` (which reports each rebuild as it happens) print.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dossier import __version__
from dossier.errors import DossierError, EditorError, PagefindError, Problem, WriteError, plural
from dossier.new import NEW_TYPES
from dossier.signals import exit_status, stop_like_ctrl_c

BASE_URL_VARIABLE = "DOSSIER_BASE_URL"  # sets the base_url for one build, like --base-url
STRICT_HELP = "treat warnings as errors: exit 1 (and write nothing) if there is any"


def common_options(default: object) -> argparse.ArgumentParser:
    """-C, -q and -v, accepted before the command and after it; ``default`` is argparse.SUPPRESS after it, so that
    an option given before the command is not reset by the command's parser."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "-C",
        dest="root",
        metavar="DIR",
        type=Path,
        default=Path(".") if default is None else default,
        help="run as if started in DIR: the project there, relative paths inside it (default: the current folder)",
    )
    options.add_argument(
        "-q", "--quiet", action="store_true", default=False if default is None else default, help="print only problems"
    )
    options.add_argument(
        "-v", "--verbose", action="store_true", default=False if default is None else default, help="print more detail"
    )
    return options


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="dossier",
        description="Build a static briefing site from a folder of events, actors and articles.",
        parents=[common_options(None)],
        epilog="Start with: dossier init mine && dossier build -C mine. Every command: dossier COMMAND --help.",
    )
    main.add_argument("--version", action="version", version=f"dossier {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", parser_class=_SubParser)

    build = commands.add_parser(
        "build",
        help="check, render and index the site",
        description="Check the content, render every page into the output folder and index it for search.",
    )
    build.add_argument("--out", metavar="DIR", type=Path, help="write the site to DIR (default: site/ in the project)")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--strict", action="store_true", help=STRICT_HELP)
    build.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the site's public address for this build, instead of base_url in content/dossier.yaml (default: ${BASE_URL_VARIABLE})",
    )

    check = commands.add_parser(
        "check",
        help="check the content and list every problem",
        description="Check every record and list every problem as path:line:column; exit 1 if there is an error.",
    )
    check.add_argument("--strict", action="store_true", help=STRICT_HELP)

    serve = commands.add_parser(
        "serve",
        help="build, serve and rebuild on every save",
        description="Build the site, serve it on HTTP and rebuild and reload open browser tabs whenever content or templates change.",
    )
    serve.add_argument("--out", metavar="DIR", type=Path, help="write the site to DIR (default: site/ in the project)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser tab")
    serve.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    serve.add_argument(
        "--poll", action="store_true", help="notice saves by polling, where the file system sends no change events"
    )
    add_editor_commands(commands)
    return main


class _SubParser(argparse.ArgumentParser):
    """A command's parser: it accepts -C, -q and -v too."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{**kwargs, "parents": [*kwargs.get("parents", []), common_options(argparse.SUPPRESS)]})


def inside(root: Path, path: Path) -> Path:
    """A path given on the command line, resolved inside the project folder (as if dossier had started there)."""
    return path if path.is_absolute() else root / path


def add_editor_commands(commands: argparse._SubParsersAction[_SubParser]) -> None:
    """The editor's tools: ``init``, ``new``, ``import``, ``schema`` and ``reference``."""
    init = commands.add_parser(
        "init",
        help="start a dossier project",
        description="Start a dossier project in DIR (default: the current folder): an event, an actor and an article that pass check, the records' JSON Schemas for your editor and a .gitignore. Never overwrites a file.",
    )
    init.add_argument("dir", metavar="DIR", nargs="?", type=Path, help="the project folder (made if missing)")
    init.add_argument("--example", action="store_true", help="start from a copy of the bundled dossier instead")
    new = commands.add_parser(
        "new",
        help="start a new event, actor or article",
        description="Write a new record with the required keys, an id made from TITLE (any script) and today's date where one is needed. Never overwrites a file.",
    )
    new.add_argument("type", choices=NEW_TYPES, help="what to create")
    new.add_argument("title", metavar="TITLE", help="the event's title, the actor's name or the article's headline (quote it)")
    new.add_argument("--id", dest="record_id", metavar="ID", help="use this id (the file name) instead of one made from TITLE")
    new.add_argument(
        "--date",
        metavar="DATE",
        help="the event's date (YYYY, YYYY-MM or YYYY-MM-DD; default: today), or the article's publication date (may add HH:MM)",
    )
    new.add_argument("--kind", metavar="KIND", help="the event's or actor's kind (default: other for events, person for actors)")

    imp = commands.add_parser(
        "import",
        help="make a draft article from a raw capture (text or HTML)",
        description="Turn a raw article capture (plain text, or a saved HTML page) into a draft in content/articles/ and copy the capture into content/raw/. Never overwrites a file.",
    )
    imp.add_argument("capture", metavar="CAPTURE", type=Path, help="the capture file: .txt, or .html/.htm")
    imp.add_argument(
        "--id", dest="record_id", metavar="ID", help="use this id (the file name) instead of one made from the headline"
    )

    schema = commands.add_parser(
        "schema",
        help="write the JSON Schemas of the records, for editors",
        description="Write dossier.schema.json, event.schema.json, actor.schema.json, article.schema.json and page.schema.json (JSON Schema draft-07) into DIR.",
    )
    schema.add_argument("dir", metavar="DIR", nargs="?", type=Path, help="where to write them (default: schemas/ in the project)")
    commands.add_parser(
        "reference",
        help="print the format of every record (Markdown)",
        description="Print the format reference of this version of dossier, in Markdown: every key of every record type, the "
        "dates, the statuses, the links and the checks (the repository's docs/reference.md). Try: dossier reference | less",
    )


def run_editor_command(args: argparse.Namespace, root: Path) -> int:
    """Run an editor's tool, print what it wrote; exit status 1 if nothing could be."""
    try:
        editor_command(args, root)
    except (EditorError, OSError) as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return 1
    return 0


def editor_command(args: argparse.Namespace, root: Path) -> None:
    if args.command == "init":
        from dossier.init import init_project

        target = inside(root, args.dir) if args.dir is not None else root
        started = init_project(target, example=args.example)
        for name in started.written:
            print(f"wrote {name}")
        for name in started.kept:
            print(f"kept {name} (it was there already)")
        where = "" if target == Path(".") else f" -C {target}"
        print(
            f"started a dossier in {target}. Next:\n"
            f"  dossier serve{where}    preview it at http://127.0.0.1:8000/; every save reloads the page\n"
            f'  dossier new event "What happened"{where}    start a record (also: actor, article; dossier import CAPTURE)\n'
            f"  dossier build{where}    the site, in {target / 'site'}\n"
            "The format of every record: dossier reference prints it, and your editor completes keys from schemas/."
        )
    elif args.command == "reference":
        from dossier.reference import reference

        print(reference(), end="")
    elif args.command == "schema":
        from dossier.schema_json import SCHEMAS_DIR, write_schemas

        for path in write_schemas(inside(root, args.dir) if args.dir is not None else root / SCHEMAS_DIR):
            print(f"wrote {path}")
    elif args.command == "new":
        from dossier.new import new_record

        written = new_record(root, args.type, args.title, record_id=args.record_id, date=args.date, record_kind=args.kind)
        print(f"wrote {written.path}")
        fill = "fill in the actors, the summary and at least one source" if args.type == "event" else "fill it in"
        print(f"next: {fill}; it is a draft until you remove 'draft: true' (dossier serve shows it, dossier build leaves it out)")
        if written.schema_missing:
            print(
                f"note: {written.schema} does not exist yet; run 'dossier schema' so your editor can check the file as you type"
            )
    else:
        from dossier.importer import import_capture

        imported = import_capture(root, inside(root, args.capture), record_id=args.record_id)
        print(
            f"wrote {imported.article} (a draft of {plural(len(imported.draft.paragraphs), 'paragraph')}: review it against "
            "the capture, then remove 'draft: true' to publish it)"
        )
        if imported.raw is not None:
            print(f"copied {args.capture} to {imported.raw}")


def report_problems(problems: Sequence[Problem], wrote: str | None = "nothing was written", strict: bool = False) -> None:
    """Every problem, one per line, then a count (errors and warnings apart) and what that meant."""
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return
    counts = [plural(errors, "error")] if errors else []
    counts += [plural(warnings, "warning") + (" (errors under --strict)" if strict else "")] if warnings else []
    print(f"{' and '.join(counts)} found{'; ' + wrote if wrote else ''}", file=sys.stderr)


def left_out(drafts: Sequence[str]) -> str:
    """What a check or build says of the drafts it left out."""
    if not drafts:
        return ""
    return f"; left out {plural(len(drafts), 'draft')} ({', '.join(drafts[:3])}{', ...' if len(drafts) > 3 else ''})"


class UsageError(Exception):
    """A value given on the command line (or in the environment) that the command cannot use."""


def build_base_url(option: str | None, variable: str) -> str | None:
    """The base_url for one build: ``--base-url``, else the environment variable, else None (the dossier's own)."""
    from dossier.schema import BASE_URL_FORM, as_base_url

    for name, value in (("--base-url", option or ""), (BASE_URL_VARIABLE, variable)):
        if value.strip():
            checked = as_base_url(value)
            if checked is None:
                raise UsageError(f"{name} must be {BASE_URL_FORM}, got '{value}'")
            return checked
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl-C and SIGTERM stop it cleanly (staging removed, no traceback) with status 130 or 143."""
    try:
        with stop_like_ctrl_c():
            return run(parser().parse_args(argv))
    except KeyboardInterrupt as interrupt:
        return exit_status(interrupt)


def run(args: argparse.Namespace) -> int:
    if args.command is None:
        parser().print_help()
        return 0
    root: Path = args.root
    if not root.is_dir() and args.command != "init":
        print(f"dossier: error: project folder {root} does not exist", file=sys.stderr)
        return 2
    out = inside(root, args.out) if getattr(args, "out", None) else root / "site"
    try:
        if args.command in ("init", "new", "import", "schema", "reference"):
            return run_editor_command(args, root)
        if args.command == "check":
            from dossier.build import BuildReport, check
            from dossier.registry import record_types

            report = BuildReport()
            records = check(root, report, strict=args.strict)
            report_problems(report.warnings, wrote=None)
            counts = [plural(len(records.of(t.name)), t.name) for t in record_types() if records.of(t.name)]
            total = sum(len(records.of(t.name)) for t in record_types())
            found = "no errors" if report.warnings else "no problems"
            detail = f" ({', '.join(counts)})" if counts else ""
            if not args.quiet:
                print(f"{found} found in {plural(total, 'record')}{detail}{left_out(records.drafts_left_out)}")
        elif args.command == "build":
            from dossier.build import build
            from dossier.progress import Progress

            base_url = build_base_url(args.base_url, os.environ.get(BASE_URL_VARIABLE, ""))
            options = {"search": not args.no_search, "base_url": base_url, "strict": args.strict}
            if args.quiet:
                report = build(root, out, **options)
            else:
                with Progress(verbose=args.verbose) as progress:
                    report = build(root, out, progress=progress, **options)
            report_problems(report.warnings, wrote=None)
            if not args.quiet:
                print(report.summary(out) + left_out(report.drafts_left_out))
                for note in report.notes:
                    print(f"note: {note}")
        else:
            from dossier.serve import serve

            serve(root, out, args.host, args.port, args.open, not args.no_search, args.poll, args.quiet, args.verbose)
    except DossierError as exc:
        report_problems(exc.problems, strict=getattr(args, "strict", False))
        return 1
    except (WriteError, PagefindError, UsageError) as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return 1
    return 0
