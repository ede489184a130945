"""markdown_ext: plain text skips the inline patterns, and the HTML is what stock gives."""

from __future__ import annotations

import markdown
import pytest

from broadsheet import markdown_ext
from broadsheet.markdown_ext import INLINE_SYNTAX, PlainTextInline
from broadsheet.parse import MARKDOWN_EXTENSIONS
from paths import SHARED

BBC = SHARED / "corpus" / "bbc"


def stock() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")


def fast() -> markdown.Markdown:
    extensions = [*MARKDOWN_EXTENSIONS, PlainTextInline()]
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


@pytest.mark.parametrize("text", INLINE_CASES)
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


def test_syntax_characters() -> None:
    for plain in ("Words, and more words.", "100% sure!", "a - b + c = d", "line\nbreak"):
        assert INLINE_SYNTAX.search(plain) is None
    for marked in ("*", "_", "`", "\\", "[", "<", "&", "two  \nlines"):
        assert INLINE_SYNTAX.search(marked) is not None


@pytest.mark.skipif(not BBC.is_dir(), reason="needs ../shared/corpus/bbc")
def test_bbc_corpus_converts_the_same() -> None:
    files = sorted(BBC.rglob("*.txt"))[::5]  # 445 articles, every section
    assert len(files) > 400
    slow, quick = stock(), fast()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert quick.reset().convert(text) == slow.reset().convert(text), path
