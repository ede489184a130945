"""The URL space: which pages exist, where they go, and what each one shows.

Every URL is decided here and nowhere else. URLs are site-relative ("people/rand-paul/", "" for
home); templates turn them into links relative to the page being rendered, so the site works
from a sub-path and from file://. The person page's list of articles (with its quotes, chart
and feed) is built in `one_entity_pages`; the article page's linked body in `article_page`; the
whole site, as units of pages an incremental build can skip, in `plan_units`.

Besides HTML pages and JSON twins (template None, format "json"), the plan holds Atom feeds
(`feed_url`), sitemap.xml and robots.txt (`discovery_pages`) and 404.html (`not_found_page`);
render.py writes each by its `format`. Machine-readable links use `link_from`: absolute with
base_url, else relative to the file they are written in.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import struct
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from functools import cached_property, partial
from itertools import accumulate
from operator import attrgetter
from typing import Any, Literal

from broadsheet import discovery, structured
from broadsheet.bodytext import LinkedBody
from broadsheet.config import Config
from broadsheet.extract.names import name_key
from broadsheet.feeds import Feed, FeedAuthor, FeedEntry, article_time, newest_first, tag_uri
from broadsheet.jsonfiles import JsonRecords, json_line
from broadsheet.model import (
    LINKED_FIELDS,
    Archive,
    Author,
    Entity,
    EntityKind,
    ResolvedArticle,
    packed,
    unpacked,
)
from broadsheet.naming import ArticlesNaming, NamedIn
from broadsheet.quotes import Quote, attribute_quotes
from broadsheet.related import most_named_with_arrays
from broadsheet.timeline import ENTITY_MAX_MONTHS, MONTH_NAMES, Timeline, build_timeline

SECTION_TITLES = {
    "people": "People",
    "organizations": "Organizations",
    "places": "Places",
    "authors": "Authors",
}
#: Archive index chart: month by month up to ten years, then year by year.
ARCHIVE_MAX_MONTHS = 120
#: An article naming thousands of entities (a list, a directory) must not make the build
#: quadratic: co-mentions count only its first RELATED_SCAN entities (first-mention order), and
#: its feed entries carry only the first FEED_CATEGORIES names.
RELATED_SCAN = 100
FEED_CATEGORIES = 50


# ---------------------------------------------------------------- URLs


def article_url(slug: str) -> str:
    return f"articles/{slug}/"


#: EntityKind.plural and .value by kind: dict lookups, not enum property calls, where they run
#: once per link to an entity (hundreds of thousands in a large build).
_SECTION_OF_KIND: dict[EntityKind, str] = {kind: kind.plural for kind in EntityKind}
_KIND_NAME: dict[EntityKind, str] = {kind: kind.value for kind in EntityKind}


def entity_url(entity: Entity) -> str:
    return f"{_SECTION_OF_KIND[entity.kind]}/{entity.slug}/"


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


def feed_url(page_url: str) -> str:
    """The Atom feed that follows a page: "feed.xml" for home, "people/rand-paul/feed.xml"."""
    return f"{page_url}feed.xml"


def sitemap_url(number: int = 0) -> str:
    """sitemap.xml (the sitemap, or the index of numbered ones), sitemap-N.xml."""
    return "sitemap.xml" if number == 0 else f"sitemap-{number}.xml"


ROBOTS_URL = "robots.txt"
NOT_FOUND_URL = "404.html"
STYLE_URL = "static/style.css"


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
class Head:
    """What an HTML page tells browsers, feed readers and search engines in its <head>."""

    description: str = ""  #: meta and og:description; the site's description when empty
    og_type: str = "website"  #: OpenGraph type: website, article or profile
    #: the page's own Atom feeds (title, URL), besides the site's, which every page links to
    feeds: tuple[Ref, ...] = ()
    structured: tuple[dict[str, Any], ...] = ()  #: schema.org JSON-LD objects
    meta: tuple[tuple[str, str], ...] = ()  #: more OpenGraph properties (property, content)
    robots: str = ""  #: <meta name="robots">, e.g. "noindex" on the 404 page


@dataclass(frozen=True)
class Page:
    url: str
    kind: str  #: "home", "article", "person", "organization", "place", "author", "index", ...
    title: str
    template: str | None = None  #: Jinja template; None for data files
    context: dict[str, Any] = field(default_factory=dict)
    #: payload for data files: JSON-ready data ("json"), a feeds.Feed ("atom"), sitemap URLs
    #: ("sitemap", "sitemap-index") or text ("text")
    data: Any = None
    format: str = "json"  #: how render.py writes a page without a template
    head: Head = field(default_factory=Head)
    #: the digest of what the page is made from, when its planner knows it without reading the
    #: page (build.plan_changed: its unit's inputs and its URL); else None, and the page's own
    #: data is digested (workers.source_digest)
    source: bytes | None = None

    @property
    def output(self) -> str:
        return output_path(self.url)


#: Views many pages hold the very same object of: an article's card is on the page of every
#: entity it names, its feed entry in each of their feeds (workers.ordered_map_sharing sends
#: each to a worker once).
SHARED_VIEWS: tuple[type, ...] = (ArticleCard, FeedEntry)


def holds_shared_views(page: Page) -> bool:
    """Whether the page may hold SHARED_VIEWS others hold too: the pages of people,
    organizations, places and authors, and feeds. (The home page and the archive list each
    article once.)"""
    return page.format == "atom" or page.template == "entity.html"


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
    head: Head | None = None,
    **context: Any,
) -> Iterator[Page]:
    chunks = _paginate(items, per_page)
    urls = tuple(paged_url(url, n) for n in range(1, len(chunks) + 1))
    for n, chunk in enumerate(chunks, 1):
        yield _listing_page(kind, title, template, chunk, n, urls, len(items), head, context)


def _listing_page(
    kind: str,
    title: str,
    template: str,
    chunk: Sequence[Any],
    number: int,
    urls: tuple[str, ...],
    total: int,
    head: Head | None,
    context: dict[str, Any],
) -> Page:
    """Page `number` of a paginated list whose pages are at `urls`."""
    return Page(
        urls[number - 1],
        kind,
        title if number == 1 else f"{title} (page {number})",
        template,
        {"items": chunk, "pager": Pager(number, len(urls), urls), "total": total, **context},
        head=head or Head(),
    )


@dataclass(frozen=True)
class ArticleListing:
    """A paginated list of articles as cards: the home page, an archive year or month. Each of
    its pages is a plan unit of its own (plan_units), made from the articles it shows, so after
    an edit only the page listing the article is planned again, not the whole list."""

    key: str  #: page n is plan unit "<key>:<n>"
    url: str
    kind: str
    title: str
    items: Sequence[ResolvedArticle]
    per_page: int
    head: Head | None = None
    #: more template data, plain values (part of every page's inputs)
    context: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def chunks(self) -> list[Sequence[ResolvedArticle]]:
        """The articles of each page."""
        return _paginate(self.items, self.per_page)

    def inputs(self, number: int, of_articles: Callable[[Sequence[ResolvedArticle]], bytes]) -> Any:
        """What page `number` is made from (with the settings): its place in the list, the
        list's length, and the articles it shows."""
        chunk = self.chunks[number - 1]
        return (
            self.url, self.title, number, len(self.chunks), len(self.items), self.context,
            of_articles(chunk),
        )  # fmt: skip

    def page(
        self,
        number: int,
        archive: Archive,
        card: Callable[[ResolvedArticle], ArticleCard] | None = None,
    ) -> Page:
        """Page `number`; `card(item)`: each article's card (made here when None)."""
        urls = tuple(paged_url(self.url, n) for n in range(1, len(self.chunks) + 1))
        card = card or partial(_card, archive=archive)
        cards = [card(it) for it in self.chunks[number - 1]]
        return _listing_page(
            self.kind, self.title, "list.html", cards, number, urls, len(self.items),
            self.head, self.context,
        )  # fmt: skip


