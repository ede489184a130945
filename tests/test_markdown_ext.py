"""markdown_ext: plain text skips the inline patterns, plain paragraphs skip the block
processors, and the HTML is what stock gives."""

from __future__ import annotations

import copy

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet import markdown_ext
from broadsheet.markdown_ext import (
    BLOCK_SYNTAX,
    INLINE_SYNTAX,
    IdleProcessors,
    PlainParagraphs,
    PlainTextInline,
    SettledParser,
    has_inline_syntax,
    is_plain_block,
)
from broadsheet.parse import MARKDOWN_EXTENSIONS
from paths import SHARED

BBC = SHARED / "corpus" / "bbc"


def stock() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")


def fast() -> markdown.Markdown:
    extensions = [
        *MARKDOWN_EXTENSIONS,
        PlainTextInline(),
        PlainParagraphs(),
        IdleProcessors(),
        SettledParser(),
    ]
    return markdown.Markdown(extensions=extensions, output_format="html")


#: Every kind of inline syntax the stock patterns handle, alone and next to plain text.
INLINE_CASES = [
    "Plain prose, with commas; quotes \"like this\" and 'this', and 42% (of 100).",
    'A [link](https://example.com/a_b) and an ![image](/i.png "title").',
    "A [reference][ref] and a [short one].\n\n[ref]: https://example.com\n[short one]: /s",
    "Some *emphasis*, **strong**, _under_ and __double__, and a lone * star.",
    "Code `x = a_b * c` and ``double `tick` code``.",
    "Escapes: \\*not em\\* and \\[not a link\\].",
    "An <https://example.com/auto> link and <someone@example.com>.",
    "Inline <span>html</span> and an entity &amp; and &#169; and &copy;.",
    "A hard  \nline break, and a soft\nline break.",
    "A footnote[^1].\n\n[^1]: The note, with *emphasis*.",
    "*[HTML]: Hyper Text Markup Language\n\nThe HTML abbreviation is plain text.",
    "Text with an exclamation! But no image.",
    "# Heading with *em*\n\n> A quote with a [link](/x).",
    "- one\n- two _em_\n\n1. first\n2. second",
    "| a | b |\n|---|---|\n| *c* | d |",
    "```\ncode * with _ specials\n```",
    "Term\n: Definition with `code`.",
    "{: #id } Attribute list\n\nParagraph {: .cls }",
    '<div markdown="1">\n*inside* html\n</div>',
]

#: Blocks each block processor takes, next to plain paragraphs, at the top level and in lists.
BLOCK_CASES = [
    "A paragraph.\nIts second line.\n\nAnother paragraph.",
    "Intro.\n\n    indented code\n\nAfter.",
    "Intro.\n\n## Sub-head\nText right under it.\n\nMore.",
    "Setext heading\n==============\n\nAnd another\n---",
    "Before.\n\n* * *\n\n___\n\nAfter.",
    "Text\n- not a list in a paragraph\n\n- a list\n- of two\n\nText.",
    "2019 was the year.\n\n1. first\n2. second\n\n3 items, not a list.",
    "- tight item\nlazy continuation\n- item\n\n    indented paragraph in it\n\nOut.",
    "1. loose\n\n    more of one\n\n2. two\n\nBack to prose.",
    "Prose.\n> quoted\nstill quoted\n\n> new quote\n\nProse.",
    "Apple\n:   A fruit.\n\n    More about it.\n\nOrange\n: Citrus.",
    "Text[^n].\n\n[^n]: A note.\n    Its second line.\n\nAfter.",
    "*[BBC]: British Broadcasting Corporation\n\nThe BBC said so.",
    'See [it][r].\n\n[r]: /x "Title"\n\nDone.',
    "| a | b |\n| - | - |\n| 1 | 2 |\n\nA pipe | in prose.",
    "<div>\nraw html\n</div>\n\nProse <b>bold</b>.",
    '<section markdown="1">\nPlain inside.\n\n## Head inside\n</section>\n\nAfter.',
    "Tab\tinside a line.\n\n\tTabbed code.",
    "\"Quoted,\" she said.\n'Single' too.\n\n(Aside.)",
    "Term\n\n: definition after a blank line",
]


