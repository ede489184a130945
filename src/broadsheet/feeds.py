"""Atom feeds: plain `Feed` data (planned in plan.py) → the bytes of a feed file, via feedgen.

Output is deterministic: no build timestamps anywhere. A feed's `updated` is its newest entry's
date (or the Unix epoch for a feed with no dated articles), an entry's `updated` is its article's
publication time, and the generator element names Broadsheet without a version.

Ids: with `base_url`, the absolute URL of the article (entries) or of the feed itself (feeds).
Without it, `tag:` URIs (RFC 4151) built from the site's title and the site-relative URL, e.g.
`tag:the-broadsheet-sample-archive,2000:articles/bus-pay-deal/`: they never change between
builds, and only change if the site's title does. Links are then relative to the feed file,
which Atom (RFC 4287 §4.2.7, RFC 3986) resolves against the feed's own address.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from feedgen.entry import FeedEntry as FeedgenEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from broadsheet.slugs import slugify_text

ATOM_TYPE = "application/atom+xml"
#: `updated` of a feed with no dated entries: a fixed instant, so rebuilds stay identical.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: The date part of tag: ids. Fixed for ever: changing it would change every id.
TAG_DATE = "2000"
GENERATOR = "Broadsheet"

# Characters XML 1.0 cannot hold at all (lxml refuses them); stripped from feed text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedAuthor:
    name: str
    uri: str = ""


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str  #: the article page (absolute, or relative to the feed file)
    published: dt.datetime  #: timezone-aware
    summary: str = ""
    authors: tuple[FeedAuthor, ...] = ()
    categories: tuple[str, ...] = ()  #: names of the people, organizations and places named


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  #: the HTML page the feed follows
    self_link: str  #: the feed file itself
    author: str  #: feed-level author (Atom needs one when an entry has no byline)
    language: str = ""
    subtitle: str = ""
    entries: tuple[FeedEntry, ...] = ()

    @property
    def updated(self) -> dt.datetime:
        return max((e.published for e in self.entries), default=EPOCH)


@functools.lru_cache(maxsize=8)  # asked once per feed entry, always with the same title
def tag_authority(site_title: str) -> str:
    """A DNS-like name for tag: URIs from the site's title ("The Broadsheet" → "the-broadsheet")."""
    label = slugify_text(site_title)[:63].strip("-")
    return label or "broadsheet"


def tag_uri(site_title: str, url: str) -> str:
    """`tag:` id for a site-relative URL: stable across builds and independent of hosting."""
    return f"tag:{tag_authority(site_title)},{TAG_DATE}:{quote(url or '/', safe='/-._~')}"


def article_time(
    day: dt.date | None, published: dt.datetime | None, zone: dt.tzinfo
) -> dt.datetime | None:
    """When an article was published, timezone-aware: its time when known, else midnight of its
    date in the site's time zone; None for an undated article."""
    if published is not None:
        return published if published.tzinfo else published.replace(tzinfo=zone)
    if day is None:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def newest_first(entries: Sequence[FeedEntry], limit: int) -> tuple[FeedEntry, ...]:
    """The `limit` newest entries; equal times keep the order they were given in."""
    ordered = sorted(entries, key=lambda e: e.published, reverse=True)
    return tuple(ordered[:limit])


def atom_bytes(feed: Feed) -> bytes:
    """The Atom document for `feed` (UTF-8, pretty-printed, byte-identical for equal input)."""
    fg = FeedGenerator()
    fg.id(_clean(feed.id))
    fg.title(_clean(feed.title))
    fg.updated(feed.updated)
    fg.author({"name": _clean(feed.author)})
    fg.link(href=feed.link, rel="alternate", type="text/html")
    fg.link(href=feed.self_link, rel="self", type=ATOM_TYPE)
    fg.generator(GENERATOR)
    if feed.language:
        fg.language(feed.language)
    if feed.subtitle:
        fg.subtitle(_clean(feed.subtitle))
    for item in feed.entries:
        fg.add_entry(_feedgen_entry(item), order="append")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


class _MadeOnceEntry(FeedgenEntry):
    """A feedgen entry that builds its XML element once and hands out copies.

    An article is an entry in the feed of every person, organization and place it names, and
    feedgen builds an entry's element in Python, field by field, each time a feed is written:
    most of a feed's cost. The copy (lxml, in C) is the same element.
    """

    _element: etree._Element | None = None

    def atom_entry(self, extensions: bool = True) -> etree._Element:
        if self._element is None:
            self._element = super().atom_entry(extensions)
        return copy.deepcopy(self._element)


#: Entries kept per process: an article is an entry in the feed of every entity it names, all
#: at one depth (so equal). More kept would hit more often, but each costs ~6 KB per worker.
ENTRY_CACHE_SIZE = 1024


@functools.lru_cache(maxsize=ENTRY_CACHE_SIZE)
def _feedgen_entry(item: FeedEntry) -> _MadeOnceEntry:
    """The feedgen entry for `item`, made once per process for equal entries."""
    entry = _MadeOnceEntry()
    entry.id(_clean(item.id))
    entry.title(_clean(item.title))
    entry.link(href=item.link, rel="alternate", type="text/html")
    entry.published(item.published)
    entry.updated(item.published)
    for author in item.authors:
        data = {"name": _clean(author.name)}
        if author.uri:
            data["uri"] = author.uri
        entry.author(data)
    if item.summary:
        entry.summary(_clean(item.summary))
    if item.categories:  # one call: feedgen re-copies the whole list on every call
        entry.category([{"term": _clean(name)} for name in item.categories])
    return entry
