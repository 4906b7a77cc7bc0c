"""CLI: the ``dossier`` command. Parses arguments, runs a stage, prints results; the only module that prints."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dossier import __version__
from dossier.errors import DossierError, Problem
from dossier.index import PagefindError
from dossier.write import WriteError


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="dossier", description="Build a static briefing site from a folder of events, actors and articles."
    )
    main.add_argument("--version", action="version", version=f"dossier {__version__}")
    main.add_argument(
        "-C",
        dest="root",
        metavar="DIR",
        type=Path,
        default=Path("."),
        help="run on the project in DIR (default: the current folder)",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build",
        help="check, render and index the site",
        description="Check the content, render every page into the output folder and index it for search.",
    )
    build.add_argument("--out", metavar="DIR", type=Path, help="write the site to DIR (default: site/ in the project)")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")

    commands.add_parser(
        "check",
        help="check the content and list every problem",
        description="Check every record and list every problem as path:line:column; exit 1 if there is any.",
    )

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
    return main


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{plural(len(problems), 'problem')} found; nothing was written", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root: Path = args.root
    if not root.is_dir():
        print(f"dossier: error: project folder {root} does not exist", file=sys.stderr)
        return 2
    out = args.out if getattr(args, "out", None) else root / "site"
    try:
        if args.command == "check":
            from dossier.build import check

            records = check(root)
            total = len(records.events) + len(records.actors) + len(records.articles)
            print(
                f"no problems found in {total} records ({len(records.events)} events, {len(records.actors)} actors, {len(records.articles)} articles)"
            )
        elif args.command == "build":
            from dossier.build import build

            print(build(root, out, search=not args.no_search).summary(out))
        else:
            from dossier.serve import serve

            serve(root, out, host=args.host, port=args.port, open_browser=args.open, search=not args.no_search)
    except DossierError as exc:
        report_problems(exc.problems)
        return 1
    except (WriteError, PagefindError) as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
