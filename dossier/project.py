"""Project: a dossier project's layout on disk, and the files a build produces.

Where content and templates live, which names are editor noise rather than content,
what else in ``content/`` is not read, and where the default theme is. Light on purpose: the watcher, the loader and the
command line use it without loading Jinja, markdown-it or Pagefind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from dossier.errors import Location, Problem, warning

THEME = Path(__file__).parent / "theme"  # the default theme: templates and static/ (the repository's templates/)
CONTENT = "content"
TEMPLATES = "templates"
DEFAULT_THEME = "default"  # templates/base.html can {% extends "default/base.html" %}: the default theme's, by name
DOSSIER_FILE = "content/dossier.yaml"
RAW = "content/raw"
SITE = "site"
EXPORTS = "exports"  # templates/exports/NAME is rendered to data/NAME
DATA = "data"  # the exports' folder in the built site


@dataclass(frozen=True)
class Output:
    """One file of the built site: its path under the output folder and its bytes."""

    path: str
    data: bytes


def leaves_folder(path: str) -> bool:
    """Whether an output's ``path`` would leave the output folder (absolute, with "..", or naming the folder itself)."""
    if ".." not in path:  # the usual path: no part can be "..", and only "/" and "." make no part at all
        return path.startswith("/") or not path.strip("/.")
    parts = [part for part in path.split("/") if part not in ("", ".")]  # as PurePosixPath's parts, faster
    return path.startswith("/") or ".." in parts or not parts


@dataclass(frozen=True)
class Streamed:
    """A large file of the built site (the whole dossier as JSON: 170 MB at 20,000 events), its bytes made a piece
    at a time as it is written, so that they are never all in memory at once."""

    path: str
    pieces: Callable[[], Iterator[bytes]]

    def output(self) -> Output:
        """The file with its bytes in memory (where the renderer returns files instead of writing them)."""
        return Output(self.path, b"".join(self.pieces()))


def template_dirs(root: Path) -> list[Path]:
    """Where templates and static files are looked up, the project's own first, then the default theme."""
    own = root / TEMPLATES
    return [own, THEME] if own.is_dir() and own.resolve() != THEME.resolve() else [THEME]


def export_templates(root: Path) -> tuple[str, ...]:
    """The names of the export templates (``templates/exports/NAME``) of the project and the default theme, sorted."""
    names: set[str] = set()
    for directory in template_dirs(root):
        folder = directory / EXPORTS
        if folder.is_dir():
            for path in folder.rglob("*"):
                relative = path.relative_to(folder)
                if path.is_file() and not any(ignored(part) for part in relative.parts):
                    names.add(relative.as_posix())
    return tuple(sorted(names))


def watched_dirs(root: Path) -> list[Path]:
    """What a save can change: the project's content and templates, and the default theme it builds on."""
    dirs = {(root / CONTENT).resolve(), (root / TEMPLATES).resolve()}
    dirs.update(d.resolve() for d in template_dirs(root))
    return sorted(dirs)


def ignored(name: str) -> bool:
    """Whether a file or folder name is editor or system noise rather than content."""
    if name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".bak")):
        return True  # hidden (.#lock, .x.swp, .git), Emacs #x#, Office ~$x, backups x~, swap and temp files
    if "___jb_" in name:
        return True  # JetBrains safe-write
    # Vim probes whether it may write a folder by creating "4913" (then 5036, 5159, ... if taken).
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


def stray_problems(root: Path, folders: Iterable[str]) -> list[Problem]:
    """A warning for each file or folder in ``content/`` that is not read: neither ``dossier.yaml``, ``raw/`` nor a
    record type's folder (``folders``). A misspelt folder gets a did-you-mean; editor noise is left alone."""
    try:
        entries = sorted((root / CONTENT).iterdir())
    except OSError:
        return []  # no content/ (load says what to do), or unreadable (it cannot read what is in it either)
    known = [*folders, RAW.removeprefix(f"{CONTENT}/")]
    dossier = DOSSIER_FILE.removeprefix(f"{CONTENT}/")
    holds = f"{CONTENT}/ holds {dossier} and the folders {', '.join(name + '/' for name in known)}"
    problems = []
    for path in entries:
        is_folder = path.is_dir()
        names = known if is_folder else [dossier]
        if ignored(path.name) or path.name in names:
            continue
        close = get_close_matches(path.name.lower(), names, n=1, cutoff=0.8)
        what = f"not a {'folder' if is_folder else 'file'} dossier reads"
        hint = f" (did you mean '{close[0]}'?); rename it, or" if close else f": {holds};"
        problems.append(warning(Location(path.relative_to(root).as_posix()), f"{what}{hint} move it out of {CONTENT}/"))
    return problems