# ---------------------------------------------------------------- links for machines


def absolute_url(config: Config, url: str) -> str:
    """Absolute URL for machine-readable files when base_url is set, else site-relative."""
    if not config.base_url:
        return url
    return config.base_url.rstrip("/") + "/" + url


def link_from(config: Config, from_url: str, to_url: str) -> str:
    """A link in a machine-readable place (feed, JSON-LD): absolute when base_url is set, else
    relative to the file it is written in (which feed readers and JSON-LD resolve against)."""
    return absolute_url(config, to_url) if config.base_url else relative_url(from_url, to_url)


def _publisher(config: Config, from_url: str) -> dict[str, Any]:
    return {"@type": "Organization", "name": config.title, "url": link_from(config, from_url, "")}


# ---------------------------------------------------------------- pages


def article_page(
    item: ResolvedArticle,
    archive: Archive,
    config: Config | None = None,
    card: ArticleCard | None = None,
) -> Page:
    """The article's page; `card`: its card, made here when None."""
    config = config or Config()
    a = item.article
    url = article_url(a.slug)
    spans, linked = _body_links(item)
    targets = _mention_targets([item.entities[n] for n in linked], archive, url)
    body = LinkedBody(a.body_html, spans, targets, a.body_map)
    named: dict[str, list[Ref]] = {"people": [], "organizations": [], "places": []}
    for key in item.entities:
        e = archive.entities[key]
        named[_SECTION_OF_KIND[e.kind]].append(Ref(e.name, entity_url(e), _KIND_NAME[e.kind]))
    when = article_time(a.date, a.published, config.zone) if a.published else None
    published = when.isoformat() if when else a.date.isoformat() if a.date else ""
    authors = [archive.authors[s] for s in item.authors]
    ld = structured.news_article(
        headline=a.headline,
        url=link_from(config, url, url),
        date_published=published,
        description=a.summary,
        language=config.language,
        authors=[
            structured.thing("author", x.name, link_from(config, url, author_url(x.slug)))
            for x in authors
        ],
        mentions=[
            structured.thing(_KIND_NAME[e.kind], e.name, link_from(config, url, entity_url(e)))
            for e in (archive.entities[k] for k in item.entities)
        ],
        publisher=_publisher(config, url),
    )
    meta = []
    if published:
        meta.append(("article:published_time", published))
    if config.base_url:
        meta += [("article:author", absolute_url(config, author_url(x.slug))) for x in authors]
    head = Head(
        description=a.summary,
        og_type="article",
        structured=(ld,),
        meta=tuple(meta),
    )
    return Page(
        url,
        "article",
        a.headline,
        "article.html",
        {
            # not its plain text, which no page shows: ~4.5 KB less to send to a worker
            "article": replace(a, text=None),
            "card": card or _card(item, archive),
            "body_html": body,
            "named": named,
        },
        head=head,
    )


def _body_links(item: ResolvedArticle) -> tuple[array[int], list[int]]:
    """LinkedBody.spans of the article's mentions, and the entities they link to (indexes
    into `item.entities`) in the order of their first mention, which the spans' targets
    number. Read straight from ResolvedArticle.spans: no mention is made a tuple."""
    v, n = unpacked(item.spans), LINKED_FIELDS
    numbers = v[2::n]
    linked = list(dict.fromkeys(numbers))
    if linked != list(range(len(linked))):  # (resolve orders entities so: this is a guard)
        place = {number: i for i, number in enumerate(linked)}
        numbers = [place[number] for number in numbers]
    spans = array("l", [0]) * (3 * len(numbers))
    spans[0::3] = array("l", v[0::n])
    spans[1::3] = array("l", v[1::n])
    spans[2::3] = array("l", numbers)
    return spans, linked


def _mention_targets(
    keys: Sequence[str], archive: Archive, url: str
) -> tuple[tuple[str, str], ...]:
    """(href from the page at `url`, CSS class) of the links to each of these entities."""
    entities = archive.entities
    return tuple(
        (relative_url(url, entity_url(e)), f"mention {_KIND_NAME[e.kind]}")
        for e in map(entities.__getitem__, keys)
    )


def first_mentions(item: ResolvedArticle) -> bytes:
    """The article's first mention of each of its entities, in `entities` order, packed:
    start, end, sentence_start, sentence_end (all -1 for one only its front matter names)."""
    v = unpacked(item.spans)
    first = [-1] * (_FIRST_FIELDS * len(item.entities))
    for i in range(0, len(v), LINKED_FIELDS):
        at = _FIRST_FIELDS * v[i + 2]
        if first[at] < 0:
            first[at : at + _FIRST_FIELDS] = v[i], v[i + 1], v[i + 3], v[i + 4]
    return packed(first)


#: Ints per entity in first_mentions: start, end, sentence_start, sentence_end.
_FIRST_FIELDS = 4
#: One entity's first mention in first_mentions' bytes (packed's C ints)
_FIRST_MENTION = struct.Struct(f"{_FIRST_FIELDS}i")


def _snippet(text: str, start: int, end: int, sentence_start: int, sentence_end: int) -> Snippet:
    """The snippet around the mention at text[start:end], in its sentence."""
    return Snippet(
        text[sentence_start:start].lstrip(),
        text[start:end],
        text[end:sentence_end].rstrip(),
    )


#: Articles whose mentions _prominence counts at once (bounds its arrays: ~0.5 KB an article).
PROMINENCE_BLOCK = 5_000


