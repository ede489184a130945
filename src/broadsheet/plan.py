"""The URL space: which pages exist, where they go, and what each one shows.

Every URL is decided here and nowhere else. URLs are site-relative ("people/rand-paul/", "" for
home); templates turn them into links relative to the page being rendered, so the site works
from a sub-path and from file://. The person page's list of articles is built in
`entity_pages`; the article page's linked body in `article_page`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from broadsheet.bodytext import Link, body_text, render_html
from broadsheet.config import Config
from broadsheet.extract.names import name_key
from broadsheet.model import Archive, Entity, EntityKind, ResolvedArticle

SECTION_TITLES = {
    "people": "People",
    "organizations": "Organizations",
    "places": "Places",
    "authors": "Authors",
}
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ---------------------------------------------------------------- URLs


def article_url(slug: str) -> str:
    return f"articles/{slug}/"


def entity_url(entity: Entity) -> str:
    return f"{entity.kind.plural}/{entity.slug}/"


def author_url(slug: str) -> str:
    return f"authors/{slug}/"


def section_url(section: str) -> str:
    return f"{section}/"


def archive_url(year: int | None = None, month: int | None = None) -> str:
    if year is None:
        return "archive/"
    return f"archive/{year:04d}/" if month is None else f"archive/{year:04d}/{month:02d}/"


def paged_url(url: str, number: int) -> str:
    """Page 1 lives at the list's own URL; later pages at .../page/N/ (stable as lists grow
    from the top only when they are oldest-first, so we keep page 1 = newest, like Hugo)."""
    return url if number == 1 else f"{url}page/{number}/"


def output_path(url: str) -> str:
    """Where a URL's file is written, relative to the output directory."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both site-relative."""
    depth = from_url.count("/")  # "people/rand-paul/" sits two folders down
    rel = "../" * depth + to_url
    return rel or "./"


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class Ref:
    """A link to an entity or author page, with how often it is named."""

    name: str
    url: str
    kind: str = ""
    count: int = 0


@dataclass(frozen=True)
class ArticleCard:
    """An article as lists show it."""

    headline: str
    url: str
    date: date | None
    authors: tuple[Ref, ...]
    summary: str


@dataclass(frozen=True)
class Snippet:
    """The sentence of an entity's first mention in an article, split around the mention."""

    before: str
    mention: str
    after: str


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    urls: tuple[str, ...]

    @property
    def prev_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


@dataclass(frozen=True)
class Page:
    url: str
    kind: str  #: "home", "article", "person", "organization", "place", "author", "index", ...
    title: str
    template: str | None = None  #: Jinja template; None for data files
    context: dict[str, Any] = field(default_factory=dict)
    data: Any = None  #: JSON-serialisable payload for data files

    @property
    def output(self) -> str:
        return output_path(self.url)


def _card(item: ResolvedArticle, archive: Archive) -> ArticleCard:
    a = item.article
    authors = tuple(Ref(archive.authors[s].name, author_url(s), "author") for s in item.authors)
    return ArticleCard(a.headline, article_url(a.slug), a.date, authors, a.summary)


def _paginate(items: Sequence[Any], per_page: int) -> list[Sequence[Any]]:
    count = max(1, math.ceil(len(items) / per_page))
    return [items[i * per_page : (i + 1) * per_page] for i in range(count)]


def _listing(
    url: str,
    kind: str,
    title: str,
    template: str,
    items: Sequence[Any],
    per_page: int,
    **context: Any,
) -> Iterator[Page]:
    chunks = _paginate(items, per_page)
    urls = tuple(paged_url(url, n) for n in range(1, len(chunks) + 1))
    for n, chunk in enumerate(chunks, 1):
        pager = Pager(n, len(chunks), urls)
        page_title = title if n == 1 else f"{title} (page {n})"
        yield Page(
            urls[n - 1],
            kind,
            page_title,
            template,
            {"items": chunk, "pager": pager, "total": len(items), **context},
        )


# ---------------------------------------------------------------- pages


