"""Source → Article: raw text or Markdown with front matter, into one shape.

Front matter an editor wrote always wins; what is missing is read from the text (the raw-text
header lines, or a Markdown article's first "# heading").
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from pathlib import PurePosixPath

import markdown
import nh3

from broadsheet import rawtext
from broadsheet.bodytext import body_text_and_map, paragraphs_to_html
from broadsheet.frontmatter import FrontMatter, split, validate
from broadsheet.markdown_ext import (
    IdleProcessors,
    PlainParagraphs,
    PlainTextInline,
    SettledParser,
)
from broadsheet.model import Article, EntityKind, Problem, Source, SourceError
from broadsheet.slugs import slugify_text

MARKDOWN_EXTENSIONS = ("extra", "sane_lists")

#: What survives in Markdown bodies unless the site opts in to raw HTML (allow_raw_html).
SAFE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    }
)
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "ol": {"start"},
    "*": {"id"},
}
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Parsed:
    article: Article
    problems: tuple[Problem, ...]


def markdown_to_html(body: str, allow_raw_html: bool) -> str:
    """Markdown → body HTML, sanitised unless the site allows raw HTML."""
    try:
        converted = _markdown_parser().reset().convert(body)
    except BaseException:
        # A conversion that failed (nesting too deep) can leave the parser's block state
        # behind, which reset() does not clear: the next article gets a new parser.
        _PARSERS.markdown = None
        raise
    if allow_raw_html:
        return converted
    return _sanitizer().clean(converted)


def _sanitizer() -> nh3.Cleaner:
    """This thread's sanitiser of body HTML, set up once: nh3.clean sets one up from its
    arguments on every call (51 µs an article, against 34 µs for the cleaning itself)."""
    cleaner = getattr(_PARSERS, "cleaner", None)
    if cleaner is None:
        cleaner = _PARSERS.cleaner = nh3.Cleaner(
            tags=set(SAFE_TAGS),
            attributes=SAFE_ATTRIBUTES,
            url_schemes=set(SAFE_URL_SCHEMES),
            link_rel="noopener noreferrer",
        )
    return cleaner


def _markdown_parser() -> markdown.Markdown:
    """This thread's Markdown parser. Setting one up costs about a tenth of converting an
    article, so it is made once per thread and reset before each use (reset() is how
    Python-Markdown means an instance to be reused; instances are not thread-safe)."""
    parser = getattr(_PARSERS, "markdown", None)
    if parser is None:
        parser = markdown.Markdown(
            extensions=[
                *MARKDOWN_EXTENSIONS,
                PlainTextInline(),
                PlainParagraphs(),
                IdleProcessors(),
                SettledParser(),
            ],
            output_format="html",
        )
        _PARSERS.markdown = parser
    return parser


#: One Markdown parser and one sanitiser per thread (_markdown_parser, _sanitizer).
_PARSERS = threading.local()

_H1 = re.compile(r"\A\s*#\s+(.+?)\s*#*\s*(?:\n|\Z)")


def _take_markdown_headline(body: str) -> tuple[str | None, str]:
    """A leading "# Headline" line, and the body without it."""
    match = _H1.match(body)
    if not match:
        return None, body
    return match.group(1).strip(), body[match.end() :]


def default_slug(path: str) -> str:
    """An article's slug when front matter gives none: its file name ("rand-paul-moscow")."""
    return slugify_text(PurePosixPath(path).stem)


def first_paragraph(text: str) -> str:
    """The first paragraph of a body's plain text."""
    return text.split("\n\n", 1)[0].strip() if text else ""


def parse_text_source(source: Source) -> tuple[FrontMatter, str, list[Problem]]:
    """A raw-text article: everything comes from the header lines."""
    raw = rawtext.parse(source.text, source.path)
    problems: list[Problem] = []
    if not raw.paragraphs:
        problems.append(
            Problem(
                source.path,
                "the article has a headline but no body text",
                raw.body_line,
                None,
                "warning",
            )
        )
    fm = FrontMatter(
        headline=raw.headline, bylines=raw.bylines or None, date=raw.date, published=raw.published
    )
    return fm, paragraphs_to_html(raw.paragraphs), problems


def parse_markdown_source(
    source: Source, allow_raw_html: bool
) -> tuple[FrontMatter, str, list[Problem]]:
    doc = split(source.text, source.path)
    fm, problems = validate(doc.meta, source.path, doc.key_lines)
    body = doc.body
    if fm.headline is None:
        headline, body = _take_markdown_headline(body)
        if headline is not None:
            fm = FrontMatter(**{**fm.__dict__, "headline": headline})
    if fm.headline and not body.strip():
        problems.append(
            Problem(
                source.path, "the article has a headline but no body text", None, None, "warning"
            )
        )
    try:
        body_html = markdown_to_html(body, allow_raw_html)
    except RecursionError as exc:  # Python-Markdown recurses once per level of nesting
        raise SourceError(
            source.path,
            "the Markdown is nested too deeply to read (lists or quotes)",
            doc.body_line,
        ) from exc
    return fm, body_html, problems


def parse_source(source: Source, allow_raw_html: bool = False, zone: dt.tzinfo = dt.UTC) -> Parsed:
    """Source → Article. Raises SourceError when there is no usable article in it.

    A time given without a zone is in the site's time zone (`zone`).
    """
    if source.format == "text":
        fm, body_html, problems = parse_text_source(source)
    else:
        if not source.text.strip():
            raise SourceError(
                source.path,
                "the file is empty: start it with front matter ('---', 'headline: ...', "
                "'date: YYYY-MM-DD', '---') and write the article below",
            )
        fm, body_html, problems = parse_markdown_source(source, allow_raw_html)
    if not fm.headline:
        raise SourceError(
            source.path,
            "no headline: add 'headline: ...' to the front matter "
            "or start the body with a '# Headline' line",
            1,
        )
    if fm.date is None:
        problems.append(
            Problem(
                source.path,
                "no date: add 'date: YYYY-MM-DD' (Markdown) or a "
                "date line under the headline (raw text)",
                None,
                None,
                "warning",
            )
        )
    slug = slugify_text(fm.slug) if fm.slug else default_slug(source.path)
    if not slug:
        slug = "article-" + source.content_hash[:10]
    text, body_map = body_text_and_map(body_html)
    article = Article(
        source_path=source.path,
        content_hash=source.content_hash,
        slug=slug,
        headline=fm.headline,
        bylines=fm.bylines or (),
        date=fm.date,
        published=(
            fm.published.replace(tzinfo=zone)
            if fm.published and fm.published.tzinfo is None
            else fm.published
        ),
        summary=fm.summary or first_paragraph(text),
        draft=fm.draft,
        body_html=body_html,
        declared=dict(fm.declared),
        text=text,
        body_map=body_map,
    )
    return Parsed(article, tuple(problems))


def needs_extraction(article: Article) -> bool:
    """Extraction only fills what front matter leaves out: an article whose front matter lists
    its people, organizations and places needs no model (its names are then found in the text
    by name, as every entity's are; see resolve.mentions_by_name)."""
    return not all(kind.plural in article.declared for kind in EntityKind)
