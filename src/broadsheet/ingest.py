"""`broadsheet ingest`: raw text → Markdown with front matter an editor can review.

What the build would read from the raw file (headline, byline, date, people, organizations,
places, slug) is written out explicitly, so building the Markdown gives the same site as building
the raw text. An existing file is never overwritten: only front-matter keys it lacks are added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broadsheet import rawtext
from broadsheet.bodytext import body_text, paragraphs_to_html
from broadsheet.frontmatter import KEYS, render_front_matter, split
from broadsheet.load import read_source
from broadsheet.model import Article, EntityKind, Problem, SourceError
from broadsheet.parse import default_slug
from broadsheet.resolve import ArticleEntity

_ENTITY_LIKE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LINE_START = re.compile(r"^(#|>|[-+*](?=\s)|\d+(?=[.)]\s))")


def markdown_escape(paragraph: str) -> str:
    """Plain text → Markdown that renders back to exactly that text (one paragraph)."""
    text = paragraph.replace("\\", "\\\\")
    text = re.sub(r"([`*_\[\]{}])", r"\\\1", text)
    text = _ENTITY_LIKE.sub(lambda m: "&amp;" + m.group(0)[1:], text)
    text = text.replace("<", "&lt;")
    match = _LINE_START.match(text)
    if match:
        head = match.group(0)
        # "1. " would start a list: escape the dot; "# ", "> ", "- " and "+ ": the first char.
        text = head + "\\" + text[len(head) :] if head[0].isdigit() else "\\" + text
    return text


def front_matter_for(article: Article, entities: tuple[ArticleEntity, ...]) -> dict[str, Any]:
    meta: dict[str, Any] = {"headline": article.headline}
    if article.bylines:
        meta["byline"] = article.bylines[0] if len(article.bylines) == 1 else list(article.bylines)
    if article.published:
        meta["date"] = article.published.isoformat()
    elif article.date:
        meta["date"] = article.date
    for kind in EntityKind:
        meta[kind.plural] = [e.name for e in entities if e.kind == kind]
    meta["slug"] = article.slug
    return meta


@dataclass(frozen=True)
class Ingested:
    source: str
    target: Path
    action: str  #: "created", "updated" (keys added), "unchanged"
    added: tuple[str, ...]


def target_for(path: Path, project: Path, content_dir: str) -> Path:
    content = (project / content_dir).resolve()
    resolved = path.resolve()
    if resolved.is_relative_to(content):
        return resolved.with_suffix(".md")
    return content / (resolved.stem + ".md")


def read_raw_article(path: Path, project: Path) -> tuple[Article, list[str], list[Problem]]:
    """A raw-text file → the Article the build would make of it, plus its paragraphs."""
    source, problems = read_source(path, project)
    if source.format != "text":
        raise SourceError(
            source.path, "ingest reads raw text (.txt) articles; this is already Markdown"
        )
    raw = rawtext.parse(source.text, source.path)
    html = paragraphs_to_html(raw.paragraphs)
    article = Article(
        source.path,
        source.content_hash,
        default_slug(source.path),
        raw.headline,
        raw.bylines,
        raw.date,
        raw.published,
        "",
        False,
        html,
    )
    return article, list(raw.paragraphs), problems


def write_markdown(target: Path, meta: dict[str, Any], paragraphs: list[str]) -> Ingested:
    """Create `target`, or add the keys it lacks; never change what is there."""
    if target.exists():
        text = target.read_text(encoding="utf-8-sig")
        doc = split(text, str(target))
        added = tuple(k for k in KEYS if k in meta and k not in doc.meta)
        if not added:
            return Ingested("", target, "unchanged", ())
        merged = {**doc.meta, **{k: meta[k] for k in added}}
        target.write_text(render_front_matter(merged) + doc.body.lstrip("\n"), encoding="utf-8")
        return Ingested("", target, "updated", added)
    target.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(markdown_escape(p) for p in paragraphs)
    with target.open("x", encoding="utf-8") as out:  # "x": fail rather than overwrite
        out.write(render_front_matter(meta) + "\n" + body + "\n")
    return Ingested("", target, "created", tuple(meta))


def text_of(article: Article) -> str:
    return body_text(article.body_html).text
