import random
from array import array

from broadsheet.bodytext import (
    Link,
    LinkedBody,
    body_text,
    body_text_and_map,
    linked_html,
    paragraphs_to_html,
    render_html,
)


def test_plain_text_has_paragraph_breaks_between_blocks():
    body = body_text(
        "<p>One <em>two</em>.</p>\n<h2>Three</h2>\n<ul><li>Four</li><li>Five</li></ul>"
    )
    assert body.text == "One two.\n\nThree\n\nFour\n\nFive"


def test_entities_are_unescaped_in_text_and_escaped_again_in_html():
    body = body_text("<p>AT&amp;T &lt;script&gt; &quot;q&quot;</p>")
    assert body.text == 'AT&T <script> "q"'
    assert render_html(body) == '<p>AT&amp;T &lt;script&gt; "q"</p>'


def test_link_lands_on_the_right_characters():
    body = body_text("<p>Sen. Rand Paul met <b>Putin</b>.</p><p>Paul said.</p>")
    t = body.text
    links = [
        Link(t.index("Rand Paul"), t.index("Rand Paul") + 9, "../p/rand-paul/"),
        Link(t.index("Putin"), t.index("Putin") + 5, "../p/putin/"),
        Link(t.rindex("Paul"), t.rindex("Paul") + 4, "../p/rand-paul/"),
    ]
    out = render_html(body, links)
    assert out == (
        '<p>Sen. <a href="../p/rand-paul/">Rand Paul</a> met '
        '<b><a href="../p/putin/">Putin</a></b>.</p>'
        '<p><a href="../p/rand-paul/">Paul</a> said.</p>'
    )


def test_no_link_inside_existing_links_code_or_across_nodes():
    body = body_text('<p><a href="x">Rand Paul</a> <code>Paul</code> Rand <i>Paul</i></p>')
    t = body.text
    links = [
        Link(0, 9, "a"),
        Link(t.index("Paul", 10), t.index("Paul", 10) + 4, "b"),
        Link(t.index("Rand", 12), len(t), "c"),
    ]
    out = render_html(body, links)
    assert out.count("<a ") == 1  # only the editor's own link remains


def test_raw_paragraphs_are_escaped():
    html = paragraphs_to_html(["<script>alert(1)</script> & more"])
    assert "<script>" not in html
    assert body_text(html).text == "<script>alert(1)</script> & more"


def test_script_text_is_not_article_text():
    assert body_text("<p>a</p><script>var x</script><p>b</p>").text == "a\n\nb"


# ------------------------------------------------ the fast reader equals html.parser

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from broadsheet import bodytext  # noqa: E402
from broadsheet.parse import markdown_to_html  # noqa: E402


def _with_html_parser(body_html: str) -> bodytext.BodyText:
    builder = bodytext._Builder()
    tokenizer = bodytext._Tokenizer(builder)
    tokenizer.feed(body_html)
    tokenizer.close()
    text = "".join(builder.parts).removesuffix(bodytext.PARAGRAPH_BREAK)
    return bodytext.BodyText(text, tuple(builder.tokens))


_PIECES = st.sampled_from(
    [
        "Rand Paul",
        "AT&T",
        "a < b",
        "x > y",
        '"quoted"',
        "'single'",
        "&amp;",
        "&copy;",
        "&#169;",
        "&",
        "*em*",
        "**strong**",
        "`code`",
        "[link](http://a.example/?x=1&y=2)",
        "<b>bold</b>",
        "<!-- c -->",
        "<script>x</script>",
        "\n\n",
        "\n\n## Head\n\n",
        "\n\n- item\n- item two\n\n",
        "\n\n> quote\n\n",
        "\n\n1. one\n2. two\n\n",
        "é",
        "—",
        " ",
        "\n",
        "Sen.",
        "<br>",
        '<span title="a>b">t</span>',
        "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.booleans())
def test_the_fast_reader_reads_markdown_bodies_as_html_parser_does(pieces, raw_html) -> None:
    body_html = markdown_to_html("".join(pieces), allow_raw_html=raw_html)
    assert body_text(body_html) == _with_html_parser(body_html)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/&;\"'= abp#x1\n"), max_size=40))
def test_the_fast_reader_falls_back_on_anything_unusual(body_html) -> None:
    assert body_text(body_html) == _with_html_parser(body_html)


