"""Build: run the pipeline (load, check, model, render, write, index) and time each phase.

Read and check everything first; stop with every problem, or render, write and index
into a staging folder that replaces the output folder only when all of it succeeded.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dossier.check import check_project
from dossier.errors import DossierError, Location, Problem, errors_in, plural, warning
from dossier.index import run_pagefind
from dossier.load import load_project
from dossier.model import link_records
from dossier.project import DOSSIER_FILE, export_templates
from dossier.records import Records
from dossier.render import make_env, render_site, static_files
from dossier.write import write_site

T = TypeVar("T")
NO_BASE_URL = (
    "no base_url, so this build leaves out sitemap.xml, feed.xml, the canonical links and the event links of "
    "data/events.ics, and the other exports link to pages relative to the site root; set base_url here, "
    "or for one build pass --base-url URL or set DOSSIER_BASE_URL"
)


@dataclass
class BuildReport:
    """What a build did: pages written, seconds per phase, and the warnings it met."""

    pages: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

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
        return f"built {plural(self.pages, 'page')} ({plural(self.files, 'file')}) into {out_dir} in {total:.2f}s ({phases})"


def timed(report: BuildReport, name: str, work: Callable[[], T]) -> T:
    with report.phase(name):
        return work()


def check(root: Path, report: BuildReport | None = None, strict: bool = False) -> Records:
    """Load and check a project; raise DossierError with every problem, or return its records (warnings in ``report``)."""
    report = report if report is not None else BuildReport()
    project, problems = timed(report, "load", lambda: load_project(root))
    records, more = timed(report, "check", lambda: check_project(project))
    problems = sorted(problems + more)
    if errors_in(problems, strict) or records is None:
        raise DossierError(problems)
    report.warnings = problems
    return records


def build(
    root: Path,
    out_dir: Path,
    search: bool = True,
    keep_index: bool = False,
    strict: bool = False,
    base_url: str | None = None,
) -> BuildReport:
    """Build the project at ``root`` into ``out_dir``; on any problem raise and leave ``out_dir`` untouched.

    With ``keep_index`` (and no ``search``), the previous site's search index is carried
    over as it is, for a preview that re-indexes after the browser has reloaded. A
    ``base_url`` (checked and ending with "/") replaces the dossier's for this build.
    """
    report = BuildReport()
    records = check(root, report, strict)
    if base_url:
        records = dataclasses.replace(records, dossier=dataclasses.replace(records.dossier, base_url=base_url))
    if not records.dossier.base_url:
        report.warnings.append(warning(Location(DOSSIER_FILE), NO_BASE_URL))
    site = timed(report, "model", lambda: link_records(records))
    site = dataclasses.replace(site, export_templates=export_templates(root))
    env = make_env(root, site.labels)
    outputs = timed(report, "render", lambda: render_site(site, env, root).outputs + static_files(root))
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