def article_page(item: ResolvedArticle, archive: Archive) -> Page:
    a = item.article
    url = article_url(a.slug)
    links = [
        Link(
            m.start,
            m.end,
            relative_url(url, entity_url(archive.entities[m.entity])),
            f"mention {archive.entities[m.entity].kind.value}",
        )
        for m in item.mentions
    ]
    body = render_html(body_text(a.body_html), links)
    named: dict[str, list[Ref]] = {"people": [], "organizations": [], "places": []}
    for key in item.entities:
        e = archive.entities[key]
        named[e.kind.plural].append(Ref(e.name, entity_url(e), e.kind.value))
    return Page(
        url,
        "article",
        a.headline,
        "article.html",
        {
            "article": a,
            "card": _card(item, archive),
            "body_html": body,
            "named": named,
        },
    )


def _snippet(item: ResolvedArticle, entity_key: str) -> Snippet | None:
    for m in item.mentions:
        if m.entity == entity_key:
            t = item.text
            return Snippet(
                t[m.sentence_start : m.start].lstrip(),
                t[m.start : m.end],
                t[m.end : m.sentence_end].rstrip(),
            )
    return None


def _co_mentions(archive: Archive) -> dict[str, Counter[str]]:
    """Entity → how many articles name it together with each other entity."""
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for item in archive.articles:
        for a in item.entities:
            for b in item.entities:
                if a != b:
                    together[a][b] += 1
    return together


def _prominence(archive: Archive) -> Counter[str]:
    """Entity → mentions across the archive (breaks ties between equally co-named entities)."""
    return Counter(m.entity for item in archive.articles for m in item.mentions)


def entity_pages(archive: Archive, config: Config) -> Iterator[Page]:
    """One page (paginated) per entity: every article naming it, newest first, with the sentence
    of its first mention, and the entities most often named alongside it."""
    mentioned_in: dict[str, list[ResolvedArticle]] = defaultdict(list)
    for item in archive.articles:  # already newest first
        for key in item.entities:
            mentioned_in[key].append(item)
    together = _co_mentions(archive)
    prominence = _prominence(archive)
    for key in sorted(archive.entities):
        entity = archive.entities[key]
        items = [(_card(it, archive), _snippet(it, key)) for it in mentioned_in.get(key, [])]
        if not items:
            continue
        related = [
            Ref(
                archive.entities[k].name,
                entity_url(archive.entities[k]),
                archive.entities[k].kind.value,
                n,
            )
            for k, n in sorted(
                together[key].items(),
                key=lambda kv: (-kv[1], -prominence[kv[0]], archive.entities[kv[0]].name),
            )
        ][: config.related_limit]
        yield from _listing(
            entity_url(entity),
            entity.kind.value,
            entity.name,
            "entity.html",
            items,
            config.entity_per_page,
            entity=entity,
            related=related,
        )


def author_pages(archive: Archive, config: Config) -> Iterator[Page]:
    by_author: dict[str, list[ResolvedArticle]] = defaultdict(list)
    for item in archive.articles:
        for slug in item.authors:
            by_author[slug].append(item)
    for slug in sorted(by_author):
        author = archive.authors[slug]
        items = [(_card(it, archive), None) for it in by_author[slug]]
        yield from _listing(
            author_url(slug),
            "author",
            author.name,
            "entity.html",
            items,
            config.entity_per_page,
            entity=author,
            related=[],
        )


def sort_key(name: str, kind: str) -> str:
    """A–Z order: people by surname ("Paul, Rand"), others ignoring a leading "The"."""
    key = name_key(name)
    if kind in ("person", "author"):
        parts = key.split()
        return " ".join(parts[-1:] + parts[:-1])
    return key.removeprefix("the ")


def _letter(key: str) -> str:
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def index_page(section: str, refs: Sequence[Ref]) -> Page:
    """A–Z index of one section (people, organizations, places, authors)."""
    ordered = sorted(refs, key=lambda r: (sort_key(r.name, r.kind), r.url))
    groups: dict[str, list[Ref]] = {}
    for ref in ordered:
        groups.setdefault(_letter(sort_key(ref.name, ref.kind)), []).append(ref)
    title = SECTION_TITLES[section]
    return Page(
        section_url(section),
        "index",
        title,
        "index_az.html",
        {"section": section, "groups": groups, "total": len(ordered)},
    )


