"""Markup: Markdown is rendered without raw HTML or unsafe links, and passages are marked in place."""

from __future__ import annotations

import pytest

from dossier import markup


def resolve(kind: str, record_id: str, title: str) -> str | None:
    """Like the renderer's: only schemes that name record types resolve; anything else is refused."""
    return f"{kind}s/{record_id}/" if kind in ("actor", "event", "article") else None


def anchored(block: int, start: int, end: int, key: str, after: str) -> markup.Mark:
    """A mark whose start holds an anchor named ``key`` and whose end is followed by ``after``."""
    return markup.Mark(block, start, end, key, f'<span class="anchor" id="{key}"></span>', after)


def html(text: str) -> str:
    return markup.render(text, resolve).replace(markup.ROOT, "../")


def test_raw_html_is_escaped_not_rendered() -> None:
    assert html('<script>alert(1)</script> <img src=x onerror="alert(1)">') == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>\n"
    )


def test_only_safe_links_become_links() -> None:
    out = html(
        "[a](javascript:alert(1)) [b](JAVASCRIPT:x) [c](data:text/html,x) [d](https://e.org/?q=1) [e](actor:bennett) [f](page.html)"
        " [g](javascript:x) [h](vbscript:x)"
    )
    assert out == (
        '<p>a b c <a href="https://e.org/?q=1" rel="noopener noreferrer">d</a> <a href="../actors/bennett/">e</a> f g h</p>\n'
    )


def test_images_show_their_alt_text_and_load_nothing() -> None:
    assert html("![a chart](https://evil.example/x.png)") == "<p>a chart</p>\n"


def test_links_and_images_are_listed_with_their_line() -> None:
    assert list(markup.links('one\n\n[x](actor:a)\n![i](b.png)\n[y](article:b "the words")')) == [
        ("actor:a", 2, ""),
        ("image:b.png", 3, ""),
        ("article:b", 4, "the words"),
    ]


def test_quotes_match_across_whitespace_quote_marks_and_dashes() -> None:
    (block,) = markup.blocks("He said “peace  now” –\nthen left.")
    assert block.find('said "peace now" - then') == (3, 27)
    assert block.text[3:27] == "said “peace  now” –\nthen"
    assert block.find("said peace") is None


def test_passages_are_marked_across_emphasis_with_anchor_and_back_link() -> None:
    text = "Hello **big world**, all."
    (block,) = markup.blocks(text)
    start, end = block.find("big world, all")
    passage = anchored(0, start, end, "cite-e-1", '<a href="#e">back</a>')
    assert markup.render(text, resolve, marks=[passage]) == (
        '<p>Hello <strong><span class="anchor" id="cite-e-1"></span><mark class="cited" data-cited="cite-e-1">big world</mark>'
        '</strong><mark class="cited" data-cited="cite-e-1">, all</mark><a href="#e">back</a>.</p>\n'
    )


def test_overlapping_passages_each_get_their_anchor() -> None:
    text = "one two three four"
    first = anchored(0, 0, 13, "p1", "[1]")
    second = anchored(0, 4, 18, "p2", "[2]")
    assert markup.render(text, resolve, marks=[first, second]) == (
        '<p><span class="anchor" id="p1"></span><mark class="cited" data-cited="p1">one </mark><span class="anchor" id="p2"></span>'
        '<mark class="cited" data-cited="p1 p2">two three</mark>[1]<mark class="cited" data-cited="p2"> four</mark>[2]</p>\n'
    )


def marked(text: str, *quotes: str, after: str = "[{n}]") -> str:
    """``text`` rendered with a passage p1, p2, ... for each quote, followed by ``after`` with its number."""
    (block,) = markup.blocks(text)
    passages = []
    for n, quote in enumerate(quotes, 1):
        found = block.find(quote)
        assert found is not None, quote
        passages.append(anchored(0, *found, f"p{n}", after.format(n=n)))
    return markup.render(text, resolve, marks=passages).replace(' data-cited="p1"', "").replace(' data-cited="p2"', "")


def test_a_passage_ending_inside_a_link_is_followed_by_its_back_link_after_the_link() -> None:
    text = "See [the Kremlin statement](https://x.y) on `code here` today."
    assert marked(text, "See the Kremlin", "on code here today", after='<a class="backref" href="#e{n}">{n}</a>') == (
        '<p><span class="anchor" id="p1"></span><mark class="cited">See </mark>'
        '<a href="https://x.y" rel="noopener noreferrer"><mark class="cited">the Kremlin</mark> statement</a>'
        '<a class="backref" href="#e1">1</a> <span class="anchor" id="p2"></span><mark class="cited">on </mark>'
        '<code><mark class="cited">code here</mark></code><mark class="cited"> today</mark>'
        '<a class="backref" href="#e2">2</a>.</p>\n'
    )


def test_passages_starting_or_ending_inside_inline_code_mark_it_inside_the_code() -> None:
    text = "Read `x = peace(now)` and [the `full` text](event:e-1) here."
    assert marked(text, "peace(now) and the full", "text here") == (
        '<p>Read <code>x = <span class="anchor" id="p1"></span><mark class="cited">peace(now)</mark></code>'
        '<mark class="cited"> and </mark><a href="\x00root\x00events/e-1/"><mark class="cited">the </mark>'
        '<code><mark class="cited">full</mark></code> <span class="anchor" id="p2"></span><mark class="cited">text</mark></a>'
        '[1]<mark class="cited"> here</mark>[2].</p>\n'
    )
    assert marked(text, "x = peace", "full") == (
        '<p>Read <code><span class="anchor" id="p1"></span><mark class="cited">x = peace</mark>(now)</code>[1] and '
        '<a href="\x00root\x00events/e-1/">the <code><span class="anchor" id="p2"></span><mark class="cited">full</mark>'
        "</code> text</a>[2] here.</p>\n"
    )


def test_a_passage_ending_in_a_refused_link_keeps_its_back_link_after_the_text() -> None:
    assert marked("A [bad](javascript:x) link", "A bad") == (
        '<p><span class="anchor" id="p1"></span><mark class="cited">A </mark><mark class="cited">bad</mark>[1] link</p>\n'
    )


def test_headings_are_shifted_below_the_page_title() -> None:
    assert html("# Title\n## Sub") == "<h3>Title</h3>\n<h4>Sub</h4>\n"


def test_parsed_tokens_share_one_read_only_empty_mapping_and_copies_get_their_own() -> None:
    tokens = markup.parse("A *b* [c](https://example.org/) d.\n\nE.")
    empty = [token for token in tokens if not token.attrs] + [c for t in tokens for c in t.children or () if not c.attrs]
    assert len(empty) > 5 and len({id(token.attrs) for token in empty} | {id(token.meta) for token in tokens}) == 1
    link = next(c for t in tokens for c in t.children or () if c.type == "link_open")
    assert link.attrs == {"href": "https://example.org/"}  # a token's own attributes are its own
    with pytest.raises(TypeError):
        empty[0].attrs["x"] = "y"  # shared and cached: nothing may change it
    copy = empty[0].copy()
    copy.attrs["x"] = "y"
    assert copy.attrs == {"x": "y"} and not empty[0].attrs


def test_a_copy_is_what_token_copy_makes_with_attributes_of_its_own() -> None:
    tokens = markup.parse('# A\n\nB [c](https://example.org/ "t") d.')
    for token in [*tokens, *(c for t in tokens for c in t.children or ())]:
        copied = markup._copy(token)
        assert copied == token.copy() and copied is not token
        assert copied.attrs is not token.attrs and type(copied.attrs) is dict
        assert copied.children is token.children  # shallow, as Token.copy
