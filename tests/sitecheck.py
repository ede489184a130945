"""Helpers for tests that read a built site: parse pages, follow links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


def page(site: Path, url: str) -> BeautifulSoup:
    path = site / (url + "index.html" if url == "" or url.endswith("/") else url)
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def target_of(page_file: Path, href: str) -> Path | None:
    """The file an internal href points to, or None for external links and fragments."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (page_file.parent / unquote(parts.path)).resolve()
    return target / "index.html" if href.split("#")[0].endswith("/") else target


def broken_links(site: Path) -> list[str]:
    broken = []
    for file in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link"], href=True):
            target = target_of(file, tag["href"])
            if target is not None and not target.is_file():
                broken.append(f"{file.relative_to(site)} → {tag['href']}")
    return broken


def section_names(site: Path, section: str) -> dict[str, str]:
    """Page title → URL folder for every page of one section (people, places...)."""
    names = {}
    for index in sorted((site / section).glob("*/index.html")):
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        names[soup.h1.get_text(strip=True)] = index.parent.name
    return names


#: Pagefind writes its filter and metadata indexes in an arbitrary order (upstream issue
#: Pagefind/pagefind#638: fragments are stable since 1.3, these are not). Everything else a build
#: writes, including Pagefind's fragments, must be byte-identical for the same input.
UNSTABLE_SEARCH_FILES = ("pagefind/filter/", "pagefind/pagefind-entry.json")


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site that must be reproducible, by relative path."""
    files = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or rel.startswith(UNSTABLE_SEARCH_FILES) or rel.endswith(".pf_meta"):
            continue
        files[rel] = path.read_bytes()
    return files
