"""Incremental builds: a rebuild after any change gives the same bytes as a cold build.

The property test applies a seeded random sequence of edits, additions, renames and deletions
(and touches that change nothing) and after each one compares the incrementally rebuilt site
with a cold build of the same content, file by file.
"""

from __future__ import annotations

import gzip
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from broadsheet.build import build
from paths import write_files
from sitecheck import site_files

PEOPLE = [
    "Rand Paul", "Ron Paul", "Maria Butina", "Elena Marsh", "David Marsh", "Lindsey Graham",
    "Konstantin Kosachev", "Ana Ruiz", "Tom Okafor", "Sara Lind",
]  # fmt: skip
ORGS = ["Cato Institute", "Federation Council", "Harbor Trust", "Northgate Bank"]
PLACES = ["Moscow", "Kentucky", "Helsinki", "Port Halden"]
AUTHORS = ["Patrick Reevell", "June Park", "Ola Berg"]


def _article(rng: random.Random, n: int) -> str:
    people = rng.sample(PEOPLE, rng.randint(1, 4))
    orgs = rng.sample(ORGS, rng.randint(0, 2))
    places = rng.sample(PLACES, rng.randint(0, 2))
    day = f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    paragraphs = [
        f'{p} met officials of {rng.choice(ORGS)} in {rng.choice(PLACES)}. "We talked," '
        f"{p.split()[-1]} said."
        for p in people
    ]
    return (
        "---\n"
        f"headline: Story {n} about {people[0]}\n"
        f"byline: {rng.choice(AUTHORS)}\n"
        f"date: {day}\n"
        f"people: {people}\n"
        f"organizations: {orgs}\n"
        f"places: {places}\n"
        "---\n\n" + "\n\n".join(paragraphs) + "\n"
    )


def _project(
    tmp_path: Path,
    rng: random.Random,
    count: int,
    site_yaml: str = "title: Incremental\nsearch: false\n",
    extra: dict[str, str] | None = None,
) -> Path:
    """A project of `count` articles drawn from `rng` (content/story-0.md ...)."""
    files = {f"content/story-{n}.md": _article(rng, n) for n in range(count)}
    files["site.yaml"] = site_yaml
    return write_files(tmp_path / "project", {**files, **(extra or {})})