@pytest.mark.parametrize("text", INLINE_CASES + BLOCK_CASES)
def test_html_is_the_stock_html(text: str) -> None:
    assert fast().convert(text) == stock().convert(text)


def test_the_fast_processor_is_the_one_registered() -> None:
    # If Python-Markdown's inline patterns change, the extension stands aside (and this fails,
    # so that INLINE_SYNTAX is checked against the new patterns).
    processor = fast().treeprocessors["inline"]
    assert type(processor).__name__ == "_PlainTextSkippingInline"


def test_plain_text_is_not_tried_against_the_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []
    md = fast()
    base = markdown.treeprocessors.InlineProcessor._InlineProcessor__handleInline  # type: ignore[attr-defined]

    def spy(self: object, data: str, patternIndex: int = 0) -> str:
        tried.append(data)
        return base(self, data, patternIndex)

    monkeypatch.setattr(
        markdown.treeprocessors.InlineProcessor, "_InlineProcessor__handleInline", spy
    )
    md.convert("Plain words only.\n\nWords and *emphasis*.")
    assert "Plain words only." not in tried
    assert "Words and *emphasis*." in tried


def test_stands_aside_for_other_inline_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_ext, "INLINE_PATTERNS", markdown_ext.INLINE_PATTERNS[:-1])
    assert type(fast().treeprocessors["inline"]).__name__ == "InlineProcessor"


def test_the_plain_paragraph_processor_is_tried_first() -> None:
    processors = fast().parser.blockprocessors
    assert type(processors[0]).__name__ == "_PlainParagraphProcessor"


def test_plain_paragraphs_are_not_tried_against_the_other_processors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tried: list[str] = []
    md = fast()
    quote = md.parser.blockprocessors["quote"]
    base = type(quote).test

    def spy(self: object, parent: object, block: str) -> bool:
        tried.append(block)
        return base(self, parent, block)  # type: ignore[arg-type]

    monkeypatch.setattr(type(quote), "test", spy)
    md.convert("Plain words only.\n\n> A quote.")
    assert tried == ["> A quote."]


def test_stands_aside_for_other_block_processors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_ext, "BLOCK_PROCESSORS", markdown_ext.BLOCK_PROCESSORS[1:])
    processors = fast().parser.blockprocessors
    assert "plain_paragraph" not in processors


def test_block_syntax() -> None:
    for plain in (
        "Words.",
        "Two\nlines.",
        "2019 was a year.",
        "A - b and c * d.",
        '"Quote," he said.',
    ):
        assert BLOCK_SYNTAX.search(plain) is None, plain
        assert is_plain_block(plain)
    for marked in (
        "# H",
        "a\n=",
        "a\n- b",
        "* a",
        "+ a",
        "> q",
        "a\n: d",
        "[r]: /x",
        " a",
        "\ta",
        "1. a",
        "a | b",
        "a\n\nb",
        "_ _ _",
        "\x02wzxhzdk:0\x03",
    ):
        assert BLOCK_SYNTAX.search(marked) is not None, marked
        assert not is_plain_block(marked)


def test_syntax_characters() -> None:
    for plain in ("Words, and more words.", "100% sure!", "a - b + c = d", "line\nbreak"):
        assert INLINE_SYNTAX.search(plain) is None
        assert not has_inline_syntax(plain)
    for marked in ("*", "_", "`", "\\", "[", "<", "&", "two  \nlines"):
        assert INLINE_SYNTAX.search(marked) is not None
        assert has_inline_syntax(marked)


