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

A few stock processors read every document whole to change something only in documents that
hold a particular character (a fence, "<", "{", a backslash); without it they are skipped
(IdleProcessors).

A parser made once and reset for each document keeps its processors in order between changes,
where Python-Markdown sorts and copies them for every block, and looks block-level tags up in a
set (SettledParser).

The output is the same HTML (tests/test_markdown_ext.py converts whole corpora both ways).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor
from markdown.util import ETX, STX, AtomicString, Registry

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


#: Lines of spaces only, after the first line: what NormalizeWhitespace empties with
#: `(?<=\n) +\n`, found here from the newline before them. A look-behind at the start of a
#: pattern is tried at every offset of the text; a leading "\n" is searched for first.
_SPACE_ONLY_LINES = re.compile(r"\n +(?=\n)")


class _SourceSeen:
    """The normalized text of the document being converted, for _Unless (one per parser)."""

    def __init__(self) -> None:
        self.text = ""


class _NormalizeWhitespace(Preprocessor):
    """The stock NormalizeWhitespace (same result: tests/test_markdown_ext.py), with each step
    taken only where the text needs it; it also keeps the text for the processors below."""

    def __init__(self, md: Markdown, seen: _SourceSeen) -> None:
        super().__init__(md)
        self.seen = seen

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if STX in source or ETX in source:
            source = source.replace(STX, "").replace(ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        source += "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if "\n " in source:
            source = _SPACE_ONLY_LINES.sub("\n", source)
        self.seen.text = source
        return source.split("\n")


class _Unless:
    """A stock pre- or tree processor, run only when the document holds one of `needles`:
    without any, it would give back what it was given."""

    def __init__(self, processor: Any, needles: tuple[str, ...], seen: _SourceSeen) -> None:
        self.processor = processor
        self.needles = needles
        self.seen = seen

    def __getattr__(self, name: str) -> Any:
        # what other code reads of the processor (the link pattern reads unescape's RE); not
        # for the wrapper's own fields, which a copy made without __init__ lacks
        if name in ("processor", "needles", "seen"):
            raise AttributeError(name)
        return getattr(self.processor, name)

    def run(self, data: Any) -> Any:
        text = self.seen.text
        if any(needle in text for needle in self.needles):
            return self.processor.run(data)
        return data if isinstance(data, list) else None


#: The processors IdleProcessors skips, by registry and name: the class it was worked out
#: for (module, name) and what a document needs for it to change anything. Fenced code needs
#: a fence; raw HTML blocks a "<"; attribute lists a "{"; the unescaping of backslash escapes
#: (placeholders of digits that only the escape pattern writes) a backslash.
IDLE_PROCESSORS = {
    ("preprocessors", "fenced_code_block"): (
        "markdown.extensions.fenced_code.FencedBlockPreprocessor",
        ("```", "~~~"),
    ),
    ("preprocessors", "html_block"): (
        "markdown.extensions.md_in_html.HtmlBlockPreprocessor",
        ("<",),
    ),
    ("treeprocessors", "attr_list"): (
        "markdown.extensions.attr_list.AttrListTreeprocessor",
        ("{",),
    ),
    ("treeprocessors", "unescape"): ("markdown.treeprocessors.UnescapeTreeprocessor", ("\\",)),
}


def _class_path(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


class IdleProcessors(Extension):
    """Register after the other extensions. Four of the stock processors read every document
    whole, ~150 µs of converting a news article, to change something only in documents that
    hold a fence, a "<", a "{" or a backslash: most articles hold none."""

    def extendMarkdown(self, md: Markdown) -> None:
        stock = "markdown.preprocessors.NormalizeWhitespace"
        preprocessors = md.preprocessors
        if "normalize_whitespace" not in preprocessors or (
            _class_path(preprocessors["normalize_whitespace"]) != stock
        ):
            return  # not the stock whitespace step, whose result _NormalizeWhitespace gives
        seen = _SourceSeen()
        md.preprocessors.register(_NormalizeWhitespace(md, seen), "normalize_whitespace", 30)
        for (registry_name, name), (class_path, needles) in IDLE_PROCESSORS.items():
            registry = getattr(md, registry_name)
            if name not in registry:
                continue
            processor = registry[name]
            if _class_path(processor) != class_path:
                continue  # another processor under the stock name: it may need other text
            priority = next(item.priority for item in registry._priority if item.name == name)
            registry.register(_Unless(processor, needles, seen), name, priority)


class _SettledRegistry(Registry):
    """A Registry that keeps its items in order between changes. Registry.__iter__ sorts
    (when changed) and copies them into a new list every time, and the block parser goes
    through its processors that way for every block of every document."""

    _settled: list[Any] | None = None

    def register(self, item: Any, name: str, priority: float) -> None:
        self._settled = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._settled = None
        super().deregister(name, strict)

    def __iter__(self) -> Iterator[Any]:
        if self._settled is None:
            self._settled = list(super().__iter__())
        return iter(self._settled)


#: The registries of a Markdown instance SettledParser settles: (owner attribute, registry)
_REGISTRIES = (
    ("", "preprocessors"),
    ("parser", "blockprocessors"),
    ("", "treeprocessors"),
    ("", "inlinePatterns"),
    ("", "postprocessors"),
)


class SettledParser(Extension):
    """Register after the other extensions: their processors are then all registered, and a
    parser made once and reset for each document (parse._markdown_parser) is set up for the
    many documents it converts. Its registries keep their order between changes
    (_SettledRegistry: ~12% of converting an article went to copying them), and the tags it
    counts as block-level are a set, not the list Markdown.is_block_level reads through for
    every element (~6%)."""

    def extendMarkdown(self, md: Markdown) -> None:
        for owner, name in _REGISTRIES:
            registry = getattr(getattr(md, owner) if owner else md, name, None)
            if type(registry) is Registry:
                registry.__class__ = _SettledRegistry
        block_level = frozenset(md.block_level_elements)
        if type(md).is_block_level is Markdown.is_block_level:

            def is_block_level(tag: Any) -> bool:
                return isinstance(tag, str) and tag.lower().rstrip("/") in block_level

            md.is_block_level = is_block_level  # type: ignore[method-assign]