def _prominence(named: NamedIn, block: int = PROMINENCE_BLOCK) -> dict[str, int]:
    """Entity key → mentions across the archive (breaks ties between equally co-named entities).

    Counted in arrays, on every build (~600,000 mentions at 10,000 articles): each mention's
    entity index within its article becomes an index into the articles' entity lists. A block
    of articles at a time, so that a large archive never holds arrays for all its mentions."""
    import numpy as np

    keys, articles = named.keys, named.articles
    counts = np.zeros(len(keys), dtype=np.int64)
    for low in range(0, len(articles), block):
        items = articles[low : low + block]
        # the block's entities, one article after the other, as numbers; where each starts
        starts = named.starts[low : low + len(items)]
        first = int(starts[0]) if len(items) else 0
        block_entities = named.entity[first : first + int(named.sizes[low : low + block].sum())]
        fields = np.frombuffer(b"".join(it.spans for it in items), dtype=np.intc)
        local = fields.reshape(-1, LINKED_FIELDS)[:, 2]  # the entity's index in its article
        mentions = np.fromiter(
            (len(it.spans) for it in items), dtype=np.int64, count=len(items)
        ) // (LINKED_FIELDS * fields.itemsize)
        at = np.repeat(starts - first, mentions) + local
        counts += np.bincount(block_entities[at], minlength=len(keys))
    return dict(zip(keys, counts.tolist(), strict=True))


def _feed_id(config: Config, target: str) -> str:
    """The Atom id of the page or feed at `target`."""
    return absolute_url(config, target) if config.base_url else tag_uri(config.title, target)


class _FeedEntries:
    """Feed entries, each made once per article and feed depth. An article is an entry in the
    site's feed, its authors' and those of every entity it names; these differ only in their
    links, which are relative to the feed's folder (relative_url depends on how deep the feed
    is, nothing else), so the entry made for one feed serves every feed as deep. Local to one
    planning run."""

    def __init__(self, archive: Archive, config: Config) -> None:
        self.archive = archive
        self.config = config
        self._times: dict[str, datetime | None] = {}  # by article slug
        self._entries: dict[tuple[str, int], FeedEntry] = {}  # by (article slug, feed depth)

    def time(self, item: ResolvedArticle) -> datetime | None:
        """When the article was published (feeds.article_time), None when undated."""
        a = item.article
        if a.slug not in self._times:
            self._times[a.slug] = article_time(a.date, a.published, self.config.zone)
        return self._times[a.slug]

    def entry(self, item: ResolvedArticle, url: str) -> FeedEntry:
        """The article's entry in the (dated) feed at `url`."""
        key = (item.article.slug, url.count("/"))
        if key not in self._entries:
            self._entries[key] = self._make(item, url)
        return self._entries[key]

    def _make(self, item: ResolvedArticle, url: str) -> FeedEntry:
        config, archive, a = self.config, self.archive, item.article

        def link(target: str) -> str:
            return link_from(config, url, target)

        when = self.time(item)
        assert when is not None, "undated articles have no feed entry"
        return FeedEntry(
            id=_feed_id(config, article_url(a.slug)),
            title=a.headline,
            link=link(article_url(a.slug)),
            published=when,
            summary=a.summary,
            authors=tuple(
                FeedAuthor(archive.authors[s].name, link(author_url(s))) for s in item.authors
            ),
            categories=tuple(archive.entities[k].name for k in item.entities[:FEED_CATEGORIES]),
        )


def _feed(
    config: Config,
    entries: _FeedEntries,
    page_url: str,
    title: str,
    subtitle: str,
    items: Sequence[ResolvedArticle],
) -> Page:
    """The Atom feed of a page: its newest dated articles (undated ones have no place in it)."""
    url = feed_url(page_url)
    feed = Feed(
        id=_feed_id(config, url),
        title=title,
        link=link_from(config, url, page_url),
        self_link=link_from(config, url, url),
        author=config.title,
        language=config.language,
        subtitle=subtitle,
        entries=newest_first(
            [entries.entry(it, url) for it in feed_items(entries, items, config.feed_entries)],
            config.feed_entries,
        ),
    )
    return Page(url, "feed", title, data=feed, format="atom")


def feed_items(
    entries: _FeedEntries, items: Sequence[ResolvedArticle], limit: int
) -> list[ResolvedArticle]:
    """The articles a feed holds: the newest `limit` dated ones (undated ones have no place in
    a feed), newest first."""
    dated = [(when, it) for it in items if (when := entries.time(it))]
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [it for _, it in dated[:limit]]


def _timeline(items: Sequence[ResolvedArticle], lead: str, max_months: int) -> Timeline | None:
    return build_timeline(
        [it.article.date for it in items if it.article.date], lead=lead, max_months=max_months
    )


def _subject_pages(
    shared: _Shared,
    subject: Entity | Author,
    kind: str,
    url: str,
    articles: Sequence[ResolvedArticle],
    items: Sequence[tuple[ArticleCard, Snippet | None, Sequence[Quote]]],
    related: Sequence[Ref],
) -> Iterator[Page]:
    """A person, organization, place or author: the paginated page, its feed, its head."""
    config = shared.config
    own_feed = Ref(f"{subject.name} · {config.title}", feed_url(url), "feed")
    ld = structured.entity(
        kind=kind,
        name=subject.name,
        url=link_from(config, url, url),
        description=subject.description,
        same_as=subject.same_as,
        aliases=subject.aliases,
    )
    head = Head(
        description=subject.description
        or f"{subject.name}: {len(articles)} article{'' if len(articles) == 1 else 's'}"
        f" in {config.title}.",
        og_type="profile" if kind in ("person", "author") else "website",
        feeds=(own_feed,),
        structured=(ld,),
    )
    lead = "Wrote " if kind == "author" else "Named in "
    yield from _listing(
        url,
        kind,
        subject.name,
        "entity.html",
        items,
        config.entity_per_page,
        head,
        entity=subject,
        related=related,
        feed=own_feed,
        timeline=_timeline(articles, lead, ENTITY_MAX_MONTHS),
    )
    subtitle = (
        f"Articles by {subject.name}" if kind == "author" else (f"Articles naming {subject.name}")
    )
    yield _feed(config, shared.feed_entries, url, own_feed.name, subtitle, articles)


#: Runs fn(*args) in another process (workers.on_pool) while planning goes on, and gives a
#: function that returns its result, waiting for it if need be.
Elsewhere = Callable[..., Callable[[], Any]]


