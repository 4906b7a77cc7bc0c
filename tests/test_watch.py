"""Watch: saves are seen, editor noise is not, and a burst of saves is one change."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import watchfiles

from dossier.project import THEME, ignored, watched_dirs
from dossier.watch import Saves, Watcher


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


class FakeTime:
    """A clock that moves only when the watcher waits, and an editor whose saves happen at set times on it."""

    def __init__(self, saves: list[float], until: float) -> None:
        self.now = 1000.0
        self.saves = [1000.0 + t for t in saves]  # when each save happens
        self.until = 1000.0 + until  # the stop event is set then
        self.scans: list[float] = []

    def clock(self) -> float:
        return self.now

    def scan(self) -> dict[str, tuple[int, int, int]]:
        """The file as a scan at this moment sees it: stamped by the last save made so far."""
        self.scans.append(self.now)
        made = [t for t in self.saves if t <= self.now]
        return {"a.yaml": (int(made[-1] * 1e9), len(made), 1)} if made else {}

    def is_set(self) -> bool:
        return self.now >= self.until

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None, "the watcher must never wait without a timeout"
        self.idle = getattr(self, "idle", 0) + (timeout <= 0)
        assert self.idle < 1000, "the watcher is spinning: it keeps waiting for no time at all"
        self.now += max(0.0, timeout)
        return self.is_set()


def test_a_burst_of_saves_is_one_rebuild_after_the_quiet_time() -> None:
    # Five saves 40 ms apart, closer than the 0.1 s quiet time; a scan every 20 ms.
    fake = FakeTime(saves=[0.05, 0.09, 0.13, 0.17, 0.21], until=5.0)
    watcher = Watcher([], interval=0.02, quiet=0.1, clock=fake.clock, scanner=fake.scan)
    changed = watcher.wait(fake)
    assert changed == ["a.yaml"], "the burst should come back as one change of the one file"
    last_save = fake.saves[-1]
    assert last_save + 0.1 <= fake.now < last_save + 0.1 + 0.02 + 1e-9, (
        f"returned at +{fake.now - 1000:.3f} s; the last save was at +{last_save - 1000:.3f} s and the quiet time is 0.1 s"
    )
    assert watcher.wait(fake) is None, "nothing was saved after the burst, yet the watcher reported another change"
    assert fake.now >= fake.until and len(fake.scans) > 100  # it kept scanning until stopped


def test_a_save_seen_late_still_waits_only_from_its_own_time() -> None:
    # A slow scan notices a save 0.08 s after it happened: the quiet time counts from the save, not the scan.
    fake = FakeTime(saves=[0.0], until=5.0)
    fake.saves = [1000.0 - 0.08]  # saved before the watcher's first scan
    watcher = Watcher([], interval=0.02, quiet=0.1, clock=fake.clock, scanner=lambda: {})
    watcher.scanner = fake.scan
    assert watcher.wait(fake) == ["a.yaml"]
    assert fake.now - 1000.0 == pytest.approx(0.02, abs=1e-6)


def test_watched_dirs_cover_content_templates_and_theme(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "templates").mkdir()
    dirs = watched_dirs(tmp_path)
    assert dirs == sorted({(tmp_path / "content").resolve(), (tmp_path / "templates").resolve(), THEME.resolve()})


def test_folder_links_in_a_circle_or_out_of_the_project_are_not_followed(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "content/events").mkdir(parents=True)
    (project / "shared").mkdir()
    (outside / "big").mkdir(parents=True)
    (outside / "big/file.txt").write_text("x")
    (project / "content/events/a.yaml").write_text("title: A\n")
    (project / "shared/b.yaml").write_text("title: B\n")
    (project / "content/events/one").symlink_to("two")  # two links that refer to each other
    (project / "content/events/two").symlink_to("../events")
    (project / "content/events/shared").symlink_to("../../shared")  # inside the project: followed
    (project / "content/events/out").symlink_to(outside)  # out of it: never scanned
    watcher = Watcher([project / "content"], within=project)
    assert sorted(Path(p).relative_to(project).as_posix() for p in watcher.stamps) == [
        "content/events/a.yaml",
        "content/events/shared/b.yaml",
    ]


class After:
    """A stop event that is set after ``seconds`` (for a wait that should find nothing)."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def is_set(self) -> bool:
        return time.monotonic() >= self.at

    def wait(self, timeout: float | None = None) -> bool:
        time.sleep(min(timeout or 0.0, max(0.0, self.at - time.monotonic())))
        return self.is_set()


def _vim_save(folder: Path, name: str, text: str) -> None:
    """What Vim does on :w with its defaults, then a second save a moment later (a burst)."""
    (folder / "4913").write_text("")  # may I write this folder?
    (folder / "4913").unlink()
    (folder / f"{name}~").write_bytes((folder / name).read_bytes())  # the backup
    (folder / f".{name}.swp").write_text("swap")
    temporary = folder / f".{name}.tmp"
    temporary.write_text(text)
    os.replace(temporary, folder / name)  # write, then rename over the file
    time.sleep(0.01)
    (folder / name).write_text(text + "# again\n")
    (folder / f"{name}~").unlink()


