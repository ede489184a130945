"""The command line: the build summary, progress only on a terminal, -q/-v and --help everywhere.

Projects here use extract_entities: false (front matter only), so no model is loaded.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet import extract
from broadsheet.build import build, extract_all
from broadsheet.cli import main
from broadsheet.config import Config
from broadsheet.model import Problem
from broadsheet.report import ProgressDisplay, grouped, problem_kind
from paths import write_files

NO_NLP = "extract_entities: false\n"


def article(headline: str, date: str | None = "2020-01-02", extra: str = "") -> str:
    dated = f"date: {date}\n" if date else ""
    return f"---\nheadline: {headline}\n{dated}byline: Jane Doe\n{extra}---\nBody text.\n"


@pytest.fixture
def project(make_project) -> Path:
    return make_project(
        {
            "site.yaml": NO_NLP,
            "content/a.md": article("One", extra="people: [Rand Paul]\n"),
            "content/b.md": article("Two", date=None),
            "content/c.md": article("Three", date=None, extra="tags: [x]\n"),
            "content/d.md": article("Four", date=None),
        }
    )


def test_build_prints_a_one_screen_summary(project: Path):
    result = CliRunner().invoke(main, ["build", "-p", str(project)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Built 4 articles into ")
    assert " files, " in lines[0] and " s: " in lines[0]
    pages = next(line for line in lines if line.startswith("Pages: "))
    assert "4 article" in pages and "1 person" in pages and "1 home" in pages
    assert "0 errors, 4 warnings:" in result.stdout
    assert "    3× no date" in lines
    assert "    1× unknown front-matter key … is ignored" in lines
    # each problem is also printed as it is found, on stderr
    assert "content/b.md: warning: no date" in result.stderr


def test_summary_counts_errors_and_exit_code_is_1(project: Path):
    (project / "content" / "broken.md").write_text("---\ndate: 2020-01-01\n---\nNo headline.\n")
    result = CliRunner().invoke(main, ["build", "-p", str(project)])
    assert result.exit_code == 1
    assert "1 error, 4 warnings:" in result.stdout
    assert "1× no headline" in result.stdout


def test_clean_build_says_so(make_project):
    project = make_project({"site.yaml": NO_NLP, "content/a.md": article("One")})
    result = CliRunner().invoke(main, ["build", "-p", str(project)])
    assert result.exit_code == 0
    assert "No errors, no warnings." in result.stdout


def test_no_progress_output_when_stderr_is_not_a_terminal(project: Path):
    result = CliRunner().invoke(main, ["build", "-p", str(project)])
    assert "Rendering pages" not in result.output and "Finding entities" not in result.output
    assert "\r" not in result.output and "\x1b" not in result.output


def test_quiet_hides_warnings_keeps_errors_and_summary(project: Path):
    (project / "content" / "broken.md").write_text("---\ndate: 2020-01-01\n---\nNo headline.\n")
    result = CliRunner().invoke(main, ["build", "-q", "-p", str(project)])
    assert "warning:" not in result.stderr
    assert "content/broken.md:1: error: no headline" in result.stderr
    assert "Built 4 articles" in result.stdout


def test_verbose_prints_notes(make_project):
    project = make_project(
        {
            "site.yaml": NO_NLP,
            "content/a.md": article("A", extra="people: [Rand Paul, Ron Paul]\n"),
            "content/b.md": article("B", extra="people: [Paul]\n"),
        }
    )
    quiet = CliRunner().invoke(main, ["build", "-p", str(project)])
    loud = CliRunner().invoke(main, ["build", "-v", "-p", str(project)])
    assert "info:" not in quiet.stderr
    assert "info: 'Paul' could be any of" in loud.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_after_a_moment():
    now = [0.0]
    out = FakeTerminal()
    display = ProgressDisplay(enabled=True, file=out, clock=lambda: now[0], delay=0.5)
    display("render", 0, 100)
    display("render", 10, 100)
    assert out.getvalue() == ""  # quick work: no bar at all
    now[0] = 1.0
    display("render", 50, 100)
    assert "Rendering pages" in out.getvalue() and "50/100" in out.getvalue()
    display("render", 100, 100)
    assert "100/100" in out.getvalue() and out.getvalue().endswith("\n")


def test_progress_disabled_draws_nothing():
    out = FakeTerminal()
    display = ProgressDisplay(enabled=False, file=out, clock=lambda: 10.0, delay=0)
    display("extract", 5, 10)
    display("extract", 10, 10)
    assert out.getvalue() == ""


def test_build_reports_render_progress(project: Path):
    # counted in plan units (an article's page, an entity's pages and feed, ...), whose number
    # is known before any page is planned
    calls: list[tuple[str, int, int]] = []
    result = build(project, progress=lambda *call: calls.append(call))
    total = calls[0][2]
    entities = len(result.archive.entities) if result.archive else 0
    assert total >= result.articles + entities
    assert calls[0] == ("render", 0, total)
    assert calls[-1] == ("render", total, total)
    assert [done for _, done, _ in calls] == list(range(total + 1))


def test_pages_render_while_the_rest_are_still_being_planned(tmp_path: Path, monkeypatch):
    # The plan is not listed in full before the first page goes to be rendered: that held
    # every page in memory and left the workers idle while the whole site was planned.
    import dataclasses

    import broadsheet.build as build_module

    events: list[str] = []
    render, plan_units = build_module.render_and_place, build_module.plan_units

    def recording_render(*args, **kwargs):
        events.append("render")
        return render(*args, **kwargs)

    def recording_plan(*args, **kwargs):
        def planned(unit):
            def pages():
                events.append("plan")
                yield from unit.pages()

            return dataclasses.replace(unit, pages=pages)

        return [planned(unit) for unit in plan_units(*args, **kwargs)]

    monkeypatch.setattr(build_module, "render_and_place", recording_render)
    monkeypatch.setattr(build_module, "plan_units", recording_plan)
    articles = {
        f"content/story-{n}.md": f"---\nheadline: Story {n}\ndate: 2024-01-{n % 28 + 1:02d}\n"
        f"people: []\norganizations: []\nplaces: []\n---\nText of story {n}.\n"
        for n in range(80)  # pages enough for several chunks of CHUNK
    }
    build(write_files(tmp_path, articles), workers=1, progress=lambda *call: None)
    assert "plan" in events[events.index("render") :]  # units planned after the first render


def test_extraction_reports_progress_in_chunks(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(extract, "extract_mentions", lambda texts, nlp: [() for _ in texts])
    monkeypatch.setattr(extract, "pipeline_fingerprint", lambda nlp: "fake-model")
    calls: list[tuple[str, int, int]] = []
    texts = [f"text {i}" for i in range(150)]
    found = extract_all(
        texts, Config(), tmp_path, nlp=object(), progress=lambda *c: calls.append(c)
    )
    assert found == [()] * 150
    assert calls == [("extract", done, 150) for done in (0, 32, 64, 96, 128, 150)]
    calls.clear()
    extract_all(texts, Config(), tmp_path, nlp=object(), progress=lambda *c: calls.append(c))
    assert calls == []  # all from the cache: nothing to wait for


def test_problem_kinds_group_messages():
    assert problem_kind("no date: add 'date: YYYY-MM-DD' (Markdown)") == "no date"
    assert (
        problem_kind("unknown front-matter key 'tags' is ignored; did you mean 'date'?")
        == "unknown front-matter key … is ignored"
    )
    assert (
        problem_kind("slug 'a' is already used by content/x/a.md; this article is at 'a-2'")
        == "slug … is already used by …"
    )
    problems = [Problem("a", "no date: x", None, None, "warning")] * 12 + [
        Problem(f"f{i}", f"kind {i}", None, None, "warning") for i in range(6)
    ]
    lines = grouped(problems, limit=3)
    assert lines[0] == "12× no date"
    assert lines[1] == " 1× kind 0"
    assert lines[-1] == "… and 4 more of 4 other kinds"


MY_COMMANDS = ("build", "ingest", "serve", "check", "init", "new")


@pytest.mark.parametrize("command", MY_COMMANDS)
def test_every_command_has_help_quiet_and_verbose(command: str):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "-q, --quiet" in result.output and "-v, --verbose" in result.output


def test_usage_errors_exit_2(tmp_path: Path):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--no-such-option"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2
    assert runner.invoke(main, ["check", "-p", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["new", "Headline", "-p", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["serve", "-p", str(tmp_path)]).exit_code == 2


def test_readme_documents_every_command_and_option():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    for name in MY_COMMANDS:
        command = main.commands[name]
        assert f"broadsheet {name} " in section, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in section, (name, opt)
