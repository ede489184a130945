"""Files for crawlers: sitemap.xml (https://www.sitemaps.org/protocol.html) and robots.txt.

Sitemaps need absolute URLs, so they are written only when `base_url` is set. One sitemap holds
at most `MAX_URLS` URLs; past that, sitemap.xml becomes a sitemap index pointing at numbered
sitemaps (sitemap-1.xml, sitemap-2.xml, …), so the address crawlers are given never changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

MAX_URLS = 50_000  #: the protocol's limit per sitemap file
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class SitemapUrl:
    loc: str  #: absolute URL
    lastmod: date | None = None


def chunks(urls: Sequence[SitemapUrl], size: int | None = None) -> list[Sequence[SitemapUrl]]:
    """`urls` in sitemap-sized pieces (one piece, possibly empty, when they all fit)."""
    size = size or MAX_URLS
    return [urls[i : i + size] for i in range(0, len(urls), size)] or [urls]


def _lastmod(day: date | None) -> str:
    return f"<lastmod>{day.isoformat()}</lastmod>" if day else ""


def urlset_bytes(urls: Sequence[SitemapUrl]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    for url in urls:
        lines.append(f"  <url><loc>{escape(url.loc)}</loc>{_lastmod(url.lastmod)}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def index_bytes(sitemaps: Sequence[SitemapUrl]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    for sitemap in sitemaps:
        lines.append(
            f"  <sitemap><loc>{escape(sitemap.loc)}</loc>{_lastmod(sitemap.lastmod)}</sitemap>"
        )
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(sitemap: str | None) -> str:
    """Everything may be crawled; the sitemap's absolute URL when there is one."""
    text = "User-agent: *\nAllow: /\n"
    return text + (f"\nSitemap: {sitemap}\n" if sitemap else "")