@pytest.mark.parametrize("polling", [False, True], ids=["file events", "polling"])
def test_an_editors_save_is_one_change_with_the_final_content(tmp_path: Path, polling: bool) -> None:
    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    (events / "a.yaml").write_text("title: A\n")
    (tmp_path / "site").mkdir()
    saves = Saves([tmp_path / "content", tmp_path / "site"], exclude=[tmp_path / "site"], within=tmp_path, polling=polling)
    try:
        assert saves.method == ("polling" if polling else "file events")
        (tmp_path / "site" / "index.html").write_text("built")  # the output folder is not watched
        _vim_save(events, "a.yaml", "title: B\n")
        assert saves.wait(After(10)) == [str(events / "a.yaml")]
        assert (events / "a.yaml").read_text() == "title: B\n# again\n"
        assert not saves.saved.is_set()
        assert saves.wait(After(0.5)) is None  # one burst, one change: nothing more comes
    finally:
        saves.close()


def _collect(saves: Saves, seconds: float) -> set[str]:
    """Every file the saves report within ``seconds``, over as many bursts as come."""
    found: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:  # as Saves.wait, which would stop the watch when its time is up
        if saves.saved.wait(0.05):
            with saves.lock:
                found |= saves.pending
                saves.pending = set()
                saves.saved.clear()
    return found


@pytest.mark.parametrize("polling", [False, True], ids=["file events", "polling"])
def test_a_templates_folder_made_while_watching_is_watched(tmp_path: Path, polling: bool) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    content.mkdir()
    (content / "dossier.yaml").write_text("title: T\n")
    footer, base = templates / "partials" / "footer.html", templates / "base.html"
    saves = Saves([content, templates], within=tmp_path, polling=polling)
    try:
        footer.parent.mkdir(parents=True)  # to override the theme, after the preview started
        footer.write_text("<footer>1</footer>\n")
        # The folder made (file events: a rebuild reads every file whose stamp changed), or the file in it (polling)
        assert _collect(saves, 3) == ({str(footer)} if polling else {str(templates)})
        footer.write_text("<footer>2</footer>\n")  # watched like any folder now
        (content / "dossier.yaml").write_text("title: U\n")
        assert _collect(saves, 2) == {str(footer), str(content / "dossier.yaml")}
        shutil.rmtree(templates)  # removed, then made again
        assert str(footer if polling else templates) in _collect(saves, 2)
        templates.mkdir()
        base.write_text("<html></html>\n")
        assert _collect(saves, 3) == ({str(base)} if polling else {str(templates)})
        base.write_text("<html lang=en></html>\n")
        assert _collect(saves, 2) == {str(base)}
    finally:
        saves.close()


def test_a_templates_folder_replaced_at_once_is_watched_anew(tmp_path: Path) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    content.mkdir()
    templates.mkdir()
    base = templates / "base.html"
    base.write_text("<html></html>\n")
    saves = Saves([content, templates], within=tmp_path)
    try:
        for n in range(5):  # removed and made again between two looks (as `rm -rf templates && cp -r theme templates`)
            shutil.rmtree(templates)
            templates.mkdir()
            base.write_text(f"<html>{n}</html>\n")
            assert str(templates) in _collect(saves, 1)
            base.write_text(f"<html lang=en>{n}</html>\n")  # the new folder is the one watched
            assert _collect(saves, 1) == {str(base)}
    finally:
        saves.close()


def test_the_last_watched_folder_removed_is_reported(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "dossier.yaml").write_text("title: T\n")
    saves = Saves([content], within=tmp_path)
    try:
        shutil.rmtree(content)
        assert str(content) in _collect(saves, 2)
        content.mkdir()
        assert _collect(saves, 2) == {str(content)}
    finally:
        saves.close()


def test_a_folder_made_as_file_events_give_out_is_reported_by_polling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    content.mkdir()
    calls: list[int] = []
    watch = watchfiles.watch

    def limited(*args: Any, **kwargs: Any) -> Any:  # the second watch (after templates/ is made) hits inotify's limit
        calls.append(1)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "OS file watch limit reached")
        return watch(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "watch", limited)
    saves = Saves([content, templates], within=tmp_path)
    try:
        (templates / "partials").mkdir(parents=True)
        (templates / "partials" / "footer.html").write_text("<footer></footer>\n")
        assert str(templates) in _collect(saves, 3)  # not lost in the change to polling
        assert saves.method == "polling"
        (templates / "partials" / "footer.html").write_text("<footer>2</footer>\n")
        assert _collect(saves, 2) == {str(templates / "partials" / "footer.html")}
    finally:
        saves.close()


def test_a_watched_folder_s_own_times_are_no_save(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text("<html></html>\n")
    saves = Saves([templates], within=tmp_path)
    try:
        os.utime(templates)  # a backup tool, `touch templates`: the folder is the same, nothing in it changed
        templates.chmod(0o755)
        assert _collect(saves, 1) == set()
        (templates / "base.html").write_text("<html lang=en></html>\n")  # and the watch goes on
        assert _collect(saves, 1) == {str(templates / "base.html")}
    finally:
        saves.close()