class _Shared:
    """What several entity pages need, computed once per build and only when first asked
    (an incremental build plans few entity pages). Local to one planning run.

    With `elsewhere`, the entities named together (related_keys), which every entity page
    needs, are counted in another process from the start (a worker of a cold build: it has
    little to render while the first pages are planned). Counting them was the main
    process's longest single step there (~0.2-0.3 s of 10,000 articles)."""

    def __init__(
        self, archive: Archive, config: Config, elsewhere: Elsewhere | None = None
    ) -> None:
        self.archive = archive
        self.config = config
        self.feed_entries = _FeedEntries(archive, config)
        #: which articles name which entity (as arrays), and as lists, newest first
        self.named = NamedIn(archive.articles, list(archive.entities))
        self.mentioned_in = ArticlesNaming(self.named)
        self.by_author: dict[str, list[ResolvedArticle]] = defaultdict(list)
        for item in archive.articles:  # already newest first
            for slug in item.authors:
                self.by_author[slug].append(item)
        prominence = _prominence(self.named)
        #: every entity key, most mentioned across the archive first, then by name (then key):
        #: how co-named entities that are named together equally often are ordered
        self.ranked = sorted(
            archive.entities, key=lambda k: (-prominence[k], archive.entities[k].name, k)
        )
        #: entity key → its place in `ranked` (an int compares faster than the tuple)
        self.position = {k: i for i, k in enumerate(self.ranked)}
        self._people = frozenset(
            k for k, e in archive.entities.items() if e.kind == EntityKind.PERSON
        )
        self._quotes_by: dict[str, dict[str, tuple[Quote, ...]]] = {}  # slug → speaker → quotes
        self._cards: dict[str, ArticleCard] = {}
        self._first: dict[str, bytes] = {}  # slug → first_mentions
        #: limit → entity position → its co-named entities (positions) with counts
        self._related: dict[int, dict[int, list[tuple[int, int]]]] = {}
        #: (limit, its answer, being worked out elsewhere), with `elsewhere`
        self._related_ahead: tuple[int, Callable[[], Any]] | None = None
        if elsewhere is not None:
            limit = config.related_limit
            job = elsewhere(most_named_with_arrays, *self._related_arrays(), limit)
            self._related_ahead = (limit, job)

    def forget(self) -> None:
        """Drop what was kept for the entity and author pages (asked again, it is recomputed):
        the units planned after them do not need it."""
        self._quotes_by.clear()
        self._cards.clear()
        self._first.clear()
        self._related.clear()

    def work_out(self, item: ResolvedArticle) -> None:
        """Work out now what the entity pages will list of the article besides its card (made
        for its own page): its first mentions and quotes, once for all of them. Called as its
        page is planned: the first entity pages would otherwise do it for most of the archive
        at once, while the workers, with little to render, waited on the main process."""
        self._first_mentions(item)
        self._quotes(item)

    def quotes_by(self, item: ResolvedArticle, speaker: str) -> tuple[Quote, ...]:
        """The article's quotes attributed to `speaker` (see quotes.py), in text order: the
        article's quotes are found once for all of its people."""
        return self._quotes(item).get(speaker, ())

    def _quotes(self, item: ResolvedArticle) -> dict[str, tuple[Quote, ...]]:
        slug = item.article.slug
        if slug not in self._quotes_by:
            people = item.mentions_of(self._people)  # (not every mention: ~25 µs an article)
            by: dict[str, list[Quote]] = defaultdict(list)
            for quote in attribute_quotes(item.text, people):
                by[quote.speaker].append(quote)
            self._quotes_by[slug] = {k: tuple(quotes) for k, quotes in by.items()}
        return self._quotes_by[slug]

    def card(self, item: ResolvedArticle) -> ArticleCard:
        slug = item.article.slug
        if slug not in self._cards:
            self._cards[slug] = _card(item, self.archive)
        return self._cards[slug]

    def kept_card(self, item: ResolvedArticle) -> ArticleCard:
        """The article's card as kept for the entity and author pages, or, once they are
        planned (`forget`), one made anew and not kept."""
        kept = self._cards.get(item.article.slug)
        return kept if kept is not None else _card(item, self.archive)

    def snippet(self, item: ResolvedArticle, index: int) -> Snippet | None:
        """The sentence of the article's first mention of its entity `item.entities[index]`,
        the article's first mentions found once for all of its entities (it is listed on each
        one's page; kept packed: a large archive keeps them for every article a while)."""
        first = self._first_mentions(item)
        start, end, s0, s1 = _FIRST_MENTION.unpack_from(first, _FIRST_MENTION.size * index)
        return _snippet(item.text, start, end, s0, s1) if start >= 0 else None

    def _first_mentions(self, item: ResolvedArticle) -> bytes:
        slug = item.article.slug
        if slug not in self._first:
            self._first[slug] = first_mentions(item)
        return self._first[slug]

    def related_keys(self, key: str, limit: int) -> list[tuple[str, int]]:
        """The keys of the entities most often named alongside `key`, with how often: by
        count, then by mentions across the archive, then by name (related.py)."""
        ranked = self.ranked
        return [(ranked[p], n) for p, n in self.related_ranks(key, limit)]

    def related_ranks(self, key: str, limit: int) -> Sequence[tuple[int, int]]:
        """related_keys, each entity by its place in `ranked`."""
        if limit not in self._related:
            if self._related_ahead is not None and self._related_ahead[0] == limit:
                self._related[limit] = self._related_ahead[1]()
                self._related_ahead = None
            else:
                self._related[limit] = most_named_with_arrays(*self._related_arrays(), limit)
        return self._related[limit].get(self.position[key], ())

    def _related_arrays(self) -> tuple[Any, Any, int]:
        """most_named_with_arrays' arrays: every entity's lists at once, in one pass of
        array operations over the archive."""
        import numpy as np

        named = self.named
        position = np.array([self.position[k] for k in named.keys], dtype=np.int64)
        flat = position[named.entity[named.index < RELATED_SCAN]]
        return flat, np.minimum(named.sizes, RELATED_SCAN), len(self.ranked)

    def related(self, key: str, limit: int) -> list[Ref]:
        """related_keys as links."""
        entities = self.archive.entities
        return [
            Ref(entities[k].name, entity_url(entities[k]), _KIND_NAME[entities[k].kind], n)
            for k, n in self.related_keys(key, limit)
        ]


def one_entity_pages(shared: _Shared, key: str) -> Iterator[Page]:
    """One entity's pages (paginated) and feed: every article naming it, newest first, with the
    sentence of its first mention and the quotes attributed to it; the entities most often named
    alongside it; a chart of its mentions over time."""
    entity = shared.archive.entities[key]
    articles = shared.mentioned_in.get(key, [])
    items = [
        (
            shared.card(it),
            shared.snippet(it, index),
            shared.quotes_by(it, key),
        )
        for it, index in zip(articles, shared.named.indexes(key) if articles else [], strict=True)
    ]
    related = shared.related(key, shared.config.related_limit)
    yield from _subject_pages(
        shared, entity, entity.kind.value, entity_url(entity), articles, items, related
    )


