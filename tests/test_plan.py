import pytest

from broadsheet.plan import (
    Pager,
    PlanUnit,
    output_path,
    paged_url,
    planning_order,
    relative_url,
    sort_key,
)


@pytest.mark.parametrize(
    "src,dst,expected",
    [
        ("", "people/rand-paul/", "people/rand-paul/"),
        ("", "", "./"),
        ("people/rand-paul/", "articles/x/", "../../articles/x/"),
        ("people/rand-paul/page/2/", "", "../../../../"),
        ("articles/x/", "static/style.css", "../../static/style.css"),
    ],
)
def test_relative_urls(src, dst, expected):
    assert relative_url(src, dst) == expected


def test_pretty_urls_write_index_files():
    assert output_path("") == "index.html"
    assert output_path("people/rand-paul/") == "people/rand-paul/index.html"
    assert output_path("api/people.json") == "api/people.json"


def test_page_urls_are_stable():
    assert paged_url("people/x/", 1) == "people/x/"
    assert paged_url("people/x/", 3) == "people/x/page/3/"
    pager = Pager(2, 3, ("a/", "a/page/2/", "a/page/3/"))
    assert (pager.prev_url, pager.next_url) == ("a/", "a/page/3/")


def test_people_sort_by_surname_others_ignore_the():
    assert sorted(
        ["Rand Paul", "Vladimir Putin", "Maria Butina"], key=lambda n: sort_key(n, "person")
    ) == ["Maria Butina", "Rand Paul", "Vladimir Putin"]
    assert sort_key("The Cato Institute", "organization") == "cato institute"


def test_feed_sitemap_and_404_urls_are_fixed():
    from broadsheet.plan import NOT_FOUND_URL, ROBOTS_URL, feed_url, sitemap_url

    assert feed_url("") == "feed.xml"
    assert feed_url("people/rand-paul/") == "people/rand-paul/feed.xml"
    assert output_path(feed_url("authors/jane-doe/")) == "authors/jane-doe/feed.xml"
    assert (sitemap_url(), sitemap_url(2)) == ("sitemap.xml", "sitemap-2.xml")
    assert (ROBOTS_URL, NOT_FOUND_URL) == ("robots.txt", "404.html")
    assert output_path(NOT_FOUND_URL) == "404.html"


def test_machine_links_are_absolute_with_base_url_and_relative_without():
    from broadsheet.config import Config
    from broadsheet.plan import link_from

    bare, based = Config(), Config(base_url="https://x.example/news")
    assert link_from(bare, "people/a/feed.xml", "articles/b/") == "../../articles/b/"
    assert link_from(bare, "feed.xml", "articles/b/") == "articles/b/"
    assert link_from(based, "people/a/feed.xml", "articles/b/") == (
        "https://x.example/news/articles/b/"
    )


def test_discovery_pages_split_the_sitemap_but_keep_its_address(monkeypatch):
    from broadsheet import discovery
    from broadsheet.config import Config
    from broadsheet.plan import discovery_pages

    pages = [(f"p{i}/", None) for i in range(5)]
    assert [p.url for p in discovery_pages(pages, Config())] == ["robots.txt"]
    based = Config(base_url="https://x.example/")
    [sitemap, robots] = discovery_pages(pages, based)
    assert sitemap.url == "sitemap.xml" and sitemap.format == "sitemap"
    assert [u.loc for u in sitemap.data] == [f"https://x.example/p{i}/" for i in range(5)]
    assert "Sitemap: https://x.example/sitemap.xml" in robots.data
    monkeypatch.setattr(discovery, "MAX_URLS", 2)
    split = list(discovery_pages(pages, based))
    assert [p.url for p in split] == [
        "sitemap-1.xml",
        "sitemap-2.xml",
        "sitemap-3.xml",
        "sitemap.xml",
        "robots.txt",
    ]
    assert split[3].format == "sitemap-index"
    assert [u.loc for u in split[3].data] == [
        f"https://x.example/sitemap-{n}.xml" for n in (1, 2, 3)
    ]


def _people_archive(tmp_path, rng, people, articles, named, most_repeats, dated=False):
    """A built archive of `articles` articles, each declaring and naming (1 to `most_repeats`
    times each) between named[0] and named[1] of `people` people; `dated`: in three months."""
    from broadsheet.build import build
    from paths import write_files

    pool = [f"Person{i} Example{i}" for i in range(people)]
    files = {"site.yaml": "search: false\n"}
    for n in range(articles):
        chosen = rng.sample(pool, rng.randint(*named))
        body = " ".join(f"{p} spoke." for p in chosen for _ in range(rng.randint(1, most_repeats)))
        date = f"date: 2024-0{1 + n % 3}-01\n" if dated else ""
        files[f"content/s{n}.md"] = f"---\nheadline: S{n}\n{date}people: {chosen}\n---\n\n{body}\n"
    return build(write_files(tmp_path / "p", files), incremental=False).archive


