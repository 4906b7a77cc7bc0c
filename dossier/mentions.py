"""Mentions: which actors each article names, by their names and aliases as whole words.

A name is found as its words in a row, whatever stands between them (``Vladimir Putin`` in
"Vladimir Putin", "Vladimir\nPutin"), case-sensitive. A session keeps what it found: after a
save that changed some actors' names, an unchanged article is searched for those names only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from dossier import markup
from dossier.memo import ByValue, Memo
from dossier.records import Actor, Article

_WORD = re.compile(r"\w+")


def find_mentions(
    actors: tuple[Actor, ...], articles: tuple[Article, ...], memo: Memo | None = None
) -> dict[str, tuple[Actor, ...]]:
    """For each article, the actors whose name or an alias occurs in it as whole words (case-sensitive).

    After a save that changed some actors' names (or added or removed actors), an unchanged article is searched only
    for those actors' names."""
    memo = memo if memo is not None else Memo()
    names = {actor.id: (actor.name, actor.aliases) for actor in actors}
    before: dict[str, tuple[str, tuple[str, ...]]] | None = memo.results.get("mention names")
    found: dict[str, tuple[Article, frozenset[str]]] = memo.results.get("mentions found", {})
    changed = None if before is None else {i for i in names.keys() | before.keys() if names.get(i) != before.get(i)}
    index: NameIndex | None = None  # made when an article is new or changed (or on the first build)
    now: dict[str, tuple[Article, frozenset[str]]] = {}
    for article in articles:
        known = found.get(article.id)
        if known is not None and known[0] is article and changed is not None:
            ids = known[1]
            if changed:
                text = _text(article)
                ids = (ids - changed) | {i for i in changed if i in names and _names_pattern(*names[i]).search(text)}
        else:
            if index is None:
                index = memo(_name_index, ByValue(tuple((i, *names[i]) for i in names)))
            ids = memo(_mentioned, article, index)
        now[article.id] = (article, ids)
    memo.results.update({"mention names": names, "mentions found": now})
    by_id = {a.id: a for a in actors}
    order = {a.id: i for i, a in enumerate(actors)}
    return {key: tuple(by_id[i] for i in sorted(ids, key=order.__getitem__)) for key, (_, ids) in now.items()}


NameIndex = dict[str, list[tuple[tuple[str, ...], str]]]  # first word of a name -> (the name's words, actor id)


def _name_index(names: tuple[tuple[str, str, tuple[str, ...]], ...]) -> NameIndex:
    by_first: NameIndex = defaultdict(list)
    for actor_id, name, aliases in names:
        for each in (name, *aliases):
            name_words = tuple(_WORD.findall(each))
            if name_words:
                by_first[name_words[0]].append((name_words, actor_id))
    return by_first


def _text(article: Article) -> str:
    """The words of an article that can name an actor: its title, subtitle and text."""
    return f"{article.title}\n{article.subtitle or ''}\n{markup.plain_text(article.body)}"


def _mentioned(article: Article, by_first: NameIndex) -> frozenset[str]:
    """The ids of the actors an article names (the index is the same object while the names are the same)."""
    words = _WORD.findall(_text(article))
    found: set[str] = set()
    for index, word in enumerate(words):
        for phrase, actor_id in by_first.get(word, ()):
            if tuple(words[index : index + len(phrase)]) == phrase:
                found.add(actor_id)
    return frozenset(found)


@lru_cache(maxsize=4096)
def _names_pattern(name: str, aliases: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern that finds an actor's name or an alias as :func:`_mentioned` does: its words, in a row, whole."""
    phrases = [r"\W+".join(map(re.escape, words)) for each in (name, *aliases) if (words := _WORD.findall(each))]
    return re.compile(rf"(?<!\w)(?:{'|'.join(phrases)})(?!\w)" if phrases else r"(?!)")
