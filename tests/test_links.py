"""Links: a file of the previous site with the same bytes is linked, anything else is written."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from dossier import links
from dossier.project import Output


def test_a_file_the_previous_site_holds_with_the_same_bytes_is_linked_not_written(tmp_path: Path) -> None:
    old, new = tmp_path / "site", tmp_path / "new"
    (old / "events/a").mkdir(parents=True)
    (old / "events/a/index.html").write_bytes(b"<p>same</p>")
    assert links.link_same(Output("events/a/index.html", b"<p>same</p>"), old, new)
    assert (new / "events/a/index.html").stat().st_ino == (old / "events/a/index.html").stat().st_ino
    assert (new / "events/a/index.html").read_bytes() == b"<p>same</p>"


def test_a_large_file_is_compared_a_piece_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "COMPARED", 4)  # bytes compared at a time
    old, new = tmp_path / "site", tmp_path / "new"
    old.mkdir()
    (old / "data.json").write_bytes(b"0123456789abcdef")
    reads: list[int] = []
    real_open = os.fdopen

    def spied(fd: int, mode: str) -> Any:  # the file object link_same reads the previous file through
        handle = real_open(fd, mode)
        read = handle.read
        handle.read = lambda size=-1: reads.append(size) or read(size)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(links.os, "fdopen", spied)
    assert not links.link_same(Output("data.json", b"0123X56789abcdef"), old, new)  # differs in the second piece
    assert reads == [4, 4] and not new.exists()  # read no further
    reads.clear()
    assert links.link_same(Output("data.json", b"0123456789abcdef"), old, new)
    assert reads == [4, 4, 4, 4, 1]  # never the whole file at once
    assert (new / "data.json").read_bytes() == b"0123456789abcdef"


@pytest.mark.parametrize(
    ("path", "data", "why"),
    [
        ("page.html", b"<p>other</p>", "other bytes of the same length"),
        ("page.html", b"<p>longer one</p>", "another length"),
        ("missing.html", b"<p>same</p>", "no such file"),
        ("link.html", b"<p>same</p>", "a symbolic link, even to the same bytes"),
        ("fifo.html", b"", "a named pipe: never opened for reading, never waited on"),
        ("../page.html", b"<p>same</p>", "a path out of the folder"),
    ],
)
def test_anything_else_is_written_as_usual(tmp_path: Path, path: str, data: bytes, why: str) -> None:
    old, new = tmp_path / "site", tmp_path / "new"
    old.mkdir()
    (old / "page.html").write_bytes(b"<p>same</p>")
    (old / "link.html").symlink_to(old / "page.html")
    os.mkfifo(old / "fifo.html")
    (tmp_path / "page.html").write_bytes(b"<p>same</p>")
    assert not links.link_same(Output(path, data), old, new), why
    assert not new.exists() or not any(new.rglob("*")), why


def test_a_file_that_cannot_be_linked_is_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").write_bytes(b"chunk")
    links.link_or_copy(tmp_path / "a", tmp_path / "linked")
    assert (tmp_path / "linked").stat().st_ino == (tmp_path / "a").stat().st_ino

    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    links.link_or_copy(tmp_path / "a", tmp_path / "copied")
    assert (tmp_path / "copied").read_bytes() == b"chunk"
    assert (tmp_path / "copied").stat().st_ino != (tmp_path / "a").stat().st_ino
    with pytest.raises(FileNotFoundError):
        links.link_or_copy(tmp_path / "gone", tmp_path / "b")
