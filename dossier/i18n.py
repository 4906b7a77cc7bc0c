"""I18n: the site's interface in the dossier's ``language`` — the theme's words, the month names, the reading direction.

One catalog per language, keyed by the English text (gettext style): the default
theme's interface strings, the labels Python makes (dates, timeline headings, status
meanings, actor kind headings, the overview's lane and tick labels) and the search
page's script strings (handed to the page as data). English is the text itself and
the fallback for any language without a catalog; Hebrew (``he``) is complete. A
catalog need not translate everything: a missing string shows in English.

The language comes from ``language`` in ``content/dossier.yaml`` (``he``, ``he-IL``:
the part before the first hyphen picks the catalog) and travels explicitly, as a
:class:`Labels` value: the model formats its labels with it and the templates reach it
through ``site.labels`` and the ``_``/``_n`` functions. Content (titles, summaries) is
the editor's and is never translated; ISO dates in ``datetime=`` attributes and the data
exports stay as they are. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from dossier.languages import he

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Languages written right to left (ISO 639 codes): the page gets dir="rtl", whatever catalog its interface uses.
RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "nqo", "ps", "sd", "syr", "ug", "ur", "yi"})

# The search page's script strings (static/search.js), given to the page translated, in its JSON data.
SEARCH_SCRIPT = (
    "Type", "Status", "Year", "Month", "Actor", "Tag", "Find…", "Find a value of {facet}", "1 result", "{count} results",
    "{results} for “{words}”", "{facet}: {values}", " or ", "Type words, or choose filters, to search {total}.",
    "{count} pages", "Searching…", "Search could not load its index ({error}). Browse the timeline, the actors or the "
    "sources instead.", "The preview is making the search index; this page reloads when it is ready.",
)  # fmt: skip


@dataclass(frozen=True)
class Catalog:
    """One language's interface: strings and plurals by their English text, month names, and its name for itself."""

    name: str  # the language's name in itself ("עברית")
    text: Mapping[str, str]
    plurals: Mapping[str, tuple[str, str]]  # the English singular -> (one, other)
    months: tuple[str, ...]
    months_short: tuple[str, ...]


CATALOGS: Mapping[str, Catalog] = {
    "en": Catalog("English", {}, {}, MONTH_NAMES, MONTHS),
    "he": Catalog(he.NAME, he.TEXT, he.PLURALS, he.MONTHS, he.MONTHS_SHORT),
}


@dataclass(frozen=True)
class Labels:
    """The interface in one language: ``labels("Timeline")``, ``labels.plural(...)``, month names, direction.

    A frozen value, so that pages and memoized partials can depend on it safely.
    """

    language: str = "en"  # as the dossier gives it: "en", "he", "he-IL"

    @cached_property
    def code(self) -> str:
        """The primary language subtag, lowercase ("he" for "he-IL")."""
        return self.language.split("-")[0].lower()

    @cached_property
    def catalog(self) -> Catalog:
        return CATALOGS.get(self.code) or CATALOGS["en"]

    @property
    def rtl(self) -> bool:
        """Whether the language is written right to left (the page gets ``dir="rtl"``)."""
        return self.code in RIGHT_TO_LEFT

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Unpickled (a build's kept caches, see ``cache``) as this process's one value for the language, so that
        what was memoized for it is found again by identity."""
        return labels, (self.language,)

    def translate(self, text: str) -> str:
        """``text`` in this language, unformatted (itself when the catalog lacks it)."""
        return self.catalog.text.get(text, text)

    def __call__(self, text: str, /, **values: object) -> str:
        """``text`` in this language, its ``{name}`` placeholders filled from ``values``."""
        found = self.catalog.text.get(text, text)
        return found.format(**values) if values else found

    def plural_form(self, one: str, other: str, count: int) -> str:
        """The form of a counted phrase for ``count`` (unformatted): English and Hebrew say one, and other."""
        forms = self.catalog.plurals.get(one, (one, other))
        return forms[0] if count == 1 else forms[1]

    def plural(self, one: str, other: str, count: int, /, **values: object) -> str:
        """``one`` or ``other`` as ``count`` needs, in this language, with ``{count}`` and ``values`` filled in."""
        return self.plural_form(one, other, count).format(count=count, **values)

    def month(self, number: int) -> str:
        """The month's name ("February"), 1 to 12."""
        return self.catalog.months[number - 1]

    def month_short(self, number: int) -> str:
        """The month's short name ("Feb"), 1 to 12."""
        return self.catalog.months_short[number - 1]


@lru_cache(maxsize=64)
def labels(language: str) -> Labels:
    """The :class:`Labels` of a language code (one shared value per code)."""
    return Labels(language)


ENGLISH = labels("en")