def article_unit_pages(shared: _Shared, item: ResolvedArticle) -> Iterator[Page]:
    """An article's page, with the card entity and author pages will list too; and what else
    they will list of it, worked out now (see _Shared.work_out)."""
    yield article_page(item, shared.archive, shared.config, shared.card(item))
    shared.work_out(item)


def one_author_pages(shared: _Shared, slug: str) -> Iterator[Page]:
    articles = shared.by_author[slug]
    items = [(shared.card(it), None, ()) for it in articles]
    author = shared.archive.authors[slug]
    yield from _subject_pages(shared, author, "author", author_url(slug), articles, items, [])


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


def entity_index_page(
    archive: Archive, kind: EntityKind, mentioned_in: Mapping[str, Sequence[ResolvedArticle]]
) -> Page:
    """The A-Z index of one kind of entity, each with its count of articles."""
    refs = [
        Ref(e.name, entity_url(e), kind.value, len(mentioned_in.get(key, ())))
        for key, e in archive.entities.items()
        if e.kind == kind and mentioned_in.get(key)
    ]
    return index_page(kind.plural, refs)


def author_index_page(archive: Archive, by_author: Mapping[str, Sequence[ResolvedArticle]]) -> Page:
    refs = [
        Ref(a.name, author_url(a.slug), "author", len(by_author.get(a.slug, ())))
        for a in archive.authors.values()
    ]
    return index_page("authors", refs)


ByMonth = dict[tuple[int, int], list[ResolvedArticle]]


def articles_by_month(archive: Archive) -> ByMonth:
    """The dated articles by (year, month), newest first within each."""
    by_month: ByMonth = defaultdict(list)
    for item in archive.articles:
        if item.article.date:
            by_month[(item.article.date.year, item.article.date.month)].append(item)
    return by_month


def archive_overview(by_month: ByMonth) -> list[dict[str, Any]]:
    """Each year with articles, newest first: its URL, count and months (name, count, URL)."""
    years: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for y, m in sorted(by_month, reverse=True):
        years[y].append((m, len(by_month[(y, m)]), archive_url(y, m)))
    return [
        {
            "year": y,
            "url": archive_url(y),
            "count": sum(c for _, c, _ in ms),
            "months": [{"month": MONTH_NAMES[m - 1], "count": c, "url": u} for m, c, u in ms],
        }
        for y, ms in years.items()
    ]


def archive_index_page(archive: Archive, overview: list[dict[str, Any]]) -> Page:
    """/archive/: years and months with counts, a chart, and the undated articles."""
    undated = [_card(it, archive) for it in archive.articles if not it.article.date]
    return Page(
        archive_url(),
        "archive",
        "Archive",
        "archive_index.html",
        {
            "years": overview,
            "undated": undated,
            "timeline": _timeline(archive.articles, "", ARCHIVE_MAX_MONTHS),
        },
    )


def archive_listings(
    config: Config, by_month: ByMonth, overview: list[dict[str, Any]]
) -> Iterator[ArticleListing]:
    """/archive/YYYY/ and /archive/YYYY/MM/, paginated."""
    # a year's months newest first, each newest first: its articles in archive order
    by_year: dict[int, list[ResolvedArticle]] = defaultdict(list)
    for y, m in sorted(by_month, reverse=True):
        by_year[y].extend(by_month[(y, m)])
    for year in overview:
        y = year["year"]
        yield ArticleListing(
            f"archive:{y}", archive_url(y), "archive", str(y), by_year[y], config.per_page,
            context={"months": year["months"]},
        )  # fmt: skip
    for (y, m), month_items in sorted(by_month.items(), reverse=True):
        yield ArticleListing(
            f"archive:{y}-{m:02d}", archive_url(y, m), "archive", f"{MONTH_NAMES[m - 1]} {y}",
            month_items, config.per_page, context={"months": []},
        )  # fmt: skip


def api_article_line(item: ResolvedArticle, archive: Archive, config: Config) -> str:
    """The article's line of site/api/articles.json (api_articles_page)."""
    entities = archive.entities
    named: dict[EntityKind, list[str]] = {kind: [] for kind in _SECTION_OF_KIND}
    for key in item.entities:
        entity = entities[key]
        named[entity.kind].append(entity.name)
    a = item.article
    return json_line(
        {
            "headline": a.headline,
            "byline": [archive.authors[s].name for s in item.authors],
            "date": a.date.isoformat() if a.date else None,
            "url": absolute_url(config, article_url(a.slug)),
            **{_SECTION_OF_KIND[kind]: names for kind, names in named.items()},
        }
    )


def api_articles_page(
    archive: Archive,
    config: Config,
    lines: MutableMapping[bytes, str] | None = None,
    keys: Sequence[bytes] = (),
    ahead: Mapping[bytes, str] | None = None,
) -> Page:
    """site/api/articles.json: every article's headline, byline, date, URL and the names of
    the entities it names, by kind (a machine-readable twin of the article pages).

    `lines`: the line of each article the last build wrote, by `keys` (for each article in
    archive order, a digest of everything its line shows); a line found there, or in `ahead`
    (lines made this build before the page is planned), is not made again, and `lines` is
    left holding this page's."""
    if lines is None:
        # encoded line by line: the records of every article are never held as dicts
        data = JsonRecords(tuple(api_article_line(it, archive, config) for it in archive.articles))
    else:
        ahead = ahead or {}
        made: dict[bytes, str] = {}
        for it, key in zip(archive.articles, keys, strict=True):
            line = ahead.get(key) or lines.get(key)
            made[key] = line if line is not None else api_article_line(it, archive, config)
        data = JsonRecords(tuple(made[key] for key in keys))
        lines.clear()
        lines.update(made)
    return Page("api/articles.json", "api", "Articles", data=data)


def api_entities_page(
    archive: Archive,
    config: Config,
    kind: EntityKind,
    named: NamedIn,
    urls: Sequence[str],
) -> Page:
    """site/api/<people|organizations|places>.json: every entity of a kind named in an
    article, by slug, with the URLs of the articles naming it (newest first). `urls`: each
    article's absolute URL, by its place in archive.articles (made once for the four files)."""
    entities = archive.entities

    def record(key: str) -> dict[str, Any]:
        e = entities[key]
        return {
            "name": e.name,
            "url": absolute_url(config, entity_url(e)),
            "aliases": list(e.aliases),
            "description": e.description,
            "same_as": list(e.same_as),
            "articles": [urls[n] for n in named.numbers(key).tolist()],
        }

    keys = sorted(
        (k for k, e in entities.items() if e.kind == kind), key=lambda k: entities[k].slug
    )
    # encoded record by record, each entity's list of articles made only for its record
    rows = JsonRecords.of(record(key) for key in keys if named.count(key))
    section = _SECTION_OF_KIND[kind]
    return Page(f"api/{section}.json", "api", SECTION_TITLES[section], data=rows)


