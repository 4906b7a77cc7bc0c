"""Packaging: the wheel carries the default theme, so a project without templates/ builds from an installed dossier."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import SAMPLE

REPO = Path(__file__).parent.parent


def test_wheel_ships_the_default_theme_and_builds_a_project_without_templates(tmp_path: Path) -> None:
    source = tmp_path / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        target = source / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / rel).is_symlink():
            target.symlink_to(os.readlink(REPO / rel))
        elif (REPO / rel).exists():
            shutil.copy2(REPO / rel, target)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("dossier_ssg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in (
        "base.html",
        "event.html",
        "feed.xml",
        "sitemap.xml",
        "partials/header.html",
        "partials/meta.html",
        "brief.html",
        "static/style.css",
        "static/brief.css",
        "static/search.js",
    ):
        assert f"dossier/theme/{rel}" in names
    unpacked = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(unpacked)
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    assert not (project / "templates").exists()
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    result = subprocess.run(
        [sys.executable, "-c", "import dossier.cli, sys; print(dossier.cli.__file__); sys.exit(dossier.cli.main(['build', '--no-search']))"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(unpacked))
    assert (project / "site/static/style.css").read_bytes() == (REPO / "templates/static/style.css").read_bytes()
    for rel in ("starter/content/dossier.yaml", "starter/gitignore", "starter/vscode/settings.json", "example/dossier.yaml"):
        assert f"dossier/{rel}" in names, rel
    bundled = {p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*") if p.is_file()}
    assert {n.removeprefix("dossier/example/") for n in names if n.startswith("dossier/example/")} == bundled
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Name: dossier-ssg" in text and "License-Expression: MIT" in text and "Provides-Extra: import" in text
    assert (
        "Requires-Dist: trafilatura" in text
        and 'extra == "import"' in text.split("Requires-Dist: trafilatura", 1)[1].split("\n", 1)[0]
    )
