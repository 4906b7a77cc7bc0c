"""Plan: a rebuild renders only the pages whose inputs changed; with ``defer``, a slow one waits for the catch-up."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from dossier.build import Session
from dossier.pages import Page, site_map
from dossier.plan import SLOW, plan
from dossier.recording import TEMPLATE
from tests.helpers import sample_copy


def _session(tmp_path: Path) -> Session:
    project = sample_copy(tmp_path)
    session = Session(project)
    session.build(project / "site", search=False)
    return session


def test_nothing_changed_nothing_to_render_and_every_file_kept(tmp_path: Path) -> None:
    session = _session(tmp_path)
    previous = session.previous
    assert previous is not None
    jobs = site_map(previous.site)
    todo, keep, states, pending = plan(jobs, previous.site, previous.templates, previous, False, session.readers)
    assert (todo, pending) == ([], [])
    assert {job.path for job in jobs if isinstance(job, Page)} <= set(keep) and set(states) <= set(keep)


def test_an_edited_template_renders_again_exactly_the_pages_that_loaded_it(tmp_path: Path) -> None:
    session = _session(tmp_path)
    previous = session.previous
    assert previous is not None
    jobs = site_map(previous.site)
    edited = {**previous.templates, "partials/event_item.html": "changed"}
    todo = plan(jobs, previous.site, edited, previous, False, session.readers)[0]
    readers = {path for path, state in previous.pages.items() if (TEMPLATE, "partials/event_item.html") in state.reads}
    assert readers and {job.path for job in todo if isinstance(job, Page)} == readers
    assert len(readers) < len(previous.pages)  # not every page lists events


def test_with_defer_a_slow_page_out_of_date_is_kept_for_the_catch_up(tmp_path: Path) -> None:
    session = _session(tmp_path)
    previous = session.previous
    assert previous is not None
    slow = dataclasses.replace(previous.pages["timeline/index.html"], seconds=SLOW)
    previous = dataclasses.replace(previous, pages={**previous.pages, "timeline/index.html": slow})
    jobs = site_map(previous.site)
    edited = {**previous.templates, "timeline.html": "changed"}
    todo, keep, _, pending = plan(jobs, previous.site, edited, previous, True, session.readers)
    assert [job.path for job in pending if isinstance(job, Page)] == ["timeline/index.html"]
    assert "timeline/index.html" in keep and all(getattr(job, "path", "") != "timeline/index.html" for job in todo)
    assert plan(jobs, previous.site, edited, previous, False, session.readers)[0][0].path == "timeline/index.html"
