"""The build as a whole: bad input is reported and skipped, --strict stops, the old site survives.

These use extract_entities: false (front matter only) so they need no model and run fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from broadsheet.build import build
from broadsheet.cli import main
from broadsheet.config import Config
from broadsheet.load import read_ahead
from broadsheet.render import make_environment

NO_NLP = "extract_entities: false\n"
GOOD = (
    "---\nheadline: Good story\ndate: 2020-01-02\nbyline: Jane Doe\npeople: [Rand Paul]\n---\n"
    "Rand Paul spoke.\n"
)


def test_one_broken_article_does_not_stop_the_rest(make_project):
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/good.md": GOOD,
            "content/broken.md": "---\nheadline: [oops\n---\nbody\n",
            "content/empty.txt": "",
            "content/binary.txt": b"\x00\x01\x02PNG",
        }
    )
    result = build(project)
    errors = {p.path: p for p in result.errors}
    assert set(errors) == {"content/broken.md", "content/empty.txt", "content/binary.txt"}
    assert errors["content/broken.md"].line == 2
    assert "empty" in errors["content/empty.txt"].message
    assert "binary" in errors["content/binary.txt"].message
    assert (project / "site" / "articles" / "good" / "index.html").is_file()
    assert (project / "site" / "people" / "rand-paul" / "index.html").is_file()


def test_cli_exit_code_says_something_failed_and_strict_writes_nothing(make_project):
    project = make_project({"site.yaml": NO_NLP, "content/good.md": GOOD})
    runner = CliRunner()
    ok = runner.invoke(main, ["build", "-p", str(project)])
    assert ok.exit_code == 0, ok.output
    assert "Built 1 articles" in ok.output
    before = (project / "site" / "index.html").read_bytes()

    (project / "content" / "broken.md").write_text("---\ndate: 2020-01-01\n---\nNo headline.\n")
    (project / "content" / "zz-later.md").write_text(GOOD.replace("Good story", "Later"))
    failed = runner.invoke(main, ["build", "-p", str(project)])
    assert failed.exit_code == 1
    assert "content/broken.md:1: error: no headline" in failed.output

    strict = runner.invoke(main, ["build", "--strict", "-p", str(project)])
    assert strict.exit_code == 1 and "nothing was written" in strict.output
    # the strict run stopped before writing: the site is the previous (non-strict) build
    assert (project / "site" / "articles" / "zz-later" / "index.html").is_file()
    assert before != b""


def test_not_a_project_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["build", "-p", str(tmp_path)])
    assert result.exit_code == 2 and "no content/ folder" in result.output


def test_drafts_only_with_flag(make_project):
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/d.md": GOOD + "",
            "content/x.md": "---\nheadline: Secret\ndraft: true\n---\nx\n",
        }
    )
    build(project)
    assert not (project / "site" / "articles" / "x").exists()
    build(project, drafts=True)
    assert (project / "site" / "articles" / "x" / "index.html").is_file()


def test_duplicate_slugs_both_kept_and_reported(make_project):
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/a/story.md": GOOD,
            "content/b/story.md": GOOD.replace("Good story", "Other"),
        }
    )
    result = build(project)
    assert (project / "site" / "articles" / "story" / "index.html").is_file()
    assert (project / "site" / "articles" / "story-2" / "index.html").is_file()
    assert any("already used by content/a/story.md" in p.message for p in result.warnings)


def test_raw_text_variants_build(make_project):
    crlf = (
        "\ufeff\r\n\r\nHeadline A\r\n\r\nBy Jane Doe, ABC News\r\n\r\n2018-08-06\r\n\r\nBody.\r\n"
    )
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/crlf.txt": crlf.encode("utf-8"),
            "content/latin1.txt": "Caf\xe9 story\n\nJune 1, 2019\n\nBody caf\xe9.".encode(
                "latin-1"
            ),
        }
    )
    result = build(project)
    assert result.errors == []
    assert any(p.path == "content/latin1.txt" and "UTF-8" in p.message for p in result.warnings)
    html = (project / "site" / "articles" / "crlf" / "index.html").read_text()
    assert '<h1 class="headline">Headline A</h1>' in html and "Jane Doe" in html
    assert '<time datetime="2018-08-06"' in html


def test_content_is_escaped_everywhere(make_project):
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    project = make_project(
        {
            "site.yaml": NO_NLP + "title: 'T <b>x</b>'\n",
            "content/e.md": f"---\nheadline: '{evil}'\nbyline: '{evil}'\npeople: ['{evil}']\n"
            f"summary: '{evil}'\n---\nbody <script>alert(3)</script>\n",
        }
    )
    build(project)
    for file in (project / "site").rglob("*.html"):
        text = file.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text, file
        assert "<b>x</b>" not in text


def test_project_templates_override_the_theme_file_by_file(make_project):
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/g.md": GOOD,
            "templates/article.html": "{{ article.headline }} OVERRIDDEN\n",
            "templates/static/extra.css": "body{}",
        }
    )
    build(project)
    assert (project / "site/articles/g/index.html").read_text() == "Good story OVERRIDDEN\n"
    assert "<main" in (project / "site/index.html").read_text()  # others from the default theme
    assert (project / "site/static/style.css").is_file()
    assert (project / "site/static/extra.css").is_file()


def test_url_in_a_theme_macro_links_from_the_page_being_rendered(make_project):
    # url() is each page's own function (render.links_from); a macro imported with context, and
    # a loop inside it, see the page's.
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/g.md": GOOD,
            "templates/links.html": "{% macro links(targets) %}"
            "{% for t in targets %}{{ url(t) }};{% endfor %}{% endmacro %}",
            "templates/article.html": '{% from "links.html" import links with context %}'
            '{{ links(["people/x/", "static/style.css"]) }}|{{ url("") }}\n',
        }
    )
    build(project)
    assert (project / "site/articles/g/index.html").read_text() == (
        "../../people/x/;../../static/style.css;|../../\n"
    )


def test_the_url_filter_links_like_url_in_pages_and_in_macros(make_project):
    # `{{ t | url }}` (what the default theme writes) is url(t): in a page, and in a loop of a
    # macro imported with context
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/g.md": GOOD,
            "templates/links.html": "{% macro links(targets) %}"
            "{% for t in targets %}{{ t | url }};{% endfor %}{% endmacro %}",
            "templates/article.html": '{% from "links.html" import links with context %}'
            '{{ links(["people/x/", "static/style.css"]) }}|{{ "" | url }}|'
            '{{ ("people/" ~ "y/") | url }}|{{ url("people/z/") }}\n',
        }
    )
    build(project)
    assert (project / "site/articles/g/index.html").read_text() == (
        "../../people/x/;../../static/style.css;|../../|../../people/y/|../../people/z/\n"
    )


@pytest.mark.parametrize("link", ["{{ t | url }}", "{{ url(t) }}"])
def test_a_link_in_a_macro_imported_without_context_is_from_the_page(make_project, link):
    # Jinja's {% from %} imports without context by default (the default theme does, so its
    # macros are made once): links there still go from the page being rendered
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/g.md": GOOD,
            "templates/links.html": "{% macro plain(t) %}" + link + "{% endmacro %}",
            "templates/article.html": '{% from "links.html" import plain %}{{ plain("x/") }}\n',
        }
    )
    build(project)
    assert (project / "site/articles/g/index.html").read_text() == "../../x/\n"


def test_url_outside_a_page_render_says_so(tmp_path: Path):
    env = make_environment(tmp_path, Config())
    with pytest.raises(jinja2.TemplateRuntimeError, match="no page is being rendered"):
        env.from_string("{{ 'x/' | url }}").render()


def test_build_py_is_broadsheet_build(make_project, tmp_path: Path):
    from paths import REPO

    project = make_project({"site.yaml": NO_NLP, "content/g.md": GOOD})
    run = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--project", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert (project / "site" / "articles" / "g" / "index.html").is_file()


def test_articles_that_list_all_their_entities_need_no_model(make_project):
    """Front matter with people, organizations and places: the model is never loaded (a
    missing one would fail), and every occurrence of the names is still linked."""
    project = make_project(
        {
            "site.yaml": "spacy_model: no_such_model_installed\n",
            "content/a.md": "---\nheadline: H\ndate: 2020-01-02\npeople: [Rand Paul]\n"
            "organizations: [Cato Institute]\nplaces: [United States]\n---\n"
            "Sen. Rand Paul spoke at the Cato Institute. Paul left the U.S. on Monday.\n",
        }
    )
    result = build(project)
    assert result.errors == []
    html = (project / "site/articles/a/index.html").read_text()
    for text, href in [
        ("Rand Paul", "people/rand-paul/"),
        ("Paul", "people/rand-paul/"),
        ("Cato Institute", "organizations/cato-institute/"),
        ("U.S.", "places/united-states/"),
    ]:
        assert f'href="../../{href}" class="mention' in html.split(f">{text}</a>")[0][-200:], text


def test_output_does_not_depend_on_the_number_of_workers(sample_project, nlp):
    """Parsing and rendering on a pool of processes give the same bytes as one process."""
    from sitecheck import site_files

    build(sample_project, nlp=nlp, workers=1, overrides={"output_dir": "one"})
    result = build(sample_project, nlp=nlp, workers=2, overrides={"output_dir": "two"})
    assert result.errors == []
    one, two = site_files(sample_project / "one"), site_files(sample_project / "two")
    assert one == two and len(one) > 100


def test_a_pool_build_imports_ahead_on_a_thread_done_with_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the workers parse, the main process imports what resolution needs on a thread
    (build.import_ahead), joined before parsing ends; a build without a pool does not."""
    import broadsheet.build as build_module

    project = tmp_path / "site"
    (project / "content").mkdir(parents=True)
    for n in range(40):
        (project / "content" / f"story-{n}.md").write_text(
            f"---\nheadline: Story {n}\npeople: [Ada Lovelace]\n---\nAda Lovelace spoke.\n"
        )
    ran_on: list[threading.Thread] = []
    monkeypatch.setattr(
        build_module, "import_ahead", lambda: ran_on.append(threading.current_thread())
    )
    threads = threading.active_count()
    build(project, workers=1, overrides={"output_dir": "one"})
    assert ran_on == []
    build(project, workers=2, overrides={"output_dir": "two"})
    assert len(ran_on) == 1 and ran_on[0] is not threading.main_thread()
    assert not ran_on[0].is_alive() and threading.active_count() == threads


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_the_files_the_workers_will_read_are_asked_for_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build on a pool asks the system to read every content file the workers will read, in
    their order, on a thread (load.read_ahead); a FIFO or a missing file does not stop it."""

    project = tmp_path / "site"
    (project / "content").mkdir(parents=True)
    for n in range(40):
        (project / "content" / f"story-{n:02d}.md").write_text(
            f"---\nheadline: Story {n}\n---\nThe council met.\n"
        )
    advised: list[tuple[str, threading.Thread]] = []
    real_advise = os.posix_fadvise

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_WILLNEED
        advised.append((os.readlink(f"/proc/self/fd/{fd}"), threading.current_thread()))
        real_advise(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", advise)
    build(project, workers=2)
    files = sorted(str((project / "content" / f"story-{n:02d}.md").resolve()) for n in range(40))
    assert [os.path.realpath(name) for name, _ in advised] == files
    assert all(thread is not threading.main_thread() for _, thread in advised)
    advised.clear()
    build(project, workers=2)  # nothing for the workers to read: nothing asked for
    assert advised == []
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    read_ahead([fifo, tmp_path / "gone.md", project / "content" / "story-01.md"])
    assert len(advised) == 2
