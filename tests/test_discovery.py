"""sitemap.xml, robots.txt, 404.html and rel=prev/next: what crawlers and lost readers get."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from broadsheet import discovery
from broadsheet.build import build
from sitecheck import broken_links, page
from test_feeds import BASE, write_project

NS = {"sm": discovery.NAMESPACE}


def html_urls(site: Path) -> set[str]:
    """Every HTML page of a built site as its absolute URL (but the 404 page)."""
    urls = set()
    for file in site.rglob("*.html"):
        rel = file.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        urls.add(BASE + rel.removesuffix("index.html"))
    return urls


def locs(site: Path, name: str) -> list[str]:
    root = ET.parse(site / name).getroot()
    assert root.tag == f"{{{discovery.NAMESPACE}}}urlset"
    return [loc.text or "" for loc in root.iterfind("sm:url/sm:loc", NS)]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return write_project(tmp_path_factory.mktemp("discovery"))


@pytest.fixture(scope="module")
def absolute(project) -> Path:
    build(project, overrides={"base_url": BASE, "output_dir": "abs"})
    return project / "abs"


@pytest.fixture(scope="module")
def relative(project) -> Path:
    build(project)
    return project / "site"


def test_sitemap_lists_every_html_page_once_with_absolute_urls(absolute):
    urls = locs(absolute, "sitemap.xml")
    assert len(urls) == len(set(urls))
    assert set(urls) == html_urls(absolute)
    assert BASE in urls and BASE + "people/elena-marsh/" in urls
    assert BASE + "404.html" not in urls
    root = ET.parse(absolute / "sitemap.xml").getroot()
    lastmods = {
        u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
        for u in root.iterfind("sm:url", NS)
    }
    assert lastmods[BASE + "articles/a4/"] == "2025-06-20"


def test_robots_names_the_sitemap_only_when_there_is_one(absolute, relative):
    robots = (absolute / "robots.txt").read_text()
    assert robots.startswith("User-agent: *\n")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()
    assert not (relative / "sitemap.xml").exists()  # sitemaps need absolute URLs
    assert "Sitemap" not in (relative / "robots.txt").read_text()


def test_sitemap_splits_into_an_index_past_the_limit(project, absolute, monkeypatch):
    monkeypatch.setattr(discovery, "MAX_URLS", 7)
    build(project, overrides={"base_url": BASE, "output_dir": "split"})
    site = project / "split"
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{{{discovery.NAMESPACE}}}sitemapindex"
    parts = [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)]
    total = len(html_urls(absolute))
    assert len(parts) == -(-total // 7) >= 2
    assert parts == [f"{BASE}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    seen: list[str] = []
    for n in range(1, len(parts) + 1):
        chunk = locs(site, f"sitemap-{n}.xml")
        assert 0 < len(chunk) <= 7
        seen += chunk
    assert sorted(seen) == sorted(locs(absolute, "sitemap.xml"))
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()


def test_chunks_keep_order_and_never_vanish():
    urls = [discovery.SitemapUrl(f"https://x/{i}") for i in range(5)]
    assert [len(c) for c in discovery.chunks(urls, 2)] == [2, 2, 1]
    assert discovery.chunks([], 2) == [[]]


def test_404_page_with_base_url_uses_absolute_links(absolute):
    soup = page(absolute, "404.html")
    assert soup.h1.get_text() == "Page not found"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.find("link", rel="canonical") is None
    assert soup.find("base") is None
    hrefs = [t["href"] for t in soup.find_all(["a", "link"], href=True)]
    assert hrefs and all(h.startswith(BASE) or h.startswith("#") for h in hrefs), hrefs
    assert BASE + "static/style.css" in hrefs and BASE + "archive/" in hrefs


def test_404_page_without_base_url_resolves_from_the_site_root(relative):
    soup = page(relative, "404.html")
    assert soup.find("base")["href"] == "/"
    # with <base href="/">, every link is read from the root, whatever the missing URL's depth
    for tag in soup.find_all(["a", "link"], href=True):
        href = tag["href"]
        assert not href.startswith(("../", "#", "/")), href
    assert soup.find("a", href="people/")
    assert broken_links(relative) == []


def test_paginated_pages_name_their_neighbours(tmp_path):
    project = write_project(
        tmp_path / "p", "extract_entities: false\nper_page: 2\nentity_per_page: 2\n"
    )
    build(project)
    site = project / "site"

    def rel(url: str, name: str) -> str | None:
        tag = page(site, url).find("link", rel=name)
        return tag["href"] if tag else None

    assert (rel("", "prev"), rel("", "next")) == (None, "page/2/")
    assert (rel("page/2/", "prev"), rel("page/2/", "next")) == ("../../", "../../page/3/")
    assert (rel("page/3/", "prev"), rel("page/3/", "next")) == ("../../page/2/", None)
    marsh = "people/elena-marsh/"
    assert rel(marsh, "next") == "../../people/elena-marsh/page/2/"
    assert rel(marsh + "page/3/", "prev") == "../../../../people/elena-marsh/page/2/"
    assert rel("articles/a1/", "prev") is None and rel("articles/a1/", "next") is None
    assert broken_links(site) == []
