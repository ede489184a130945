"""The repo's sample archive, built end to end: cross-article pages, registry, JSON twins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet.build import build
from sitecheck import broken_links, page, section_names, site_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory, nlp):
    import shutil

    from paths import REPO

    project = tmp_path_factory.mktemp("sample")
    for name in ("content", "data"):
        shutil.copytree(REPO / name, project / name)
    result = build(project, nlp=nlp)
    return project, result


def test_builds_cleanly(sample):
    _, result = sample
    assert result.errors == []
    assert result.articles >= 7


def test_people_named_in_several_articles_have_one_page_listing_them_all(sample):
    project, _ = sample
    site = project / "site"
    soup = page(site, "people/elena-marsh/")
    headlines = [a.get_text() for a in soup.select(".mentions .card-headline a")]
    assert len(headlines) >= 4
    # registry description and alias merge ("Ellie Marsh" is the same person)
    assert "Mayor" in soup.select_one(".lede").get_text()
    assert "Ellie Marsh" not in section_names(site, "people")


def test_people_sharing_a_surname_are_kept_apart(sample):
    project, _ = sample
    people = section_names(project / "site", "people")
    assert {"Elena Marsh", "David Marsh"} <= set(people)
    david = page(project / "site", "people/david-marsh/")
    assert len(david.select(".mentions .card")) == 1
    assert "Marsh" not in people


def test_registry_alias_merges_acronym_into_organization(sample):
    project, _ = sample
    orgs = section_names(project / "site", "organizations")
    assert "Halden General Hospital Trust" in orgs
    assert "HGHT" not in orgs


def test_drafts_are_not_published(sample):
    project, _ = sample
    site = project / "site"
    assert not list(site.glob("articles/*ferry*"))
    assert "Greyshore" not in (site / "api" / "articles.json").read_text()


def test_json_twins(sample):
    project, _ = sample
    api = project / "site" / "api"
    articles = json.loads((api / "articles.json").read_text())
    assert {"headline", "byline", "date", "url", "people", "organizations", "places"} <= set(
        articles[0]
    )
    dates = [a["date"] for a in articles]
    assert dates == sorted(dates, reverse=True)
    people = json.loads((api / "people.json").read_text())
    marsh = next(p for p in people if p["name"] == "Elena Marsh")
    assert marsh["url"] == "people/elena-marsh/" and len(marsh["articles"]) >= 4
    for kind in ("organizations", "places"):
        assert json.loads((api / f"{kind}.json").read_text())


def test_indexes_and_archives(sample):
    project, _ = sample
    site = project / "site"
    for section in ("people", "organizations", "places", "authors"):
        soup = page(site, f"{section}/")
        assert soup.select(".az a"), section
    archive = page(site, "archive/")
    years = [h.a.get_text() for h in archive.select(".year h2")]
    assert years == sorted(years, reverse=True) and {"2024", "2025"} <= set(years)
    assert (site / "archive" / "2025" / "03" / "index.html").is_file()


def test_no_broken_links(sample):
    project, _ = sample
    assert broken_links(project / "site") == []


def test_same_input_gives_byte_identical_output(sample, nlp, tmp_path: Path):
    project, _ = sample
    first = site_files(project / "site")
    build(project, nlp=nlp)
    second = site_files(project / "site")
    assert first == second
    assert any(name.startswith("pagefind/fragment/") for name in first)


def test_base_url_sub_path_gives_absolute_canonical_and_relative_links(sample, nlp):
    project, _ = sample
    build(
        project,
        nlp=nlp,
        overrides={"base_url": "https://news.example/archive/", "output_dir": "sub"},
    )
    soup = page(project / "sub", "people/elena-marsh/")
    assert soup.find("link", rel="canonical")["href"] == (
        "https://news.example/archive/people/elena-marsh/"
    )
    assert all(not a["href"].startswith("/") for a in soup.find_all("a", href=True))
