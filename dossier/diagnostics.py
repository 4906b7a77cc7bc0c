"""Diagnostics: a failed render as a problem located in the template that caused it.

Jinja rewrites tracebacks so that their frames point at template lines; the innermost
frame inside a template folder is where the editor should look. Errors that are not the
templates' fault (a bug in dossier) are left to raise with their traceback.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from dossier.errors import Location, Problem
from dossier.project import DEFAULT_THEME, TEMPLATES, template_dirs


def relative(path: str | Path, root: Path) -> str:
    """``path`` relative to the project when inside it, else as given (POSIX separators)."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _inside(path: str, folders: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(folder) for folder in folders)


def _template_frame(exc: BaseException, root: Path) -> traceback.FrameSummary | None:
    """The innermost line of a template in ``exc``'s traceback (Jinja rewrites tracebacks to point at them)."""
    folders = [d.resolve() for d in template_dirs(root)]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if _inside(frame.filename, folders):
            return frame
    return None


def template_location(exc: BaseException, root: Path) -> Location | None:
    """Where in a template an error happened, or None."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Location(relative(exc.filename, root), exc.lineno or 1)
    frame = _template_frame(exc, root)
    return Location(relative(frame.filename, root), frame.lineno or 1) if frame else None


def _own_template_frame(exc: BaseException, root: Path) -> bool:
    """Whether the innermost template line in ``exc``'s traceback is one of the project's own templates."""
    frame = _template_frame(exc, root)
    return frame is not None and _inside(frame.filename, [(root / TEMPLATES).resolve()])


def template_problem(exc: BaseException, root: Path) -> Problem | None:
    """A failed render as a problem located in the template, or None when it is not the templates' fault.

    Every Jinja error is the templates' fault; any other exception is when it was raised by a
    line of the project's own ``templates/`` (``{{ 1 / 0 }}``, a filter given the wrong value).
    Without a template line in the traceback, the problem is placed at the template named in
    the error when there is one, else at ``templates/``.
    """
    said = (exc.message or type(exc).__name__).removesuffix(".") if isinstance(exc, jinja2.TemplateError) else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        message = f"template syntax error: {said}; fix the template at or before this line"
    elif isinstance(exc, jinja2.TemplateNotFound):
        names = ", ".join(f"'{name}'" for name in getattr(exc, "templates", None) or [exc.name])
        message = f"template not found: {names}; correct the name or add the file to templates/"
    elif isinstance(exc, jinja2.TemplateError):
        message = f"template error: {said}; fix this line of the template"
    elif isinstance(exc, RecursionError) and _own_template_frame(exc, root):
        frame = _template_frame(exc, root)
        assert frame is not None
        own = Path(relative(frame.filename, root)).relative_to(TEMPLATES).as_posix()
        message = (
            f"template error: this template extends or includes itself without end; to build on the default theme's "
            f'{own}, extend it by its full name: {{% extends "{DEFAULT_THEME}/{own}" %}}'
        )
    elif isinstance(exc, Exception) and _own_template_frame(exc, root):
        message = f"template error: {type(exc).__name__}: {exc}; fix this line of the template"
    else:
        return None
    where = template_location(exc, root)
    if where is None:
        name = getattr(exc, "name", None) if isinstance(exc, jinja2.TemplateSyntaxError) else None
        found = [d / name for d in template_dirs(root) if name and (d / name).is_file()]
        where = Location(relative(found[0], root) if found else "templates/")
    return Problem(where, message)
