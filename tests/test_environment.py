"""Environment: the project's templates over the theme's, their digests, the static assets and the bytecode cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from dossier.environment import BYTECODE, make_env, static_files, template_digests
from dossier.project import THEME
from tests.helpers import SAMPLE


def test_a_project_template_replaces_the_themes_and_changes_its_digest_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    before = template_digests(make_env(project))
    assert "404.html" in before and "default/404.html" in before and "static/style.css" in before  # 404.html inlines it
    (project / "templates").mkdir()
    (project / "templates/404.html").write_text("{% extends 'default/404.html' %}")
    after = template_digests(make_env(project))
    assert {name for name in before if before[name] != after[name]} == {"404.html"}
    env = make_env(project)
    assert env.loader is not None
    assert env.loader.get_source(env, "404.html")[0] == "{% extends 'default/404.html' %}"
    assert env.loader.get_source(env, "default/404.html")[0] == (THEME / "404.html").read_text()


def test_an_image_among_the_static_files_has_no_template_digest(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    (project / "templates/static").mkdir(parents=True)
    (project / "templates/static/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")  # not UTF-8: no template
    digests = template_digests(make_env(project))
    assert "static/logo.png" not in digests and "static/style.css" in digests


def test_the_projects_static_files_replace_the_themes_file_by_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project)
    theme = {output.path: output.data for output in static_files(project)}
    assert theme and all(path.startswith("static/") for path in theme)
    name = next(iter(sorted(theme)))
    (project / "templates/static").mkdir(parents=True)
    (project / "templates/static" / Path(name).name).write_bytes(b"mine")
    (project / "templates/static/.hidden").write_bytes(b"left out")
    mine = {output.path: output.data for output in static_files(project)}
    assert mine == {**theme, f"static/{Path(name).name}": b"mine"}


def test_templates_are_compiled_once_for_every_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    make_env(SAMPLE).get_template("404.html")
    compiled: list[str] = []
    compile = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: object, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name or "")
        return compile(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    make_env(SAMPLE).get_template("404.html")  # a new environment: its templates come from the bytecode cache
    assert compiled == []
    assert BYTECODE.store
