"""Plan: what a rebuild must do, from what the last build of a session left (:class:`Previous`).

Each page of the last build is kept with its template, its variables and what it read of
the model and the templates (:class:`PageState`); a page is rendered again when it is new,
or one of those changed (``recording.Readers`` says which pages read a changed model
path). With ``defer`` (the preview), a slow page or an export that changed is kept as it
was for now and made again after the browser has reloaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.model import Site
from dossier.pages import Job, Page, Produce
from dossier.project import Output
from dossier.recording import Changes, Readers
from dossier.render import Rendered

MODEL_INPUTS = ("dossier", "records", "changed", "export_templates")  # what the model is a function of
SLOW = 0.05  # seconds: a page that took this long (the timeline, the brief) is one a preview may render after reloading


@dataclass(frozen=True)
class PageState:
    """What a page was rendered from (its template, its variables, what it read of the model and the templates), and
    how long it took."""

    template: str
    variables: Mapping[str, Any]
    reads: frozenset[Any]
    seconds: float = 0.0


@dataclass(frozen=True)
class Previous:
    """What the last good build of a session left: where, from which model, each page's inputs, each export's files,
    and what it left out of date for :meth:`Session.catch_up` (``pending``)."""

    out: Path
    site: Site
    pages: Mapping[str, PageState]
    made: Mapping[str, tuple[str, ...]]  # export (Produce job) name -> the files it made
    seconds: Mapping[str, float]  # export name -> how long it took
    templates: Mapping[str, str]  # template name -> digest of its source
    files: frozenset[str]  # every file of the output, the search index's apart
    pending: tuple[Job, ...] = ()  # pages and exports kept from an older build, to be made again
    indexed: bool = False  # the search index is of these pages


def record(
    jobs: Sequence[Job], rendered: Rendered, states: dict[str, PageState], made: dict[str, Any], seconds: dict[str, float]
) -> None:
    """Note what each job of ``jobs`` read and made, and how long it took."""
    for job in jobs:
        if isinstance(job, Page):
            states[job.path] = PageState(job.template, job.variables, rendered.reads[job.path], rendered.seconds[job.path])
    made.update(rendered.made)
    seconds.update({name: rendered.seconds[name] for name in rendered.made})


def job_paths(job: Job, made: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The files a job makes (an export's, as ``made`` says it made them)."""
    if isinstance(job, Produce):
        return made.get(job.name, ())
    return (job.path,)


def plan(
    jobs: Sequence[Job],
    site: Site,
    templates: Mapping[str, str],
    previous: Previous | None,
    defer: bool,
    readers: Readers,
) -> tuple[list[Job], dict[str, Job], dict[str, PageState], list[Job]]:
    """What a build must do: the jobs to run; the files to take from the previous output as they are (with the job
    that would make each); the kept pages' inputs; and, with ``defer``, the kept jobs that are out of date.
    ``readers`` (in step with ``previous.pages``) says which pages read each path."""
    if previous is None:
        return list(jobs), {}, {}, []
    edited = {
        name for name in templates.keys() | previous.templates.keys() if templates.get(name) != previous.templates.get(name)
    }
    changes = Changes(previous.site, site, edited)
    same_model = all(getattr(previous.site, name) == getattr(site, name) for name in MODEL_INPUTS)
    stale = {job.path if isinstance(job, Page) else job.name for job in previous.pending if not isinstance(job, Output)}
    touched = readers.touched(changes)
    todo: list[Job] = []
    keep: dict[str, Job] = {}
    states: dict[str, PageState] = {}
    pending: list[Job] = []
    for job in jobs:
        if isinstance(job, Page):
            before = previous.pages.get(job.path)
            if before is not None and (
                job.path not in stale
                and before.template == job.template
                and before.variables == job.variables
                and job.path not in touched
            ):
                keep[job.path] = job
                states[job.path] = PageState(before.template, job.variables, before.reads, before.seconds)
                continue
            if defer and before is not None and before.seconds >= SLOW:
                keep[job.path] = job
                states[job.path] = before
                pending.append(job)
                continue
        elif isinstance(job, Produce) and job.name in previous.made:
            if same_model and job.name not in stale:
                keep.update(dict.fromkeys(previous.made[job.name], job))
                continue
            if defer:
                keep.update(dict.fromkeys(previous.made[job.name], job))
                pending.append(job)
                continue
        todo.append(job)
    return todo, keep, states, pending
