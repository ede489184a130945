"""The benchmark's archive generator (bench/generate.py): deterministic, and valid Broadsheet
input. No timing and no Hugo or Pelican here; the benchmark itself is `make bench`."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

from broadsheet.load import load_sources
from broadsheet.parse import parse_source
from paths import REPO

N = 5


@pytest.fixture(scope="module")
def generate():
    path = REPO / "bench" / "generate.py"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_generate", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    yield module
    sys.modules.pop("bench_generate", None)


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(generate, tmp_path):
    for tool in generate.TOOLS:
        sites = []
        for name, seed in (("a", 1), ("b", 1), ("c", 2)):
            _, articles = generate.make_archive(N, seed)
            sites.append(_digest(generate.write_site(tool, tmp_path / name / tool, articles)))
        assert sites[0] == sites[1], tool
        assert sites[0] != sites[2], tool
        assert sum(1 for path in sites[0] if path.endswith(".md")) >= N


def test_broadsheet_front_matter_is_valid_and_complete(generate, tmp_path):
    _, articles = generate.make_archive(N, 1)
    project = generate.write_site("broadsheet", tmp_path / "broadsheet", articles)
    loaded = load_sources(project, "content")
    assert not loaded.problems
    assert len(loaded.sources) == N
    by_slug = {a.slug: a for a in articles}
    for source in loaded.sources:
        parsed = parse_source(source)
        assert not parsed.problems, parsed.problems
        article = parsed.article
        expected = by_slug[article.slug]
        assert article.headline == expected.headline
        assert article.date == expected.date
        for person in expected.people:
            assert person.name in expected.body  # full name first ...
        # ... and the listed entities are exactly the front matter's
        text = source.text
        for name in (*expected.people_names, *expected.organizations, *expected.places):
            assert f'"{name}"' in text.split("\n---\n", 1)[0]


def test_articles_have_the_promised_shape(generate):
    pools, articles = generate.make_archive(40, 3)
    for a in articles:
        assert 1 <= len(a.byline) <= 2
        assert 3 <= len(a.people) <= 12
        assert 2 <= len(a.organizations) <= 6
        assert 1 <= len(a.places) <= 4
        assert len({p.last for p in a.people}) == len(a.people)  # surnames unambiguous
        assert 600 <= len(a.body.split()) <= 1300
        assert "\n## " in a.body and "\n- " in a.body and " said." in a.body
    assert set(pools.authors).isdisjoint(p.name for p in pools.people)
    edited = generate.edit_people(articles[0], pools, 0)
    assert edited.people[:-1] == articles[0].people[:-1]
    assert edited.people[-1] not in articles[0].people
    assert generate.edit_body(articles[0], 0).body != articles[0].body


def test_a_cold_run_keeps_the_site_configuration(generate, tmp_path):
    """bench/run.py's cold clean moves output and caches aside, never the site's own files."""
    path = REPO / "bench" / "run.py"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", path)
        run = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = run
        spec.loader.exec_module(run)
    finally:
        sys.path.remove(str(path.parent))
        sys.modules.pop("bench_run", None)
    _, articles = generate.make_archive(N)
    root = generate.write_site("broadsheet", tmp_path / "broadsheet", articles)
    for folder in ("site", ".site.new-1", ".site.old-2", ".broadsheet-cache/build"):
        (root / folder).mkdir(parents=True)
    (root / "site" / "index.html").write_text("old")
    trash = tmp_path / "trash"
    run.Tool("broadsheet", root).clean(trash)
    assert (root / "site.yaml").is_file() and (root / "content").is_dir()
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]
    # moved aside whole, to be deleted after the timed builds
    (moved,) = trash.iterdir()
    assert sorted(p.name for p in moved.iterdir()) == [
        "0-site", "1-.broadsheet-cache", "2-.site.new-1", "3-.site.old-2"
    ]  # fmt: skip
    assert (moved / "0-site" / "index.html").read_text() == "old"
    run.Tool("broadsheet", root).clean(trash)  # nothing left to move: nothing happens
    assert len(list(trash.iterdir())) == 1
