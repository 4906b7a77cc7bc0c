"""Write: put the rendered files on disk all at once, or not at all.

Files go into a fresh folder beside the output folder; an optional step (search
indexing) runs on it; only when everything succeeded is it swapped in for the
previous output. A failed build leaves the previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from dossier.errors import WriteError
from dossier.project import Output

MARKER = ".dossier-site"
MARKER_TEXT = b"This folder is written by `dossier build`; it is replaced on every build.\n"


def check_outputs(outputs: Sequence[Output]) -> None:
    """Refuse two files at one path and paths that would leave the output folder."""
    seen: set[str] = set()
    for output in outputs:
        path = PurePosixPath(output.path)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise WriteError(f"refusing to write '{output.path}' outside the output folder")
        if output.path in seen:
            raise WriteError(f"two pages would be written to '{output.path}'")
        seen.add(output.path)


def write_site(outputs: Sequence[Output], out_dir: Path, finish: Callable[[Path], None] | None = None) -> None:
    """Write ``outputs`` into ``out_dir`` atomically; ``finish`` runs on the new folder before the swap."""
    check_outputs(outputs)
    out_dir = out_dir.absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise WriteError(f"{out_dir} is a file, not a folder; choose another --out folder")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise WriteError(f"{out_dir} exists and was not written by dossier; remove it or choose another --out folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        made: set[Path] = set()
        for output in outputs:
            target = staging / output.path
            if target.parent not in made:  # one mkdir per folder, not one per file
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(output.data)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        if finish is not None:
            finish(staging)
        os.chmod(staging, 0o755)
        swap(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def swap(new: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``new`` with two renames; the old folder is removed afterwards."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
    os.rename(new, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
