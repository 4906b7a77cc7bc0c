"""Generate a large, valid synthetic dossier project for benchmarks.

``python benchmarks/generate.py SIZE OUT [--seed N]`` writes ``OUT/content/`` with SIZE
events, SIZE/5 actors and SIZE/5 articles (~600 words each). References are realistic:
3–6 actors per event, 1–3 sources whose quotes are copied from the cited article's
text, tags, every date precision (some approximate, some with an end date), disputed
events with notes, and ``actor:``/``event:`` links in summaries. The same SIZE and
seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    "the of and to in a that is was for on with as by at from his her their said officials government talks "
    "minister president meeting agreement border security offer ceasefire statement week month country foreign "
    "support aid troops forces region city capital envoy delegation sources report interview press conference "
    "spokesman ministry crisis conflict negotiations proposal plan peace humanitarian corridor sanctions "
    "economic energy gas supply pipeline exports embassy ambassador summit call phone visit trip discussed "
    "according told reporters would could should might also however while after before during since about "
    "between against under over more than most some many several both other new former senior regional "
    "national international military political diplomatic public private early late last next first second "
    "third year day night morning evening parliament council coalition opposition party leader leaders "
    "analysts experts observers believe expect warned urged called rejected accepted welcomed denied confirmed "
    "announced signed agreed refused demanded offered proposed mediate mediation role position pressure "
    "relations ties cooperation dialogue channel contact request response decision move step effort efforts"
)
FIRST = _words(
    "Anna Boris Clara David Elena Farid Galina Hassan Irina Jonas Karim Lena Marek Nadia Oleg Petra Rami Sara "
    "Tomas Ursula Viktor Wanda Yosef Zofia Ariel Dmitri Esther Felix Greta Ilan Katya Leon Maya Noam Olga Pavel"
)
SYLLABLES = _words("ab ko ler ma ni sha vo den ri ta bel go mar ze lu ka dor fi ne ro")
ENDINGS = _words("ov man berg ski enko son stein ez ian ic")
PLACES = _words("North South East West Upper Lower New Old Port Lake River Hill Stone Green Red White Black")
PLACE_ROOTS = _words("haven field ford burg grad dorf mouth vale gate wick stan ovia ania land mark")
ORG_KINDS = _words("Ministry Council Agency Institute Committee Bureau Union Alliance Front Bank Office")
ORG_TOPICS = _words("Defence Energy Trade Security Health Culture Peace Finance Transport Justice")
OUTLETS = ("The Daily Ledger", "Morning Courier", "The Evening Post", "Regional Herald", "World Wire", "The Observer")
EVENT_KINDS = ("meeting", "call", "statement", "offer", "report", "military", "sanction", "aid", "other")
STATUSES = ("confirmed",) * 6 + ("reported",) * 3 + ("disputed", "planned")
TAG_WORDS = _words("mediation energy sanctions aid talks ceasefire border trade security visit summit prisoners")


@dataclass
class ArticleText:
    """An article's id and paragraphs, kept to draw quotes and mentions from."""

    id: str
    paragraphs: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _date(rng: random.Random, precision: str | None = None) -> tuple[str, tuple[int, int, int]]:
    """A date string of a random precision and its earliest (y, m, d)."""
    year = rng.randint(2000, 2023)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    precision = precision or rng.choices(("year", "month", "day"), weights=(1, 3, 12))[0]
    if precision == "year":
        return f"{year}", (year, 1, 1)
    if precision == "month":
        return f"{year}-{month:02d}", (year, month, 1)
    return f"{year}-{month:02d}-{day:02d}", (year, month, day)


