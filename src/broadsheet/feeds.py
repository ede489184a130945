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

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

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

    def __hash__(self) -> int:
        # Equal entries have equal ids and links. The hash dataclass would make covers every
        # field, the authors' too, and entry_xml's cache takes it for every entry of every
        # feed: 0.5 s of a cold build of 10,000 articles.
        return hash((self.id, self.link))


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
    """The Atom document for `feed` (UTF-8, pretty-printed, byte-identical for equal input):
    what feedgen writes, written directly where every field is one feedgen accepts as it is
    (tests/test_feeds.py compares the two on random feeds)."""
    head = _atom_head(feed) if _plain_head(feed) else _feedgen_head(feed)
    if not feed.entries:
        return head
    # The entries go where feedgen would put them, written as it writes them (entry_xml).
    assert head.endswith(_FEED_END), head[-40:]
    return b"".join((head[: -len(_FEED_END)], *map(entry_xml, feed.entries), _FEED_END))


def _feedgen_head(feed: Feed) -> bytes:
    """The feed without its entries, as feedgen writes it."""
    from feedgen.feed import FeedGenerator  # (only for a feed _plain_head refuses: ~20 ms)

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
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


_FEED_END = b"</feed>\n"

#: Entries kept per process, ~1.5 KB each (24 MB when full). An article is an entry in the feed
#: of every person, organization and place it names, all at one depth (so equal); 10,000
#: articles make ~10,000 distinct entries, whose feeds took 5.2 s to write with 8,192 kept and
#: 3.6 s with all kept (one process).
ENTRY_CACHE_SIZE = 16384


@functools.lru_cache(maxsize=ENTRY_CACHE_SIZE)
def entry_xml(item: FeedEntry) -> bytes:
    """The bytes of `item` in a feed, as feedgen pretty-prints a feed's entries (indented one
    level), written once per process for equal entries.

    feedgen builds an entry's element in Python, field by field, every time a feed holding it
    is written; at ~25 elements an entry (one per category) that was half of the render time
    of a cold build. The bytes of an entry do not depend on the feed it is in. They are written
    here directly, as feedgen would write them, unless a field is one feedgen would refuse or
    change (then feedgen writes it, or says what is wrong)."""
    if not _plain_entry(item):
        return _feedgen_entry_xml(item)
    published = item.published.isoformat()
    out = [
        "  <entry>\n",
        f"    <id>{_xml_text(item.id)}</id>\n",
        f"    <title>{_xml_text(item.title)}</title>\n",
        f"    <updated>{published}</updated>\n",
    ]
    for author in item.authors:
        out.append(f"    <author>\n      <name>{_xml_text(author.name)}</name>\n")
        if author.uri:
            out.append(f"      <uri>{_xml_text(author.uri)}</uri>\n")
        out.append("    </author>\n")
    out.append(f'    <link href="{_xml_attribute(item.link)}"/>\n')
    if item.summary:
        out.append(f"    <summary>{_xml_text(item.summary)}</summary>\n")
    out.extend(f'    <category term="{_xml_attribute(name)}"/>\n' for name in item.categories)
    out.append(f"    <published>{published}</published>\n  </entry>\n")
    return "".join(out).encode("utf-8")


def _feedgen_entry_xml(item: FeedEntry) -> bytes:
    from lxml import etree

    element = _feedgen_entry(item).atom_entry()
    etree.indent(element, space="  ", level=1)
    return b"  " + etree.tostring(element, encoding="UTF-8", xml_declaration=False) + b"\n"


def _atom_head(feed: Feed) -> bytes:
    """_feedgen_head's bytes, written directly (for a feed _plain_head accepts)."""
    language = f' xml:lang="{_xml_attribute(feed.language)}"' if feed.language else ""
    subtitle = f"  <subtitle>{_xml_text(feed.subtitle)}</subtitle>\n" if feed.subtitle else ""
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f'<feed xmlns="http://www.w3.org/2005/Atom"{language}>\n'
        f"  <id>{_xml_text(feed.id)}</id>\n"
        f"  <title>{_xml_text(feed.title)}</title>\n"
        f"  <updated>{feed.updated.isoformat()}</updated>\n"
        f"  <author>\n    <name>{_xml_text(feed.author)}</name>\n  </author>\n"
        f'  <link href="{_xml_attribute(feed.link)}" rel="alternate" type="text/html"/>\n'
        f'  <link href="{_xml_attribute(feed.self_link)}" rel="self" type="{ATOM_TYPE}"/>\n'
        f"  <generator>{GENERATOR}</generator>\n"
        f"{subtitle}"
        "</feed>\n"
    ).encode()


def _plain(*texts: str) -> bool:
    """Every text non-empty and holding only characters XML can hold."""
    return all(texts) and _NOT_XML.search("".join(texts)) is None


def _plain_head(feed: Feed) -> bool:
    return (
        _plain(feed.id, feed.title, feed.author, feed.link, feed.self_link)
        and (not feed.subtitle or _plain(feed.subtitle))
        and (not feed.language or _plain(feed.language))
    )


def _plain_entry(item: FeedEntry) -> bool:
    return (
        _plain(item.id, item.title, item.link, *item.categories)
        and all(_plain(a.name) and (not a.uri or _plain(a.uri)) for a in item.authors)
        and (not item.summary or _plain(item.summary))
    )


def _xml_text(text: str) -> str:
    """Text as lxml writes it in an element: & < > and carriage returns escaped."""
    return escape(text, _TEXT_REFERENCES)


def _xml_attribute(text: str) -> str:
    """Text as lxml writes it in a double-quoted attribute."""
    return escape(text, _ATTRIBUTE_REFERENCES)


_TEXT_REFERENCES = {"\r": "&#13;"}
_ATTRIBUTE_REFERENCES = {**_TEXT_REFERENCES, '"': "&quot;", "\t": "&#9;", "\n": "&#10;"}


def _feedgen_entry(item: FeedEntry) -> Any:
    from feedgen.entry import FeedEntry as FeedgenEntry

    entry = FeedgenEntry()
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