def home_listing(archive: Archive, config: Config) -> ArticleListing:
    """The latest articles, paginated."""
    ld = structured.website(
        name=config.title,
        url=link_from(config, "", ""),
        description=config.description,
        language=config.language,
    )
    return ArticleListing(
        "home", "", "home", config.title, archive.articles, config.per_page,
        Head(structured=(ld,)), {"months": []},
    )  # fmt: skip


def home_feed(archive: Archive, config: Config, entries: _FeedEntries) -> Page:
    """The site's Atom feed."""
    return _feed(config, entries, "", config.title, config.description, archive.articles)


SEARCH_URL = "search/"


def search_page(config: Config) -> Page:
    """/search/: Pagefind's UI over the index the build writes to pagefind/ (search.py)."""
    return Page(SEARCH_URL, "search", "Search", "search.html", {"enabled": config.search})


def not_found_page(config: Config) -> Page:
    """404.html: served by hosts for any missing URL, at any depth, so its links cannot be
    relative to where it sits. With base_url they are absolute; without, the page carries
    <base href="/"> (the site is assumed to be served from the domain root)."""
    return Page(
        NOT_FOUND_URL,
        "404",
        "Page not found",
        "404.html",
        {"absolute_links": bool(config.base_url), "base_href": "" if config.base_url else "/"},
        head=Head(robots="noindex"),
    )


def _lastmod(page: Page) -> date | None:
    article = page.context.get("article")
    return article.date if article is not None else None


def discovery_pages(pages: Sequence[tuple[str, date | None]], config: Config) -> Iterator[Page]:
    """sitemap.xml and robots.txt, from the (URL, last modified) of every HTML page to list.

    The sitemap needs absolute URLs, so it is planned only with base_url; past
    discovery.MAX_URLS it becomes an index of numbered sitemaps (its own address stays)."""
    sitemap: str | None = None
    if config.base_url:
        urls = [discovery.SitemapUrl(absolute_url(config, url), day) for url, day in pages]
        parts = discovery.chunks(urls)
        if len(parts) == 1:
            yield Page(sitemap_url(), "sitemap", "Sitemap", data=urls, format="sitemap")
        else:
            index = []
            for n, part in enumerate(parts, 1):
                yield Page(sitemap_url(n), "sitemap", f"Sitemap {n}", data=part, format="sitemap")
                newest = max((u.lastmod for u in part if u.lastmod), default=None)
                index.append(discovery.SitemapUrl(absolute_url(config, sitemap_url(n)), newest))
            yield Page(sitemap_url(), "sitemap", "Sitemaps", data=index, format="sitemap-index")
        sitemap = absolute_url(config, sitemap_url())
    robots = discovery.robots_txt(sitemap)
    yield Page(ROBOTS_URL, "robots", "robots.txt", data=robots, format="text")


#: What a unit takes longer over, where one side takes much longer (PlanUnit.heavier).
Heavier = Literal["", "planning", "rendering"]


@dataclass(slots=True)
class PlanUnit:
    """Pages made from the same inputs: one article's page; one entity's or author's pages and
    feed; one page of the home page or of an archive year or month (ArticleListing); the home
    feed; /archive/; site/api/; or the other pages built from the whole archive (the A-Z
    indexes, the search and 404 pages). An incremental build (build.py) plans a unit again only
    when its `inputs()` changed; None means it is always planned. Both are worked out when
    called, so that listing the units costs little. (Not frozen: a build makes one per page
    of articles, article, entity and author, and a frozen dataclass's __init__ sets each field
    by a call, ~1 µs more a unit.)"""

    key: str
    inputs: Callable[[], bytes | None]
    pages: Callable[[], Iterator[Page]]
    #: which takes longer, planning its pages (in the main process) or rendering them (on a
    #: worker), when either takes much longer: see planning_order
    heavier: Heavier = ""
    #: how many articles its pages list (entities and authors)
    listed: int = 1
    #: made from the whole archive and slow to plan (the entity lists of site/api/, /archive/),
    #: with no unit that must come before or after it: planned halfway through the others
    #: (planning_order)
    midway: bool = False
    #: planned after the units of entities and authors, in either order (the A-Z indexes,
    #: which let go of what those kept, _Shared.forget; the last unit, which lets go of the
    #: articles' digests)
    after_entities: bool = False


def _always() -> None:
    return None


def planning_order(units: Sequence[PlanUnit]) -> list[int]:
    """The order to plan `units` in (their indexes): those heavier to render (entities',
    authors'), shortest list first, spread among those heavier to plan (articles', pages of
    cards) by the articles they list, with the `midway` ones halfway through; then the others
    in page order.

    Planning an article's page, and working out what entity pages will list of it, is most of
    the main process's work, and so are the pages of cards; rendering the pages and feed of an
    entity is most of a worker's, in proportion to the articles it lists. In page order the
    workers waited on the main process through the articles (each idle a third of the time),
    and it on them through the entities. Side by side, both are busy. The longest lists come
    last, when most of the articles they list have been worked out. (The A-Z indexes, among
    the others, come after every entity's pages, as _Shared.forget expects.) Planned last,
    the lists of entities of site/api/ (~0.1 s of 10,000 articles) kept the workers waiting at
    the end of the build; halfway, the main process plans them while the workers render what
    it has sent. (site/api/articles.json comes last: its lines are made with the articles'
    pages, plan_units.)"""
    planning = [n for n, u in enumerate(units) if u.heavier == "planning"]
    rendering = [n for n, u in enumerate(units) if u.heavier == "rendering"]
    if not planning or not rendering:
        return list(range(len(units)))
    rendering.sort(key=lambda n: units[n].listed)  # (stable: then in page order)
    total = sum(units[n].listed for n in rendering)
    before = list(accumulate((units[n].listed for n in rendering), initial=0))
    spread = heapq.merge(
        ((i / len(planning), n) for i, n in enumerate(planning)),
        ((before[i] / total, n) for i, n in enumerate(rendering)),
    )
    spread_out = [n for _, n in spread]
    midway = [n for n, u in enumerate(units) if u.midway and u.heavier == ""]
    half = len(spread_out) // 2
    spread_out[half:half] = midway
    start = min(planning[0], rendering[0])
    others = sorted(set(range(len(units))) - set(spread_out))
    return [n for n in others if n < start] + spread_out + [n for n in others if n > start]


