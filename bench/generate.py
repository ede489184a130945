"""Synthetic news archives for the benchmark, written as a Broadsheet, a Hugo and a Pelican site.

    python bench/generate.py --n 300 --out /tmp/archive            # all three sites
    python bench/generate.py --n 300 --out /tmp/archive --tool hugo

The archive is a pure function of (n, seed): the same arguments give the same bytes. Each
article has a headline, a byline of 1-2 authors (a pool of ~n/20), a date between 2019 and 2024,
3-12 people (a pool of ~n/2 invented "First Last" names), 2-6 organizations (~n/20) and 1-4
places (~n/40), and a ~800-word Markdown body with paragraphs, quotes ('"...," Surname said.'),
a bullet list and `##` sub-heads that names every listed entity: people by full name first and by
surname after. Within one article no two people share a surname.

The same articles are written three ways (see bench/README.md for what differs):

- Broadsheet: `content/articles/<slug>.md` with front matter, and a `site.yaml`.
- Hugo: `content/articles/<slug>.md` with taxonomies authors/people/organizations/places (plus
  years/months for the date archives), `hugo.toml` and a minimal theme in `layouts/`.
- Pelican: `content/<slug>.md` with Pelican metadata (people, organizations and places all become
  tags: Pelican has no other taxonomies), `pelicanconf.py` and a minimal theme in `theme/`.

Only the standard library is used, so the generator runs in any Python 3.11.
"""

# ruff: noqa: E501 (the themes below are HTML templates, kept one element a line)

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from names import (
    FIRST_NAMES,
    ORG_FIELDS,
    ORG_FORMS,
    ORG_STEMS,
    PLACE_ENDINGS,
    PLACE_QUALIFIERS,
    PLACE_STEMS,
    ROLES,
    SURNAMES,
    TOPICS,
    WEEKDAYS,
)

TOOLS = ("broadsheet", "hugo", "pelican")
DEFAULT_SEED = 5
FIRST_DATE = date(2019, 1, 1)
DAYS = (date(2024, 12, 31) - FIRST_DATE).days + 1
PER_PAGE = 20  #: home page and date archives (Broadsheet's per_page default)
ENTITY_PER_PAGE = 50  #: person/organization/place/author pages (Broadsheet's default)


@dataclass(frozen=True)
class Person:
    first: str
    last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Article:
    index: int
    slug: str
    headline: str
    byline: tuple[str, ...]
    date: date
    people: tuple[Person, ...]
    organizations: tuple[str, ...]
    places: tuple[str, ...]
    body: str

    @property
    def people_names(self) -> list[str]:
        return [p.name for p in self.people]


@dataclass(frozen=True)
class Pools:
    people: tuple[Person, ...]
    authors: tuple[str, ...]
    organizations: tuple[str, ...]
    places: tuple[str, ...]


# ---------------------------------------------------------------- pools


def _unique_people(rng: random.Random, count: int) -> list[Person]:
    """`count` distinct invented people: every First Last pair in a shuffled order, then (only
    for very large pools) double-barrelled surnames."""
    plain = [Person(f, s) for f in FIRST_NAMES for s in SURNAMES]
    rng.shuffle(plain)
    out = plain[:count]
    seen = {p.name for p in out}
    while len(out) < count:
        a, b = rng.sample(SURNAMES, 2)
        person = Person(rng.choice(FIRST_NAMES), f"{a}-{b}")
        if person.name not in seen:
            seen.add(person.name)
            out.append(person)
    return out


def _unique(rng: random.Random, count: int, make) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        name = make(rng)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _place(rng: random.Random) -> str:
    return rng.choice(PLACE_QUALIFIERS) + rng.choice(PLACE_STEMS) + rng.choice(PLACE_ENDINGS)


def _organization(rng: random.Random) -> str:
    return f"{rng.choice(ORG_STEMS)} {rng.choice(ORG_FIELDS)} {rng.choice(ORG_FORMS)}"


