"""Errors: where a problem is, what is wrong and how to fix it, and the failures a build can meet.

Every user-facing error or warning about content is a :class:`Problem`; the pipeline
collects them and stops before writing anything when at least one is an error. The
exceptions below are the failures that have no place in the project's files (an
unsafe output folder, the search indexer, an editor command that cannot write).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a project file: project-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One error or warning, printed as ``path:line:column: error: message``."""

    location: Location
    message: str
    severity: str = ERROR  # ERROR or WARNING

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def warning(location: Location, message: str) -> Problem:
    return Problem(location, message, WARNING)


def errors_in(problems: Iterable[Problem], strict: bool = False) -> bool:
    """Whether ``problems`` stop a build: any error, or any warning when ``strict``."""
    return any(p.is_error or strict for p in problems)


class DossierError(Exception):
    """Raised when a project has errors; carries every problem found, warnings included, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(plural(len(self.problems), "problem"))


class WriteError(Exception):
    """The output cannot be written safely (duplicate or escaping path, foreign folder, full disk)."""


class PagefindError(Exception):
    """Pagefind failed, is missing, or wrote an index that is not whole; the message says which."""


class Cancelled(Exception):
    """Work that a newer save made pointless was stopped (the preview's catching up after a rebuild)."""


class EditorError(Exception):
    """An editor command (``init``, ``new``, ``import``, ``schema``) cannot write what it was asked to."""


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 problem``, ``2 problems``; ``many`` for irregular plurals."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def describe_type(value: object) -> str:
    """Name a YAML value's type the way an editor thinks of it."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ('{shown}')"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value})"
