"""Python-Markdown extensions that let plain prose skip the patterns that cannot match it.

Python-Markdown tries each of its ~15 inline patterns (links, emphasis, code, entities...) on
every text node in turn, in Python: about 40% of converting a news article, whose paragraphs
are almost all plain prose. Every one of those patterns needs one of a few characters to
match, so a text node without any of them is left as it is, as the patterns would leave it
(PlainTextInline).

Each block (the text between blank lines) is likewise tried against ~16 block processors
(headings, lists, tables, quotes, definitions, footnotes...) before the paragraph processor
takes it: after the inline patterns, the largest part of converting an article. Each of them
needs a block to start a line with one of a few characters, or to hold a `|`, so a block
without any is handed to the paragraph processor at once (PlainParagraphs).

The output is the same HTML (tests/test_markdown_ext.py converts whole corpora both ways).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

#: A character (or the two-space line break) without which no inline pattern of the "extra"
#: and "sane_lists" set can match: ` and \ (code, escapes), [ (links, images, footnotes),
#: < (autolinks, inline HTML), & (entities), * and _ (emphasis), "  \n" (hard line break).
#: INLINE_PATTERNS pins the set this was worked out for.
INLINE_SYNTAX = re.compile(r"[`\\\[<&*_]|  \n")
#: INLINE_SYNTAX without the line break, which is looked for apart: a regular expression that
#: is one character class is searched several times faster than one with an alternative.
_INLINE_CHARACTERS = re.compile(r"[`\\\[<&*_]")


def has_inline_syntax(text: str) -> bool:
    """INLINE_SYNTAX.search(text) is not None, faster (it runs on every text node)."""
    return "  \n" in text or _INLINE_CHARACTERS.search(text) is not None


#: The inline patterns (by name, in order) that INLINE_SYNTAX covers; a Python-Markdown that
#: registers others makes the extension stand aside (see PlainTextInline.extendMarkdown).
INLINE_PATTERNS = (
    "backtick",
    "escape",
    "footnote",
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "linebreak",
    "html",
    "entity",
    "em_strong",
)


class _PlainTextSkippingInline(InlineProcessor):
    """The stock inline tree processor, except that text without inline syntax is returned
    as it is instead of being tried against every pattern."""

    # Overrides InlineProcessor.__handleInline (name-mangled): the one method every text node
    # passes through, and the one that loops over the patterns.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if patternIndex == 0 and not isinstance(data, AtomicString) and not has_inline_syntax(data):
            return data
        return InlineProcessor._InlineProcessor__handleInline(self, data, patternIndex)  # type: ignore[attr-defined]


class PlainTextInline(Extension):
    """Register after the other extensions, so that their inline patterns are known."""

    def extendMarkdown(self, md: Markdown) -> None:
        patterns = md.inlinePatterns
        covered = len(patterns) == len(INLINE_PATTERNS) and all(
            name in patterns for name in INLINE_PATTERNS
        )
        if not covered or not hasattr(InlineProcessor, "_InlineProcessor__handleInline"):
            return  # not the patterns INLINE_SYNTAX was worked out for: keep the stock one
        # 20: the stock processor's priority (markdown.treeprocessors.build_treeprocessors)
        md.treeprocessors.register(_PlainTextSkippingInline(md), "inline", 20)


#: What a block needs for a processor other than the paragraph one to take it, in the "extra"
#: and "sane_lists" set (BLOCK_PROCESSORS): a line that is empty or starts with a space or tab
#: (empty blocks, indented code, list continuations), # (headings), = or - (setext headings,
#: rules, lists), _ or * (rules, lists, abbreviations), + (lists), > (quotes), : (definitions),
#: [ (references, footnotes); a first line "1. " (ordered lists); a | anywhere (tables); or
#: \x02 (where the raw-HTML stash left a placeholder, for markdown="1" blocks).
BLOCK_SYNTAX = re.compile(r"(?:\A|\n)[\n \t#=\-_*+>:\[]|\A\d+\.[ ]|[|\x02]")
#: BLOCK_SYNTAX's parts, looked for apart (is_plain_block): first characters of a line, a
#: line after the first, and a first line that starts an ordered list.
_LINE_STARTS = frozenset("\n \t#=-_*+>:[")
_LATER_LINE_SYNTAX = re.compile(r"\n[\n \t#=\-_*+>:\[]")
_ORDERED_ITEM = re.compile(r"\d+\.[ ]")


def is_plain_block(block: str) -> bool:
    """True for a non-empty block BLOCK_SYNTAX finds nothing in; ~40 times faster than
    searching it (it runs on every block, most of them one line of prose)."""
    if not block or block[0] in _LINE_STARTS or "|" in block or "\x02" in block:
        return False
    if "\n" in block and _LATER_LINE_SYNTAX.search(block):
        return False
    return not (block[0].isdigit() and _ORDERED_ITEM.match(block))


#: The block processors (by name, in order of priority) that BLOCK_SYNTAX covers; with others
#: registered the extension stands aside (see PlainParagraphs.extendMarkdown).
BLOCK_PROCESSORS = (
    "markdown_block",
    "empty",
    "indent",
    "defindent",
    "code",
    "table",
    "hashheader",
    "setextheader",
    "hr",
    "olist",
    "ulist",
    "deflist",
    "quote",
    "footnote",
    "abbr",
    "reference",
    "paragraph",
)


class _PlainParagraphProcessor(BlockProcessor):
    """Hands a block no other processor could take straight to the paragraph processor, which
    would have taken it after every other one had declined."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md.parser)
        self.paragraph = md.parser.blockprocessors["paragraph"]

    def test(self, parent: Element, block: str) -> bool:
        return is_plain_block(block)

    def run(self, parent: Element, blocks: list[str]) -> None:
        self.paragraph.run(parent, blocks)


class PlainParagraphs(Extension):
    """Register after the other extensions, so that their block processors are known."""

    def extendMarkdown(self, md: Markdown) -> None:
        registered = md.parser.blockprocessors._priority  # (name, priority) items
        names = tuple(item.name for item in sorted(registered, key=lambda i: -i.priority))
        if names != BLOCK_PROCESSORS:
            return  # not the processors BLOCK_SYNTAX was worked out for: keep the stock ones
        # Above every stock processor (the highest, md_in_html's, is 105).
        md.parser.blockprocessors.register(_PlainParagraphProcessor(md), "plain_paragraph", 200)
