"""Files: only regular files inside the project are read; a FIFO or a link out of it is refused, never opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dossier.files import OUTSIDE, Unreadable, not_a_file, read_file


def test_a_regular_file_inside_the_project_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"title: x\n")
    assert not_a_file(tmp_path, tmp_path / "a.yaml") is None
    assert read_file(tmp_path, tmp_path / "a.yaml") == b"title: x\n"


def test_a_link_out_of_the_project_is_refused(tmp_path: Path) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "secret.yaml"
    project.mkdir()
    elsewhere.write_bytes(b"password: x\n")
    (project / "a.yaml").symlink_to(elsewhere)
    assert not_a_file(project, project / "a.yaml") == OUTSIDE
    with pytest.raises(Unreadable) as error:
        read_file(project, project / "a.yaml")
    assert str(error.value) == OUTSIDE


def test_a_named_pipe_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.yaml")  # nobody writes to it: opening it for reading would wait forever
    message = "a named pipe (FIFO), not a regular file; only ordinary files are read: remove it"
    assert not_a_file(tmp_path, tmp_path / "a.yaml") == message
    with pytest.raises(Unreadable) as error:
        read_file(tmp_path, tmp_path / "a.yaml")
    assert str(error.value) == message
