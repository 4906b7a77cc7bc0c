"""Watch: saves are seen, editor noise is not, and a burst of saves is one change."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dossier.load import ignored
from dossier.render import THEME
from dossier.watch import Watcher, watched_dirs


@pytest.mark.parametrize(
    "name", [".#event.yaml", "event.yaml~", ".event.yaml.swp", "event.swp", "4913", "5036", ".git", "#event.yaml#", "x.tmp"]
)
def test_editor_noise_is_ignored(name: str) -> None:
    assert ignored(name)


@pytest.mark.parametrize("name", ["event.yaml", "article.md", "4914", "2022", "style.css", "base.html"])
def test_content_files_are_watched(name: str) -> None:
    assert not ignored(name)


def test_watcher_sees_saves_but_not_editor_files(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "a.yaml").write_text("title: A\n")
    (tmp_path / "site").mkdir()
    watcher = Watcher([tmp_path], exclude=[tmp_path / "site"])
    for noise in [".#a.yaml", "a.yaml~", ".a.yaml.swp", "4913", ".hidden/b.yaml"]:
        (tmp_path / "events" / noise).parent.mkdir(exist_ok=True)
        (tmp_path / "events" / noise).write_text("x")
    (tmp_path / "site" / "index.html").write_text("built")
    assert watcher.changes()[0] == set()
    (tmp_path / "events" / "a.yaml").write_text("title: B, longer\n")  # a new size: mtimes are only as fine as a clock tick
    (tmp_path / "events" / "new.yaml").write_text("title: C\n")
    assert watcher.changes()[0] == {str(tmp_path / "events" / "a.yaml"), str(tmp_path / "events" / "new.yaml")}
    (tmp_path / "events" / "new.yaml").unlink()
    assert watcher.changes()[0] == {str(tmp_path / "events" / "new.yaml")}


def test_a_burst_of_saves_is_one_rebuild(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("0")
    watcher = Watcher([tmp_path], interval=0.02, quiet=0.1)
    stop = threading.Event()
    saved: list[float] = []

    def editor() -> None:
        for i in range(5):  # five saves 40 ms apart: closer than the quiet time
            target.write_text(str(i + 1))
            saved.append(time.time())
            time.sleep(0.04)

    writer = threading.Thread(target=editor)
    writer.start()
    changed = watcher.wait(stop)
    returned = time.time()
    writer.join()
    assert changed == [str(target)]
    assert len(saved) == 5 and returned >= saved[-1] + 0.09
    stop.set()
    assert watcher.wait(stop) is None  # nothing more to rebuild: the whole burst was one change


def test_watched_dirs_cover_content_templates_and_theme(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "templates").mkdir()
    dirs = watched_dirs(tmp_path)
    assert dirs == sorted({(tmp_path / "content").resolve(), (tmp_path / "templates").resolve(), THEME.resolve()})
