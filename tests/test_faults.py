"""Faults: a full disk, kills at any point, SIGTERM and Ctrl-C. There is always a whole site, and the
next build leaves nothing beside it.

Kills come from tests/killer.py, which runs ``dossier`` with a fault at a named point (so each
point is reached on every run, however busy the machine), and from seeded random delays.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dossier.build import build
from dossier.errors import PagefindError
from dossier.index import _checked, index_files
from tests.helpers import SAMPLE, run_main, tree

REPO = Path(__file__).parent.parent
EVENT = "content/events/2022-02-27-call.yaml"
FIXED = ("pagefind/pagefind.js", "pagefind/pagefind-ui.js", "pagefind/wasm.en.pagefind")  # the same bytes every build


def killed(project: Path, *fault: str, env: dict[str, str] | None = None, search: bool = True) -> subprocess.Popen[bytes]:
    """Start ``dossier build`` on ``project`` with a fault (tests/killer.py), in a process group of its own."""
    command = [sys.executable, "-m", "tests.killer", *fault, "--", "-C", str(project), "build"]
    return subprocess.Popen(
        command if search else [*command, "--no-search"],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def group_alive(group: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: still not so after {timeout} s"
        time.sleep(0.01)


def finish(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Wait for a build and every process it started; its exit code and what it printed on stderr."""
    _, err = process.communicate(timeout=60)
    wait_until(lambda: not group_alive(process.pid), "processes of the killed build are alive")
    return process.returncode, err.decode()


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The two versions of the project a test switches between, each built once: name -> site."""
    built = {}
    for name in ("a", "b"):
        project = tmp_path_factory.mktemp(name) / "project"
        make_version(project, name)
        build(project, project / "site")
        built[name] = tree(project / "site")
    return built


def make_version(project: Path, name: str) -> None:
    if not project.exists():
        shutil.copytree(SAMPLE, project)
    text = (SAMPLE / EVENT).read_text()
    (project / EVENT).write_text(text.replace("summary: Alice called Bob", f"summary: Alice called Bob ({name})"))


def whole(site: Path, versions: dict[str, dict[str, bytes]]) -> str:
    """Which version ``site`` is, checking that it is that version whole: every page, and a search index
    that is complete (Pagefind's own chunk names vary from build to build, so those are checked by shape)."""
    files = tree(site)
    pages = {path: data for path, data in files.items() if not path.startswith("pagefind/")}
    for name, expected in versions.items():
        if pages == {path: data for path, data in expected.items() if not path.startswith("pagefind/")}:
            assert all(files[path] == expected[path] for path in FIXED)
            entry = json.loads(files["pagefind/pagefind-entry.json"])
            assert all(f"pagefind/pagefind.{lang['hash']}.pf_meta" in files for lang in entry["languages"].values())
            assert all(
                data for path, data in files.items() if path.startswith("pagefind/") and not path.endswith(".dossier-site")
            )
            return name
    raise AssertionError(f"{site} is neither version whole")


def beside(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir())


# --- kills at named points and at random moments ------------------------------------------------------

POINTS = [("staging",), ("write", "1"), ("write", "9"), ("index",), ("swap",), ("remove", "1"), ("remove", "7")]


def built_a(tmp_path: Path) -> Path:
    """A project at version "a", built: a killed build of the other version must leave that site whole."""
    project = tmp_path / "project"
    make_version(project, "a")
    build(project, project / "site")
    return project


def test_a_build_killed_at_any_point_leaves_a_whole_site_and_the_next_build_cleans_up(
    tmp_path: Path, versions: dict[str, dict[str, bytes]]
) -> None:
    project = built_a(tmp_path)
    current = "a"
    rng = random.Random(20261129)
    faults: list[tuple[str, ...]] = [*POINTS, *POINTS]
    faults += [("delay", f"{rng.uniform(0.2, 1.5):.2f}") for _ in range(6)]
    for step, fault in enumerate(faults):
        other = "b" if current == "a" else "a"
        make_version(project, other)
        if fault[0] == "delay":
            process = killed(project, "none")
            time.sleep(float(fault[1]))  # the kill point itself: a seeded random moment, wherever the build is
            process.kill()
        else:
            process = killed(project, *fault)
        code, err = finish(process)
        assert "Traceback" not in err, (fault, err)
        shown = whole(project / "site", versions)
        assert shown in (current, other), fault
        assert fault[0] == "delay" or code == -signal.SIGKILL, (fault, code, err)
        if fault == ("swap",):
            assert shown == other  # swapped in before the kill
        build(project, project / "site")  # the next build
        assert beside(project) == ["content", "site"], (step, fault)
        assert whole(project / "site", versions) == other
        current = other


def test_a_build_killed_while_indexing_in_parts_leaves_its_site_and_the_next_build_cleans_up(
    tmp_path: Path, versions: dict[str, dict[str, bytes]]
) -> None:
    project = built_a(tmp_path)
    make_version(project, "b")
    code, err = finish(killed(project, "index-parts"))
    assert code == -signal.SIGKILL and "Traceback" not in err
    assert whole(project / "site", versions) == "a"
    left = [p for p in project.iterdir() if p.name.startswith(".site.new-")]
    assert len(left) == 1 and list(left[0].glob("pagefind/.part-*"))  # killed with the parts' folders in the staging
    build(project, project / "site")
    assert beside(project) == ["content", "site"]
    assert whole(project / "site", versions) == "b"


def test_render_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)  # the killed build leaves its staging folder beside the project's site
    process = killed(project, "stuck-workers", env={"DOSSIER_READY": str(ready)}, search=False)
    try:
        wait_until(ready.exists, "the render workers started")
        workers = [pid for pid in group_alive(process.pid) if pid != process.pid]
        assert len(workers) == 2
        process.kill()
        finish(process)  # every worker gone, not only the build
    finally:
        if process.poll() is None:
            process.kill()
        for pid in group_alive(process.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_stop_a_build_cleanly(
    tmp_path: Path, sig: int, code: int, versions: dict[str, dict[str, bytes]]
) -> None:
    project = built_a(tmp_path)
    make_version(project, "b")
    ready = tmp_path / "ready"
    process = killed(project, "pause-index", env={"DOSSIER_READY": str(ready)})
    wait_until(ready.exists, "the build is indexing")
    assert any(p.name.startswith(".site.new-") for p in project.iterdir())
    process.send_signal(sig)  # to the build alone, as `kill` or a service manager would
    assert finish(process) == (code, "")
    assert whole(project / "site", versions) == "a"
    assert beside(project) == ["content", "site"]  # the staging folder was removed on the way out


@pytest.mark.parametrize("module", ["dossier.cli", "dossier.new", "dossier.build", "jinja2"])
def test_ctrl_c_while_the_command_loads_exits_quietly(module: str) -> None:
    """Ctrl-C as each module is imported (the first 0.2 s of a run): exit 130, no traceback."""
    script = (
        "import os, signal, sys\n"
        "class Hook:\n"
        "    def find_spec(self, name, path, target=None):\n"
        f"        if name == {module!r}: os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.meta_path.insert(0, Hook())\n"
        "sys.argv = ['dossier', '-C', sys.argv[1], 'check']\n"
        "from dossier.__main__ import run\n"
        "raise SystemExit(run())\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(SAMPLE)], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert (result.returncode, result.stderr) == (130, "")


# --- a full disk --------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """A tmpfs of a given size (as root), unmounted afterwards."""
    mounted: list[Path] = []

    def mount(size: int) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=True)


def usage(files: dict[str, bytes]) -> int:
    """The bytes ``files`` take on a tmpfs: whole 4 KiB pages."""
    return sum(-(-len(data) // 4096) * 4096 for data in files.values())


@pytest.mark.parametrize("phase", ["pages", "index"])
def test_a_full_disk_fails_the_build_clearly_and_keeps_the_site(
    phase: str, small_disk: Callable[[int], Path], versions: dict[str, dict[str, bytes]]
) -> None:
    pages = usage({p: d for p, d in versions["a"].items() if not p.startswith("pagefind/")})
    index = usage({p: d for p, d in versions["a"].items() if p.startswith("pagefind/")})
    # Room for the previous site and then half the new pages, or the new pages and half their index.
    disk = small_disk(pages + pages // 2 if phase == "pages" else 2 * pages + index // 2)
    project = disk.parent / "project"
    make_version(project, "a")
    out = disk / "site"
    assert run_main("-C", str(project), "build", "--no-search", "--out", str(out)).returncode == 0
    before = tree(out)
    result = run_main("-C", str(project), "build", "--out", str(out))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"dossier: error: cannot write the site: no space left on the disk holding {disk}; free some space and build again "
        "(the previous site is unchanged)\n"
    )
    assert tree(out) == before
    assert beside(disk) == ["site"]


# --- Pagefind ------------------------------------------------------------------------------------------


def test_a_pagefind_stopped_by_ctrl_c_is_an_interruption_not_an_indexing_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pagefind = tmp_path / "pagefind"
    pagefind.write_text("#!/bin/sh\nkill -INT $$\n")  # as when the terminal's Ctrl-C reaches it
    pagefind.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(pagefind))
    with pytest.raises(KeyboardInterrupt):
        index_files(tmp_path)


@pytest.mark.parametrize(
    ("files", "what"),
    [
        ({"pagefind.js": b"x"}, "no pagefind-entry.json"),
        ({"pagefind.js": b"x", "pagefind-entry.json": b"{}", "wasm.en.pagefind": b""}, "an empty file"),
    ],
)
def test_an_index_that_is_not_whole_is_refused(files: dict[str, bytes], what: str) -> None:
    returned = [{"path": path, "content": base64.b64encode(data).decode()} for path, data in files.items()]
    with pytest.raises(PagefindError) as error:
        _checked(returned)
    assert str(error.value) == f"search indexing failed: Pagefind returned an index that is not whole ({what})"