def _mutate(rng: random.Random, project: Path, serial: list[int]) -> str:
    """One random change to the content; returns what it did."""
    content = project / "content"
    files = sorted(content.glob("*.md"))
    op = rng.choice(
        [
            "edit-body",
            "edit-body-plain",
            "edit-people",
            "edit-date",
            "edit-byline",
            "edit-headline",
            "add",
            "delete",
            "rename",
            "touch",
            "registry",
            "settings",
            "template",
        ]
    )
    if op == "settings":
        per_page = rng.choice([2, 3, 5])
        (project / "site.yaml").write_text(
            f"title: Site {per_page}\nsearch: false\nper_page: {per_page}\nentity_per_page: 2\n"
        )
        return f"settings per_page={per_page}"
    if op == "template":
        override = project / "templates" / "article.html"
        if override.exists() and rng.random() < 0.5:
            override.unlink()
            return "template removed"
        override.parent.mkdir(exist_ok=True)
        override.write_text(f"{{{{ article.headline }}}} v{serial[0]}\n")
        serial[0] += 1
        return "template written"
    if op == "add" or len(files) < 3:
        serial[0] += 1
        (content / f"story-{serial[0]}.md").write_text(_article(rng, serial[0]))
        return "add"
    target = rng.choice(files)
    text = target.read_text()
    if op == "edit-body":
        target.write_text(text + f"\n{rng.choice(PEOPLE)} spoke again.\n")
    elif op == "edit-body-plain":  # names no one: the last resolution is reused
        head, _, body = text.partition("---\n\n")
        target.write_text(f"{head}---\n\nA first line, naming no one.\n\n{body}")
    elif op == "edit-people":
        line = next(x for x in text.splitlines() if x.startswith("people:"))
        target.write_text(text.replace(line, f"people: {rng.sample(PEOPLE, 2)}"))
    elif op == "edit-date":
        line = next(x for x in text.splitlines() if x.startswith("date:"))
        target.write_text(
            text.replace(line, f"date: 2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
        )
    elif op == "delete":
        target.unlink()
    elif op == "rename":
        serial[0] += 1
        target.rename(content / f"renamed-{serial[0]}.md")
    elif op == "touch":
        target.write_text(text)  # same bytes, new modification time
    elif op == "registry":  # describe, rename or merge people
        person, other = rng.sample(PEOPLE, 2)
        entry = rng.choice(
            [
                f"description: Edited {serial[0]}",
                f"aliases: [{other}]",  # merges the two people into one entity
                f"aliases: [{person.split()[-1]} Jr]",
            ]
        )
        (project / "data").mkdir(exist_ok=True)
        (project / "data" / "entities.yaml").write_text(
            f"entities:\n  - name: {person}\n    kind: person\n    {entry}\n"
        )
    elif op == "edit-byline":
        line = next(x for x in text.splitlines() if x.startswith("byline:"))
        target.write_text(text.replace(line, f"byline: {rng.choice(AUTHORS)}"))
    elif op == "edit-headline":
        line = next(x for x in text.splitlines() if x.startswith("headline:"))
        target.write_text(text.replace(line, f"{line} (updated {serial[0]})"))
    return f"{op} {target.name}"


def _cold(project: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / f"cold-{time.monotonic_ns()}"
    build(project, overrides={"output_dir": str(out)}, incremental=False)
    return site_files(out)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_changes_rebuild_to_the_cold_build(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    site_yaml = "title: Incremental\nsearch: false\nper_page: 3\nentity_per_page: 2\n"
    project = _project(tmp_path, rng, 8, site_yaml)
    serial = [100]
    build(project)
    for step in range(15):
        did = _mutate(rng, project, serial)
        result = build(project)
        assert site_files(project / "site") == _cold(project, tmp_path), (step, did)
        assert not result.errors and not result.warnings, result.problems


def test_nothing_changed_does_nothing_and_says_the_same(tmp_path: Path):
    project = _project(
        tmp_path, random.Random(9), 4, extra={"content/bad.md": "---\nheadline: [unclosed\n---\n"}
    )
    first = build(project)
    time.sleep(0.01)
    again = build(project)
    assert again.unchanged and not first.unchanged
    assert again.problems == first.problems and again.pages == first.pages
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_an_edit_writes_only_the_files_it_changes(tmp_path: Path):
    project = _project(tmp_path, random.Random(4), 12)
    build(project)
    # The spare copy the next builds update lags one build behind the site: after two builds
    # with edits, the third writes the files changed by the last two edits and no others.
    for name in ("story-3.md", "story-5.md"):
        target = project / "content" / name
        target.write_text(target.read_text() + "\nAn added closing line.\n")
        result = build(project)
    # the article pages and the listings quoting their body text; not the whole site
    assert result.written is not None and 0 < result.written < result.files / 4


def test_the_spare_shares_unchanged_files_and_never_changes_the_site(tmp_path: Path):
    project = _project(tmp_path, random.Random(7), 6)
    build(project)
    site = project / "site"

    def edit(name: str, added: str) -> None:
        story = project / "content" / name
        story.write_text(story.read_text() + added)
        build(project)

    edit("story-2.md", "\nA line added to story 2.\n")  # the spare is made: links to the site
    spare = next((project / ".broadsheet-cache" / "build").glob("*/spare"))
    page = next(rel for rel in site_files(site) if rel.startswith("articles/story-4"))
    assert (spare / page).stat().st_ino == (site / page).stat().st_ino  # one file, two names
    before = (site / page).read_bytes()
    # Now story 4 changes: its page in the spare (the site before the last build) is updated
    # and the two trade places. The file it shared with the site is replaced, never written
    # over, or the published page would have changed under readers before the swap.
    edit("story-4.md", "\nA line added to story 4.\n")
    assert b"A line added to story 4" in (site / page).read_bytes()
    assert (spare / page).read_bytes() == before
    story = project / "content" / "story-4.md"
    story.write_text(story.read_text().replace("\nA line added to story 4.\n", ""))
    build(project)
    assert site_files(site) == _cold(project, tmp_path)


def test_a_hand_edited_site_is_not_trusted(tmp_path: Path):
    project = _project(tmp_path, random.Random(5), 4)
    build(project)
    (project / "site" / "index.html").unlink()
    target = project / "content" / "story-1.md"
    target.write_text(target.read_text() + "\nMore.\n")
    build(project)
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_search_index_is_rebuilt_only_when_pages_change(tmp_path: Path):
    project = _project(tmp_path, random.Random(6), 3, "title: Incremental\n")
    build(project)
    assert (project / "site" / "pagefind" / "pagefind.js").is_file()
    target = project / "content" / "story-1.md"
    target.write_text(target.read_text().replace("Story 1", "Story One"))
    build(project)
    site = project / "site"
    fragments = (site / "pagefind" / "fragment").iterdir()
    assert any(b"Story One" in gzip.decompress(p.read_bytes()) for p in fragments)
    assert site_files(site) == _cold(project, tmp_path)


def test_the_summary_says_when_nothing_changed(tmp_path: Path):
    from click.testing import CliRunner

    from broadsheet.cli import main

    rng = random.Random(7)
    project = write_files(
        tmp_path / "project",
        {"content/story-1.md": _article(rng, 1), "site.yaml": "search: false\n"},
    )
    runner = CliRunner()
    first = runner.invoke(main, ["build", "-q", "-p", str(project)])
    again = runner.invoke(main, ["build", "-q", "-p", str(project)])
    assert first.output.startswith("Built 1 articles")
    assert again.output.startswith("Nothing changed since the last build: ")
    assert "site/ is up to date" in again.output


class _Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs."""


@pytest.mark.parametrize("change", ["content", "settings"])
def test_a_build_killed_after_its_swap_leaves_nothing_wrong_to_reuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
):
    """Killed after the new site is in place but before its state is saved: the state on disk
    describes the build before. Going back to that build's inputs must not reuse the killed
    build's pages as if they were the older ones."""
    import broadsheet.build as build_module

    project = _project(tmp_path, random.Random(8), 5, "title: Before\nsearch: false\n")
    build(project)
    story = project / "content" / "story-2.md"
    original = story.read_text()
    if change == "content":
        story.write_text(original.replace("Story 2", "Story Two"))
    else:
        (project / "site.yaml").write_text("title: After\nsearch: false\n")

    def killed(*args, **kwargs):
        raise _Killed

    with monkeypatch.context() as patch:
        patch.setattr(build_module.ParseStore, "save", killed)
        with pytest.raises(_Killed):
            build(project)
    story.write_text(original)
    (project / "site.yaml").write_text("title: Before\nsearch: false\n")
    build(project)
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_a_build_killed_before_its_state_is_saved_is_not_taken_for_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Killed after the new site and its manifests are saved (they are saved on their own,
    incremental.TREES_FILE) but before the rest of its state: going back to the inputs of the
    build before must build again, not say that nothing changed."""
    import broadsheet.incremental as incremental_module

    project = _project(tmp_path, random.Random(8), 5, "title: Before\nsearch: false\n")
    build(project)
    (project / "site.yaml").write_text("title: After\nsearch: false\n")
    write = incremental_module._write

    def killed_at_state(path: Path, value: object) -> None:
        if path.name == incremental_module.STATE_FILE:
            raise _Killed
        write(path, value)

    with monkeypatch.context() as patch:
        patch.setattr(incremental_module, "_write", killed_at_state)
        with pytest.raises(_Killed):
            build(project)
    assert "After" in (project / "site/index.html").read_text()  # the swap happened
    (project / "site.yaml").write_text("title: Before\nsearch: false\n")
    assert not build(project).unchanged
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_the_manifests_are_written_as_published_and_not_again_with_the_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """publish.publish saves the output trees' manifests as they end up (`record`); the state
    saved after them does not write them again, and the next build finds the site up to date."""
    import pickle

    import broadsheet.incremental as incremental_module

    project = _project(tmp_path, random.Random(8), 5, "search: false\n")
    build(project)
    story = project / "content" / "story-2.md"
    story.write_text(story.read_text().replace("Story 2", "Story Two"))
    written: list[object] = []
    write = incremental_module._write

    def counted(path: Path, value: object) -> None:
        if path.name == incremental_module.TREES_FILE:
            written.append(value)
        write(path, value)

    with monkeypatch.context() as patch:
        patch.setattr(incremental_module, "_write", counted)
        result = build(project)
    assert not result.unchanged and written
    state_dir = next((project / ".broadsheet-cache" / "build").iterdir())
    with (state_dir / incremental_module.TREES_FILE).open("rb") as f:
        assert pickle.load(f) == (incremental_module.STATE_FORMAT, written[-1])
    assert len(written) == len({pickle.dumps(w) for w in written})  # none written twice
    assert build(project).unchanged


def test_a_template_override_reaches_every_page_it_changes(tmp_path: Path):
    project = _project(tmp_path, random.Random(10), 3, "search: false\n")
    build(project)
    (project / "templates").mkdir()
    build(project)
    (project / "templates" / "article.html").write_text("{{ article.headline }} OVERRIDDEN\n")
    build(project)
    assert "OVERRIDDEN" in (project / "site/articles/story-1/index.html").read_text()
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_a_rebuild_uses_the_templates_the_last_build_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import jinja2

    project = _project(tmp_path, random.Random(12), 3, "search: false\n")
    build(project, workers=1)
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return compile_template(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    story = project / "content" / "story-1.md"
    story.write_text(story.read_text() + "\nA closing line.\n")
    build(project, workers=1)
    assert compiled == []
    # a template changed is compiled again, and its pages show it
    (project / "templates").mkdir()
    (project / "templates" / "article.html").write_text("{{ article.headline }} CHANGED\n")
    build(project, workers=1)
    assert compiled == ["article.html"]
    assert "CHANGED" in (project / "site/articles/story-1/index.html").read_text()


def test_templates_are_compiled_again_for_another_version_of_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # How a template compiles depends on Broadsheet's code (a filter that takes the context
    # or not, the escaping code generator), which Jinja's own cache does not check.
    from broadsheet import build as build_module

    project = _project(tmp_path, random.Random(14), 3, "search: false\n")
    build(project, workers=1)
    (folder,) = (project / ".broadsheet-cache" / "build").iterdir()
    (before,) = (folder / "templates").iterdir()
    assert before.name == build_module.code_digest().hex() and any(before.iterdir())
    monkeypatch.setattr(build_module, "code_digest", lambda: b"another version")
    build(project, workers=1)
    (after,) = (folder / "templates").iterdir()  # the other version's is gone
    assert after.name == b"another version".hex() and any(after.iterdir())


def test_a_build_leaves_no_object_frozen_from_the_garbage_collector(tmp_path: Path):
    # Loading the state freezes what it made (incremental._collector_paused); a long-running
    # `serve` must get it back into collections when the build ends.
    import gc

    project = _project(tmp_path, random.Random(13), 3, "search: false\n")
    build(project, workers=1)
    story = project / "content" / "story-1.md"
    story.write_text(story.read_text() + "\nA closing line.\n")
    build(project, workers=1)
    assert gc.get_freeze_count() == 0


def test_api_articles_json_encodes_again_only_the_articles_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import broadsheet.plan as plan

    project = _project(tmp_path, random.Random(14), 8, "search: false\n")
    build(project, workers=1)
    encoded: list[str] = []
    json_line = plan.json_line

    def counting(value):  # type: ignore[no-untyped-def]
        encoded.append(value["headline"])
        return json_line(value)

    monkeypatch.setattr(plan, "json_line", counting)
    story = project / "content" / "story-3.md"
    story.write_text(story.read_text().replace("people: [", "people: ['Nadia Quist', ", 1))
    build(project, workers=1)
    assert len(encoded) == 1 and encoded[0].startswith("Story 3 about")
    assert "Nadia Quist" in (project / "site/api/articles.json").read_text()
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_upgrading_a_package_that_shapes_the_output_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import broadsheet.incremental as incremental

    rng = random.Random(11)
    project = tmp_path / "project"
    write_files(project, {"content/story-1.md": _article(rng, 1), "site.yaml": "search: false\n"})
    build(project)
    assert build(project).unchanged
    versions = incremental.package_versions()
    upgraded = tuple((n, "99.0" if n == "markdown" else v) for n, v in versions)
    monkeypatch.setattr(incremental, "package_versions", lambda: upgraded)
    assert not build(project).unchanged


def test_nothing_changed_is_seen_whatever_the_hash_seed(tmp_path: Path):
    """Each build is a new process with its own hash seed: the settings digest must not
    depend on it (the registry holds a set)."""
    import os
    import subprocess
    import sys

    registry = "ignore: [Reuters, Associated Press, Staff, Wire]\nentities:\n  - name: Ana Ruiz\n"
    project = _project(tmp_path, random.Random(12), 3, extra={"data/entities.yaml": registry})
    outputs = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-m", "broadsheet", "build", "-p", str(project)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append(run.stdout)
    assert outputs[0].startswith("Built ")
    assert outputs[1].startswith("Nothing changed since the last build"), outputs[1]


def test_pages_rendered_on_workers_are_not_rendered_again_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A cold build renders on worker processes, where a page arrives by pickle and strings
    # that were one object are two; a small rebuild runs in one process. The pages' source
    # digests must agree, or the rebuild renders the whole site again to find it unchanged.
    import broadsheet.workers

    project = _project(tmp_path, random.Random(6), 30)
    build(project, workers=2)
    rendered: list[str] = []
    render_page = broadsheet.workers.render_page

    def counting(page, env, config):  # type: ignore[no-untyped-def]
        rendered.append(page.output)
        return render_page(page, env, config)

    monkeypatch.setattr(broadsheet.workers, "render_page", counting)
    target = project / "content" / "story-7.md"
    target.write_text(target.read_text() + "\nAn added closing line.\n")
    build(project, workers=1)
    assert "articles/story-7/index.html" in rendered
    assert len(rendered) < 20, rendered  # that article and the pages quoting it, not ~200


def _planned_urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs of the pages the builds after this call plan (render), in order."""
    import broadsheet.build

    planned: list[str] = []
    plan_changed = broadsheet.build.plan_changed

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        for page in plan_changed(*args, **kwargs):
            planned.append(page.url)
            yield page

    monkeypatch.setattr(broadsheet.build, "plan_changed", counting)
    return planned


def test_an_edit_plans_only_the_listing_pages_that_show_the_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Each page of the home page and of the archive's years and months is planned from the
    # articles it shows: an edit plans again the page listing the article, not the whole list
    # (whose pages would then be digested to find them unchanged).
    site_yaml = "title: Incremental\nsearch: false\nper_page: 2\n"
    project = _project(tmp_path, random.Random(8), 30, site_yaml=site_yaml)
    build(project, workers=1)
    planned = _planned_urls(monkeypatch)
    target = project / "content" / "story-7.md"
    target.write_text(target.read_text() + "\nAn added closing line.\n")
    build(project, workers=1)
    home = [u for u in planned if u == "" or u.startswith("page/")]
    archive = [u for u in planned if u.startswith("archive/")]
    assert len(home) == 1, planned  # of 15 home pages
    assert "story-7/" in (project / "site" / home[0] / "index.html").read_text()
    # the year page and the month page that list it; not /archive/ (the counts are the same)
    assert len(archive) == 2 and "archive/" not in archive, archive


INDEXES = ["people/", "organizations/", "places/", "authors/"]


def test_site_api_and_each_index_are_planned_again_only_when_what_they_list_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # site/api/ lists every article's headline, date, authors and entities, the A-Z indexes
    # every entity and author with its count of articles: an edit of a body that names no one
    # new leaves both as they are, without working them out again.
    project = _project(tmp_path, random.Random(8), 12)
    build(project, workers=1)
    planned = _planned_urls(monkeypatch)
    target = project / "content" / "story-7.md"
    target.write_text(target.read_text() + "\nAn added closing line.\n")
    build(project, workers=1)
    assert "articles/story-7/" in planned
    assert not [u for u in planned if u.startswith("api/") or u in INDEXES], planned

    planned.clear()
    target.write_text(target.read_text().replace("headline: Story 7", "headline: Story Seven"))
    build(project, workers=1)
    assert "api/articles.json" in planned
    assert "Story Seven" in (project / "site/api/articles.json").read_text()
    assert not [u for u in planned if u in INDEXES], planned  # the same counts

    planned.clear()
    line = next(x for x in target.read_text().splitlines() if x.startswith("people:"))
    target.write_text(target.read_text().replace(line, "people: ['Nadia Quell']"))
    build(project, workers=1)
    # the people index and site/api/'s people and articles: not those of other kinds
    assert [u for u in planned if u in INDEXES] == ["people/"], planned
    assert sorted(u for u in planned if u.startswith("api/")) == [
        "api/articles.json",
        "api/people.json",
    ]
    assert "Nadia Quell" in (project / "site/people/index.html").read_text()
    assert "Nadia Quell" in (project / "site/api/people.json").read_text()
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_a_value_digests_alike_after_a_trip_through_pickle() -> None:
    import pickle

    from broadsheet.incremental import object_digest
    from broadsheet.plan import Ref

    # An attribute name and an equal dict key are one (interned) string here; unpickled, the
    # attribute names are interned again and the dict key is not.
    value = (Ref("Ada Lovelace", "people/ada-lovelace/"), {"name": "Ada", "url": "x"})
    copied = pickle.loads(pickle.dumps(value))
    assert object_digest(copied) == object_digest(value)


def test_digests_made_with_one_pickler_are_object_digests() -> None:
    """Fingerprints keeps one pickler for many values: each digest is the value's own, in any
    order, however large the value before it was."""
    import datetime as dt

    from broadsheet.incremental import Fingerprints, object_digest
    from broadsheet.plan import Ref

    values = [
        ("Ada", b"\x00" * 16, 3, None),
        [Ref("Ada Lovelace", "people/ada-lovelace/")] * 3,
        {"big": "x" * 100_000, "date": dt.date(2024, 5, 1)},
        (),
        "Ada",
    ]
    fingerprint = Fingerprints()
    for value in [*values, *reversed(values)]:
        assert fingerprint(value) == object_digest(value)
    assert len({fingerprint(v) for v in values}) == len(values)


def _store(folder: Path, token: int, settings: bytes = b"settings"):
    from broadsheet.incremental import ParseStore

    store = ParseStore(folder, settings, token)
    return store, store.load()


def _parse_files(folder: Path) -> set[str]:
    from broadsheet.incremental import PARSED_DIR

    return {f.name for f in (folder / PARSED_DIR).iterdir()}


def test_parse_results_load_as_saved_and_unreadable_files_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import gc

    import broadsheet.incremental as incremental_module

    result = build(_project(tmp_path, random.Random(1), 5), incremental=False, keep_inputs=True)
    parsed = {f"content/{n}.md": entry for n, entry in enumerate(_parsed_entries(result))}
    assert any(e.mention_count for entry in parsed.values() for e in entry.entities[1])
    folder = tmp_path / "state"
    store, before = _store(folder, 1)
    assert before == {}
    store.save(parsed)
    assert gc.isenabled()  # the collector, paused while pickling, is back on
    asked: list[Path] = []
    monkeypatch.setattr(incremental_module, "read_ahead", asked.extend)
    assert _store(folder, 2)[1] == parsed
    assert {f.name for f in asked} == _parse_files(folder)  # all asked for before reading
    assert _store(folder, 2, b"other settings")[1] == {}
    for file in _parse_files(folder):
        (folder / "parsed" / file).write_bytes(b"not a pickle")
    assert _store(folder, 2)[1] == {}
    assert gc.isenabled()


def test_parse_results_kept_as_they_come_are_not_written_again(tmp_path: Path):
    """A chunk of results kept as pickled (by a worker) is the file that holds them; a build
    stopped before saving leaves the last build's results, and its own file goes later."""
    import pickle

    result = build(_project(tmp_path, random.Random(1), 4), incremental=False, keep_inputs=True)
    entry = _parsed_entries(result)[0]
    records = [(f"content/{n}.md", replace(entry, content_hash=str(n))) for n in range(20)]
    folder = tmp_path / "state"
    store, _ = _store(folder, 1)
    for part in (records[:16], records[16:]):
        pickled = pickle.dumps(part)
        store.keep(pickled, pickle.loads(pickled))
    kept = _parse_files(folder)
    assert len(kept) == 2
    store.save(dict(records))  # (not the entries kept: written again, the kept files go)
    assert len(_parse_files(folder)) == 1 and not kept & _parse_files(folder)
    store, loaded = _store(folder, 2)
    assert loaded == dict(records)
    pickled = pickle.dumps(records[:3])
    again = pickle.loads(pickled)
    store.keep(pickled, again)
    files = _parse_files(folder)
    assert len(files) == 2  # (named by no index yet: a stopped build's file)
    assert _store(folder, 3)[1] == dict(records)
    store.save({**loaded, **dict(again)})
    assert _parse_files(folder) == files  # the kept file is used as it is
    store, loaded = _store(folder, 4)
    assert loaded == dict(records)
    store.save(loaded)  # nothing changed: nothing written
    assert _parse_files(folder) == files
    _store(folder, 5)[0].save({})
    assert _parse_files(folder) == set()


def test_a_rebuild_writes_the_changed_results_alone_and_stale_files_are_compacted(
    tmp_path: Path,
):
    from broadsheet.incremental import SAVED_PER_FILE

    result = build(_project(tmp_path, random.Random(1), 3), incremental=False, keep_inputs=True)
    entry = _parsed_entries(result)[0]
    n = 2 * SAVED_PER_FILE
    parsed = {f"content/{i}.md": replace(entry, content_hash=str(i)) for i in range(n)}
    folder = tmp_path / "state"
    _store(folder, 1)[0].save(parsed)
    assert len(_parse_files(folder)) == 2
    token = 1

    def edit(rels: list[str]) -> tuple[set[str], set[str]]:
        nonlocal token
        token += 1
        store, loaded = _store(folder, token)
        assert loaded == parsed
        before = _parse_files(folder)
        changed = {rel: replace(entry, content_hash=f"edit {token}") for rel in rels}
        parsed.update(changed)
        store.save({**loaded, **changed})
        return before, _parse_files(folder)

    # one edit a build: one small file more each time, until the files are too many
    for number in range(1, n // 16 + 64):
        before, after = edit([f"content/{number}.md"])
        assert before < after and len(after - before) == 1
    before, after = edit(["content/0.md"])
    assert len(after) == 2 and not before & after  # all written again
    # or once more than a quarter of what they hold is stale
    before, after = edit([f"content/{i}.md" for i in range(n // 4)])
    assert len(after) == 3 and before < after
    before, after = edit(["content/300.md"])
    assert len(after) == 2 and not before & after
    assert _store(folder, token + 1)[1] == parsed


def _parsed_entries(result):
    """ParsedFile entries holding the build's articles and their entities (with mentions)."""
    from broadsheet.incremental import ParsedFile

    return [
        ParsedFile((1, 2, 3), "hash", item.article, (), (b"digest", item.entities))
        for item in result.inputs
    ]


def test_a_page_that_carries_its_source_digest_is_not_digested_again():
    # Pages of a unit with inputs carry their source digest (build.plan_changed); a worker uses
    # it as it is, without pickling the page (this one cannot be pickled at all).
    from broadsheet.plan import Page
    from broadsheet.workers import source_digest

    page = Page("a/", "article", "A", data=lambda: None, source=b"known")
    assert source_digest(page, b"settings") == b"known"


def test_an_edit_that_names_no_one_new_links_the_article_without_resolving_the_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Resolution decides the archive's entities from every article's names and mention counts:
    # an edit that leaves those as they were links the edited article alone, the rest as last
    # time. Its mentions move (a paragraph is added before them): the links must follow.
    import broadsheet.build

    project = _project(tmp_path, random.Random(8), 12)
    build(project, workers=1)
    calls: list[tuple[str, int]] = []  # (function, how many articles or tallies it was given)

    def counting(name: str, real: Any) -> Any:
        def call(*args: Any) -> Any:
            calls.append((name, len(args[0])))
            return real(*args)

        return call

    for name in ("resolve_with_links", "decide", "link_archive", "tallies_of"):
        counting_one = counting(name, getattr(broadsheet.build, name))
        monkeypatch.setattr(broadsheet.build, name, counting_one)
    target = project / "content" / "story-7.md"
    head, _, body = target.read_text().partition("---\n\n")
    target.write_text(f"{head}---\n\nA new first paragraph, naming no one.\n\n{body}")
    build(project, workers=1)
    assert calls == []
    assert site_files(project / "site") == _cold(project, tmp_path)
    calls.clear()  # (the cold build resolves)

    # One more mention of someone already named changes the tallies: what they decide is
    # decided again, and as it is the same, the edited article alone is linked again. (The
    # tallies are the last build's with the edited article counted again, not all counted.)
    first = next(p for p in PEOPLE if p in body)
    target.write_text(target.read_text() + f"\n{first} spoke again.\n")
    build(project, workers=1)
    assert [name for name, _ in calls] == ["decide"]
    assert site_files(project / "site") == _cold(project, tmp_path)
    calls.clear()

    # Someone never named before is a new entity: every article is linked again.
    text = target.read_text().replace("people: [", "people: [Zelda Quartermaine, ", 1)
    assert "Zelda" in text
    target.write_text(text + "\nZelda Quartermaine disagreed.\n")
    build(project, workers=1)
    assert [name for name, _ in calls] == ["decide", "link_archive"]
    assert calls[1] == ("link_archive", 12)
    assert site_files(project / "site") == _cold(project, tmp_path)


def test_a_rebuild_of_a_large_archive_counts_the_related_lists_on_a_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A rebuild that parses and renders in one process (a few edits) still hands the related
    lists to a worker (workers.make_helper, plan.Elsewhere), and builds what a cold build does."""
    import broadsheet.build as build_module

    project = _project(tmp_path, random.Random(3), 12)
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 10)  # "large": 10 files or more
    build(project)
    helpers, handed = [], []
    make_helper, on_pool = build_module.make_helper, build_module.on_pool

    def counting_helper():  # type: ignore[no-untyped-def]
        helpers.append(make_helper())
        return helpers[-1]

    def counting_on_pool(pool, function, *args):  # type: ignore[no-untyped-def]
        handed.append((pool, function.__name__))
        return on_pool(pool, function, *args)

    monkeypatch.setattr(build_module, "make_helper", counting_helper)
    monkeypatch.setattr(build_module, "on_pool", counting_on_pool)
    target = project / "content" / "story-4.md"
    target.write_text(target.read_text().replace("people: [", "people: [Nadia Okafor, ", 1))
    result = build(project)
    assert result.written and not result.unchanged
    assert len(helpers) == 1 and handed == [(helpers[0], "most_named_with_arrays")]
    assert len(helpers[0]) == 0  # let go once the pages were rendered
    assert site_files(project / "site") == _cold(project, tmp_path)
    target.write_text(target.read_text() + "\nA closing line.\n")
    handed.clear()
    assert build(project, workers=1).written  # asked for one process: no helper
    assert len(helpers) == 1 and handed == []
