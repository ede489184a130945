"""Atom feeds: the site's and every person's, organization's, place's and author's, read back
with a real feed parser (feedparser), with and without base_url."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from broadsheet.build import build
from broadsheet.feeds import Feed, FeedAuthor, FeedEntry, atom_bytes, tag_uri
from sitecheck import page

BASE = "https://news.example/gazette/"
SITE = """\
extract_entities: false
title: The Test Gazette
description: News from a town that does not exist.
timezone: Europe/London
feed_entries: 3
"""
REGISTRY = """\
entities:
  - name: Elena Marsh
    kind: person
    description: Mayor of Port Halden.
    same_as: [https://example.org/people/elena-marsh]
"""


def story(headline: str, date: str | None, people: str, byline: str = "Jane Doe", **kw) -> str:
    lines = [f"headline: {headline}", f"byline: {byline}", f"people: [{people}]"]
    if date:
        lines.append(f"date: {date}")
    lines += [f"{k}: [{v}]" for k, v in kw.items()]
    body = f"{people.split(',')[0]} spoke in Port Halden about the harbour."
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


ARTICLES = {
    "content/a1.md": story(
        "Harbour vote",
        "2024-02-10",
        "Elena Marsh, Tomasz Wojcik",
        organizations="Harbour Board",
        places="Port Halden",
    ),
    "content/a2.md": story(
        "Budget set", "2024-06-03", "Elena Marsh", byline="[Jane Doe, John Roe]"
    ),
    "content/a3.md": story(
        "Bus deal", "2025-06-01T09:30:00+01:00", "Elena Marsh", places="Port Halden"
    ),
    "content/a4.md": story("Ferry plan", "2025-06-20", "Elena Marsh, Tomasz Wojcik"),
    "content/a5.md": story("Undated note", None, "Elena Marsh"),
}


def write_project(root: Path, site: str = SITE) -> Path:
    for rel, text in {**ARTICLES, "site.yaml": site, "data/entities.yaml": REGISTRY}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The same archive built twice: without base_url (relative) and with it (absolute)."""
    project = write_project(tmp_path_factory.mktemp("gazette"))
    assert build(project).errors == []
    assert build(project, overrides={"base_url": BASE, "output_dir": "abs"}).errors == []
    return {"relative": project / "site", "absolute": project / "abs"}


FEEDS = [
    "feed.xml",
    "people/elena-marsh/feed.xml",
    "people/tomasz-wojcik/feed.xml",
    "organizations/harbour-board/feed.xml",
    "places/port-halden/feed.xml",
    "authors/jane-doe/feed.xml",
    "authors/john-roe/feed.xml",
]


def parse(site: Path, url: str) -> feedparser.FeedParserDict:
    data = (site / url).read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    assert parsed.version == "atom10"
    return parsed


@pytest.mark.parametrize("mode", ["relative", "absolute"])
@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_is_valid_atom_with_titles_links_and_dates(sites, mode, url):
    site = sites[mode]
    feed = parse(site, url)
    assert feed.feed.title and feed.feed.id and feed.feed.updated_parsed
    assert feed.entries
    for entry in feed.entries:
        assert entry.title and entry.id and entry.link
        assert entry.published_parsed and entry.updated_parsed
        if mode == "absolute":
            assert entry.link.startswith(BASE) and entry.id == entry.link
        else:
            assert entry.id.startswith("tag:the-test-gazette,2000:articles/")
            # relative links resolve against the feed file's own address
            target = site / urljoin(url, entry.link) / "index.html"
            assert target.is_file(), (url, entry.link)


def test_site_feed_lists_the_newest_dated_articles_newest_first(sites):
    feed = parse(sites["relative"], "feed.xml")
    assert [e.title for e in feed.entries] == ["Ferry plan", "Bus deal", "Budget set"]
    assert feed.feed.title == "The Test Gazette"
    assert feed.feed.subtitle == "News from a town that does not exist."
    # the feed's updated is its newest article's date, not the build time
    assert feed.feed.updated.startswith("2025-06-20T00:00:00+01:00")
    # a time written in front matter is kept, with its offset
    bus = feed.entries[1]
    assert bus.published.startswith("2025-06-01T09:30:00+01:00")
    assert "Undated note" not in (sites["relative"] / "feed.xml").read_text()


def test_entity_and_author_feeds_hold_their_own_articles(sites):
    site = sites["absolute"]
    wojcik = parse(site, "people/tomasz-wojcik/feed.xml")
    assert [e.title for e in wojcik.entries] == ["Ferry plan", "Harbour vote"]
    assert wojcik.feed.id == BASE + "people/tomasz-wojcik/feed.xml"
    assert wojcik.feed.link == BASE + "people/tomasz-wojcik/"
    roe = parse(site, "authors/john-roe/feed.xml")
    assert [e.title for e in roe.entries] == ["Budget set"]
    assert [a.name for a in roe.entries[0].authors] == ["Jane Doe", "John Roe"]
    marsh = parse(site, "people/elena-marsh/feed.xml")
    assert len(marsh.entries) == 3  # feed_entries: 3, of four dated articles
    assert {t.term for t in marsh.entries[0].tags} == {"Elena Marsh", "Tomasz Wojcik"}


def test_pages_link_their_feeds_in_the_head(sites):
    site = sites["relative"]
    home = page(site, "")
    feeds = [link["href"] for link in home.find_all("link", rel="alternate")]
    assert feeds == ["feed.xml"]
    person = page(site, "people/elena-marsh/")
    links = person.find_all("link", rel="alternate", type="application/atom+xml")
    assert [link["href"] for link in links] == [
        "../../feed.xml",
        "../../people/elena-marsh/feed.xml",
    ]
    for link in links:
        assert (site / "people" / "elena-marsh" / link["href"]).resolve().is_file()
    assert person.select_one("a.feed")["href"] == "../../people/elena-marsh/feed.xml"
    assert page(site, "authors/jane-doe/").find(
        "link", href="../../authors/jane-doe/feed.xml", type="application/atom+xml"
    )


def test_feeds_are_byte_identical_on_rebuild(sites, tmp_path):
    project = sites["relative"].parent
    before = {u: (sites["relative"] / u).read_bytes() for u in FEEDS}
    build(project)
    assert before == {u: (sites["relative"] / u).read_bytes() for u in FEEDS}


def test_feed_without_dated_articles_is_still_valid(tmp_path):
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    (project / "site.yaml").write_text("extract_entities: false\n")
    (project / "content" / "x.md").write_text(story("No date", None, "Elena Marsh"))
    build(project)
    feed = parse(project / "site", "feed.xml")
    assert feed.entries == [] and feed.feed.updated.startswith("1970-01-01")


def test_atom_bytes_is_deterministic_and_strips_what_xml_cannot_hold():
    when = dt.datetime(2018, 8, 6, 16, 15, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    entry = FeedEntry(
        tag_uri("Site", "articles/a/"),
        "Bad \x01control & <markup>",
        "articles/a/",
        when,
        "sum\x0bmary",
        (FeedAuthor("Pat", "authors/pat/"),),
    )
    feed = Feed(tag_uri("Site", "feed.xml"), "Site", "./", "feed.xml", "Site", "en", "", (entry,))
    data = atom_bytes(feed)
    assert data == atom_bytes(feed)
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.entries[0].title == "Bad control & <markup>"
    assert parsed.entries[0].summary == "summary"
    assert parsed.feed.updated == "2018-08-06T16:15:00-04:00"
    assert b"<generator>Broadsheet</generator>" in data


def test_tag_uris_are_stable_and_well_formed():
    assert tag_uri("The Broadsheet Sample Archive", "people/rand-paul/") == (
        "tag:the-broadsheet-sample-archive,2000:people/rand-paul/"
    )
    assert tag_uri("Gazette", "") == "tag:gazette,2000:/"
    assert tag_uri("!!!", "feed.xml") == "tag:broadsheet,2000:feed.xml"


def test_an_entry_in_several_feeds_is_built_once_and_written_alike():
    from broadsheet import feeds

    when = dt.datetime(2020, 1, 2, 3, 4, tzinfo=dt.UTC)
    shared = FeedEntry("tag:site,2000:articles/a/", "A & B", "../../articles/a/", when, "Sum.")
    other = FeedEntry("tag:site,2000:articles/b/", "C", "../../articles/b/", when, "", (), ("X",))

    def feed(name: str, *entries: FeedEntry) -> Feed:
        return Feed(f"tag:site,2000:{name}", name, "./", "feed.xml", "Site", "en", "", entries)

    feeds.entry_xml.cache_clear()
    first, second = atom_bytes(feed("one", shared, other)), atom_bytes(feed("two", shared))
    info = feeds.entry_xml.cache_info()
    assert (info.misses, info.hits) == (2, 1)
    # the same bytes as when nothing was kept
    feeds.entry_xml.cache_clear()
    assert atom_bytes(feed("two", shared)) == second
    assert atom_bytes(feed("one", shared, other)) == first
    assert [e.title for e in feedparser.parse(second).entries] == ["A & B"]
    assert [e.title for e in feedparser.parse(first).entries] == ["A & B", "C"]


def test_entries_alike_but_for_a_field_the_hash_leaves_out_are_written_apart():
    from broadsheet import feeds

    when = dt.datetime(2020, 1, 2, 3, 4, tzinfo=dt.UTC)
    a = FeedEntry("tag:site,2000:articles/a/", "Old title", "../../articles/a/", when)
    b = replace(a, title="New title", authors=(FeedAuthor("Jane Doe"),), categories=("X",))
    assert hash(a) == hash(b) and a != b  # (the hash is only the id and link)
    feeds.entry_xml.cache_clear()
    assert b"Old title" in feeds.entry_xml(a)
    written = feeds.entry_xml(b)
    assert b"New title" in written and b"Jane Doe" in written and b'term="X"' in written
    assert feeds.entry_xml.cache_info().misses == 2
    assert feeds.entry_xml(replace(b)) is written  # an equal entry is written once


#: Characters feeds are written with: plain, escaped in text or in attributes, whitespace,
#: beyond ASCII and the BMP; now and then one XML cannot hold, or no text at all.
_CHARACTERS = "aZ9 .,-/:#?=&<>\"'\t\r\n\u00e9\u00a0\u2014\u4e2d\U0001f600\x7f"
_NOT_XML = "\x01\x0b\ufffe"


def _random_text(rng: random.Random) -> str:
    if rng.random() < 0.02:
        return ""
    text = "".join(rng.choice(_CHARACTERS) for _ in range(rng.randint(1, 12)))
    if rng.random() < 0.02:
        text += rng.choice(_NOT_XML)
    return text


def _random_feed(rng: random.Random) -> Feed:
    def when() -> dt.datetime:
        zone = dt.timezone(dt.timedelta(minutes=rng.choice([0, 60, -240, 330])))
        return dt.datetime(2020, 1, 1, tzinfo=zone) + dt.timedelta(seconds=rng.randint(0, 10**8))

    def entry() -> FeedEntry:
        authors = tuple(
            FeedAuthor(_random_text(rng), _random_text(rng)) for _ in range(rng.randint(0, 2))
        )
        categories = tuple(_random_text(rng) for _ in range(rng.randint(0, 3)))
        return FeedEntry(
            _random_text(rng),
            _random_text(rng),
            _random_text(rng),
            when(),
            _random_text(rng),
            authors,
            categories,
        )

    texts = [_random_text(rng) for _ in range(7)]
    return Feed(*texts, entries=tuple(entry() for _ in range(rng.randint(0, 3))))


def _feedgen_bytes(feed: Feed) -> bytes | str:
    """What feedgen alone writes for `feed` (the reference), or the error it raises."""
    from broadsheet import feeds

    try:
        head = feeds._feedgen_head(feed)
        entries = [feeds._feedgen_entry_xml(e) for e in feed.entries]
    except Exception as exc:  # the error itself is compared
        return type(exc).__name__
    if not entries:
        return head
    return head[: -len(feeds._FEED_END)] + b"".join(entries) + feeds._FEED_END


def test_feeds_are_written_as_feedgen_writes_them():
    # Feeds are written directly where feedgen would write the fields as they are, by feedgen
    # where it would refuse or change one: either way, the same bytes (or the same error).
    from broadsheet import feeds

    rng = random.Random(11)
    direct = 0
    for _ in range(3000):
        feed = _random_feed(rng)
        feeds.entry_xml.cache_clear()
        try:
            ours: bytes | str = atom_bytes(feed)
        except Exception as exc:  # (as above)
            ours = type(exc).__name__
        assert ours == _feedgen_bytes(feed), feed
        direct += feeds._plain_head(feed) and all(map(feeds._plain_entry, feed.entries))
    assert 300 < direct < 2700  # both paths were taken


def test_a_real_feed_is_written_directly(sites):
    from broadsheet import feeds

    data = (sites["relative"] / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.entries and not parsed.bozo
    rebuilt = Feed(
        parsed.feed.id,
        parsed.feed.title,
        "./",
        "feed.xml",
        parsed.feed.author,
        entries=tuple(
            FeedEntry(e.id, e.title, e.link, dt.datetime.fromisoformat(e.published), e.summary)
            for e in parsed.entries
        ),
    )
    assert feeds._plain_head(rebuilt) and all(map(feeds._plain_entry, rebuilt.entries))
    assert atom_bytes(rebuilt) == _feedgen_bytes(rebuilt)
