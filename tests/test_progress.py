"""Progress: a status line on a terminal, plain lines for a long build elsewhere, phase times with -v."""

from __future__ import annotations

import io
import os
import re
import sys
import time

import pytest

from dossier.progress import Progress


def test_a_terminal_gets_one_status_line_redrawn_and_cleared_at_the_end() -> None:
    stream = io.StringIO()
    with Progress(stream, tty=True) as progress:
        progress("check", 0, 0)
        progress("render", 0, 200)
        progress("render", 200, 200)
        progress("index", 0, 0)
    assert stream.getvalue() == (
        "\r\x1b[Kchecking records (0s)"
        "\r\x1b[Krendering pages 0/200 (0%)"
        "\r\x1b[Krendering pages 200/200 (100%)"
        "\r\x1b[Kindexing for search (Pagefind) (0s)"
        "\r\x1b[K"
    )


def test_a_terminal_shows_the_seconds_of_a_phase_without_a_count() -> None:
    stream = io.StringIO()
    with Progress(stream, tty=True) as progress:
        progress("index", 0, 0)
        time.sleep(1.2)  # the ticker redraws every half second
    assert "\r\x1b[Kindexing for search (Pagefind) (1s)" in stream.getvalue()


def test_a_quick_build_prints_nothing_where_there_is_no_terminal() -> None:
    stream = io.StringIO()
    with Progress(stream, tty=False) as progress:
        progress("check", 0, 0)
        progress("render", 10, 10)
    assert stream.getvalue() == ""


def test_a_long_build_prints_plain_lines_per_phase_and_quarter_of_the_pages() -> None:
    stream = io.StringIO()
    with Progress(stream, tty=False) as progress:
        progress.started -= 5  # as if the build had been running for a while
        progress("check", 0, 0)
        for done in range(0, 401, 50):
            progress("render", done, 400)
        progress("index", 0, 0)
    assert stream.getvalue() == (
        "checking records...\n"
        "rendering pages 0/400\n"
        "rendering pages 100/400\n"
        "rendering pages 200/400\n"
        "rendering pages 300/400\n"
        "rendering pages 400/400\n"
        "indexing for search (Pagefind)...\n"
    )


def test_verbose_adds_each_phase_with_its_time() -> None:
    stream = io.StringIO()
    with Progress(stream, verbose=True, tty=False) as progress:
        progress("check", 0, 0)
        progress("model", 0, 0)
    assert re.fullmatch(r"checking records: done in \d\.\d\ds\nlinking records: done in \d\.\d\ds\n", stream.getvalue())


def test_a_large_dossiers_index_counts_its_parts() -> None:
    stream = io.StringIO()
    with Progress(stream, tty=True) as progress:
        for done in range(3):
            progress("index", done, 2)
            time.sleep(0.15)  # a redraw at most every 0.1 s
    drawn = [status for status in stream.getvalue().split("\r\x1b[K") if status]
    assert list(dict.fromkeys(drawn)) == [  # the ticker may redraw a status again
        "indexing for search (Pagefind) 0/2 parts (0%)",
        "indexing for search (Pagefind) 1/2 parts (50%)",
        "indexing for search (Pagefind) 2/2 parts (100%)",
    ]
    plain = io.StringIO()
    with Progress(plain, tty=False) as progress:
        progress.started -= 5
        for done in range(3):
            progress("index", done, 2)
    assert plain.getvalue() == (
        "indexing for search (Pagefind) 0/2 parts\n"
        "indexing for search (Pagefind) 1/2 parts\n"  # a quarter of the parts or more: a line
        "indexing for search (Pagefind) 2/2 parts\n"
    )


def test_a_closed_terminal_does_not_stop_the_build_it_shows() -> None:
    leader, follower = os.openpty()
    os.close(leader)  # the terminal is gone: every write to it fails (EIO)
    with io.TextIOWrapper(io.FileIO(follower, "w"), encoding="utf-8", write_through=True) as terminal:
        with Progress(terminal, verbose=True, tty=True) as progress:  # (made while the terminal was there)
            progress("render", 0, 10)
            progress("render", 10, 10)
            progress("write", 0, 0)
        assert not progress.ticker.is_alive()


def test_progress_goes_to_standard_error_as_it_is_at_each_write(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    with Progress(tty=False, verbose=True) as progress:
        progress("check", 0, 0)
        monkeypatch.setattr(sys, "stderr", second)  # as the preview replaces it when its terminal is closed
        progress("model", 0, 0)
    assert first.getvalue() == ""
    assert re.fullmatch(r"checking records: done in \d\.\d\ds\nlinking records: done in \d\.\d\ds\n", second.getvalue())