def test_related_entities_are_the_top_of_a_full_sort(tmp_path):
    """_Shared.related picks what counting and sorting every co-named entity would."""
    import random
    from collections import Counter

    from broadsheet.config import Config
    from broadsheet.plan import _Shared

    archive = _people_archive(tmp_path, random.Random(3), 30, 40, (2, 9), 3)
    shared = _Shared(archive, Config())
    prominence = Counter(m.entity for it in archive.articles for m in it.mentions)
    for key, entity in archive.entities.items():
        together = Counter(
            k for it in archive.articles if key in it.entities for k in it.entities if k != key
        )
        naive = sorted(
            together.items(),
            key=lambda kv: (-kv[1], -prominence[kv[0]], archive.entities[kv[0]].name),
        )[:5]
        assert [(r.name, r.count) for r in shared.related(key, 5)] == [
            (archive.entities[k].name, n) for k, n in naive
        ], entity.name


def test_prominence_counts_every_mention_whatever_the_block(tmp_path):
    """plan._prominence (mentions per entity, counted in arrays a block of articles at a time)
    agrees with counting each mention, for any block size."""
    import random
    from collections import Counter

    from broadsheet.naming import NamedIn
    from broadsheet.plan import _prominence

    archive = _people_archive(tmp_path, random.Random(5), 12, 15, (1, 5), 4)
    named = NamedIn(archive.articles, list(archive.entities))
    counted = Counter(m.entity for it in archive.articles for m in it.mentions)
    expected = {key: counted[key] for key in archive.entities}
    assert sum(expected.values()) > 15
    for block in (1, 4, 1000):
        assert _prominence(named, block) == expected


def _unit(key: str, heavier: str = "", listed: int = 1, midway: bool = False) -> PlanUnit:
    return PlanUnit(key, lambda: None, lambda: iter(()), heavier, listed, midway)  # type: ignore[arg-type]


def test_entity_pages_are_planned_among_the_articles_shortest_list_first() -> None:
    units = [
        _unit("home:1"),
        *(_unit(f"article:{n}", "planning") for n in range(6)),
        _unit("entity:big", "rendering", 4),
        _unit("entity:small", "rendering", 1),
        _unit("author:mid", "rendering", 2),
        _unit("index:people"),  # after every entity: _Shared.forget
        _unit("api:articles", midway=True),  # slow to plan: not last, while workers wait
        _unit("rest"),
    ]
    order = [units[n].key for n in planning_order(units)]
    assert sorted(order) == sorted(u.key for u in units)
    assert order[0] == "home:1" and order[-2:] == ["index:people", "rest"]
    assert order.index("api:articles") == 1 + 9 // 2  # halfway through the 9 spread out
    middle = [k for k in order[1:-2] if k != "api:articles"]
    assert [k for k in middle if k.startswith("article:")] == [f"article:{n}" for n in range(6)]
    assert [k for k in middle if not k.startswith("article:")] == [
        "entity:small",
        "author:mid",
        "entity:big",
    ]
    # spread by the articles they list: 3 of the 7 are listed before the big list, which
    # comes 3/7 of the way through the articles (between the 3rd and 4th of 6)
    assert middle.index("article:2") < middle.index("entity:big") < middle.index("article:3")
    assert middle.index("article:0") < middle.index("author:mid") < middle.index("article:1")


def test_one_process_plans_entities_after_the_others_but_before_the_indexes() -> None:
    """one_process_order (a rebuild rendering in one process): the entities' and authors'
    units, whose inputs wait for the related lists, come after the others, in page order;
    the units marked after_entities (A-Z indexes, the last unit) after them."""
    from dataclasses import replace

    from broadsheet.plan import one_process_order

    units = [
        _unit("home:1"),
        *(_unit(f"article:{n}", "planning") for n in range(3)),
        _unit("entity:a", "rendering", 4),
        _unit("author:b", "rendering", 2),
        replace(_unit("index:people"), after_entities=True),
        _unit("archive", midway=True),
        _unit("api:articles"),
        replace(_unit("rest"), after_entities=True),
    ]
    order = [units[n].key for n in one_process_order(units)]
    assert order == [
        "home:1",
        *(f"article:{n}" for n in range(3)),
        "archive",
        "api:articles",
        "entity:a",
        "author:b",
        "index:people",
        "rest",
    ]


def test_without_both_kinds_of_unit_the_page_order_is_kept() -> None:
    units = [_unit("home:1"), _unit("article:a", "planning"), _unit("rest")]
    assert planning_order(units) == [0, 1, 2]


