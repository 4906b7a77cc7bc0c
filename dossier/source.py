"""Source: a loaded file as plain data that remembers where every value came from.

``load`` produces :class:`SourceFile` values, ``schema`` and ``check`` read them; the
positions let every problem name the ``path:line:column`` of the value it is about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier.errors import Location


class _Refused:
    """Marks a value the loader refused and already reported, so the schema does not report it again."""

    def __repr__(self) -> str:
        return "REFUSED"

    def __reduce__(self) -> str:
        return "REFUSED"  # unpickled (a kept session, see ``cache``) as this module's one marker, which is what is asked


REFUSED = _Refused()
Pos = tuple[int, int]  # (line, column), 1-based
Place = int  # a position as one int (see :func:`place`): half the memory of a tuple, for every value of every file
KeyPath = tuple[str | int, ...]


def place(line: int, column: int) -> Place:
    """A 1-based (line, column) as one int, as :class:`SourceFile` keeps positions."""
    return line << 32 | column


def pos(where: Place) -> Pos:
    """The (line, column) a :func:`place` stands for."""
    return where >> 32, where & 0xFFFFFFFF


@dataclass(frozen=True)
class SourceFile:
    """One record file: its type and id, its parsed data and the position of every value in it."""

    path: str
    kind: str  # the record type's name: "dossier", "event", "actor", "article", ...
    id: str
    data: Any = None  # None when the file could not be read or parsed
    positions: Mapping[KeyPath, Place] = field(default_factory=dict, compare=False, repr=False)
    key_positions: Mapping[KeyPath, Place] = field(default_factory=dict, compare=False, repr=False)
    blocks: frozenset[KeyPath] = field(default=frozenset(), compare=False, repr=False)  # literal block scalars (|)
    body: str = ""
    body_line: int = 1

    def at(self, *path: str | int, key: bool = False) -> Location:
        """The location of the value (or, with ``key``, of the key) at ``path``; falls back to its parent."""
        keypath: KeyPath = tuple(path)
        while keypath:
            table = self.key_positions if key else self.positions
            if keypath in table:
                return Location(self.path, *pos(table[keypath]))
            keypath, key = keypath[:-1], False
        return Location(self.path, *pos(self.positions.get((), place(1, 1))))

    def is_block(self, *path: str | int) -> bool:
        """Whether the value at ``path`` is a literal block (``|``), whose lines map one to one onto the file's."""
        return tuple(path) in self.blocks
