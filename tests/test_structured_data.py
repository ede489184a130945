"""schema.org JSON-LD, OpenGraph and canonical links, read back from built pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet.build import build
from broadsheet.structured import to_script_json
from sitecheck import page
from test_feeds import BASE, write_project

HOSTILE = "Mayor says </script><script>alert(1)</script> & <!-- more"


def json_ld(soup) -> list[dict]:
    return [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]


def og(soup, name: str) -> str | None:
    tag = soup.find("meta", property=f"og:{name}")
    return tag["content"] if tag else None


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    project = write_project(tmp_path_factory.mktemp("ld"))
    (project / "content" / "hostile.md").write_text(
        f"---\nheadline: '{HOSTILE}'\ndate: 2023-01-01\nbyline: Jane Doe\n"
        "people: [Elena Marsh]\n---\nElena Marsh said no.\n",
        encoding="utf-8",
    )
    assert build(project).errors == []
    assert build(project, overrides={"base_url": BASE, "output_dir": "abs"}).errors == []
    return {"relative": project / "site", "absolute": project / "abs"}


def test_article_pages_carry_a_news_article(sites):
    soup = page(sites["absolute"], "articles/a1/")
    [ld] = json_ld(soup)
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["headline"] == "Harbour vote"
    assert ld["datePublished"] == "2024-02-10"
    assert ld["url"] == BASE + "articles/a1/"
    assert ld["author"] == [
        {"@type": "Person", "name": "Jane Doe", "url": BASE + "authors/jane-doe/"}
    ]
    mentions = {(m["@type"], m["name"], m["url"]) for m in ld["mentions"]}
    assert mentions == {
        ("Person", "Elena Marsh", BASE + "people/elena-marsh/"),
        ("Person", "Tomasz Wojcik", BASE + "people/tomasz-wojcik/"),
        ("Organization", "Harbour Board", BASE + "organizations/harbour-board/"),
        ("Place", "Port Halden", BASE + "places/port-halden/"),
    }
    assert ld["publisher"]["name"] == "The Test Gazette"
    timed = json_ld(page(sites["absolute"], "articles/a3/"))[0]
    assert timed["datePublished"] == "2025-06-01T09:30:00+01:00"


def test_entity_pages_carry_their_type_description_and_same_as(sites):
    [marsh] = json_ld(page(sites["absolute"], "people/elena-marsh/"))
    assert marsh == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Elena Marsh",
        "url": BASE + "people/elena-marsh/",
        "description": "Mayor of Port Halden.",
        "sameAs": ["https://example.org/people/elena-marsh"],
    }
    [board] = json_ld(page(sites["absolute"], "organizations/harbour-board/"))
    assert (
        board["@type"] == "Organization" and board["url"] == BASE + "organizations/harbour-board/"
    )
    assert "sameAs" not in board
    [place] = json_ld(page(sites["absolute"], "places/port-halden/"))
    assert place["@type"] == "Place"
    [author] = json_ld(page(sites["absolute"], "authors/jane-doe/"))
    assert author["@type"] == "Person" and author["url"] == BASE + "authors/jane-doe/"


def test_without_base_url_json_ld_urls_are_relative_to_the_page(sites):
    site = sites["relative"]
    [ld] = json_ld(page(site, "articles/a1/"))
    for ref in ld["mentions"] + ld["author"]:
        assert (site / "articles" / "a1" / ref["url"] / "index.html").resolve().is_file()
    [home] = json_ld(page(site, ""))
    assert home["@type"] == "WebSite" and home["name"] == "The Test Gazette"


def test_hostile_headline_stays_inside_the_json(sites):
    for site in sites.values():
        html = (site / "articles" / "hostile" / "index.html").read_text()
        soup = page(site, "articles/hostile/")
        scripts = soup.find_all("script")
        assert not any(
            "alert(1)" in (s.string or "") and "@context" not in s.string for s in scripts
        )
        [ld] = json_ld(soup)
        assert ld["headline"] == HOSTILE
        head = html[: html.index("</head>")]
        assert head.count("<script") == 1 and head.count("</script>") == 1
        assert "\\u003c/script\\u003e" in head
    # the same headline in entity JSON-LD (mentions list): still one script in the head
    person = (sites["absolute"] / "people" / "elena-marsh" / "index.html").read_text()
    assert person[: person.index("</head>")].count("</script>") == 1


def test_script_json_escapes_markup_but_means_the_same():
    data = {"a": "</script><!-- & \u2028", "b": ["<b>"]}
    text = to_script_json(data)
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text) == data


def test_opengraph_and_canonical(sites):
    soup = page(sites["absolute"], "articles/a1/")
    assert og(soup, "type") == "article"
    assert og(soup, "title") == "Harbour vote"
    assert og(soup, "url") == soup.find("link", rel="canonical")["href"] == BASE + "articles/a1/"
    assert og(soup, "site_name") == "The Test Gazette"
    assert og(soup, "description").startswith("Elena Marsh spoke")
    assert soup.find("meta", property="article:published_time")["content"] == "2024-02-10"
    person = page(sites["absolute"], "people/elena-marsh/")
    assert og(person, "type") == "profile"
    assert og(person, "description") == "Mayor of Port Halden."
    assert og(page(sites["absolute"], "authors/jane-doe/"), "type") == "profile"
    assert og(page(sites["absolute"], "places/port-halden/"), "type") == "website"
    home = page(sites["absolute"], "")
    assert og(home, "type") == "website" and og(home, "url") == BASE
    assert og(home, "description") == "News from a town that does not exist."
    # without base_url there is no absolute URL to give: no canonical, no og:url
    bare = page(sites["relative"], "articles/a1/")
    assert bare.find("link", rel="canonical") is None and og(bare, "url") is None
    assert og(bare, "title") == "Harbour vote"
