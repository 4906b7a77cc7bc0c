"""Cache: the preview goes on from the session its last run kept, gives a fresh build's bytes, and reads no cache it
cannot vouch for."""

from __future__ import annotations

import errno
import importlib.metadata
import os
import pickle
import random
import shutil
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest

import dossier.check
import dossier.model
from dossier import cache, passages
from dossier.build import Session, build
from dossier.errors import DossierError
from dossier.source import REFUSED, SourceFile
from tests.helpers import generated_project, random_edit, sample_copy, tree, tree_diff

BASE = "https://example.org/dossier/"


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key of this test's own (a user's cache folder of its own, made by the first cache kept)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache" / "dossier" / "cache-key"


def _preview(project: Path, out: Path, base_url: str | None = BASE, catch_up: bool = True) -> tuple[int, list[str]]:
    """What ``dossier serve`` does from its start to its stop: go on from the kept session (if any), build (only what
    changed, when it went on), catch up (unless stopped before), keep the session; return the pages rendered and the
    notes."""
    state, why = cache.load(project)
    session = Session(project, **state.session())
    try:
        report = session.build(out, search=False, base_url=base_url, drafts=True, defer=session.previous is not None)
        if catch_up:
            session.catch_up(search=False)
    finally:  # a content error stops the build before it writes: the preview runs on, and keeps its session
        unkept = _keep(project, session)
    return report.rendered, [note for note in (why, unkept) if note is not None]


def _keep(project: Path, session: Session) -> str | None:
    return cache.save(project, cache.State.of(session))


def test_previews_going_on_from_the_cache_after_random_edits_equal_fresh_builds(tmp_path: Path) -> None:
    project = generated_project(tmp_path)
    out, fresh = tmp_path / "preview", tmp_path / "fresh"
    rng = random.Random(5)
    undo: list[tuple[Path, bytes | None]] = []
    assert _preview(project, out)[1] == []
    rendered = []
    for step in range(16):
        edit = random_edit(project, rng, step, undo)
        try:
            build(project, fresh, search=False, base_url=BASE, drafts=True)
        except DossierError as exc:
            with pytest.raises(DossierError) as failed:
                _preview(project, out)
            assert failed.value.problems == exc.problems, edit
            continue
        count, notes = _preview(project, out, catch_up=step % 2 == 0)
        assert notes == [], edit
        rendered.append(count)
        if step % 2:  # stopped before catching up: the next start catches up on what this one left
            assert _preview(project, out) == (0, []), edit
        assert tree_diff(tree(out), tree(fresh), ("fresh", "from the cache")) == "", edit
    pages = sum(1 for path in tree(fresh) if path.endswith(".html"))
    assert any(0 < count < pages // 2 for count in rendered)  # most edits render a few pages, not the site


_CITED: list[object] = []  # cleared by the test
_COLLECT, _RECORD_PASSAGES = passages.collect, passages._record_passages


def _collect_spied(*args: object, **kwargs: object) -> object:
    """``passages.collect``, noting each record whose passages it finds again (the memo keeps the functions it was
    given, so these are module functions: the cache pickles them by name)."""
    passages._record_passages = _spied_record_passages  # type: ignore[assignment]
    try:
        return _COLLECT(*args, **kwargs)  # type: ignore[arg-type]
    finally:
        passages._record_passages = _RECORD_PASSAGES


def _spied_record_passages(*args: object) -> object:
    _CITED.append(args)
    return _RECORD_PASSAGES(*args)  # type: ignore[arg-type]


def test_an_unchanged_project_is_not_checked_linked_or_rendered_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_copy(tmp_path)  # served as the preview serves it: no base_url for this build (see build.build)
    _preview(project, tmp_path / "site", base_url=None)
    checked: list[SourceFile] = []
    _CITED.clear()
    validate = dossier.check.validate
    monkeypatch.setattr(dossier.check, "validate", lambda source, *rest: checked.append(source) or validate(source, *rest))
    monkeypatch.setattr(dossier.model, "collect", _collect_spied)  # as the model calls it
    assert _preview(project, tmp_path / "site", base_url=None) == (0, [])
    assert (checked, _CITED) == ([], [])
    actor = project / "content" / "actors" / "bob-sample.yaml"
    actor.write_text(actor.read_text().replace("name: Bob Sample", "name: Robert Sample"))
    rendered, _ = _preview(project, tmp_path / "site", base_url=None)
    assert [source.path for source in checked] == ["content/actors/bob-sample.yaml"]
    assert 0 < rendered < 20


def test_the_cache_folder_says_what_it_is_and_only_its_user_reads_the_key(tmp_path: Path, own_key: Path) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    folder = project / ".dossier-cache"
    assert sorted(path.name for path in folder.iterdir()) == [".gitignore", "CACHEDIR.TAG", "session.pickle"]
    assert (folder / ".gitignore").read_text() == "# made by dossier serve: safe to delete, never committed\n*\n"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert stat.S_IMODE(own_key.stat().st_mode) == 0o600 and stat.S_IMODE(own_key.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "session.pickle").stat().st_mode) == 0o600