def test_archive_pages_are_planned_with_the_entities_and_their_kept_cards(tmp_path):
    """The archive's pages of cards are planned before the A-Z indexes (which end the keeping
    of cards: _Shared.forget), and list the very cards kept for the entity pages."""
    import random

    from broadsheet.config import Config
    from broadsheet.plan import _card, _Shared, plan_units

    archive = _people_archive(tmp_path, random.Random(7), 12, 15, (1, 5), 4, dated=True)
    units = plan_units(archive, Config())
    keys = [units[n].key for n in planning_order(units)]
    listings = [u for u in units if u.key.startswith("archive:")]
    assert len(listings) == 4  # 2024, and its three months
    assert all(u.heavier == "planning" for u in listings)
    assert max(keys.index(u.key) for u in listings) < keys.index("index:people")

    shared = _Shared(archive, Config())
    item = archive.articles[0]
    kept = shared.card(item)
    assert shared.kept_card(item) is kept
    shared.forget()
    again = shared.kept_card(item)
    assert again == kept and again is not kept
    assert again == _card(item, archive)
    assert shared.kept_card(item) is not again  # not kept after forget


def test_entities_named_together_are_counted_elsewhere_once_and_alike(tmp_path):
    """With `elsewhere` (a worker, on a cold build), every entity's related list is counted by
    one call made as planning starts, and the pages are the same as without."""
    import random

    from broadsheet.config import Config
    from broadsheet.plan import plan_units

    archive = _people_archive(tmp_path, random.Random(5), 20, 30, (2, 8), 3)
    calls = []

    def elsewhere(function, *args):
        calls.append(function.__name__)
        result = function(*args)
        return lambda: result

    def pages(**options):
        units = plan_units(archive, Config(), **options)
        return [page for n in planning_order(units) for page in units[n].pages()]

    with_elsewhere = pages(elsewhere=elsewhere)
    assert calls == ["most_named_with_arrays"]
    assert with_elsewhere == pages()
    assert any(page.context.get("related") for page in with_elsewhere)


def test_an_entity_or_author_digest_covers_every_field():
    """entity_fields and author_fields (what their digests are made from) differ when any one
    field differs, so a field added to Entity or Author cannot be left out of them."""
    from dataclasses import fields, replace

    from broadsheet.model import Author, Entity, EntityKind
    from broadsheet.plan import author_fields, entity_fields

    entity = Entity(EntityKind.PERSON, "ada", "Ada", ("A.",), "About.", ("https://x",))
    author = Author("Bo Ek", "bo-ek", ("B. Ek",), "About.", ("https://y",))
    other = {
        "kind": EntityKind.PLACE,
        "slug": "ada-2",
        "name": "Ada L",
        "aliases": (),
        "description": "",
        "same_as": (),
    }
    for f in fields(Entity):
        assert entity_fields(replace(entity, **{f.name: other[f.name]})) != entity_fields(entity)
    for f in fields(Author):
        changed = replace(author, **{f.name: other.get(f.name, "Bo")})
        assert author_fields(changed) != author_fields(author), f.name


def test_an_articles_mentions_of_some_entities_are_its_mentions_filtered(tmp_path):
    """ResolvedArticle.mentions_of (how quotes get their people) keeps the mentions of the
    entities asked for, in text order, and nothing else."""
    import random

    archive = _people_archive(tmp_path, random.Random(4), 12, 20, (2, 8), 3)
    for item in archive.articles:
        some = set(item.entities[::2])
        assert item.mentions_of(some) == tuple(m for m in item.mentions if m.entity in some)
        assert item.mentions_of(set(item.entities)) == item.mentions
        assert item.mentions_of(set()) == ()


def test_api_lines_are_made_once_with_the_articles_pages(tmp_path, monkeypatch):
    """site/api/articles.json is planned after the articles, whose pages make its lines as
    they are planned: each line is made once, and the file is what it is made alone."""
    import random

    import broadsheet.plan as plan_module
    from broadsheet.config import Config
    from broadsheet.incremental import Fingerprints
    from broadsheet.plan import api_articles_page, plan_units

    archive = _people_archive(tmp_path, random.Random(6), 15, 20, (2, 6), 3, dated=True)
    made = []
    line = plan_module.api_article_line

    def counting(item, *args):  # type: ignore[no-untyped-def]
        made.append(item.article.slug)
        return line(item, *args)

    monkeypatch.setattr(plan_module, "api_article_line", counting)
    lines: dict[bytes, str] = {}
    units = plan_units(archive, Config(), Fingerprints(), lambda: lines)
    order = [units[n] for n in planning_order(units)]
    keys = [u.key for u in order]
    assert keys.index("api:articles") > max(
        n for n, key in enumerate(keys) if key.startswith("article:")
    )
    pages = {}
    for unit in order:
        if unit.key == "api:articles":  # every line is made by now
            assert sorted(made) == sorted(it.article.slug for it in archive.articles)
        pages.update((page.url, page) for page in unit.pages())
    assert len(made) == len(archive.articles)
    monkeypatch.setattr(plan_module, "api_article_line", line)
    assert pages["api/articles.json"].data == api_articles_page(archive, Config()).data
    assert len(lines) == len(archive.articles)  # (kept for the next build)
