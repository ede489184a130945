"""A Python-Markdown extension that lets plain text skip the inline patterns.

Python-Markdown tries each of its ~15 inline patterns (links, emphasis, code, entities...) on
every text node in turn, in Python: about 40% of converting a news article, whose paragraphs
are almost all plain prose. Every one of those patterns needs one of a few characters to
match, so a text node without any of them is left as it is, as the patterns would leave it.
The output is the same HTML (tests/test_markdown_ext.py converts whole corpora both ways).
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString

#: A character (or the two-space line break) without which no inline pattern of the "extra"
#: and "sane_lists" set can match: ` and \ (code, escapes), [ (links, images, footnotes),
#: < (autolinks, inline HTML), & (entities), * and _ (emphasis), "  \n" (hard line break).
#: INLINE_PATTERNS pins the set this was worked out for.
INLINE_SYNTAX = re.compile(r"[`\\\[<&*_]|  \n")

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
        if (
            patternIndex == 0
            and not isinstance(data, AtomicString)
            and INLINE_SYNTAX.search(data) is None
        ):
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