def pool_sizes(n: int) -> dict[str, int]:
    return {
        "people": max(30, n // 2),
        "authors": max(3, n // 20),
        "organizations": max(10, n // 20),
        "places": max(10, n // 40),
    }


def make_pools(n: int, seed: int) -> Pools:
    rng = random.Random(f"pools-{seed}-{n}")
    sizes = pool_sizes(n)
    humans = _unique_people(rng, sizes["people"] + sizes["authors"])
    return Pools(
        people=tuple(humans[: sizes["people"]]),
        authors=tuple(p.name for p in humans[sizes["people"] :]),
        organizations=tuple(_unique(rng, sizes["organizations"], _organization)),
        places=tuple(_unique(rng, sizes["places"], _place)),
    )


# ---------------------------------------------------------------- text

SENTENCES = (
    "The {thing} has divided opinion in {place} for months.",
    "Officials at {org} said the {thing} would be reviewed again before the end of the year.",
    "{person} has pushed for the {thing} since taking on the role, according to colleagues.",
    "Residents of {place} packed a meeting hall on {weekday} evening to hear the details.",
    "Figures released by {org} show costs rising by {pct} percent over {years} years.",
    "{person} said the numbers had been checked twice and would be published in full.",
    "The proposal now goes to a committee, which is expected to vote within {weeks} weeks.",
    "Critics say the {thing} was rushed and that {place} was not properly consulted.",
    "A report commissioned by {org} found that {pct} percent of those surveyed supported it.",
    "Supporters argue that the {thing} will bring {num} jobs to the region.",
    "{person} declined to comment on the timetable when reached by phone on {weekday}.",
    "The dispute has drawn in {org}, which has its own stake in the outcome.",
    "Documents seen by this newspaper show the {thing} was first discussed in {year}.",
    "In {place}, shopkeepers said they had heard little about the plan until this week.",
    "{person} and others met privately with representatives of {org} last month.",
    "The last comparable project in {place} ran {pct} percent over budget.",
    "Neither side expects a quick resolution, and further hearings are scheduled.",
    "Turnout at the public consultation was the highest in {years} years, organizers said.",
    "{org} has set aside {num} thousand dollars for an independent review of the {thing}.",
    "Several residents said they would wait to see the final figures before deciding.",
    "The {thing} is one of {num} projects competing for the same pool of funding.",
    "{person} told reporters that the talks had been constructive but unfinished.",
    "A spokesperson for {org} said the organization remained committed to the process.",
    "Traffic around {place} is expected to be affected while the work is carried out.",
)
QUOTES = (
    "We have listened carefully and we are not going to rush this",
    "This is about whether families in {place} can rely on the service",
    "Nobody should be surprised by these numbers",
    "The {thing} was never going to be cheap, but it was always going to be necessary",
    "We will keep asking questions until we get straight answers",
    "I think the people of {place} deserve better than this",
    "There is still time to get the {thing} right",
    "Our members are ready to talk, but not at any price",
    "We were told one thing in public and another in private",
    "The decision is ours to make, and we will make it in the open",
    "Every month of delay costs money that could be spent elsewhere",
    "It is too early to say what the final bill will be",
)
SUBHEADS = (
    "What happens next",
    "A long dispute",
    "The cost",
    "Reaction in {place}",
    "Questions remain",
    "Behind the numbers",
    "The view from {place}",
    "A divided council",
)
BULLETS = (
    "A public hearing on the {thing} is scheduled for {weekday}.",
    "{org} will publish its review within {weeks} weeks.",
    "The estimated cost has risen to {num} million dollars.",
    "About {pct} percent of respondents backed the plan.",
    "Construction would begin no earlier than {year}.",
    "The committee meets again on {weekday} morning.",
    "Objections can be filed for another {weeks} weeks.",
    "{place} would be the first town in the region to adopt it.",
)
HEADLINES = (
    "{Place} council approves {thing} after long debate",
    "{Org} backs {thing} in {place}",
    "Questions grow over {thing} in {place}",
    "{Place} residents push back on {thing}",
    "Vote on {thing} delayed as {org} seeks review",
    "Cost of {thing} in {place} rises again",
    "{Org} and {place} reach deal on {thing}",
    "Inquiry opens into {thing} in {place}",
)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Writer:
    """Fills templates, naming each entity in full first and (people) by surname after."""

    def __init__(self, rng: random.Random, article: dict) -> None:
        self.rng = rng
        self.a = article
        self.named: set[str] = set()
        self.finishing = False  #: long enough: only naming the entities still unnamed
        self.todo = (
            [("person", p) for p in article["people"]]
            + [("org", o) for o in article["organizations"]]
            + [("place", p) for p in article["places"]]
        )

    def _pick(self, kind: str):
        pending = [v for k, v in self.todo if k == kind]
        if pending:
            value = pending[0]
            self.todo.remove((kind, value))
            return value
        pool = {
            "person": self.a["people"],
            "org": self.a["organizations"],
            "place": self.a["places"],
        }[kind]
        return self.rng.choice(pool)

    def person(self, person: Person) -> str:
        if person.name in self.named:
            return person.last
        self.named.add(person.name)
        return person.name

    def fill(self, template: str) -> str:
        r = self.rng
        values = {
            "thing": self.a["thing"],
            "weekday": r.choice(WEEKDAYS),
            "pct": r.randint(3, 85),
            "years": r.randint(2, 20),
            "weeks": r.randint(2, 12),
            "num": r.randint(12, 900),
            "year": r.randint(2005, 2018),
        }
        if "{person}" in template:
            values["person"] = self.person(self._pick("person"))
        if "{org}" in template or "{Org}" in template:
            values["org"] = values["Org"] = self._pick("org")
        if "{place}" in template or "{Place}" in template:
            values["place"] = values["Place"] = self._pick("place")
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def quote(self, person: Person | None = None) -> str:
        """A quote from `person`, or from someone already named (by surname) or not yet named
        (introduced in full), half and half while anyone is still to be named."""
        if person is None:
            named = [p for p in self.a["people"] if p.name in self.named]
            pending = any(k == "person" for k, _ in self.todo)
            if named and (not pending or (not self.finishing and self.rng.random() < 0.5)):
                person = self.rng.choice(named)
            else:
                person = self._pick("person")
        said = self.fill(self.rng.choice(QUOTES))
        if person.name in self.named:
            return f'"{said}," {person.last} said.'
        self.named.add(person.name)
        role = self.rng.choice(ROLES)
        org = self._pick("org")
        return f'"{said}," said {person.name}, {role} at {org}.'

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.fill(self.rng.choice(SENTENCES)) for _ in range(sentences))

    def body(self, target_words: int) -> str:
        r = self.rng
        first = self._pick("person")
        self.named.add(first.name)
        lead = (
            f"{first.name}, {r.choice(ROLES)} at {self._pick('org')}, said on "
            f"{r.choice(WEEKDAYS)} that the {self.a['thing']} in {self._pick('place')} "
            "would go ahead despite objections."
        )
        blocks = [lead, self.paragraph(3), self.quote(first), self.paragraph(4)]
        words = sum(len(b.split()) for b in blocks)
        section = 0
        while words < target_words or self.todo:
            self.finishing = words >= target_words
            section += 1
            new = [f"## {self.fill(r.choice(SUBHEADS))}", self.paragraph(r.randint(3, 5))]
            if section % 2 == 1:
                items = r.sample(BULLETS, r.randint(3, 5))
                new.append("\n".join(f"- {self.fill(b)}" for b in items))
            new += [self.quote(), self.paragraph(r.randint(3, 5))]
            if r.random() < 0.5:
                new.append(self.quote())
            blocks += new
            words += sum(len(b.split()) for b in new)
        return "\n\n".join(blocks) + "\n"


def _distinct_surnames(rng: random.Random, pool: tuple[Person, ...], k: int) -> list[Person]:
    chosen: list[Person] = []
    surnames: set[str] = set()
    while len(chosen) < k:
        p = rng.choice(pool)
        if p.last not in surnames:
            surnames.add(p.last)
            chosen.append(p)
    return chosen


def make_article(i: int, pools: Pools, seed: int) -> Article:
    rng = random.Random(f"article-{seed}-{i}")
    people = _distinct_surnames(rng, pools.people, rng.randint(3, 12))
    orgs = rng.sample(pools.organizations, rng.randint(2, 6))
    places = rng.sample(pools.places, rng.randint(1, 4))
    byline = rng.sample(pools.authors, rng.choice((1, 1, 1, 2)))
    thing = rng.choice(TOPICS[rng.choice(sorted(TOPICS))])
    published = FIRST_DATE + timedelta(days=rng.randrange(DAYS))
    headline = rng.choice(HEADLINES).format(
        thing=thing, place=places[0], Place=places[0], org=orgs[0], Org=orgs[0]
    )
    headline = headline[0].upper() + headline[1:]
    writer = _Writer(
        rng, {"people": people, "organizations": orgs, "places": places, "thing": thing}
    )
    body = writer.body(rng.randint(660, 760))
    return Article(
        index=i,
        slug=f"{slugify(headline)}-{i + 1}",
        headline=headline,
        byline=tuple(byline),
        date=published,
        people=tuple(people),
        organizations=tuple(orgs),
        places=tuple(places),
        body=body,
    )


def make_archive(n: int, seed: int = DEFAULT_SEED) -> tuple[Pools, list[Article]]:
    pools = make_pools(n, seed)
    return pools, [make_article(i, pools, seed) for i in range(n)]


# ---------------------------------------------------------------- edits (for the benchmark)


def edit_body(article: Article, round_: int) -> Article:
    """The same article with one paragraph added (a different one each round)."""
    extra = (
        f"Update {round_ + 1}: this article was corrected after publication to add a comment "
        f"from {article.people[0].last}, who said the {round_ + 1} figures were provisional."
    )
    return replace(article, body=article.body + "\n" + extra + "\n")


def edit_people(article: Article, pools: Pools, round_: int) -> Article:
    """The same article with its last person swapped for another from the pool (a different one
    each round; the body is unchanged, so the new person is listed but not named in the text)."""
    rng = random.Random(f"edit-people-{article.index}-{round_}")
    surnames = {p.last for p in article.people[:-1]}
    while True:
        candidate = rng.choice(pools.people)
        if candidate not in article.people and candidate.last not in surnames:
            break
    return replace(article, people=(*article.people[:-1], candidate))


# ---------------------------------------------------------------- writers


def _yaml(value) -> str:
    """JSON is valid YAML: every string quoted, no surprises from colons or apostrophes."""
    return json.dumps(value, ensure_ascii=False)


def broadsheet_file(a: Article) -> tuple[str, str]:
    text = (
        "---\n"
        f"headline: {_yaml(a.headline)}\n"
        f"byline: {_yaml(list(a.byline))}\n"
        f"date: {a.date.isoformat()}\n"
        f"people: {_yaml(a.people_names)}\n"
        f"organizations: {_yaml(list(a.organizations))}\n"
        f"places: {_yaml(list(a.places))}\n"
        "---\n" + a.body
    )
    return f"content/articles/{a.slug}.md", text


def hugo_file(a: Article) -> tuple[str, str]:
    text = (
        "---\n"
        f"title: {_yaml(a.headline)}\n"
        f"date: {a.date.isoformat()}\n"
        f"authors: {_yaml(list(a.byline))}\n"
        f"people: {_yaml(a.people_names)}\n"
        f"organizations: {_yaml(list(a.organizations))}\n"
        f"places: {_yaml(list(a.places))}\n"
        f"years: {_yaml([a.date.strftime('%Y')])}\n"
        f"months: {_yaml([a.date.strftime('%Y-%m')])}\n"
        "---\n" + a.body
    )
    return f"content/articles/{a.slug}.md", text


def pelican_file(a: Article) -> tuple[str, str]:
    tags = [*a.people_names, *a.organizations, *a.places]
    text = (
        f"Title: {a.headline}\n"
        f"Date: {a.date.isoformat()}\n"
        f"Slug: {a.slug}\n"
        f"Authors: {', '.join(a.byline)}\n"
        f"Category: News\n"
        f"Tags: {', '.join(tags)}\n"
        "\n" + a.body
    )
    return f"content/{a.slug}.md", text


ARTICLE_FILE = {"broadsheet": broadsheet_file, "hugo": hugo_file, "pelican": pelican_file}


def write_article(tool: str, root: Path, article: Article) -> Path:
    rel, text = ARTICLE_FILE[tool](article)
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


BROADSHEET_SITE_YAML = f"""\
# Synthetic benchmark archive (bench/generate.py). Defaults otherwise, extraction included.
title: Benchmark archive
per_page: {PER_PAGE}
entity_per_page: {ENTITY_PER_PAGE}
# Hugo and Pelican build no search index: the same set of pages means none here either
# (bench/README.md, "How the three sites differ").
search: false
"""

HUGO_CONFIG = f"""\
# Synthetic benchmark archive (bench/generate.py).
baseURL = "https://example.org/"
title = "Benchmark archive"
languageCode = "en"
relativeURLs = true
# Like Broadsheet: a 404 page, robots.txt, sitemap.xml, a feed for the home page and for each
# term (person, organization, place, author; years/months opt out in their _index.md), and no
# /articles/ section list (Broadsheet's article list is the home page).
disableKinds = ["section"]
enableRobotsTXT = true
summaryLength = 50

[outputs]
home = ["html", "rss"]
page = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]

[services.rss]
limit = 20

[pagination]
pagerSize = {PER_PAGE}
path = "page"
disableAliases = true

[taxonomies]
author = "authors"
person = "people"
organization = "organizations"
place = "places"
year = "years"
month = "months"
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{ .Title }} | {{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav>{{ range slice "people" "organizations" "places" "authors" "years" }}<a href="{{ printf "%s/" . | relURL }}">{{ . | title }}</a> {{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_partials/card.html": """\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "authors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}
<div>{{ .Summary }}</div></li>
""",
    "_partials/pager.html": """\
{{ if gt .TotalPages 1 }}<nav class="pager">
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
Page {{ .PageNumber }} of {{ .TotalPages }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
</nav>{{ end }}
""",
    "home.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ $pager := .Paginate (where site.RegularPages "Section" "articles") }}
<ul>{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}</ul>
{{ partial "pager.html" $pager }}{{ end }}
""",
    "single.html": """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006" }}</time> By
{{ range .GetTerms "authors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
{{ range slice "people" "organizations" "places" }}<h2>{{ . | title }}</h2>
<ul>{{ range $.GetTerms . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}{{ partial "card.html" . }}{{ end }}</ul>{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ if eq .Data.Plural "years" }}<h2>Months</h2>
<ul>{{ range site.Taxonomies.months.Alphabetical.Reverse }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Page not found</h1>
<p><a href="{{ "/" | relURL }}">Latest articles</a></p>{{ end }}
""",
    "term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $size := cond (in (slice "years" "months") .Data.Plural) %d %d }}
{{ $pager := .Paginate .Pages $size }}
<ul>{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}</ul>
{{ partial "pager.html" $pager }}{{ end }}
""".replace("%d %d", f"{PER_PAGE} {ENTITY_PER_PAGE}"),
}

# Year and month pages have no feeds (Broadsheet's archive pages have none), and the /months/
# overview is not rendered: /years/ lists years and months together, like Broadsheet's /archive/.
HUGO_YEARS_INDEX = """\
---
title: Years
cascade:
  outputs: ["html"]
---
"""
HUGO_MONTHS_INDEX = """\
---
title: Months
build:
  render: never
cascade:
  outputs: ["html"]
---
"""

PELICAN_CONFIG = f"""\
# Synthetic benchmark archive (bench/generate.py).
AUTHOR = ""
SITENAME = "Benchmark archive"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
RELATIVE_URLS = True
SUMMARY_MAX_LENGTH = 50

# Feeds like Broadsheet's: the site's, and one per tag (person, organization, place) and author,
# 20 entries each, summaries only. RSS rather than Atom: Pelican's Atom feeds always carry the
# full text, its RSS feeds can carry only the summary (as Broadsheet's Atom and Hugo's RSS do).
FEED_ALL_ATOM = None
FEED_ALL_RSS = "feed.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = "authors/{{slug}}/feed.xml"
TAG_FEED_RSS = "tags/{{slug}}/feed.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

# A 404 page and robots.txt, like Broadsheet's.
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["extra/robots.txt"]
EXTRA_PATH_METADATA = {{"extra/robots.txt": {{"path": "robots.txt"}}}}

# Every article is in one category; no category pages (Broadsheet has no categories).
DEFAULT_CATEGORY = "News"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "authors", "archives"]

ARTICLE_URL = "articles/{{slug}}/"
ARTICLE_SAVE_AS = "articles/{{slug}}/index.html"
TAG_URL = "tags/{{slug}}/"
TAG_SAVE_AS = "tags/{{slug}}/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHOR_URL = "authors/{{slug}}/"
AUTHOR_SAVE_AS = "authors/{{slug}}/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
ARCHIVES_URL = "archive/"
ARCHIVES_SAVE_AS = "archive/index.html"
YEAR_ARCHIVE_URL = "archive/{{date:%Y}}/"
YEAR_ARCHIVE_SAVE_AS = "archive/{{date:%Y}}/index.html"
MONTH_ARCHIVE_URL = "archive/{{date:%Y}}/{{date:%m}}/"
MONTH_ARCHIVE_SAVE_AS = "archive/{{date:%Y}}/{{date:%m}}/index.html"

DEFAULT_PAGINATION = {PER_PAGE}
PAGINATED_TEMPLATES = {{
    "index": {PER_PAGE},
    "tag": {ENTITY_PER_PAGE},
    "author": {ENTITY_PER_PAGE},
    "period_archives": {PER_PAGE},
}}
PAGINATION_PATTERNS = (
    (1, "{{url}}", "{{save_as}}"),
    (2, "{{base_name}}/page/{{number}}/", "{{base_name}}/page/{{number}}/index.html"),
)

# The content cache, as a site that cares about rebuild time would set it. A cold benchmark
# run deletes cache/ first.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "mtime"
"""

PELICAN_THEME = {
    "templates/base.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="{{ SITEURL }}/theme/style.css"></head>
<body>
<header><a href="{{ SITEURL }}/">{{ SITENAME }}</a>
<nav><a href="{{ SITEURL }}/tags/">People, organizations, places</a>
<a href="{{ SITEURL }}/authors/">Authors</a> <a href="{{ SITEURL }}/archive/">Archive</a></nav>
</header>
<main>{% block content %}{% endblock %}</main>
</body>
</html>
""",
    "templates/_card.html": """\
<li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a> <time>{{ article.locale_date }}</time>
{% for author in article.authors %}<a href="{{ SITEURL }}/{{ author.url }}">{{ author }}</a> {% endfor %}
<div>{{ article.summary }}</div></li>
""",
    "templates/_list.html": """\
{% extends "base.html" %}
{% block title %}{{ list_title }} | {{ SITENAME }}{% endblock %}
{% block content %}<h1>{{ list_title }}</h1>
<ul>{% for article in articles_page.object_list %}{% include "_card.html" %}{% endfor %}</ul>
{% if articles_paginator.num_pages > 1 %}<nav class="pager">
{% if articles_previous_page %}<a rel="prev" href="{{ SITEURL }}/{{ articles_previous_page.url }}">Newer</a>{% endif %}
Page {{ articles_page.number }} of {{ articles_paginator.num_pages }}
{% if articles_next_page %}<a rel="next" href="{{ SITEURL }}/{{ articles_next_page.url }}">Older</a>{% endif %}
</nav>{% endif %}{% endblock %}
""",
    "templates/index.html": '{% set list_title = SITENAME %}{% extends "_list.html" %}\n',
    "templates/tag.html": '{% set list_title = tag.name %}{% extends "_list.html" %}\n',
    "templates/author.html": '{% set list_title = author.name %}{% extends "_list.html" %}\n',
    "templates/category.html": '{% set list_title = category.name %}{% extends "_list.html" %}\n',
    "templates/period_archives.html": (
        "{% set list_title = period | reverse | join(' ') %}{% extends \"_list.html\" %}\n"
    ),
    "templates/article.html": """\
{% extends "base.html" %}
{% block title %}{{ article.title }} | {{ SITENAME }}{% endblock %}
{% block content %}<article><h1>{{ article.title }}</h1>
<p><time>{{ article.locale_date }}</time> By
{% for author in article.authors %}<a href="{{ SITEURL }}/{{ author.url }}">{{ author }}</a> {% endfor %}</p>
{{ article.content }}
<h2>Named</h2>
<ul>{% for tag in article.tags %}<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a></li>{% endfor %}</ul>
</article>{% endblock %}
""",
    "templates/page.html": """\
{% extends "base.html" %}
{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}
""",
    "templates/_terms.html": """\
{% extends "base.html" %}
{% block title %}{{ terms_title }} | {{ SITENAME }}{% endblock %}
{% block content %}<h1>{{ terms_title }}</h1>
<ul>{% for term, articles in terms|sort %}<li><a href="{{ SITEURL }}/{{ term.url }}">{{ term }}</a> ({{ articles|count }})</li>{% endfor %}</ul>
{% endblock %}
""",
    "templates/tags.html": (
        "{% set terms_title = 'People, organizations, places' %}{% set terms = tags %}"
        '{% extends "_terms.html" %}\n'
    ),
    "templates/authors.html": (
        "{% set terms_title = 'Authors' %}{% set terms = authors %}{% extends \"_terms.html\" %}\n"
    ),
    "templates/categories.html": (
        "{% set terms_title = 'Categories' %}{% set terms = categories %}"
        '{% extends "_terms.html" %}\n'
    ),
    "templates/archives.html": """\
{% extends "base.html" %}
{% block title %}Archive | {{ SITENAME }}{% endblock %}
{% block content %}<h1>Archive</h1>
{% for granularity in ["year", "month"] %}<ul>
{% for archive in period_archives[granularity]|reverse %}<li><a href="{{ SITEURL }}/{{ archive.url }}">{{ archive.period|reverse|join(' ') }}</a> ({{ archive.articles|count }})</li>{% endfor %}
</ul>{% endfor %}{% endblock %}
""",
}

PELICAN_404 = """\
Title: Page not found
Slug: 404
Save_as: 404.html
Status: hidden

[Latest articles](/)
"""
ROBOTS_TXT = "User-agent: *\nAllow: /\n"

STYLE_CSS = "body{font:16px/1.5 Georgia,serif;max-width:42rem;margin:auto;padding:1rem}\n"


def write_site(tool: str, root: Path, articles: list[Article]) -> Path:
    """Write one tool's site for `articles` into `root` (created; existing files replaced)."""
    root.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    if tool == "broadsheet":
        files["site.yaml"] = BROADSHEET_SITE_YAML
    elif tool == "hugo":
        files["hugo.toml"] = HUGO_CONFIG
        files["content/years/_index.md"] = HUGO_YEARS_INDEX
        files["content/months/_index.md"] = HUGO_MONTHS_INDEX
        files["static/style.css"] = STYLE_CSS
        for name, text in HUGO_LAYOUTS.items():
            files[f"layouts/{name}"] = text
    elif tool == "pelican":
        files["pelicanconf.py"] = PELICAN_CONFIG
        files["theme/static/style.css"] = STYLE_CSS
        files["content/pages/404.md"] = PELICAN_404
        files["content/extra/robots.txt"] = ROBOTS_TXT
        for name, text in PELICAN_THEME.items():
            files[f"theme/{name}"] = text
    else:
        raise ValueError(f"unknown tool {tool!r}")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    for article in articles:
        write_article(tool, root, article)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="articles (default 300)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True, help="folder for <tool>/ sites")
    parser.add_argument("--tool", choices=(*TOOLS, "all"), default="all")
    args = parser.parse_args(argv)
    _, articles = make_archive(args.n, args.seed)
    for tool in TOOLS if args.tool == "all" else (args.tool,):
        print(write_site(tool, args.out / tool, articles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