def test_the_fast_reader_reads_the_bbc_corpus_as_html_parser_does() -> None:
    from tests.paths import SHARED

    files = sorted((SHARED / "corpus" / "bbc").rglob("*.txt"))[::20]
    assert files
    for file in files:
        paragraphs = [p.strip() for p in file.read_text("latin-1").split("\n\n") if p.strip()]
        for body_html in (
            paragraphs_to_html(paragraphs),
            markdown_to_html("\n\n".join(paragraphs), allow_raw_html=False),
        ):
            assert bodytext._scan(body_html, bodytext._Builder()) is not False  # fast path
            assert body_text(body_html) == _with_html_parser(body_html)


def _random_links(rng: random.Random, text: str) -> list[Link]:
    """Links anywhere in the text: overlapping, across node boundaries, in no-link elements."""
    links = []
    for _ in range(rng.randint(0, 40)):
        start = rng.randrange(max(len(text), 1))
        end = min(len(text), start + rng.randint(1, 15))
        links.append(
            Link(start, end, rng.choice(["/p/", "a&b"]), "mention", rng.choice(["", "<T>"]))
        )
    return links


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.booleans(), st.randoms(use_true_random=False))
def test_links_placed_through_the_map_are_placed_as_render_html_places_them(
    pieces, raw_html, rng
) -> None:
    body_html = markdown_to_html("".join(pieces), allow_raw_html=raw_html)
    text, body_map = body_text_and_map(body_html)
    body = body_text(body_html)
    assert text == body.text
    links = _random_links(rng, body.text)
    expected = render_html(body, links)
    # LinkedBody's links carry no title
    untitled = [Link(lk.start, lk.end, lk.href, lk.css_class) for lk in links]
    assert LinkedBody(body_html, *_packed(links)).__html__() == render_html(body, untitled)
    if body_map:
        assert render_html(body) == body_html  # a body with a map is its tokens, verbatim
        assert linked_html(body_html, body_map, links) == expected
        linked = LinkedBody(body_html, *_packed(links), body_map).__html__()
        assert linked == render_html(body, untitled)


def _packed(links: list[Link]) -> tuple[array, tuple[tuple[str, str], ...]]:
    """LinkedBody's spans and targets for links without titles."""
    targets = sorted({(lk.href, lk.css_class) for lk in links})
    spans = array("l")
    for lk in links:
        spans.extend((lk.start, lk.end, targets.index((lk.href, lk.css_class))))
    return spans, tuple(targets)


def test_the_bbc_corpus_is_linked_alike_through_its_map() -> None:
    from tests.paths import SHARED

    rng = random.Random(5)
    files = sorted((SHARED / "corpus" / "bbc").rglob("*.txt"))[::4]
    mapped = 0
    for file in files:
        paragraphs = [p.strip() for p in file.read_text("latin-1").split("\n\n") if p.strip()]
        for body_html in (
            paragraphs_to_html(paragraphs),
            markdown_to_html("\n\n".join(paragraphs), allow_raw_html=False),
        ):
            text, body_map = body_text_and_map(body_html)
            body = body_text(body_html)
            assert text == body.text
            links = _random_links(rng, body.text)
            if body_map:
                mapped += 1
                assert linked_html(body_html, body_map, links) == render_html(body, links)
    assert mapped > len(files)  # most bodies have a map


def test_a_body_with_character_references_or_upper_case_end_tags_has_no_map() -> None:
    for body_html in ("<p>AT&amp;T</p>", "<p>a &gt; b</p>", "<p>a > b</p>", "<P>Text</P>"):
        text, body_map = body_text_and_map(body_html)
        assert body_map == b""
        assert text == body_text(body_html).text
    assert body_text_and_map("<p>Plain <em>text</em>.</p>")[1] != b""


def test_a_long_body_has_a_wider_map() -> None:
    body_html = "\n".join(
        f"<p>Paragraph {n} names <em>Rand Paul</em> once.</p>" for n in range(3000)
    )
    _, body_map = body_text_and_map(body_html)
    body = body_text(body_html)
    assert len(body_html) > 1 << 16 and body_map[:1] == b"I"
    at = body.text.rindex("Rand Paul")
    links = [Link(at, at + 9, "/p/"), Link(0, 9, "/q/")]
    assert linked_html(body_html, body_map, links) == render_html(body, links)
    assert body_text_and_map("<p>Short</p>")[1][:1] == b"H"


def test_raw_text_elements_in_any_case_are_read_as_html_parser_reads_them() -> None:
    for body_html in (
        "<p>a</p><SCRIPT>if (a < b) x()</SCRIPT><p>b</p>",
        '<p>a</p><style type="text/css">p > b { }</style><p>b</p>',
        "<p>a</p><Script/><p>b</p>",
        "<p>a <scripts>b</scripts> c</p>",
        "<p>a <styled>b</styled></p>",
    ):
        assert body_text(body_html) == _with_html_parser(body_html), body_html
