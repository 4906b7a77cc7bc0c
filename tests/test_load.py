"""Load: safe YAML with positions, front matter, encodings and the files a project holds."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from dossier import load
from dossier.errors import Location, Problem
from dossier.files import OUTSIDE, OUTSIDE_FOLDER
from dossier.load import decode, load_project
from tests.helpers import run_main

T = TypeVar("T")


def test_decode_strips_bom_and_normalises_newlines_and_names_the_bad_byte() -> None:
    assert decode("a", "\ufeffx: 1\r\ny: 2\r".encode(), []) == "x: 1\ny: 2\n"
    problems: list[Problem] = []
    assert decode("a.yaml", b"ok\nname: Pr\xe9sident\n", problems) is None
    assert problems == [Problem(Location("a.yaml", 2, 9), "file is not valid UTF-8 (byte 0xe9); save it with UTF-8 encoding")]


def test_article_front_matter_positions_and_body_line(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project(
        {
            "content/dossier.yaml": "title: T\n",
            "content/articles/a.md": "---\ntitle: A\npublished: 2022-01-01\n---\nFirst paragraph.\n",
            "content/articles/.#a.md": "editor lock file",
            "content/events/b.yaml~": "backup",
            "content/raw/capture.txt": "raw",
        }
    )
    project, problems = load_project(root)
    assert problems == []
    assert [f.path for f in project.files] == ["content/dossier.yaml", "content/articles/a.md"]
    article = project.files[1]
    assert article.id == "a" and article.body == "First paragraph.\n" and article.body_line == 5
    assert article.at("published") == Location("content/articles/a.md", 3, 12)
    assert project.raw_names == frozenset({"capture.txt"})


def test_unexpected_files_in_record_folders_are_reported(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n", "content/events/notes.txt": "x"})
    _, problems = load_project(root)
    assert [str(p) for p in problems] == [
        "content/events/notes.txt:1:1: error: unexpected file in content/events/: event files end in .yaml or .yml; rename or remove it"
    ]


# --- files that are not files, links out of the project, folders that cannot be read -----------------

SECRET = "root:x:0:0:do-not-print-me"


def finishes(work: Callable[[], T], seconds: float = 60) -> T:
    """``work()``'s result; fails (instead of hanging the test run) if it blocks, e.g. in ``open()`` of a FIFO."""
    result: list[T] = []
    worker = threading.Thread(target=lambda: result.append(work()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert result, f"still blocked after {seconds} s"
    return result[0]


def messages(root: Path) -> list[str]:
    _, problems = finishes(lambda: load_project(root))
    return [str(p) for p in problems]


def test_a_fifo_record_is_a_located_error_and_never_opened(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n"})
    (root / "content/events").mkdir()
    os.mkfifo(root / "content/events/x.yaml")
    assert messages(root) == [
        "content/events/x.yaml:1:1: error: a named pipe (FIFO), not a regular file; only ordinary files are read: remove it"
    ]


def test_a_fifo_named_dossier_yaml_is_not_reported_as_missing(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project({"content/events/.keep": ""})
    os.mkfifo(root / "content/dossier.yaml")
    assert messages(root) == [
        "content/dossier.yaml:1:1: error: a named pipe (FIFO), not a regular file; only ordinary files are read: remove it"
    ]


def test_a_device_is_refused_without_being_opened(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n", "content/events/.keep": ""})
    os.mknod(root / "content/events/zero.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero: reading never ends
    assert messages(root) == [
        "content/events/zero.yaml:1:1: error: a device, not a regular file; only ordinary files are read: remove it"
    ]


def test_a_fifo_swapped_in_after_the_check_is_refused_not_waited_on(
    make_project: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n", "content/events/x.yaml": "title: x\n"})
    monkeypatch.setattr("dossier.files.not_a_file", lambda root, path, folders=None: None)  # the check saw a regular file ...
    (root / "content/events/x.yaml").unlink()
    os.mkfifo(root / "content/events/x.yaml")  # ... then a FIFO took its place
    assert messages(root) == [
        "content/events/x.yaml:1:1: error: a named pipe (FIFO), not a regular file; only ordinary files are read: remove it"
    ]


def test_links_out_of_the_project_are_errors_that_never_quote_the_target(
    make_project: Callable[[dict[str, str | bytes]], Path], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET + "\n")
    root = make_project({"content/dossier.yaml": "title: T\n", "templates/static/site.css": "body {}\n"})
    (root / "content/events").mkdir()
    (root / "content/events/leak.yaml").symlink_to(outside / "passwd")
    (root / "templates/static/passwd.txt").symlink_to(outside / "passwd")
    (root / "templates/partials").symlink_to(outside)
    assert messages(root) == [
        f"content/events/leak.yaml:1:1: error: {OUTSIDE}",
        f"templates/partials:1:1: error: {OUTSIDE_FOLDER}",
        f"templates/static/passwd.txt:1:1: error: {OUTSIDE}",
    ]
    result = run_main("-C", str(root), "build", "--no-search")
    assert result.returncode == 1 and SECRET not in result.stdout + result.stderr
    assert not (root / "site").exists()


def test_links_that_stay_inside_the_project_are_followed(make_project: Callable[[dict[str, str | bytes]], Path]) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n", "shared/a.yaml": "title: A\n", "shared/theme/x.css": "x\n"})
    (root / "content/events").mkdir()
    (root / "content/events/a.yaml").symlink_to("../../shared/a.yaml")
    (root / "templates").mkdir()
    (root / "templates/static").symlink_to("../shared/theme")
    (root / "templates/static/again").symlink_to("..")  # a circle: each real folder is visited once
    project, problems = finishes(lambda: load_project(root))
    assert problems == []
    assert [f.data for f in project.files if f.kind == "event"] == [{"title": "A"}]


def test_a_folder_that_cannot_be_read_is_a_located_error(
    make_project: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"content/dossier.yaml": "title: T\n", "content/events/a.yaml": "title: A\n", "templates/x/y.html": ""})
    listdir = os.listdir

    def denied(folder: str | Path) -> list[str]:  # as root, chmod 000 does not stop us: refuse as the kernel would
        if os.path.basename(folder) in ("events", "x"):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return listdir(folder)

    monkeypatch.setattr(os, "listdir", denied)
    assert messages(root) == [
        "content/events:1:1: error: cannot read the folder (Permission denied); fix its permissions or remove it",
        "templates/x:1:1: error: cannot read the folder (Permission denied); fix its permissions or remove it",
    ]


# --- the cache of a preview's session ---------------------------------------------------------------


def test_a_cached_load_reads_again_only_the_files_whose_stat_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "sample", root)
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in (root / "content").rglob("*"):
        os.utime(path, ns=(hour_ago, hour_ago))
    read: list[str] = []
    real = load.read_file
    monkeypatch.setattr(load, "read_file", lambda root, path, folders=None: read.append(path.name) or real(root, path, folders))
    cache: load.FileCache = {}
    first, _ = load_project(root, cache=cache)
    assert len(read) == len(first.files)
    read.clear()
    again, _ = load_project(root, cache=cache)
    assert read == [] and again.files == first.files and all(a is b for a, b in zip(again.files, first.files, strict=True))
    event = root / "content/events/2021-aid.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("2021", "2020", 1), encoding="utf-8")  # the same size, and the old times put back:
    os.utime(event, ns=(hour_ago, hour_ago))  # the inode's change time still moved
    edited, _ = load_project(root, cache=cache)
    assert read == ["2021-aid.yaml"]
    assert [f.path for f in edited.files if f not in first.files] == ["content/events/2021-aid.yaml"]
    read.clear()
    fresh = root / "content/actors/examplia.yaml"
    os.utime(fresh, None)  # changed just now: read again while its times may still move
    load_project(root, cache=cache)
    load_project(root, cache=cache)
    assert read == ["examplia.yaml", "examplia.yaml"]
