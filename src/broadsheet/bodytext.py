"""An article body as HTML and as plain text, with the map between them.

Extraction reads plain text; readers see HTML. `body_text` walks the (already sanitised) body HTML
once and records where each text node sits in the plain text, so a mention found at characters
120–129 of the text can be turned back into a link inside exactly the right HTML text node.
Both raw-text and Markdown articles go through this one path, so they come out identical.
"""

from __future__ import annotations

import bisect
import html
import operator
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import NamedTuple

#: Elements whose boundaries are paragraph breaks in the plain text.
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "figure",
        "figcaption",
        "dl",
        "dt",
        "dd",
        "hr",
        "br",
        "section",
        "article",
        "aside",
        "header",
        "footer",
    }
)
#: Text inside these is never given a link (already a link, code, or not text at all).
NO_LINK_TAGS = frozenset({"a", "code", "pre", "script", "style", "kbd", "samp", "var"})
#: Text inside these is not article prose at all.
SKIP_TEXT_TAGS = frozenset({"script", "style", "template"})
VOID_TAGS = frozenset(
    {"br", "hr", "img", "wbr", "input", "meta", "link", "source", "area", "col", "embed", "track"}
)
PARAGRAPH_BREAK = "\n\n"


class Token(NamedTuple):
    """One piece of the body HTML: markup kept verbatim, or a text node (unescaped). (A named
    tuple: a body has hundreds, made on every parse and every render.)"""

    markup: str | None  #: raw tag text, or None for a text node
    text: str = ""
    start: int = -1  #: offset of a text node in BodyText.text (-1 when not in the text)
    linkable: bool = False


@dataclass(frozen=True)
class BodyText:
    text: str
    tokens: tuple[Token, ...]


