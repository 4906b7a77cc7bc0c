"""Write: the output appears all at once or not at all, and only where it belongs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.errors import WriteError
from dossier.project import Output
from dossier.write import MARKER, check_outputs, write_site
from tests.helpers import tree


def test_write_swaps_in_a_complete_folder_and_removes_old_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("a/index.html", b"1"), Output("old.html", b"x")], out)
    write_site([Output("a/index.html", b"2")], out)
    assert tree(out) == {"a/index.html": b"2", MARKER: (out / MARKER).read_bytes()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging or old folder left


def test_a_failing_finish_step_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"good")], out)
    before = tree(out)

    def fail(staging: Path) -> None:
        assert (staging / "index.html").read_bytes() == b"new"
        raise RuntimeError("indexing failed")

    with pytest.raises(RuntimeError, match="indexing failed"):
        write_site([Output("index.html", b"new")], out, fail)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.txt").write_text("precious")
    with pytest.raises(WriteError, match="exists and was not written by dossier; remove it or choose another --out folder"):
        write_site([Output("index.html", b"x")], out)
    assert (out / "thesis.txt").read_text() == "precious"


def test_refuses_an_output_path_that_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("mine")
    with pytest.raises(WriteError) as error:
        write_site([Output("index.html", b"x")], out)
    assert str(error.value) == f"{out} is a file, not a folder; choose another --out folder"
    assert out.read_text() == "mine"


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ([Output("a.html", b""), Output("a.html", b"")], "two pages would be written to 'a.html'"),
        ([Output("../escape.html", b"")], "refusing to write '../escape.html' outside the output folder"),
        ([Output("/etc/passwd", b"")], "refusing to write '/etc/passwd' outside the output folder"),
    ],
)
def test_refuses_duplicate_and_escaping_paths(outputs: list[Output], message: str) -> None:
    with pytest.raises(WriteError) as error:
        check_outputs(outputs)
    assert str(error.value) == message