def one_process_order(units: Sequence[PlanUnit]) -> list[int]:
    """The order to plan `units` in when one process plans and renders them (a rebuild of a
    few edits): page order, but the units of entities and authors after the others, except
    those that must come after them. Their inputs need the related lists (_Shared.related_keys),
    counted on a helper from the start (~0.2 s of 10,000 articles): in page order, the main
    process waited for them (~0.06 s), with the inputs of most units still to work out."""
    rendering = [n for n, u in enumerate(units) if u.heavier == "rendering"]
    after = [n for n, u in enumerate(units) if u.after_entities]
    others = [n for n, u in enumerate(units) if u.heavier != "rendering" and not u.after_entities]
    return others + rendering + after


Fingerprint = Callable[[Any], bytes]

# An entity's and an author's fields, as a plain tuple: ~2.5 µs less to pickle than the
# dataclass, for each of an archive's thousands of entities on every build
_ENTITY_FIELDS = attrgetter(*(f.name for f in fields(Entity) if f.name != "kind"))
_AUTHOR_FIELDS = attrgetter(*(f.name for f in fields(Author)))


def entity_fields(entity: Entity) -> tuple[Any, ...]:
    """Every field of the entity, its kind by value: what its digest is made from."""
    return (entity.kind.value, *_ENTITY_FIELDS(entity))


def author_fields(author: Author) -> tuple[Any, ...]:
    """Every field of the author: what its digest is made from."""
    return _AUTHOR_FIELDS(author)  # type: ignore[no-any-return]


def _article_inputs(
    item: ResolvedArticle, entity_digests: Mapping[str, bytes], author_digests: Mapping[str, bytes]
) -> tuple[Any, ...]:
    """Everything any page shows of one article. The Article itself is fixed by its file's
    content and path and its slug (under build settings an incremental build checks apart).
    The entities and authors it names count by their digests, each made once per build (an
    entity is named in hundreds of articles)."""
    a = item.article
    return (
        a.source_path,
        a.content_hash,
        a.slug,
        item.spans,  # every mention's place and entity (an index into item.entities)
        item.entities,
        item.authors,
        b"".join(map(entity_digests.__getitem__, item.entities)),
        b"".join(map(author_digests.__getitem__, item.authors)),
    )