def _sentence(rng: random.Random, names: list[str]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if names and rng.random() < 0.5:
        words.insert(rng.randint(0, len(words)), rng.choice(names))
    if rng.random() < 0.15:
        words.insert(rng.randint(1, len(words)), "\u201c" + rng.choice(WORDS) + "\u201d")
    if rng.random() < 0.1:
        words.insert(rng.randint(1, len(words)), "\u2013")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_actors(rng: random.Random, count: int) -> list[tuple[str, str, str, list[str]]]:
    """(id, name, kind, aliases) for ``count`` actors with unique names."""
    actors = []
    seen: set[str] = set()
    for index in range(count):
        kind = rng.choices(("person", "organization", "state", "place"), weights=(12, 4, 2, 2))[0]
        if kind == "person":  # surnames from a large pool, so aliases rarely collide (as in real dossiers)
            last = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize() + rng.choice(ENDINGS)
            name, aliases = f"{rng.choice(FIRST)} {last}", [last]
        elif kind == "organization":
            name, aliases = f"{rng.choice(ORG_KINDS)} of {rng.choice(ORG_TOPICS)}", []
        elif kind == "state":
            name, aliases = f"{rng.choice(PLACES)} {rng.choice(PLACE_ROOTS).capitalize()}ia", []
        else:
            name, aliases = f"{rng.choice(PLACES)}{rng.choice(PLACE_ROOTS)}", []
        if name in seen:
            name = f"{name} {index}"
        seen.add(name)
        actors.append((f"{_slug(name)}-{index}", name, kind, aliases))
    return actors


def make_article(rng: random.Random, index: int, names: list[str]) -> tuple[ArticleText, str]:
    """An article of about 600 words in 6–9 paragraphs, and its file text."""
    published, _ = _date(rng, "day")
    article_id = f"{published}-{_slug(rng.choice(OUTLETS))}-{index}"
    mentioned = rng.sample(names, min(len(names), rng.randint(2, 6)))
    article = ArticleText(article_id)
    count = rng.randint(6, 9)
    for _ in range(count):
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < 600 // count:
            sentences.append(_sentence(rng, mentioned))
        article.paragraphs.append(" ".join(sentences))
    title = _sentence(rng, mentioned).rstrip(".")[:90]
    front = [f"title: {_q(title)}", f"outlet: {_q(rng.choice(OUTLETS))}"]
    if rng.random() < 0.7:
        front.append(f"author: {_q(rng.choice(FIRST) + ' ' + rng.choice(SYLLABLES).capitalize() + rng.choice(ENDINGS))}")
    if rng.random() < 0.3:
        front.append(f"subtitle: {_q(_sentence(rng, mentioned))}")
    when = published + (f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}" if rng.random() < 0.3 else "")
    front.append(f"published: {_q(when)}")
    if rng.random() < 0.5:
        front.append(f"url: {_q(f'https://news.example.org/{article_id}')}")
    if rng.random() < 0.1:
        front.append(f"notes: {_q('The publication date was taken from the page header.')}")
    body = list(article.paragraphs)
    if rng.random() < 0.3:
        body.insert(rng.randint(1, len(body)), f"## {_sentence(rng, []).rstrip('.')}")
    if rng.random() < 0.3:
        body.append(f"*{_sentence(rng, [])}* Read the [original](https://news.example.org/{article_id}).")
    return article, "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(body) + "\n"


def _quote(rng: random.Random, article: ArticleText) -> str:
    words = rng.choice(article.paragraphs).split()
    length = rng.randint(6, 14)
    start = rng.randint(0, max(0, len(words) - length))
    return " ".join(words[start : start + length]).strip(".,")


def _source(rng: random.Random, article: ArticleText, disputed: bool, events: list[str]) -> list[str]:
    lines = [f"  - article: {article.id}", f"    quote: {_q(_quote(rng, article))}"]
    if disputed:  # the first two sources of a disputed event contradict each other on one aspect
        lines += ["    aspect: the date", f"    says: {_q(f'It happened in {rng.randint(2000, 2023)}.')}"]
    elif rng.random() < 0.2:
        other = rng.choice(events)
        lines.append(f"    note: {_q(f'Differs in detail from the others; compare [the related event](event:{other}).')}")
    return lines


def make_event(
    rng: random.Random,
    actors: list[tuple[str, str, str, list[str]]],
    articles: list[ArticleText],
    tags: list[str],
    event_ids: list[str],
    earlier: list[tuple[str, tuple[int, int, int]]],
) -> str:
    """The YAML text of one event; ``earlier`` lists the events written before it, with their earliest day."""
    date, (year, month, day) = _date(rng)
    people = rng.sample(actors, rng.randint(3, 6))
    status = rng.choice(STATUSES)
    kind = rng.choice(EVENT_KINDS)
    title = f"{people[0][1]} and {people[1][1]}: {kind} on {rng.choice(WORDS)} {rng.choice(WORDS)}"
    lines = [f"title: {_q(title)}", f"date: {_q(date)}"]
    if rng.random() < 0.1:
        end_year = year + rng.randint(0, 1)
        lines.append(f"end: {_q(f'{end_year}-{max(month, 6) if end_year == year else 1:02d}')}")
    if rng.random() < 0.15:
        lines.append("approximate: true")
    before = [e for e, when in rng.sample(earlier, min(3, len(earlier))) if when <= (year, month, day)] if earlier else []
    if before and rng.random() < 0.3:
        lines.append(f"after: [{before[0]}]")  # an earlier-written event that starts no later: no cycle, no contradiction
    elif date.count("-") == 2 and rng.random() < 0.2:
        lines.append(f"time: {_q(f'{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}')}")
    lines += [f"kind: {kind}", f"actors: [{', '.join(a[0] for a in people)}]"]
    chosen = rng.sample(tags, rng.randint(0, 3))
    if chosen:
        lines.append(f"tags: [{', '.join(chosen)}]")
    lines.append(f"status: {status}")
    cited = rng.sample(articles, rng.randint(2 if status == "disputed" else 1, 3))
    other = rng.choice(articles)
    summary = (
        f"[{people[0][1]}](actor:{people[0][0]}) and [{people[1][1]}](actor:{people[1][0]}) "
        f"{_sentence(rng, []).lower()} This followed [an earlier event](event:{rng.choice(event_ids)}), "
        f"as [the first source says](source:1) and [another report](article:{other.id} {_q(_quote(rng, other))}) has it. "
        f"{_sentence(rng, [p[1] for p in people])}"
    )
    lines.append(f"summary: {_q(summary)}")
    lines.append("sources:")
    for index, article in enumerate(cited):
        lines += _source(rng, article, status == "disputed" and index < 2, event_ids)
    return "\n".join(lines) + "\n"


def make_actor_file(
    rng: random.Random, actor: tuple[str, str, str, list[str]], articles: list[ArticleText], ids: list[str]
) -> str:
    """The YAML text of one actor."""
    actor_id, name, kind, aliases = actor
    lines = [f"name: {_q(name)}", f"kind: {kind}"]
    if aliases:
        lines.append(f"aliases: [{', '.join(_q(a) for a in aliases)}]")
    lines.append(f"summary: {_q(_sentence(rng, []) + ' ' + _sentence(rng, []))}")
    if kind == "person" and rng.random() < 0.6:
        lines.append("roles:")
        start, _ = _date(rng, "month")
        lines += [f"  - title: {_q(f'{rng.choice(ORG_KINDS)} member')}", f"    from: {_q(start)}"]
        if rng.random() < 0.5:
            article = rng.choice(articles)
            lines.append(f"    source: {{article: {article.id}, quote: {_q(_quote(rng, article))}}}")
    if rng.random() < 0.3:
        others = [i for i in rng.sample(ids, 2) if i != actor_id]
        if others:
            lines.append(f"affiliations: [{', '.join(others)}]")
    return "\n".join(lines) + "\n"


def generate(size: int, out: Path, seed: int = 1) -> None:
    """Write a project with ``size`` events into ``out`` (its ``content/`` is replaced)."""
    rng = random.Random(seed)
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    for folder in ("events", "actors", "articles"):
        (content / folder).mkdir(parents=True)
    actors = make_actors(rng, max(6, size // 5))
    names = [a[1] for a in actors]
    articles: list[ArticleText] = []
    for index in range(max(2, size // 5)):
        article, text = make_article(rng, index, names)
        articles.append(article)
        (content / "articles" / f"{article.id}.md").write_text(text, encoding="utf-8")
    ids = [a[0] for a in actors]
    for actor in actors:
        (content / "actors" / f"{actor[0]}.yaml").write_text(make_actor_file(rng, actor, articles, ids), encoding="utf-8")
    tags = [f"{word}-{n}" if n else word for n in range(max(1, size // 500)) for word in TAG_WORDS]
    event_ids = [f"event-{index:06d}" for index in range(size)]
    earlier: list[tuple[str, tuple[int, int, int]]] = []
    for event_id in event_ids:
        text = make_event(rng, actors, articles, tags, event_ids, earlier)
        (content / "events" / f"{event_id}.yaml").write_text(text, encoding="utf-8")
        date = text.split("date: ", 1)[1].split("\n", 1)[0].strip('"').split("-")
        earlier.append((event_id, (int(date[0]), int(date[1]) if len(date) > 1 else 1, int(date[2]) if len(date) > 2 else 1)))
    points = "\n".join(
        f"  - text: {_q(_sentence(rng, []))}\n    events: [{', '.join(rng.sample(event_ids, min(3, size)))}]" for _ in range(4)
    )
    (content / "dossier.yaml").write_text(
        f"title: {_q(f'Synthetic dossier of {size} events')}\n"
        f"subtitle: Generated by benchmarks/generate.py (seed {seed})\n"
        'as_of: "2024-01-01"\nlanguage: en\n'
        f"summary: {_q(f'The bottom line, with [an actor](actor:{ids[0]}) and [an event](event:{event_ids[0]}).')}\n"
        f"key_points:\n{points}\n",
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of events (actors and articles are SIZE/5 each)")
    parser.add_argument("out", type=Path, help="project folder to write (its content/ is replaced)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.size, args.out, args.seed)


if __name__ == "__main__":
    main()
