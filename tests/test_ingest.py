"""`broadsheet ingest`: raw text → reviewed Markdown, and the round trip back to the same site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.bodytext import body_text, paragraphs_to_html
from broadsheet.build import build
from broadsheet.cli import main
from broadsheet.frontmatter import split
from broadsheet.ingest import markdown_escape
from broadsheet.parse import markdown_to_html
from sitecheck import site_files

TRICKY = [
    "Plain words.",
    "# Not a heading",
    "1. Not a list",
    "- not a bullet * or _emphasis_ or `code`",
    "+ plus",
    "> not a quote",
    "AT&T and &amp; and &#169; stay literal",
    "<script>alert(1)</script> <b>tags</b> are text",
    "[not a link](http://example.org) and ![not an image](x.png) and [^1]",
    r"back\slash \* \\",
    "{: .attr } braces {#id}",
    "2018. A year, not a list.",
    "trailing spaces   ",
    "Washington, D.C., and U.S. officials -- said \"quotes\" 'single' …",
]


@pytest.mark.parametrize("text", TRICKY)
def test_markdown_escape_renders_back_to_the_same_text(text):
    expected = body_text(paragraphs_to_html([text.strip()])).text
    got = body_text(markdown_to_html(markdown_escape(text.strip()), False)).text
    assert got == expected


@pytest.mark.slow
def test_ingest_then_build_equals_building_the_raw_file(tmp_path: Path, nlp, seed_text):
    from paths import SEED

    raw = tmp_path / "raw"
    (raw / "content").mkdir(parents=True)
    shutil.copy(SEED, raw / "content" / SEED.name)
    build(raw, nlp=nlp)

    md = tmp_path / "md"
    (md / "content").mkdir(parents=True)
    result = CliRunner().invoke(main, ["ingest", "--project", str(md), str(SEED)])
    assert result.exit_code == 0, result.output
    written = md / "content" / "rand-paul-moscow.md"
    assert "created: content/rand-paul-moscow.md" in result.output
    doc = split(written.read_text(), str(written))
    assert doc.meta["headline"].startswith("Sen. Rand Paul meets")
    assert doc.meta["byline"] == "Patrick Reevell"
    assert str(doc.meta["date"]) == "2018-08-06"
    assert "Rand Paul" in doc.meta["people"] and "Paul" not in doc.meta["people"]
    assert "Moscow" in doc.meta["places"]
    assert doc.meta["slug"] == "rand-paul-moscow"
    build(md, nlp=nlp)
    assert site_files(md / "site") == site_files(raw / "site")


@pytest.mark.slow
def test_ingest_never_overwrites_and_only_adds_missing_keys(tmp_path: Path, nlp, seed_text):
    from paths import SEED

    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    shutil.copy(SEED, project / "content" / "seed.txt")
    existing = project / "content" / "seed.md"
    existing.write_text(
        "---\nheadline: Editor's own headline\npeople: [Rand Paul]\n---\nEditor's body.\n"
    )
    result = CliRunner().invoke(
        main, ["ingest", "-p", str(project), str(project / "content" / "seed.txt")]
    )
    assert result.exit_code == 0, result.output
    assert "updated: content/seed.md" in result.output
    doc = split(existing.read_text(), "seed.md")
    assert doc.meta["headline"] == "Editor's own headline"
    assert doc.meta["people"] == ["Rand Paul"]
    assert doc.meta["byline"] == "Patrick Reevell" and "places" in doc.meta
    assert doc.body.strip() == "Editor's body."
    again = CliRunner().invoke(
        main, ["ingest", "-p", str(project), str(project / "content" / "seed.txt")]
    )
    assert "unchanged: content/seed.md" in again.output
    # The build reads the reviewed Markdown, not the raw file beside it.
    result = build(project, nlp=nlp)
    assert result.articles == 1
    assert (project / "site" / "articles" / "seed" / "index.html").is_file()


def test_ingest_refuses_markdown(tmp_path: Path):
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    md = project / "content" / "a.md"
    md.write_text("---\nheadline: H\n---\nx")
    result = CliRunner().invoke(main, ["ingest", "-p", str(project), str(md)])
    assert result.exit_code == 1 and "raw text" in result.output