@pytest.mark.skipif(not BBC.is_dir(), reason="needs ../shared/corpus/bbc")
def test_bbc_corpus_converts_the_same() -> None:
    files = sorted(BBC.rglob("*.txt"))  # 2,225 articles, every section
    assert len(files) > 2000
    slow, quick = stock(), fast()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert quick.reset().convert(text) == slow.reset().convert(text), path


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab1 2.\n\t#=-_*+>:[]|`\\<&\x02"), max_size=30))
def test_the_quick_checks_say_what_the_patterns_say(text: str) -> None:
    assert is_plain_block(text) == (bool(text) and BLOCK_SYNTAX.search(text) is None)
    assert has_inline_syntax(text) == (INLINE_SYNTAX.search(text) is not None)


def test_idle_processors_are_skipped_only_where_they_are_idle() -> None:
    registered = fast()
    for registry_name, name in markdown_ext.IDLE_PROCESSORS:
        assert type(getattr(registered, registry_name)[name]).__name__ == "_Unless", name
    assert type(registered.preprocessors["normalize_whitespace"]).__name__ == (
        "_NormalizeWhitespace"
    )


def test_idle_processors_stand_aside_for_another_whitespace_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Other(markdown.preprocessors.NormalizeWhitespace):
        pass

    class Replace(markdown.extensions.Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:
            md.preprocessors.register(Other(md), "normalize_whitespace", 30)

    md = markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, Replace(), IdleProcessors()], output_format="html"
    )
    assert type(md.preprocessors["normalize_whitespace"]) is Other
    assert type(md.preprocessors["html_block"]).__name__ == "HtmlBlockPreprocessor"


#: Documents made of what the skipped processors look for, and what the whitespace step changes.
_IDLE_ALPHABET = st.sampled_from(
    ["a", "b", " ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "\x02", "\x03", "<", ">", "{", "}",
     ": ", "#", ".", "\\", "*", "`", "```", "~~~", "<p>", "</p>", '<div markdown="1">',
     "</div>", "{: .c}", "{#i}", "&amp;", "[x](/y)", "- ", "1. "]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_IDLE_ALPHABET, max_size=40).map("".join))
def test_skipping_idle_processors_gives_the_stock_html(text: str) -> None:
    assert fast().convert(text) == stock().convert(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("a \n\t\r\x02\x03"), max_size=30))
def test_whitespace_is_normalized_as_stock_does(text: str) -> None:
    md = fast()
    lines = text.split("\n")
    ours = md.preprocessors["normalize_whitespace"].run(lines)
    assert ours == markdown.preprocessors.NormalizeWhitespace(md).run(lines)


def test_a_skipped_processor_still_answers_for_the_stock_one() -> None:
    md = fast()
    unescape = md.treeprocessors["unescape"]
    assert unescape.RE is markdown.treeprocessors.UnescapeTreeprocessor.RE  # read by links
    assert copy.copy(unescape).processor is unescape.processor  # no endless lookup
    assert fast().convert("[a\\*b](/x\\_y)") == stock().convert("[a\\*b](/x\\_y)")


def test_settled_registries_keep_their_order_and_follow_changes() -> None:
    md = fast()
    stock_order = [type(p).__name__ for p in stock().parser.blockprocessors]
    blocks = md.parser.blockprocessors
    assert type(blocks).__name__ == "_SettledRegistry"
    assert [type(p).__name__ for p in blocks][1:] == stock_order  # (plain paragraphs first)
    extra = markdown.blockprocessors.EmptyBlockProcessor(md.parser)
    blocks.register(extra, "extra_test", 1000)
    assert next(iter(blocks)) is extra
    blocks.deregister("extra_test")
    assert extra not in list(blocks)
    assert "extra_test" not in blocks
    assert md.reset().convert("## Head\n\nText.") == stock().convert("## Head\n\nText.")


def test_settled_block_level_tags_are_the_stock_ones() -> None:
    ours, theirs = fast(), stock()
    tags = [*theirs.block_level_elements, "P", "div/", "span", "a", "em", "", "x-y", None, 3]
    for tag in tags:
        assert ours.is_block_level(tag) == theirs.is_block_level(tag), tag