class _Builder:
    """Turns a stream of tags and text nodes into tokens and the plain text, and, for text fed
    with its place in the HTML (`_scan`), the map of the linkable text (`spans`)."""

    def __init__(self, keep_tokens: bool = True) -> None:
        #: False when only the text and the map are wanted (parsing): no token is made
        self.keep_tokens = keep_tokens
        self.tokens: list[Token] = []
        self.parts: list[str] = []
        self.length = 0
        self.open: list[str] = []
        #: (text start, HTML start) of each linkable text node, flat (see body_text_and_map)
        self.spans: list[int] = []
        #: True when `_scan` read the body and its tokens give it back character for character
        self.verbatim = False

    def _break(self) -> None:
        if self.length and not self.parts[-1].endswith(PARAGRAPH_BREAK):
            self.parts.append(PARAGRAPH_BREAK)
            self.length += len(PARAGRAPH_BREAK)

    def start(self, tag: str, raw: str, self_closing: bool) -> None:
        if tag in BLOCK_TAGS:
            self._break()
        if self.keep_tokens:
            self.tokens.append(Token(raw))
        if not self_closing and tag not in VOID_TAGS:
            self.open.append(tag)

    def end(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if tag in BLOCK_TAGS:
            self._break()
        if self.keep_tokens:
            self.tokens.append(Token(f"</{tag}>"))
        if tag in self.open:
            # Pop up to and including the matching tag (tolerates unclosed inline tags).
            while self.open and self.open.pop() != tag:
                pass

    def data(self, data: str, at: int = -1) -> None:
        """A text node; `at`: where it is in the HTML, which it is character for character
        (-1: not known, or not so)."""
        if not SKIP_TEXT_TAGS.isdisjoint(self.open):
            if self.keep_tokens:
                self.tokens.append(Token(None, data, -1, False))
            return
        if not self.length or self.parts[-1].endswith(PARAGRAPH_BREAK):
            # Whitespace between blocks ("</p>\n<p>") is not text.
            stripped = data.lstrip()
            if not stripped:
                if self.keep_tokens:
                    self.tokens.append(Token(None, data, -1, False))
                return
            if stripped != data:
                if self.keep_tokens:
                    self.tokens.append(Token(None, data[: len(data) - len(stripped)], -1, False))
                if at >= 0:
                    at += len(data) - len(stripped)
                data = stripped
        linkable = NO_LINK_TAGS.isdisjoint(self.open)
        if linkable and at >= 0:
            self.spans += (self.length, at)
        if self.keep_tokens:
            self.tokens.append(Token(None, data, self.length, linkable))
        self.parts.append(data)
        self.length += len(data)


class _Tokenizer(HTMLParser):
    """Any HTML, through the standard library's parser."""

    def __init__(self, builder: _Builder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, self.get_starttag_text() or f"<{tag}>", False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.start(tag, self.get_starttag_text() or f"<{tag} />", True)

    def handle_endtag(self, tag: str) -> None:
        self.builder.end(tag)

    def handle_data(self, data: str) -> None:
        self.builder.data(data)

    def handle_comment(self, data: str) -> None:
        pass  # comments never reach readers


#: A tag as the sanitiser (nh3) and paragraphs_to_html write them: a plain name, attributes
#: with double-quoted values. Bodies made only of these, and text without "<", are read by
#: `_scan`; anything else (comments, scripts, unquoted attributes: raw HTML a site allowed)
#: by html.parser.
_SIMPLE_TAG = re.compile(
    r"<(?:/([a-zA-Z][a-zA-Z0-9]*)|([a-zA-Z][a-zA-Z0-9]*)"
    r'((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*(/?))>'
)
#: A start tag of an element whose content html.parser reads as raw text: never on the fast
#: path (in a body whose every "<" opens a simple tag).
_RAW_TEXT_START = re.compile(r"<(?:script|style)[\s/>]", re.IGNORECASE)


def _scan(body_html: str, builder: _Builder) -> bool:
    """Feed the builder as html.parser would, several times faster, for bodies made of simple
    tags; False (having fed nothing) for any other body. Each text node is fed with its place
    in the HTML, and builder.verbatim set, where the tokens give the body back character for
    character (no "&" or ">" in its text, end tags in lower case)."""
    tags = list(_SIMPLE_TAG.finditer(body_html))
    if len(tags) != body_html.count("<"):
        return False  # a "<" that is not a simple tag: a comment, a quoted "<", raw HTML...
    rest = body_html[tags[-1].end() :] if tags else body_html
    if "&" in rest:
        return False  # html.parser may deliver trailing text with "&" in it in two parts
    if _RAW_TEXT_START.search(body_html):
        return False
    verbatim = True
    pos = 0
    for match in tags:
        start, end = match.span()
        if start > pos:
            verbatim = _text_node(builder, body_html, pos, start) and verbatim
        end_tag, start_tag, _, slash = match.groups()
        if end_tag is not None:
            name = end_tag.lower()
            verbatim = verbatim and name == end_tag
            builder.end(name)
        else:
            builder.start(start_tag.lower(), body_html[start:end], bool(slash))
        pos = end
    if rest:
        verbatim = _text_node(builder, body_html, pos, len(body_html)) and verbatim
    builder.verbatim = verbatim
    return True


def _text_node(builder: _Builder, body_html: str, start: int, end: int) -> bool:
    """Feed body_html[start:end] as text; True when it is its own HTML (no character
    reference to read, and no ">", which is written back as "&gt;")."""
    raw = body_html[start:end]
    if "&" in raw or ">" in raw:
        builder.data(html.unescape(raw))
        return False
    builder.data(raw, start)
    return True


def body_text(body_html: str) -> BodyText:
    """Parse body HTML into tokens and the plain text extraction reads."""
    builder = _read_body(body_html, keep_tokens=True)
    return BodyText(_text(builder), tuple(builder.tokens))


def body_text_and_map(body_html: str) -> tuple[str, bytes]:
    """body_text's text (no tokens: parsing needs none, and makes ~130 an article), and the
    body's map (for `linked_html`): for each text node a link can go in, its start in the text
    and in the HTML (it runs to the next "<"), packed in two bytes each when they fit (~130
    bytes an article; an archive keeps every article's), else four, after a typecode byte.
    Empty when the HTML is not what its tokens give back character for character (then links
    are placed by render_html)."""
    builder = _read_body(body_html, keep_tokens=False)
    body_map = b""
    if builder.verbatim and builder.spans:
        code = "H" if max(builder.spans) < 1 << 16 else "I"
        body_map = code.encode() + array(code, builder.spans).tobytes()
    return _text(builder), body_map


def _read_body(body_html: str, keep_tokens: bool) -> _Builder:
    builder = _Builder(keep_tokens)
    if not _scan(body_html, builder):
        tokenizer = _Tokenizer(builder)
        tokenizer.feed(body_html)
        tokenizer.close()
    return builder


def _text(builder: _Builder) -> str:
    text = "".join(builder.parts)
    # Trailing break after the last block is not part of the text.
    if text.endswith(PARAGRAPH_BREAK):
        text = text[: -len(PARAGRAPH_BREAK)]
    return text


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    href: str
    css_class: str = ""
    title: str = ""


def _opening_tag(href: str, css_class: str = "", title: str = "") -> str:
    attrs = f' href="{html.escape(href)}"'
    if css_class:
        attrs += f' class="{html.escape(css_class)}"'
    if title:
        attrs += f' title="{html.escape(title)}"'
    return f"<a{attrs}>"


def _anchor(link: Link, text: str) -> str:
    opening = _opening_tag(link.href, link.css_class, link.title)
    return f"{opening}{html.escape(text, quote=False)}</a>"


def _render_text(token: Token, links: Sequence[Link]) -> str:
    """A text node, with the links that fall wholly inside it."""
    out: list[str] = []
    pos = 0
    for link in links:
        a, b = link.start - token.start, link.end - token.start
        if a < pos:
            continue  # overlaps the previous link
        out.append(html.escape(token.text[pos:a], quote=False))
        out.append(_anchor(link, token.text[a:b]))
        pos = b
    out.append(html.escape(token.text[pos:], quote=False))
    return "".join(out)


def linked_html(body_html: str, body_map: bytes, links: Sequence[Link]) -> str:
    """render_html(body_text(body_html), links) for a body with a map (body_text_and_map),
    without reading the HTML again: the body is copied, with each link's text, found through
    the map, made an <a> element."""
    tags = [(lk.start, lk.end, _opening_tag(lk.href, lk.css_class, lk.title)) for lk in links]
    return _linked_html(body_html, body_map, tags)


#: a link's (start, end), which orders links
_span_of = operator.itemgetter(0, 1)


def _linked_html(body_html: str, body_map: bytes, links: list[tuple[int, int, str]]) -> str:
    """linked_html for links given as (start, end, the <a> tag that opens each): plain tuples,
    each tag made once for all the links to one target (an article has ~50 links to ~15)."""
    spans = array(chr(body_map[0]))
    spans.frombytes(body_map[1:])
    starts = spans[0::2]
    out: list[str] = []
    copied = 0  # HTML copied so far
    node = -1  # the text node the last link went in, and where that link ended in the text
    linked_to = 0
    bisect_right = bisect.bisect_right
    links.sort(key=_span_of)  # (stable: of two links with one span, the first is kept)
    for link_start, link_end, opening in links:
        i = bisect_right(starts, link_start) - 1
        if i < 0:
            continue
        start, at = spans[2 * i], spans[2 * i + 1]
        node_end = body_html.find("<", at)
        if link_end > start + (node_end if node_end >= 0 else len(body_html)) - at:
            continue  # across a boundary, or in text no link goes in
        if i == node and link_start < linked_to:
            continue  # overlaps the previous link
        begin = at + link_start - start
        end = begin + link_end - link_start
        # The linked text is copied as it is: a text node with a map is its own HTML, with no
        # "&", "<" or ">" in it (_text_node), so it has nothing to escape.
        out += (body_html[copied:begin], opening, body_html[begin:end], "</a>")
        copied, node, linked_to = end, i, link_end
    out.append(body_html[copied:])
    return "".join(out)


def render_html(body: BodyText, links: Sequence[Link] = ()) -> str:
    """Serialise the body again, with `links` (text offsets) turned into <a> elements.

    A link that crosses a text-node boundary (a name half in bold) or lands in a no-link element
    is left out rather than breaking the markup.
    """
    ordered = sorted(links, key=lambda lk: (lk.start, lk.end))
    out: list[str] = []
    i = 0
    for token in body.tokens:
        if token.markup is not None:
            out.append(token.markup)
            continue
        if token.start < 0:
            out.append(html.escape(token.text, quote=False))
            continue
        end = token.start + len(token.text)
        while i < len(ordered) and ordered[i].end <= token.start:
            i += 1
        inside = []
        j = i
        while j < len(ordered) and ordered[j].start < end:
            lk = ordered[j]
            if lk.start >= token.start and lk.end <= end and token.linkable:
                inside.append(lk)
            j += 1
        out.append(_render_text(token, inside))
    return "".join(out)


@dataclass(frozen=True)
class LinkedBody:
    """Body HTML with its links, serialised when a template shows it (`__html__`), so the
    work is done where pages are rendered (on the worker processes), not while planning.

    The links are kept compact, as they travel to the worker with the page: `spans` holds
    (start, end, target) for each, flat, where target is an index into `targets`, the
    (href, CSS class) of each entity linked to. An article has ~50 links to ~15 entities."""

    body_html: str
    spans: array[int]
    targets: tuple[tuple[str, str], ...]
    body_map: bytes = b""  #: Article.body_map (body_text_and_map); empty: none

    @property
    def links(self) -> list[Link]:
        s, targets = self.spans, self.targets
        return [Link(s[i], s[i + 1], *targets[s[i + 2]]) for i in range(0, len(s), 3)]

    def __html__(self) -> str:
        if not self.body_map:
            return render_html(body_text(self.body_html), self.links)
        s = self.spans
        opening = [_opening_tag(href, css_class) for href, css_class in self.targets]
        links = list(zip(s[0::3], s[1::3], map(opening.__getitem__, s[2::3]), strict=True))
        return _linked_html(self.body_html, self.body_map, links)


def paragraphs_to_html(paragraphs: Sequence[str]) -> str:
    """Raw-text paragraphs → body HTML (every character escaped)."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