def test_a_cache_of_another_version_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    monkeypatch.setattr(cache, "MAGIC", b"dossier-cache 2\n")
    assert _preview(project, tmp_path / "site") == (
        20,
        [
            "the preview's cache in .dossier-cache/ was kept by another version of dossier or of Python, or for the "
            "project in another folder: not used"
        ],
    )
    assert _preview(project, tmp_path / "site") == (0, [])


def test_a_cache_moved_with_its_project_is_not_used(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    moved = project.rename(tmp_path / "moved")
    rendered, notes = _preview(moved, tmp_path / "site")
    assert rendered == 20 and notes[0].startswith("the preview's cache in .dossier-cache/ was kept by another version")


NOT_SIGNED = (
    "the preview's cache in .dossier-cache/ was not kept by this user on this machine, or was altered or cut short: not read"
)


class _Planted:
    """What a hostile cache would hold: unpickling it runs code."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {Path(os.environ['PLANTED'])}",)


@pytest.mark.parametrize("how", ["another key", "altered", "cut short", "planted"])
def test_a_cache_this_user_did_not_keep_here_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_key: Path, how: str
) -> None:
    project = sample_copy(tmp_path)
    out = tmp_path / "site"
    _preview(project, out)
    kept = project / ".dossier-cache" / "session.pickle"
    data = kept.read_bytes()
    head = len(cache.MAGIC) + 2 * cache.DIGEST
    marker = tmp_path / "planted"
    monkeypatch.setenv("PLANTED", str(marker))
    if how == "another key":
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    elif how == "altered":
        kept.write_bytes(data[:-10] + bytes(b ^ 1 for b in data[-10:]))
    elif how == "cut short":
        kept.write_bytes(data[: len(data) // 2])
    else:
        kept.write_bytes(data[:head] + pickle.dumps(_Planted()))
    assert _preview(project, out) == (20, [NOT_SIGNED])
    assert not marker.exists()
    assert _preview(project, out) == (0, [])  # kept anew, and signed with the key now in use


def test_an_output_changed_since_is_rendered_again(tmp_path: Path) -> None:
    project, out = sample_copy(tmp_path), tmp_path / "site"
    _preview(project, out)
    fresh = tree(out)
    page = next(out.glob("events/*/index.html"))
    page.write_text("edited by hand")
    assert _preview(project, out) == (
        20,
        [f"{out}/ changed since the preview's cache in .dossier-cache/ was kept: every page is rendered again"],
    )
    assert tree_diff(tree(out), fresh) == ""


@pytest.mark.parametrize("fault", ["folder is a file", "disk full"])
def test_a_cache_that_cannot_be_kept_is_said_and_the_build_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    project = sample_copy(tmp_path)
    if fault == "folder is a file":
        (project / ".dossier-cache").write_text("not a folder")
        error = "not a folder of this user's own"
    else:

        class Full:
            """A file on a disk that fills up after a few bytes."""

            def __init__(self, handle: int) -> None:
                os.write(handle, b"part of it")
                os.close(handle)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                pass

            def write(self, data: bytes) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def full(handle: int, mode: str) -> object:  # the cache's own folder alone is on the full disk
            if os.readlink(f"/proc/self/fd/{handle}").startswith(str(project / ".dossier-cache" / ".session.pickle.")):
                return Full(handle)
            return open(handle, mode)

        monkeypatch.setattr(cache, "open", full, raising=False)
        error = "No space left on device"
    unread = ["the preview's cache in .dossier-cache/ could not be read (not a folder of this user's own): not used"]
    assert _preview(project, tmp_path / "site") == (
        20,
        [
            *(unread if fault == "folder is a file" else []),
            f"could not keep the preview's cache in .dossier-cache/ ({error}): the next start renders every page",
        ],
    )
    assert (tmp_path / "site" / "index.html").is_file()
    if fault == "disk full":
        assert sorted(path.name for path in (project / ".dossier-cache").iterdir()) == [".gitignore", "CACHEDIR.TAG"]


def test_a_kept_session_is_read_once(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    state, _ = cache.load(project)
    assert state.previous is not None
    assert not (project / ".dossier-cache" / "session.pickle").exists()  # a run that keeps nothing leaves nothing
    assert cache.load(project)[0].previous is None


def test_an_output_folder_removed_while_previewing_is_not_gone_on_from(tmp_path: Path) -> None:
    project, out = sample_copy(tmp_path), tmp_path / "site"
    _preview(project, out)
    state, _ = cache.load(project)
    session = Session(project, **state.session())
    session.build(out, search=False, base_url=BASE, drafts=True, defer=True)
    shutil.rmtree(out)  # while the preview runs
    assert _keep(project, session) is None
    assert _preview(project, out) == (20, [])  # a full build, the files and checks used again
    assert (out / "index.html").is_file()


def test_a_cache_of_other_installed_versions_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    distribution = importlib.metadata.distribution

    def upgraded(name: str) -> object:  # markupsafe, which Jinja needs, one version on
        found = distribution(name)
        return SimpleNamespace(version=found.version + ".1", requires=found.requires) if name == "markupsafe" else found

    monkeypatch.setattr(cache.importlib.metadata, "distribution", upgraded)
    rendered, notes = _preview(project, tmp_path / "site")
    assert rendered == 20 and notes[0].startswith("the preview's cache in .dossier-cache/ was kept by another version")


def test_the_fingerprint_is_the_same_wherever_the_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache._fingerprint(tmp_path)
    other = tmp_path / "mytool.egg-info"  # a package's metadata in the folder the command starts in (python -m adds it)
    other.mkdir()
    (other / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: mytool\nVersion: 1.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cache._fingerprint(tmp_path) == before
    assert "jinja2==" in " ".join(cache._versions("dossier-ssg")) and "markupsafe==" in " ".join(cache._versions("jinja2"))


@pytest.mark.parametrize("planted", ["a link to /dev/zero", "a FIFO", "a file of another user's"])
def test_a_cache_file_that_is_not_a_regular_file_of_this_users_is_not_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planted: str
) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    kept = project / ".dossier-cache" / "session.pickle"
    kept.unlink()
    error = "not a file of this user's own"
    if planted == "a link to /dev/zero":
        kept.symlink_to("/dev/zero")
        error = "Too many levels of symbolic links"
    elif planted == "a FIFO":
        os.mkfifo(kept)
    else:
        kept.write_bytes(b"x")
        fstat = os.fstat

        def anothers(handle: int) -> os.stat_result:  # the file another user's, the folder this user's
            found = fstat(handle)
            return os.stat_result((*found[:4], found.st_uid + stat.S_ISREG(found.st_mode), *found[5:]))  # st_uid: fifth

        monkeypatch.setattr(cache.os, "fstat", anothers)
    assert (
        _preview(project, tmp_path / "site")[1][0]
        == f"the preview's cache in .dossier-cache/ could not be read ({error}): not used"
    )


def test_a_cache_folder_that_links_elsewhere_is_never_written_through(tmp_path: Path) -> None:
    project, elsewhere = sample_copy(tmp_path), tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".dossier-cache").symlink_to(elsewhere)
    assert _preview(project, tmp_path / "site")[1] == [
        "the preview's cache in .dossier-cache/ could not be read (not a folder of this user's own): not used",
        "could not keep the preview's cache in .dossier-cache/ (not a folder of this user's own): the next start renders every page",
    ]
    assert list(elsewhere.iterdir()) == []


def test_a_key_others_can_read_is_not_trusted_and_is_replaced(tmp_path: Path, own_key: Path) -> None:
    project = sample_copy(tmp_path)
    _preview(project, tmp_path / "site")
    first = own_key.read_bytes()
    own_key.chmod(0o644)
    assert _preview(project, tmp_path / "site") == (20, [NOT_SIGNED])
    assert own_key.read_bytes() != first and stat.S_IMODE(own_key.stat().st_mode) == 0o600
    assert _preview(project, tmp_path / "site") == (0, [])


def test_the_folder_s_own_files_are_mended_and_a_killed_keeper_s_part_removed(tmp_path: Path) -> None:
    project = sample_copy(tmp_path)
    folder = project / ".dossier-cache"
    folder.mkdir()
    (folder / ".gitignore").write_text("# cut sh")
    os.mkfifo(folder / "CACHEDIR.TAG")  # never read: written over
    (folder / ".session.pickle.k1ll3d").write_bytes(b"part of a session")
    _preview(project, tmp_path / "site")
    assert sorted(path.name for path in folder.iterdir()) == [".gitignore", "CACHEDIR.TAG", "session.pickle"]
    assert (folder / ".gitignore").read_text() == "# made by dossier serve: safe to delete, never committed\n*\n"


def test_a_search_index_removed_while_stopped_is_made_again(tmp_path: Path) -> None:
    project, out = sample_copy(tmp_path), tmp_path / "site"
    session = Session(project)
    session.build(out, drafts=True)  # with its search index
    assert _keep(project, session) is None
    shutil.rmtree(out / "pagefind")
    state, why = cache.load(project)
    assert why is None and state.previous is not None and not state.previous.indexed


def test_the_loader_s_refused_value_stays_the_one_marker_through_the_cache() -> None:
    assert pickle.loads(pickle.dumps(REFUSED)) is REFUSED  # what the schema asks ("is REFUSED") after a restart


def test_a_key_path_that_cannot_be_used_is_named(tmp_path: Path, own_key: Path) -> None:
    own_key.mkdir(parents=True)  # a folder where the key should be
    project = sample_copy(tmp_path)
    assert _preview(project, tmp_path / "site")[1] == [
        f"could not keep the preview's cache in .dossier-cache/ (Is a directory: {own_key}): the next start renders every page"
    ]
