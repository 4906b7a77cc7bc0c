"""Helpers shared by the tests and by ``tests/regen.py``."""

from __future__ import annotations

import difflib
import io
import random
import re
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from dossier.build import build
from dossier.cli import main

TESTS = Path(__file__).parent
SAMPLE = TESTS / "sample"
GOLDEN = TESTS / "golden"
INVALID = TESTS / "invalid"
THEME_FILES = ("static/",)  # the theme's own CSS and JS: not part of the golden copy (their source is in templates/)


def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample project to edit, at ``tmp_path/project``."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    return project


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its POSIX path relative to it."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def golden_tree(root: Path) -> dict[str, bytes]:
    """A built sample site as the golden copy holds it: without the theme's static files."""
    return {path: data for path, data in tree(root).items() if not path.startswith(THEME_FILES)}


def tree_diff(actual: dict[str, bytes], expected: dict[str, bytes], names: tuple[str, str] = ("expected", "built")) -> str:
    """A readable account of how two file trees differ: missing and extra files, a unified diff per changed file."""
    lines: list[str] = []
    for path in sorted(expected.keys() - actual.keys()):
        lines.append(f"missing from {names[1]}: {path}")
    for path in sorted(actual.keys() - expected.keys()):
        lines.append(f"not in {names[0]}: {path}")
    for path in sorted(actual.keys() & expected.keys()):
        if actual[path] != expected[path]:
            old = expected[path].decode("utf-8", "replace").splitlines(keepends=True)
            new = actual[path].decode("utf-8", "replace").splitlines(keepends=True)
            diff = difflib.unified_diff(old, new, f"{names[0]}/{path}", f"{names[1]}/{path}", n=1)
            lines.extend(line.rstrip("\n") for line in diff)
    return "\n".join(lines)


def build_golden(project: Path, out: Path) -> None:
    """The golden build: the sample project without the search index (Pagefind's bytes are not ours to pin)."""
    build(project, out, search=False)


def invalid_cases() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_dir() and not p.name.startswith("_"))


STRICT = ".strict"  # in a case's folder: the case is checked with --strict (its warnings are its problems)


def prepare_case(case: str, tmp: Path) -> Path:
    """The base project with the case's files laid over it; a ``.remove`` file lists base files to delete."""
    root = tmp / case
    shutil.copytree(INVALID / "_base", root)
    shutil.copytree(INVALID / case, root, dirs_exist_ok=True, symlinks=True)
    removals = root / ".remove"
    if removals.exists():
        for rel in removals.read_text(encoding="utf-8").split():
            (root / rel).unlink()
        removals.unlink()
    (root / "expected.txt").unlink(missing_ok=True)
    (root / STRICT).unlink(missing_ok=True)
    return root


@dataclass(frozen=True)
class Result:
    """What a command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


def run_main(*args: str) -> Result:
    """Run the ``dossier`` command in this process (fast: no interpreter start), capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return Result(code, out.getvalue(), err.getvalue())


def check_case(case: str, tmp: Path) -> Result:
    """``dossier check`` on one broken project (with ``--strict`` if the case says so), in this process."""
    strict = ["--strict"] if (INVALID / case / STRICT).exists() else []
    return run_main("-C", str(prepare_case(case, tmp)), "check", *strict)


# --- generated projects and the edits an editor makes, for incremental builds -------------------------------------


def generated_project(tmp_path: Path, size: int = 40) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    project = tmp_path / "project"
    generate(size, project, seed=3)
    return project


def _set_line(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M), encoding="utf-8")


def random_edit(project: Path, rng: random.Random, step: int, undo: list[tuple[Path, bytes | None]]) -> str:
    """One random edit of the kinds an editor makes; a broken one is put right by a later step."""
    content = project / "content"
    events = sorted((content / "events").glob("*.yaml"))
    actors = sorted((content / "actors").glob("*.yaml"))
    articles = sorted((content / "articles").glob("*.md"))
    if undo and rng.random() < 0.5:  # fix what an earlier step broke
        path, data = undo.pop()
        if data is None:
            path.unlink()
        else:
            path.write_bytes(data)
        return f"restore {path.name}"
    kind = rng.choice(
        ["title", "date", "rename", "add", "delete", "break", "quote", "template", "status", "tag", "after", "summary", "kind"]
    )
    event, actor = rng.choice(events), rng.choice(actors)
    if kind == "title":
        _set_line(event, "title", f'"Edited title {step}"')
    elif kind == "date":  # before an event it comes after, it breaks the build, until a restore
        undo.append((event, event.read_bytes()))
        _set_line(event, "date", f'"2021-{rng.randint(1, 12):02d}"')
        _set_line(event, "end", '"2023-01-01"')
    elif kind == "rename":
        _set_line(actor, "name", f'"Renamed actor {step}"')
    elif kind == "kind":  # a person becomes a place: its events list it apart, its co-actors' pages too
        _set_line(actor, "kind", rng.choice(["person", "place", "organization"]))
    elif kind == "add":
        added = content / "events" / f"added-{step}.yaml"
        added.write_bytes(event.read_bytes())
        _set_line(added, "title", f'"Added at step {step}"')  # quoted: a title with a colon stays valid YAML
    elif kind == "delete":  # cited by others it breaks the build, until a restore
        undo.append((event, event.read_bytes()))
        event.unlink()
    elif kind == "break":
        undo.append((actor, actor.read_bytes()))
        actor.write_text("name: [unclosed\n")
    elif kind == "quote":  # edits every cited passage away, or changes the text around it
        article = rng.choice(articles)
        undo.append((article, article.read_bytes()))
        text = article.read_text()
        article.write_text(
            text.replace(" the ", " a ", 3) if rng.random() < 0.5 else text + f"\nA paragraph added at step {step}.\n"
        )
    elif kind == "template":
        own = project / "templates" / "partials" / "footer.html"
        own.parent.mkdir(parents=True, exist_ok=True)
        undo.append((own, own.read_bytes() if own.exists() else None))
        theme = Path(__file__).resolve().parent.parent / "dossier" / "theme" / "partials" / "footer.html"
        own.write_text(theme.read_text().replace("</footer>", f"<!-- step {step} --></footer>"))
    elif kind == "after":  # on another's date, after it: moves events placed after this one too (or makes a cycle)
        undo.append((event, event.read_bytes()))
        other = rng.choice(events)
        date = re.search(r"^date: .*$", other.read_text(), flags=re.M)
        text = re.sub(r"^(after|end|date): .*\n", "", event.read_text(), flags=re.M)
        event.write_text(text + f"{date.group(0) if date else ''}\nafter: [{other.stem}]\n")
    elif kind == "summary":
        _set_line(event, "summary", f'"Summary rewritten at step {step}. [Its actor](actor:{actor.stem}) is named."')
    elif kind == "status":
        _set_line(event, "status", rng.choice(["confirmed", "reported", "planned"]))
    else:
        _set_line(event, "tags", f"[tag-{step % 3}]")
    return f"{kind} {event.name if kind not in ('rename', 'break', 'kind') else actor.name}"
