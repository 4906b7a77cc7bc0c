"""Write: the output appears all at once or not at all, and only where it belongs."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dossier import write
from dossier.errors import WriteError
from dossier.project import Output, Streamed
from dossier.write import MARKER, check_outputs, remove_folder, staging, write_site
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
    "path", ["", "/", ".", "./.", "/./", "a/..", "a/../..", "../a", "a/b/../../..", "a/b/../c.html", "/a", "//a"]
)
def test_refuses_every_path_that_names_the_folder_itself_or_leaves_it(path: str) -> None:
    with pytest.raises(WriteError) as error:
        check_outputs([path])
    assert str(error.value) == f"refusing to write '{path}' outside the output folder"


def test_takes_paths_with_dots_that_stay_inside() -> None:
    check_outputs(["a/./b.html", ".well-known/x", "a..b/index.html", "events/x/index.html", "./a"])


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
        check_outputs(output.path for output in outputs)
    assert str(error.value) == message


# --- the swap, leftovers of killed builds, full disks -----------------------------------------------


def test_the_swap_exchanges_the_folders_in_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"1")], out)

    def no_rename(*args: object) -> None:
        raise AssertionError("a rename while a site is in place leaves an instant without one")

    monkeypatch.setattr(write.os, "rename", no_rename)
    write_site([Output("index.html", b"2")], out)
    assert (out / "index.html").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_without_an_atomic_exchange_the_swap_falls_back_to_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "_renameat2", lambda: None)  # not Linux, or a C library without renameat2
    out = tmp_path / "site"
    write_site([Output("index.html", b"1")], out)
    write_site([Output("index.html", b"2")], out)
    assert (out / "index.html").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def leftover(parent: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = parent / name
    folder.mkdir()
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def test_the_next_build_removes_what_killed_builds_left_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "site"
    leftover(tmp_path, ".site.new-abc", {MARKER: b"", "index.html": b"half", "events/x/index.html": b"x"})
    leftover(tmp_path, ".site.old-def", {MARKER: b"", "index.html": b"old"})
    leftover(tmp_path, ".site.pagefind-ghi", {MARKER: b"", "pagefind.js": b""})
    leftover(tmp_path, ".site.new-empty", {})  # killed between mkdtemp and the marker
    leftover(tmp_path, ".site.new-notours", {"thesis.txt": b"precious"})  # no marker: not ours
    leftover(tmp_path, ".other.new-abc", {MARKER: b""})  # beside another output folder
    write_site([Output("index.html", b"new")], out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.new-abc", ".site.new-notours", "site"]
    assert (tmp_path / ".site.new-notours/thesis.txt").read_bytes() == b"precious"


def test_a_staging_folder_in_use_by_another_build_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with staging(out, "new") as running:  # another build, still writing
        write_site([Output("index.html", b"new")], out)
        assert (running / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_is_removed_with_its_marker_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = leftover(tmp_path, ".site.old-x", {MARKER: b"", "a/b.html": b"", "c.html": b""})
    removed: list[str] = []
    unlink = os.unlink
    monkeypatch.setattr(os, "unlink", lambda path, **kw: (removed.append(Path(path).name), unlink(path, **kw)))
    remove_folder(folder)
    assert removed[-1] == MARKER and not folder.exists()


def test_a_write_error_is_a_clear_message_and_the_previous_site_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"good")], out)
    before = tree(out)
    write_bytes = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.name == "b.html":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(WriteError) as error:
        write_site([Output("a.html", b"a"), Output("b.html", b"b")], out)
    assert str(error.value) == (
        f"cannot write the site: no space left on the disk holding {tmp_path}; free some space and build again "
        "(the previous site is unchanged)"
    )
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# --- update: a preview's rebuild writes only the changed files --------------------------------------------------------


def test_update_moves_new_files_in_before_changed_ones_and_removes_the_old_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    write_site([Output("index.html", b"old"), Output("events/a/index.html", b"a"), Output("events/b/index.html", b"b")], out)
    moved: list[str] = []
    real_replace = os.replace

    def replace(source: Path, target: Path) -> None:
        moved.append(Path(target).relative_to(out).as_posix())
        real_replace(source, target)

    def fill(folder: Path) -> None:
        write.write_files([Output("index.html", b"new"), Output("events/c/index.html", b"c")], folder)

    monkeypatch.setattr(write.os, "replace", replace)
    assert write.update(out, fill, removed=lambda: ["events/b/index.html"]) == ["events/c/index.html", "index.html"]
    assert moved == ["events/c/index.html", "index.html"]  # a changed page never links to a page not there yet
    assert {k: v for k, v in tree(out).items() if k != MARKER} == {
        "index.html": b"new",
        "events/a/index.html": b"a",
        "events/c/index.html": b"c",
    }
    assert not (out / "events/b").exists()  # the emptied folder goes too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_update_refuses_a_folder_dossier_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(WriteError) as error:
        write.update(out, lambda folder: None)
    assert str(error.value) == f"{out} was not written by dossier; remove it or choose another --out folder"
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_streamed_file_is_written_piece_by_piece_and_linked_when_the_previous_site_holds_it(tmp_path: Path) -> None:
    old, new = tmp_path / "site", tmp_path / "new"
    (old / "data").mkdir(parents=True)
    (old / "data/dossier.json").write_bytes(b'{"a": 1}\n')
    (old / "data/other.json").write_bytes(b'{"a": 2}\n')  # the same length, other bytes
    (old / "data/link.json").symlink_to(old / "data/dossier.json")
    made: list[bytes] = []

    def pieces(*parts: bytes) -> Callable[[], Iterator[bytes]]:
        def each() -> Iterator[bytes]:
            for part in parts:
                made.append(part)
                yield part

        return each

    for name in ("dossier.json", "other.json", "link.json", "none.json"):
        write.write_streamed(Streamed(f"data/{name}", pieces(b'{"a": ', b"1}\n")), new, same_as=old)
        assert (new / "data" / name).read_bytes() == b'{"a": 1}\n'
    assert made == [b'{"a": ', b"1}\n"] * 4
    linked = {name for name in ("dossier.json", "other.json", "link.json", "none.json")
              if (new / "data" / name).stat().st_ino == (old / "data/dossier.json").stat().st_ino}  # fmt: skip
    assert linked == {"dossier.json"}  # not other bytes, not through a symbolic link, not a file the site lacks
    assert sorted(p.name for p in (new / "data").iterdir()) == ["dossier.json", "link.json", "none.json", "other.json"]
    with pytest.raises(WriteError) as error:
        write.write_streamed(Streamed("../out.json", pieces(b"x")), new)
    assert str(error.value) == "refusing to write '../out.json' outside the output folder"
