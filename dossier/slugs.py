"""Slugs: what an id looks like, and readable ids made from text in any script."""

from __future__ import annotations

import re

from anyascii import anyascii

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID_FORM = "lowercase letters, digits and single hyphens"
MAX_ID = 60
# Names Windows reserves for devices: a record with such an id could not be checked out there.
RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def slug(text: str, limit: int = MAX_ID) -> str:
    """A readable id from text in any script: transliterated to ASCII (anyascii), lowercased,
    hyphenated, cut at a word ("Владимир Зеленский" -> "vladimir-zelenskiy")."""
    ascii_text = anyascii(text).lower().replace("'", "")
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def slugify(text: str) -> str:
    """The id to suggest for a bad one (never empty, never a reserved name)."""
    suggestion = slug(text) or "x"
    return f"{suggestion}-1" if suggestion in RESERVED else suggestion


def id_problem(text: str) -> str | None:
    """What is wrong with ``text`` as an id, or None."""
    if not ID_RE.match(text):
        return f"use {ID_FORM}, e.g. '{slugify(text)}'"
    if text in RESERVED:
        return f"'{text}' is a device name on Windows and cannot be a file name there; use e.g. '{slugify(text)}'"
    return None