def plan_units(
    archive: Archive,
    config: Config,
    fingerprint: Fingerprint | None = None,
    api_lines: Callable[[], MutableMapping[bytes, str]] | None = None,
    elsewhere: Elsewhere | None = None,
) -> list[PlanUnit]:
    """The site's content pages as units, in page order (the sitemap's order). With
    `fingerprint` (a digest of plain data) each unit but the whole-archive ones carries the digest
    of what its pages are made from; without, no digest is computed and every unit is planned.
    `api_lines()`: the lines of site/api/articles.json made by the last build (see
    api_articles_page), asked for only when that file is planned. `elsewhere`: see _Shared.

    What a unit's inputs and pages need is worked out when they are asked for, unit by unit,
    so that the first pages can be rendered while the rest are still being planned."""
    shared = _Shared(archive, config, elsewhere)
    limit = config.related_limit
    digests: dict[str, bytes] = {}  # article slug → its digest
    entity_digests: dict[str, bytes] = {}
    author_digests: dict[str, bytes] = {}
    # the same, as arrays by place in archive.articles: an entity's articles are a slice
    by_number: dict[str, Any] = {}  # "digests", "slugs" → array; "urls" → list

    def article_digests() -> dict[str, bytes]:
        """Every article's digest, and every entity's and author's, made at once when first
        asked: nearly every unit's inputs name articles (hundreds of thousands of times in a
        large archive), and then each is a dict lookup, not a call."""
        assert fingerprint is not None
        if not digests:
            import numpy as np

            entity_digests.update(
                (k, fingerprint(entity_fields(e))) for k, e in archive.entities.items()
            )
            author_digests.update(
                (s, fingerprint(author_fields(a))) for s, a in archive.authors.items()
            )
            in_order = []
            for item in archive.articles:
                inputs_ = _article_inputs(item, entity_digests, author_digests)
                in_order.append(fingerprint(inputs_))
                digests[item.article.slug] = in_order[-1]
            by_number["digests"] = np.array(in_order, dtype=bytes)
            by_number["slugs"] = np.array(
                [it.article.slug.encode() for it in archive.articles], dtype=bytes
            )
            by_number["ranked"] = [entity_digests[k] for k in shared.ranked]
        return digests

    def of_entity_articles(key: str) -> bytes:
        """The digests of the articles naming the entity, in archive order (of_articles of
        its articles, taken from an array)."""
        article_digests()
        return by_number["digests"][shared.named.numbers(key)].tobytes()

    def of_related(key: str) -> bytes:
        """The entities most often named with the entity, each by its digest (its name, kind
        and URL), and how often, as bytes: plain bytes pickle in one step, a list of pairs
        in one per object."""
        article_digests()  # (this makes by_number["ranked"])
        ranked, pairs = by_number["ranked"], shared.related_ranks(key, limit)
        return b"".join([ranked[p] + n.to_bytes(8, "little") for p, n in pairs])

    def of_article(item: ResolvedArticle) -> bytes:
        return article_digests()[item.article.slug]

    def of_articles(items: Iterable[ResolvedArticle]) -> bytes:
        known = article_digests()
        return b"".join([known[it.article.slug] for it in items])

    def inputs(value: Callable[[], Any]) -> Callable[[], bytes | None]:
        if fingerprint is None:
            return _always
        return lambda: fingerprint(value())

    def listing_units(
        listing: ArticleListing,
        card: Callable[[ResolvedArticle], ArticleCard] | None = None,
        heavier: Heavier = "",
    ) -> Iterator[PlanUnit]:
        for n in range(1, len(listing.chunks) + 1):
            yield PlanUnit(
                f"{listing.key}:{n}",
                inputs(lambda n=n: listing.inputs(n, of_articles)),
                lambda n=n: iter([listing.page(n, archive, card)]),
                heavier,
            )

    # (the home page lists every article first: the cards it makes are kept for the rest)
    units = list(listing_units(home_listing(archive, config), shared.card))
    units.append(
        PlanUnit(
            "home:feed",
            inputs(
                lambda: of_articles(
                    feed_items(shared.feed_entries, archive.articles, config.feed_entries)
                )
            ),
            lambda: iter([home_feed(archive, config, shared.feed_entries)]),
        )
    )
    # Each article's line of site/api/articles.json, made as its page is planned (when that
    # file's lines are kept): made all at once when the file was planned, the lines kept the
    # workers waiting on the main process (~0.3 s of 10,000 articles).
    api_ahead: dict[bytes, str] | None = {} if api_lines is not None and fingerprint else None

    def article_pages(item: ResolvedArticle) -> Iterator[Page]:
        yield from article_unit_pages(shared, item)
        if api_ahead is not None:
            api_ahead[of_article(item)] = api_article_line(item, archive, config)

    for item in archive.articles:
        units.append(
            PlanUnit(
                f"article:{item.article.slug}",
                (lambda item=item: of_article(item)) if fingerprint else _always,
                lambda item=item: article_pages(item),
                "planning",
            )
        )
    for key in sorted(archive.entities):
        if not shared.named.count(key):
            continue
        units.append(
            PlanUnit(
                f"entity:{key}",
                inputs(
                    lambda key=key: (
                        of_entity_articles(key),  # (this makes entity_digests)
                        entity_digests[key],
                        of_related(key),
                    )
                ),
                lambda key=key: one_entity_pages(shared, key),
                "rendering",
                shared.named.count(key),
            )
        )
    for slug in sorted(shared.by_author):
        articles = shared.by_author[slug]
        units.append(
            PlanUnit(
                f"author:{slug}",
                inputs(
                    lambda slug=slug, articles=articles: (
                        archive.authors[slug],
                        of_articles(articles),
                    )
                ),
                lambda slug=slug: one_author_pages(shared, slug),
                "rendering",
                len(articles),
            )
        )

    def index_inputs(kind: EntityKind | None) -> Any:
        """What an A-Z index shows: every entity of the kind (or every author, for None),
        with how many articles name it (Ref.count)."""
        shared.forget()  # the entity and author pages are planned: their caches can go
        article_digests()  # (this makes entity_digests and author_digests)
        if kind is None:
            return [(d, len(shared.by_author.get(s, ()))) for s, d in author_digests.items()]
        entities, count = archive.entities, shared.named.count
        return [(d, count(k)) for k, d in entity_digests.items() if entities[k].kind == kind]

    def entity_index(kind: EntityKind) -> Iterator[Page]:
        shared.forget()  # (as above, when the inputs are not worked out)
        yield entity_index_page(archive, kind, shared.mentioned_in)

    # one A-Z index per unit: an edit of an article's people does not plan the others again
    for kind in EntityKind:
        units.append(
            PlanUnit(
                f"index:{kind.plural}",
                inputs(lambda kind=kind: index_inputs(kind)),
                lambda kind=kind: entity_index(kind),
                after_entities=True,
            )
        )
    units.append(
        PlanUnit(
            "index:authors",
            inputs(lambda: index_inputs(None)),
            lambda: iter([author_index_page(archive, shared.by_author)]),
            after_entities=True,
        )
    )
    by_month = articles_by_month(archive)
    overview = archive_overview(by_month)
    units.append(
        PlanUnit(
            "archive",
            inputs(
                lambda: (
                    overview,
                    of_articles(it for it in archive.articles if not it.article.date),
                    _timeline(archive.articles, "", ARCHIVE_MAX_MONTHS),
                )
            ),
            lambda: iter([archive_index_page(archive, overview)]),
            midway=True,
        )
    )
    # Pages of cards, planned among the entities' pages (planning_order) with the cards kept
    # for those: last, in page order, they had the main process make every card again while
    # the workers, with little left to render, waited (~1 s of a 10,000-article build).
    for listing in archive_listings(config, by_month, overview):
        units.extend(listing_units(listing, shared.kept_card, "planning"))

    def api_article_inputs() -> Any:
        """What site/api/articles.json shows: each article's headline, date, authors and
        entities (in archive order), and those entities and authors. (Not each article's
        digest, which a body edit changes too. Each date as its day number: a date object
        pickles in a call, ~2 µs.)"""
        article_digests()  # (this makes entity_digests and author_digests)
        return (
            [
                (
                    it.article.slug,
                    it.article.headline,
                    it.article.date and it.article.date.toordinal(),
                    it.authors,
                    it.entities,
                )
                for it in archive.articles
            ],
            b"".join(entity_digests.values()),
            b"".join(author_digests.values()),
        )

    def api_entity_inputs(kind: EntityKind) -> Any:
        """What site/api/<kind>.json shows: each entity of the kind, and the articles (their
        URLs) naming it."""
        article_digests()
        entities, named, slugs = archive.entities, shared.named, by_number["slugs"]
        # hashed entity by entity: a large archive's lists of slugs are never all held at once
        # (slugs padded to the longest one's width with zero bytes, which no slug has)
        h = hashlib.blake2b(digest_size=16)
        h.update(slugs.dtype.itemsize.to_bytes(8, "little"))
        for k, d in entity_digests.items():
            if entities[k].kind == kind:
                listed = slugs[named.numbers(k)].tobytes() if named.count(k) else b""
                h.update(d + len(listed).to_bytes(8, "little") + listed)
        return h.digest()

    def article_urls() -> list[str]:
        """Each article's absolute URL, by place in archive.articles (kept till the end)."""
        if "urls" not in by_number:
            by_number["urls"] = [
                absolute_url(config, article_url(it.article.slug)) for it in archive.articles
            ]
        return by_number["urls"]

    def api_articles() -> Iterator[Page]:
        if api_lines is None or fingerprint is None:
            yield api_articles_page(archive, config)
            return
        known = article_digests()  # each article's digest covers all its line shows
        keys = [known[it.article.slug] for it in archive.articles]
        yield api_articles_page(archive, config, api_lines(), keys, api_ahead)
        if api_ahead is not None:
            api_ahead.clear()

    # (after the articles: its lines are made as they are planned)
    units.append(PlanUnit("api:articles", inputs(api_article_inputs), api_articles))
    for kind in EntityKind:
        units.append(
            PlanUnit(
                f"api:{kind.plural}",
                inputs(lambda kind=kind: api_entity_inputs(kind)),
                lambda kind=kind: iter(
                    [api_entities_page(archive, config, kind, shared.named, article_urls())]
                ),
                midway=True,
            )
        )

    def rest() -> Iterator[Page]:
        digests.clear()
        entity_digests.clear()
        author_digests.clear()
        by_number.clear()
        yield search_page(config)
        yield not_found_page(config)

    units.append(PlanUnit("rest", _always, rest, after_entities=True))
    return units


def listed_in_sitemap(page: Page) -> tuple[str, date | None] | None:
    """(URL, last modified) of an HTML page the sitemap lists; None for other pages."""
    if page.template is not None and page.url != NOT_FOUND_URL:
        return page.url, _lastmod(page)
    return None
