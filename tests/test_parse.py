import datetime as dt

import pytest

from broadsheet.model import Source, SourceError
from broadsheet.parse import markdown_to_html, parse_source


def src(text: str, path: str = "content/story.md") -> Source:
    fmt = "text" if path.endswith(".txt") else "markdown"
    return Source(path, fmt, text, "0" * 64)


RAW = "Headline here\n\nBy Jane Doe\n\nAugust 6, 2018\n\nFirst paragraph.\n\nSecond one.\n"


def test_raw_text_article():
    a = parse_source(src(RAW, "content/2018/raw-story.txt")).article
    assert (a.headline, a.bylines, a.date) == ("Headline here", ("Jane Doe",), dt.date(2018, 8, 6))
    assert a.slug == "raw-story"
    assert a.summary == "First paragraph."
    assert a.body_html == "<p>First paragraph.</p>\n<p>Second one.</p>"


def test_front_matter_wins_and_text_fills_the_rest():
    text = "---\nheadline: Editor's headline\nslug: Custom Slug!\n---\n# Body heading\n\nText."
    a = parse_source(src(text)).article
    assert a.headline == "Editor's headline"
    assert a.slug == "custom-slug"
    assert "<h1>Body heading</h1>" in a.body_html


def test_markdown_headline_from_first_heading_when_front_matter_lacks_it():
    a = parse_source(src("---\ndate: 2020-01-02\n---\n# The Headline\n\nBody text.")).article
    assert a.headline == "The Headline"
    assert "The Headline" not in a.body_html
    assert a.date == dt.date(2020, 1, 2)


def test_missing_headline_is_an_error_saying_how_to_fix():
    with pytest.raises(SourceError) as err:
        parse_source(src("---\ndate: 2020-01-02\n---\nJust text."))
    assert "headline" in err.value.problem.message
    assert err.value.problem.path == "content/story.md"


def test_missing_date_is_a_warning():
    parsed = parse_source(src("---\nheadline: H\n---\nText."))
    assert parsed.article.date is None
    assert [p.severity for p in parsed.problems] == ["warning"]


def test_naive_time_gets_the_site_zone():
    zone = dt.timezone(dt.timedelta(hours=2))
    a = parse_source(src("---\nheadline: H\ndate: 2020-01-02T10:00\n---\nx"), zone=zone).article
    assert a.published == dt.datetime(2020, 1, 2, 10, 0, tzinfo=zone)


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p onclick="alert(1)">x</p>',
    ],
)
def test_raw_html_in_markdown_is_sanitised_by_default(raw):
    html = markdown_to_html(raw, allow_raw_html=False)
    lowered = html.lower()
    assert "<script" not in lowered and "onerror" not in lowered and "onclick" not in lowered
    assert "javascript:" not in lowered and "<iframe" not in lowered


def test_raw_html_passes_when_the_site_opts_in():
    html = markdown_to_html('<iframe src="https://video.example/1"></iframe>', True)
    assert "<iframe" in html


def test_safe_markdown_survives_sanitising():
    html = markdown_to_html(
        "## Sub\n\n> quote\n\n- *a*\n- **b**\n\n[l](https://example.org/x)", False
    )
    for part in (
        "<h2>Sub</h2>",
        "<blockquote>",
        "<em>a</em>",
        "<strong>b</strong>",
        'href="https://example.org/x"',
    ):
        assert part in html


def test_a_reused_markdown_parser_converts_as_a_fresh_one() -> None:
    # One parser per thread is reset and reused (parse._markdown_parser): nothing a document
    # defines (abbreviations, footnotes, reference links) may leak into the next one.
    import markdown

    from broadsheet.parse import MARKDOWN_EXTENSIONS, _markdown_parser

    documents = [
        "The HTML spec[^1] and [the site][ref].\n\n*[HTML]: Hyper Text\n\n[^1]: A note.\n\n"
        "[ref]: https://example.org\n",
        "HTML again, a note[^1], [the site][ref].\n\n[^1]: Another note.\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n:   Definition\n\n```\ncode\n```\n",
        "Plain HTML and [the site][ref].\n",
    ]
    for document in documents * 2:
        fresh = markdown.markdown(
            document, extensions=list(MARKDOWN_EXTENSIONS), output_format="html"
        )
        assert _markdown_parser().reset().convert(document) == fresh


def test_a_markdown_body_after_one_nested_too_deeply_is_read_as_usual() -> None:
    # Python-Markdown leaves its block state behind when it fails half-way (reset() does not
    # clear it), and the next body's paragraphs lost their <p>: the parser is replaced.
    from broadsheet.parse import markdown_to_html

    too_deep = "".join(" " * 4 * i + "- x\n" for i in range(400))
    for _ in range(3):
        with pytest.raises(RecursionError):
            markdown_to_html(too_deep, allow_raw_html=False)
        assert markdown_to_html("One.\n\nTwo.", allow_raw_html=False) == "<p>One.</p>\n<p>Two.</p>"
