"""Mentions: the actors an article names, found again after a save only for the actors whose names changed."""

from __future__ import annotations

from dossier.memo import Memo
from dossier.mentions import find_mentions
from dossier.records import Actor, Article


def test_mentions_after_names_change_are_what_a_fresh_build_finds() -> None:
    articles = (
        Article("one", "Bennett in Moscow", "Naftali Bennett met Vladimir Putin.\n\nThe talks ran long."),
        Article("two", "Kyiv replies", "Zelensky's office said the talks, with Putin; were over.", subtitle="Ukraine, Bennett"),
    )
    bennett = Actor("bennett", "Naftali Bennett", "person", aliases=("Bennett",))
    putin = Actor("putin", "Vladimir Putin", "person", aliases=("Putin",))
    office = Actor("office", "Presidential Office", "organization")
    memo = Memo()
    saves = [
        (bennett, putin, office),
        (bennett, putin, Actor("office", "Zelensky's office", "organization")),  # renamed to words in an article
        (bennett, Actor("putin", "Vladimir Putin", "person"), office),  # an alias dropped: "Putin" alone no longer
        (bennett, putin, office, Actor("talks", "talks, with Putin", "organization")),  # added; words across ", "
        (Actor("bennett", "N. Bennett", "person"), putin),  # renamed to words not in a row; an actor removed
    ]
    for actors in saves:
        found = find_mentions(actors, articles, memo)
        memo.next_build()
        fresh = find_mentions(actors, articles)
        assert found == fresh, [a.name for a in actors]
    assert [a.id for a in find_mentions(saves[3], articles, memo)["two"]] == ["bennett", "putin", "talks"]
