"""Build: run the pipeline (load, check, model, render, write, index) and time each phase."""

from __future__ import annotations

import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import jinja2

from dossier.check import check_project
from dossier.errors import DossierError, Location, Problem
from dossier.index import run_pagefind
from dossier.load import load_project
from dossier.model import Site, build_site
from dossier.records import Records
from dossier.render import make_env, render_site, static_files, template_dirs
from dossier.write import write_site

T = TypeVar("T")


@dataclass
class BuildReport:
    """What a build did: pages written and seconds per phase."""

    pages: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def summary(self, out_dir: Path) -> str:
        phases = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.timings.items())
        total = sum(self.timings.values())
        return f"built {self.pages} pages ({self.files} files) into {out_dir} in {total:.2f}s ({phases})"


def timed(report: BuildReport, name: str, work: Callable[[], T]) -> T:
    with report.phase(name):
        return work()


def check(root: Path, report: BuildReport | None = None) -> Records:
    """Load and check a project; raise DossierError with every problem, or return its records."""
    report = report or BuildReport()
    project, problems = timed(report, "load", lambda: load_project(root))
    records, more = timed(report, "check", lambda: check_project(project))
    if problems or more or records is None:
        raise DossierError(problems + more)
    return records


def build(root: Path, out_dir: Path, search: bool = True, keep_index: bool = False) -> BuildReport:
    """Build the project at ``root`` into ``out_dir``; on any problem raise and leave ``out_dir`` untouched.

    With ``keep_index`` (and no ``search``), the previous site's search index is carried
    over as it is, for a preview that re-indexes after the browser has reloaded.
    """
    report = BuildReport()
    records = check(root, report)
    site: Site = timed(report, "model", lambda: build_site(records))
    env = make_env(root)
    try:
        outputs = timed(report, "render", lambda: render_site(site, env) + static_files(root))
    except Exception as exc:
        problem = template_problem(exc, root)
        if problem is None:
            raise  # not the templates' fault: a bug in dossier, shown with its traceback
        raise DossierError([problem]) from exc
    report.pages = sum(1 for o in outputs if o.path.endswith(".html"))
    report.files = len(outputs)

    def finish(staging: Path) -> None:
        report.timings["write"] = time.perf_counter() - started
        if search:
            with report.phase("index"):
                run_pagefind(staging)
        elif keep_index and (out_dir / "pagefind").is_dir():
            shutil.copytree(out_dir / "pagefind", staging / "pagefind", copy_function=os.link)

    started = time.perf_counter()
    write_site(outputs, out_dir, finish)
    return report


def relative(path: str | Path, root: Path) -> str:
    """``path`` relative to the project when inside it, else as given (POSIX separators)."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _inside(path: str, folders: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(folder) for folder in folders)


def _template_frame(exc: BaseException, root: Path) -> traceback.FrameSummary | None:
    """The innermost line of a template in ``exc``'s traceback (Jinja rewrites tracebacks to point at them)."""
    folders = [d.resolve() for d in template_dirs(root)]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if _inside(frame.filename, folders):
            return frame
    return None


def template_location(exc: BaseException, root: Path) -> Location | None:
    """Where in a template an error happened, or None."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Location(relative(exc.filename, root), exc.lineno or 1)
    frame = _template_frame(exc, root)
    return Location(relative(frame.filename, root), frame.lineno or 1) if frame else None


def _own_template_frame(exc: BaseException, root: Path) -> bool:
    """Whether the innermost template line in ``exc``'s traceback is one of the project's own templates."""
    frame = _template_frame(exc, root)
    return frame is not None and _inside(frame.filename, [(root / "templates").resolve()])


def template_problem(exc: BaseException, root: Path) -> Problem | None:
    """A failed render as a problem located in the template, or None when it is not the templates' fault.

    Every Jinja error is the templates' fault; any other exception is when it was raised by a
    line of the project's own ``templates/`` (``{{ 1 / 0 }}``, a filter given the wrong value).
    Without a template line in the traceback, the problem is placed at the template named in
    the error when there is one, else at ``templates/``.
    """
    said = (exc.message or type(exc).__name__).removesuffix(".") if isinstance(exc, jinja2.TemplateError) else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        message = f"template syntax error: {said}; fix the template at or before this line"
    elif isinstance(exc, jinja2.TemplateNotFound):
        names = ", ".join(f"'{name}'" for name in getattr(exc, "templates", None) or [exc.name])
        message = f"template not found: {names}; correct the name or add the file to templates/"
    elif isinstance(exc, jinja2.TemplateError):
        message = f"template error: {said}; fix this line of the template"
    elif isinstance(exc, Exception) and _own_template_frame(exc, root):
        message = f"template error: {type(exc).__name__}: {exc}; fix this line of the template"
    else:
        return None
    where = template_location(exc, root)
    if where is None:
        name = getattr(exc, "name", None) if isinstance(exc, jinja2.TemplateSyntaxError) else None
        found = [d / name for d in template_dirs(root) if name and (d / name).is_file()]
        where = Location(relative(found[0], root) if found else "templates/")
    return Problem(where, message)
