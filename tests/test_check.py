"""`broadsheet check`: the review list, its exit codes, and that it writes no site."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.check import broken_links, link_target, run_check, uncertain_kinds
from broadsheet.cli import main
from broadsheet.model import Article, EntityKind, Mention
from broadsheet.registry import Registry, parse_registry
from broadsheet.resolve import ArticleInput, article_entities, resolve_archive

NO_NLP = "extract_entities: false\n"


def md(headline: str, body: str = "Body.", meta: str = "date: 2020-01-02\nbyline: Jane Doe\n"):
    return f"---\nheadline: {headline}\n{meta}---\n{body}\n"


def test_a_clean_project_passes_even_strict(make_project):
    project = make_project({"site.yaml": NO_NLP, "content/a.md": md("A", "See [B](../b/).")})
    (project / "content" / "b.md").write_text(md("B"))
    result = CliRunner().invoke(main, ["check", "--strict", "-p", str(project)])
    assert result.exit_code == 0, result.output
    assert "Checked 2 articles" in result.output and "0 errors, 0 warnings" in result.output
    assert not (project / "site").exists()  # nothing written


def test_review_list_errors_and_warnings(make_project):
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/a/story.md": md("Story", "Read [the other one](../missing-story/)."),
            "content/b/story.md": md("Another story"),
            "content/nobyline.md": md("No byline", meta="date: 2020-01-02\n"),
            "content/nodate.md": md("No date", meta="byline: Jane Doe\n"),
        }
    )
    result = CliRunner().invoke(main, ["check", "-p", str(project)])
    assert result.exit_code == 1
    out = result.output
    assert "Broken links (1):" in out
    assert (
        "content/a/story.md: error: link to '../missing-story/' on page /articles/story/ "
        "leads nowhere" in out
    )
    assert "Duplicate slugs (1):" in out
    assert "content/b/story.md: error: slug 'story' is also content/a/story.md's" in out
    assert "/articles/story-2/" in out
    assert "already used by" not in out  # the build's warning is replaced by the error
    assert "Articles without a byline (1):" in out and "content/nobyline.md: warning" in out
    assert "Articles without a date (1):" in out
    assert out.count("content/nodate.md: warning: no date") == 1
    assert "2 errors, 2 warnings" in out
    assert not (project / "site").exists()


def test_warnings_pass_unless_strict(make_project):
    project = make_project({"site.yaml": NO_NLP, "content/a.md": md("A", meta="byline: X\n")})
    runner = CliRunner()
    assert runner.invoke(main, ["check", "-p", str(project)]).exit_code == 0
    assert runner.invoke(main, ["check", "--strict", "-p", str(project)]).exit_code == 1
    quiet = runner.invoke(main, ["check", "-q", "-p", str(project)])
    assert "warning:" not in quiet.output and "0 errors, 1 warning" in quiet.output


def test_existing_site_is_left_alone(make_project):
    project = make_project({"site.yaml": NO_NLP, "content/a.md": md("A")})
    (project / "site").mkdir()
    (project / "site" / "mine.txt").write_text("keep")
    run_check(project)
    assert [p.name for p in (project / "site").iterdir()] == ["mine.txt"]


def test_broken_template_links_are_reported_once_with_a_count(tmp_path: Path):
    site = tmp_path / "site"
    for page in ("index.html", "a/index.html", "b/index.html"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text('<a href="a/">a</a><img src="logo.png"><a href="#x">x</a>')
    (site / "a/index.html").write_text('<a href="../">home</a><img src="../logo.png">')
    (site / "b/index.html").write_text('<link href="../logo.png"><a href="https://x.org/">x</a>')
    problems = broken_links(site)
    assert len(problems) == 1
    assert problems[0].path == "(site)"
    assert problems[0].message == (
        "link to '../logo.png' on page /a/ leads nowhere; also on 2 other pages"
    )


def test_links_resolve_against_base_href(tmp_path: Path):
    site = tmp_path / "site"
    (site / "people").mkdir(parents=True)
    (site / "people/index.html").write_text("x")
    (site / "deep/er").mkdir(parents=True)
    (site / "deep/er/404.html").write_text(
        '<base href="/"><a href="people/">ok</a><a href="gone/">broken</a>'
    )
    assert [p.message for p in broken_links(site)] == [
        "link to 'gone/' on page /deep/er/404.html leads nowhere"
    ]


@pytest.mark.parametrize(
    ("page", "url", "base", "target"),
    [
        ("articles/x/index.html", "../../people/p/", "", "people/p/index.html"),
        ("articles/x/index.html", "../../", "", "index.html"),
        ("index.html", "./", "", "index.html"),
        ("index.html", "static/style.css?v=2#top", "", "static/style.css"),
        ("index.html", "a%20b.html", "", "a b.html"),
        ("index.html", "#top", "", None),
        ("index.html", "mailto:x@example.org", "", None),
        ("index.html", "https://other.org/people/", "https://example.org/", None),
        ("index.html", "https://example.org/arc/people/", "https://example.org/arc/",
         "people/index.html"),
        ("index.html", "https://example.org/arc/", "https://example.org/arc", "index.html"),
        ("a/index.html", "/arc/people/", "https://example.org/arc/", "people/index.html"),
        ("a/index.html", "/elsewhere/", "https://example.org/arc/", ""),
        ("a/index.html", "/people/", "", "people/index.html"),
        ("a/index.html", "../../etc/passwd", "", ""),
    ],
)  # fmt: skip
def test_link_targets(page, url, base, target):
    assert link_target(page, url, base) == target


def art(path: str, declared: dict | None = None) -> Article:
    return Article(path, "h", path.split("/")[-1].removesuffix(".md"), "H", ("J",), None, None,
                   "", False, "", declared or {})  # fmt: skip


def mention(text: str, name: str, at: int, kind: EntityKind) -> Mention:
    return Mention(at, at + len(name), name, name, kind, 0, len(text))


def uncertain(items: list[tuple[Article, str, list[Mention]]], registry: Registry | None = None):
    registry = registry or Registry()
    inputs = [ArticleInput(a, t, article_entities(a, t, ms, registry)) for a, t, ms in items]
    archive, _ = resolve_archive(inputs, registry)
    return {p.path: p.message for p in uncertain_kinds(archive, inputs, registry)}


def test_uncertain_kinds_one_word_model_guesses_in_one_article():
    t1 = "Kestrel said. Harbour Quay Ltd agreed."
    t2 = "Halden spoke. Elena Marsh too."
    t3 = "Halden again."
    found = uncertain(
        [
            (art("content/one.md"), t1,
             [mention(t1, "Kestrel", 0, EntityKind.PERSON),
              mention(t1, "Harbour Quay Ltd", 14, EntityKind.ORGANIZATION)]),
            (art("content/two.md", {"people": ("Elena Marsh",)}), t2,
             [mention(t2, "Halden", 0, EntityKind.PLACE),
              mention(t2, "Elena Marsh", 14, EntityKind.PERSON)]),
            (art("content/three.md"), t3, [mention(t3, "Halden", 0, EntityKind.PLACE)]),
        ]
    )  # fmt: skip
    # Kestrel: one word, model only, one article. Harbour Quay Ltd: three words. Halden: two
    # articles. Elena Marsh: declared by the editor.
    assert list(found) == ["content/one.md"]
    assert found["content/one.md"] == (
        "'Kestrel' is filed as a person (/people/kestrel/) on thin evidence: a one-word name found "
        "only by the model, and no full name in the archive ends with it; confirm it under "
        "'people:' in the front matter, or give its kind in data/entities.yaml"
    )


def test_one_word_places_and_organizations_are_not_listed():
    text = "Moscow said. The Senate agreed."
    found = uncertain(
        [(art("content/m.md"), text,
          [mention(text, "Moscow", 0, EntityKind.PLACE),
           mention(text, "Senate", 17, EntityKind.ORGANIZATION)])]
    )  # fmt: skip
    assert found == {}


def test_uncertain_kinds_mentions_read_as_different_kinds():
    registry, problems = parse_registry(
        "entities:\n  - name: Kestrel Quay\n    aliases: [The Quay Company]\n"
    )
    assert problems == []
    text = "Kestrel Quay is busy. The Quay Company said so."
    found = uncertain(
        [(art("content/q.md"), text,
          [mention(text, "Kestrel Quay", 0, EntityKind.PLACE),
           mention(text, "The Quay Company", 22, EntityKind.ORGANIZATION)])],
        registry,
    )  # fmt: skip
    assert found["content/q.md"].startswith("'Kestrel Quay' is filed as a place")
    assert "its mentions were read as place (1) and organization (1)" in found["content/q.md"]
    registry, _ = parse_registry(
        "entities:\n  - name: Kestrel Quay\n    kind: place\n    aliases: [The Quay Company]\n"
    )
    assert uncertain(
        [(art("content/q.md"), text,
          [mention(text, "Kestrel Quay", 0, EntityKind.PLACE),
           mention(text, "The Quay Company", 22, EntityKind.ORGANIZATION)])],
        registry,
    ) == {}  # fmt: skip
