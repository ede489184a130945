"""End to end on the seed article: the article the project was started from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from broadsheet.build import build
from paths import SEED_PEOPLE
from sitecheck import broken_links, page, section_names

pytestmark = pytest.mark.slow

PEOPLE = SEED_PEOPLE
NOT_PEOPLE = {
    "Russia",
    "Russian",
    "Russians",
    "Moscow",
    "Senate",
    "NRA",
    "Kremlin",
    "Cato Institute",
    "Federation Council",
    "Interfax",
    "Helsinki",
    "Washington",
    "Republican",
    "Republicans",
    "American",
    "Congress",
    "Ukraine",
    "Syria",
}
SHORT_FORMS = {
    "Paul": "rand-paul",
    "Kosachev": "konstantin-kosachev",
    "Trump": "donald-trump",
    "Putin": "vladimir-putin",
    "Shelby": "richard-shelby",
    "Slutsky": "leonid-slutsky",
}


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory, nlp) -> Path:
    from paths import SEED

    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    project = tmp_path_factory.mktemp("seed")
    (project / "content").mkdir()
    shutil.copy(SEED, project / "content" / SEED.name)
    result = build(project, nlp=nlp)
    assert result.errors == []
    return project / "site"


def test_headline_byline_and_date(seed_site: Path):
    soup = page(seed_site, "articles/rand-paul-moscow/")
    assert soup.h1.get_text() == (
        "Sen. Rand Paul meets Russian senators in Moscow, invites them to the US"
    )
    byline = soup.select_one(".story .by a")
    assert byline.get_text() == "Patrick Reevell"
    assert byline["href"] == "../../authors/patrick-reevell/"
    assert soup.select_one(".story time")["datetime"] == "2018-08-06"
    assert "<u>" not in str(soup.select_one(".body"))


def test_every_person_has_exactly_one_person_page(seed_site: Path):
    people = section_names(seed_site, "people")
    assert set(people) >= PEOPLE
    lone = {n for n in people if len(n.split()) == 1}
    assert not lone, f"surname-only person pages: {lone}"


def test_no_organization_place_or_nationality_has_a_person_page(seed_site: Path):
    assert not set(section_names(seed_site, "people")) & NOT_PEOPLE


def test_organizations_and_places_have_pages(seed_site: Path):
    orgs, places = section_names(seed_site, "organizations"), section_names(seed_site, "places")
    assert {"Cato Institute", "Federation Council", "Senate"} <= set(orgs)
    assert {"Moscow", "Russia", "Kentucky", "Helsinki", "Finland"} <= set(places)


def test_every_short_form_links_to_its_full_names_page(seed_site: Path):
    soup = page(seed_site, "articles/rand-paul-moscow/")
    links = soup.select(".body a.mention")
    assert len(links) > 40
    for a in links:
        text = a.get_text()
        if text in SHORT_FORMS:
            assert a["href"] == f"../../people/{SHORT_FORMS[text]}/", text
    linked = {a.get_text() for a in links}
    assert {"Paul", "Kosachev", "Trump"} <= linked


def test_person_page_lists_the_article_with_the_first_mention_sentence(seed_site: Path):
    soup = page(seed_site, "people/konstantin-kosachev/")
    assert soup.h1.get_text() == "Konstantin Kosachev"
    card = soup.select_one(".mentions .card")
    assert card.a["href"] == "../../articles/rand-paul-moscow/"
    assert card.select_one(".snippet mark").get_text() == "Konstantin Kosachev"
    related = [a.get_text() for a in soup.select(".related a")]
    assert "Rand Paul" in related


def test_site_has_no_broken_links(seed_site: Path):
    assert broken_links(seed_site) == []
