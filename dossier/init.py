"""Init: start a dossier project — an event, an actor and an article that pass ``check`` (or, with ``example``, a copy
of the bundled dossier), the records' JSON Schemas wired to the editor, and a ``.gitignore`` that leaves the built
site out. Refuses to touch a folder that already holds a project; never overwrites a file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import EditorError
from dossier.project import CONTENT, ignored
from dossier.schema_json import SCHEMAS_DIR, write_schemas

STARTER = Path(__file__).parent / "starter"  # the new project's files (dotfiles stored without their dot)
EXAMPLE = Path(__file__).parent / "example"  # the bundled dossier: the repository's content/
DOTTED = {"gitignore": ".gitignore", "vscode": ".vscode"}


@dataclass(frozen=True)
class Started:
    """What :func:`init_project` wrote, relative to the project, and what it left as it was."""

    root: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]  # files that were there already (a .gitignore gets the missing lines appended)


def init_project(root: Path, example: bool = False) -> Started:
    """Start a project in ``root`` (made if missing): the starter records, or the bundled dossier with ``example``."""
    if (root / CONTENT).exists():
        raise EditorError(
            f"{root / CONTENT} already exists: {root} is a dossier project already; edit it, or choose another folder"
        )
    if root.exists() and not root.is_dir():
        raise EditorError(f"{root} is a file; choose a folder for the project")
    source = EXAMPLE if example else STARTER / CONTENT
    if not source.is_dir():
        raise EditorError(f"this installation of dossier has no {'bundled dossier' if example else 'starter project'} ({source})")
    root.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    kept: list[str] = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and not any(ignored(part) for part in path.relative_to(source).parts):
            written.append(_copy(path, root / CONTENT / path.relative_to(source), root))
    for stored, name in DOTTED.items():
        folder = STARTER / stored
        files = [(p, root / name / p.relative_to(folder)) for p in sorted(folder.rglob("*")) if p.is_file()]
        for path, target in files if folder.is_dir() else [(folder, root / name)]:
            if name == ".gitignore" and target.exists():
                _append_missing(target, path.read_text(encoding="utf-8"))
                kept.append(name)
            elif target.exists():
                kept.append(target.relative_to(root).as_posix())
            else:
                written.append(_copy(path, target, root))
    written += [p.relative_to(root).as_posix() for p in write_schemas(root / SCHEMAS_DIR)]
    return Started(root, tuple(written), tuple(kept))


def _copy(source: Path, target: Path, root: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target.relative_to(root).as_posix()


def _append_missing(path: Path, wanted: str) -> None:
    """Add to an existing ignore file the lines it lacks."""
    have = path.read_text(encoding="utf-8")
    lines = [line for line in wanted.splitlines() if line and line not in have.splitlines()]
    if lines:
        path.write_text(have + ("" if have.endswith("\n") or not have else "\n") + "\n".join(lines) + "\n", encoding="utf-8")