def index_pages(archive: Archive) -> Iterator[Page]:
    counts: Counter[str] = Counter(k for it in archive.articles for k in it.entities)
    for kind in EntityKind:
        refs = [
            Ref(e.name, entity_url(e), kind.value, counts[e.key])
            for e in archive.entities.values()
            if e.kind == kind and counts[e.key]
        ]
        yield index_page(kind.plural, refs)
    author_counts: Counter[str] = Counter(s for it in archive.articles for s in it.authors)
    refs = [
        Ref(a.name, author_url(a.slug), "author", author_counts[a.slug])
        for a in archive.authors.values()
    ]
    yield index_page("authors", refs)


def archive_pages(archive: Archive, config: Config) -> Iterator[Page]:
    """/archive/ (years and months with counts), /archive/YYYY/, /archive/YYYY/MM/."""
    by_month: dict[tuple[int, int], list[ResolvedArticle]] = defaultdict(list)
    for item in archive.articles:
        if item.article.date:
            by_month[(item.article.date.year, item.article.date.month)].append(item)
    years: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for y, m in sorted(by_month, reverse=True):
        years[y].append((m, len(by_month[(y, m)]), archive_url(y, m)))
    overview = [
        {
            "year": y,
            "url": archive_url(y),
            "count": sum(c for _, c, _ in ms),
            "months": [{"month": MONTH_NAMES[m - 1], "count": c, "url": u} for m, c, u in ms],
        }
        for y, ms in years.items()
    ]
    undated = [_card(it, archive) for it in archive.articles if not it.article.date]
    yield Page(
        archive_url(),
        "archive",
        "Archive",
        "archive_index.html",
        {"years": overview, "undated": undated},
    )
    for year in years:
        items = [
            _card(it, archive)
            for it in archive.articles
            if it.article.date and it.article.date.year == year
        ]
        months = next(y["months"] for y in overview if y["year"] == year)
        yield from _listing(
            archive_url(year),
            "archive",
            str(year),
            "list.html",
            items,
            config.per_page,
            months=months,
        )
    for (y, m), month_items in sorted(by_month.items(), reverse=True):
        items = [_card(it, archive) for it in month_items]
        yield from _listing(
            archive_url(y, m),
            "archive",
            f"{MONTH_NAMES[m - 1]} {y}",
            "list.html",
            items,
            config.per_page,
            months=[],
        )


def absolute_url(config: Config, url: str) -> str:
    """Absolute URL for machine-readable files when base_url is set, else site-relative."""
    if not config.base_url:
        return url
    return config.base_url.rstrip("/") + "/" + url


def api_pages(archive: Archive, config: Config) -> Iterator[Page]:
    """site/api/*.json: machine-readable twins of the article and entity pages."""

    def names(item: ResolvedArticle, kind: EntityKind) -> list[str]:
        return [archive.entities[k].name for k in item.entities if archive.entities[k].kind == kind]

    articles = [
        {
            "headline": it.article.headline,
            "byline": [archive.authors[s].name for s in it.authors],
            "date": it.article.date.isoformat() if it.article.date else None,
            "url": absolute_url(config, article_url(it.article.slug)),
            **{k.plural: names(it, k) for k in EntityKind},
        }
        for it in archive.articles
    ]
    yield Page("api/articles.json", "api", "Articles", data=articles)
    for kind in EntityKind:
        rows = []
        for key in sorted(archive.entities, key=lambda k: archive.entities[k].slug):
            e = archive.entities[key]
            if e.kind != kind:
                continue
            urls = [
                absolute_url(config, article_url(it.article.slug))
                for it in archive.articles
                if key in it.entities
            ]
            if urls:
                rows.append(
                    {
                        "name": e.name,
                        "url": absolute_url(config, entity_url(e)),
                        "aliases": list(e.aliases),
                        "description": e.description,
                        "same_as": list(e.same_as),
                        "articles": urls,
                    }
                )
        yield Page(f"api/{kind.plural}.json", "api", SECTION_TITLES[kind.plural], data=rows)


def plan_site(archive: Archive, config: Config) -> Iterator[Page]:
    """Every page of the site, in a fixed order."""
    cards = [_card(it, archive) for it in archive.articles]
    yield from _listing("", "home", config.title, "list.html", cards, config.per_page, months=[])
    for item in archive.articles:
        yield article_page(item, archive)
    yield from entity_pages(archive, config)
    yield from author_pages(archive, config)
    yield from index_pages(archive)
    yield from archive_pages(archive, config)
    yield from api_pages(archive, config)
