"""`broadsheet init` and `broadsheet new`: what they write, that it builds, that nothing is
overwritten."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.cli import main
from broadsheet.config import Config, field_docs, parse_config
from broadsheet.frontmatter import split, validate
from broadsheet.scaffold import init_project, new_article, site_yaml


def uncommented(text: str) -> str:
    """site.yaml with every setting line's '# ' removed (explanations stay comments)."""
    names = "|".join(f.name for f in fields(Config))
    return re.sub(rf"^# (({names}): )", r"\1", text, flags=re.MULTILINE)


def test_site_yaml_lists_every_setting_at_its_default_with_its_doc():
    text = site_yaml()
    config, problems = parse_config(text)
    assert problems == [] and config == Config()  # all commented out: the defaults
    config, problems = parse_config(uncommented(text))
    assert problems == [] and config == Config()  # uncommented: still exactly the defaults
    for f in fields(Config):
        assert f"\n# {f.name}: " in text, f.name
    assert field_docs()["per_page"] in " ".join(line.lstrip("# ") for line in text.splitlines())


def test_init_creates_a_project_that_builds_immediately(tmp_path: Path, nlp, monkeypatch):
    # The default settings extract entities: with the real model, loaded once for the session.
    monkeypatch.setattr("broadsheet.extract.load_pipeline", lambda name: nlp)
    runner = CliRunner()
    folder = tmp_path / "archive"
    made = runner.invoke(main, ["init", str(folder)])
    assert made.exit_code == 0, made.output
    for rel in ("site.yaml", "data/entities.yaml", "content/example.md", ".gitignore"):
        assert (folder / rel).is_file(), rel
        assert f"created: {folder / rel}" in made.output or rel in made.output
    example = (folder / "content/example.md").read_text()
    assert "Example" in example and "example article" in example

    built = runner.invoke(main, ["build", "-p", str(folder)])  # the default settings: extraction
    assert built.exit_code == 0, built.output
    assert "No errors, no warnings." in built.stdout
    assert (folder / "site/index.html").is_file()
    assert (folder / "site/articles/example/index.html").is_file()
    checked = runner.invoke(main, ["check", "--strict", "-p", str(folder)])
    assert checked.exit_code == 0, checked.output


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    folder = tmp_path / "there"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_init_force_adds_missing_files_and_overwrites_nothing(tmp_path: Path):
    folder = tmp_path / "there"
    (folder / "content").mkdir(parents=True)
    (folder / "site.yaml").write_text("title: Mine\n")
    result = CliRunner().invoke(main, ["init", "--force", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "site.yaml").read_text() == "title: Mine\n"
    assert "kept:" in result.output and "site.yaml" in result.output
    assert (folder / "data/entities.yaml").is_file()
    again = init_project(folder, force=True)
    assert not any(item.created for item in again)


def clock(iso: str):
    return lambda: dt.datetime.fromisoformat(iso)


def read_front_matter(path: Path):
    doc = split(path.read_text(encoding="utf-8"), str(path))
    fm, problems = validate(doc.meta, str(path), doc.key_lines)
    assert problems == []
    return fm


def test_new_writes_front_matter_dated_today_in_the_site_time_zone(make_project):
    project = make_project({"site.yaml": "timezone: America/New_York\n"})
    # 03:00 UTC on 1 January is still 31 December in New York
    path = new_article(
        project, "Bus drivers: vote to strike!", bylines=["Jane Doe"],
        now=clock("2025-01-01T03:00:00+00:00"),
    )  # fmt: skip
    assert path == project / "content/2024/bus-drivers-vote-to-strike.md"
    fm = read_front_matter(path)
    assert fm.headline == "Bus drivers: vote to strike!"
    assert fm.bylines == ("Jane Doe",)
    assert fm.date == dt.date(2024, 12, 31)
    assert fm.declared == ()  # people/organizations/places are commented out, not []
    text = path.read_text()
    for key in ("people", "organizations", "places"):
        assert f"\n# {key}: [" in text


def test_new_never_overwrites_and_never_reuses_a_file_name(make_project):
    project = make_project({"content/2019/strike.md": "---\nheadline: Old\n---\nold\n"})
    first = new_article(project, "Strike", date=dt.date(2025, 3, 1))
    second = new_article(project, "Strike", date=dt.date(2025, 3, 1))
    assert first == project / "content/2025/strike-2.md"  # strike.md exists in 2019
    assert second == project / "content/2025/strike-3.md"
    assert (project / "content/2019/strike.md").read_text().startswith("---\nheadline: Old")


def test_new_command_prints_the_path_and_takes_date_and_bylines(make_project):
    project = make_project({})
    result = CliRunner().invoke(
        main,
        ["new", "Harbour vote", "-p", str(project), "--date", "2023-06-07",
         "--byline", "A. Writer", "--byline", "B. Writer"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = project / "content/2023/harbour-vote.md"
    assert result.stdout.strip().endswith(str(Path("content/2023/harbour-vote.md")))
    fm = read_front_matter(path)
    assert fm.bylines == ("A. Writer", "B. Writer") and fm.date == dt.date(2023, 6, 7)


@pytest.mark.parametrize("args", [["new", "  "], ["new", "X", "--date", "7 June 2023"]])
def test_new_usage_errors(make_project, args):
    project = make_project({})
    result = CliRunner().invoke(main, [*args, "-p", str(project)])
    assert result.exit_code == 2
    assert list((project / "content").iterdir()) == []
