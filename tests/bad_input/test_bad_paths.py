"""Paths: nothing from content can write outside the output folder or read outside content/,
and every file the build writes has a name Linux, macOS and Windows all accept.

Slugs (articles, entities, authors) are ASCII [a-z0-9-], at most 80 characters, and never a
name Windows reserves for a device ("con", "nul", "com1"... get "-1"). write.safe_join refuses
any output path that is absolute or climbs with "..". Symlinks under content/ that lead out of it,
and linked folders, are skipped with a warning.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from badkit import FAST, GOOD, write_files

from broadsheet.build import build
from broadsheet.slugs import WINDOWS_RESERVED, slugify_text, stable_slug

#: Characters Windows refuses in a file name, and control characters.
BAD_CHARS = re.compile(r'[<>:"|?*\\\x00-\x1f]')
#: Whole relative path: leaves room for the output folder's own path under Windows' 260.
MAX_RELATIVE_PATH = 200


def portability_problems(site: Path) -> list[str]:
    bad = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if len(rel) > MAX_RELATIVE_PATH:
            bad.append(f"{rel}: path longer than {MAX_RELATIVE_PATH}")
        for segment in rel.split("/"):
            stem = segment.split(".")[0].lower()
            if stem in WINDOWS_RESERVED:
                bad.append(f"{rel}: '{segment}' is a reserved name on Windows")
            if BAD_CHARS.search(segment):
                bad.append(f"{rel}: '{segment}' has a character Windows refuses")
            if segment.endswith((".", " ")):
                bad.append(f"{rel}: '{segment}' ends with a dot or space")
            if len(segment.encode()) > 255:
                bad.append(f"{rel}: '{segment[:20]}...' is longer than 255 bytes")
    lower = {}
    for path in site.rglob("*"):  # macOS and Windows fold case: no two names may differ by it
        key = path.relative_to(site).as_posix().lower()
        if key in lower:
            bad.append(f"{path}: differs only in case from {lower[key]}")
        lower[key] = path
    return bad


def snapshot(root: Path, skip: tuple[str, ...]) -> dict[str, int]:
    """Every file under root (outside `skip` folders) → its size: what exists, and nothing else."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            dirnames.clear()
            continue
        for name in filenames:
            path = Path(dirpath) / name
            found[(rel / name).as_posix()] = path.lstat().st_size
    return found


HOSTILE_NAMES = [
    "Con",
    "NUL",
    "aux",
    "Com1",
    "LPT9",
    "../../etc/passwd",
    "/etc/shadow",
    "C:\\Windows\\System32",
    'a<b>c:d"e|f?g*h',
    "trailing dot.",
    "trailing space ",
    "—",
    "!!!",
    "東京",
    "ÆØÅ Ñoño",
    "x" * 300,
    "Con" + " con" * 40,
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("paths")
    project = root / "project"
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\nheadline: Secret outside\n---\nsecret\n")
    (outside / "folder").mkdir()
    (outside / "folder/inner.md").write_text("---\nheadline: Secret inner\n---\nsecret\n")
    names = ", ".join(json.dumps(n) for n in HOSTILE_NAMES)
    files: dict[str, str | bytes] = {
        "site.yaml": FAST,
        "content/good.md": GOOD,
        "content/con.md": "---\nheadline: File named con\ndate: 2020-01-01\n---\nx\n",
        "content/nul.txt": "File named nul\n\n2020-01-02\n\nBody.\n",
        "content/COM1.md": "---\nheadline: File named COM1\ndate: 2020-01-03\n---\nx\n",
        "content/a b:c?.md": "---\nheadline: Odd file name\ndate: 2020-01-04\n---\nx\n",
        "content/trailing dot..md": "---\nheadline: Dots\ndate: 2020-01-05\n---\nx\n",
        "content/names.md": "---\nheadline: Hostile names\ndate: 2020-01-06\n"
        f"people: [{names}]\norganizations: [{names}]\nplaces: [{names}]\n"
        f"byline: [{names}]\n---\nBody.\n",
    }
    for i, slug in enumerate(
        ["../../../escape", "/etc/passwd", "..", "C:\\evil", "con", "a/../../b", "x" * 500]
    ):
        files[f"content/slug-{i}.md"] = (
            f"---\nheadline: Slug {i}\ndate: 2020-02-0{i + 1}\nslug: '{slug}'\n---\nx\n"
        )
    write_files(project, files)
    (project / "content/outside-file.md").symlink_to(outside / "secret.md")
    (project / "content/outside-folder").symlink_to(outside / "folder", target_is_directory=True)
    (project / "content/loop").symlink_to(project / "content", target_is_directory=True)
    (project / "content/inside-link.md").symlink_to(project / "content/good.md")
    before = snapshot(root, skip=())
    result = build(project)
    return root, project, result, before


def test_every_written_path_is_portable(hostile_site):
    _, project, result, _ = hostile_site
    assert result.errors == []
    assert portability_problems(project / "site") == []


def test_nothing_is_written_outside_the_output_folder(hostile_site):
    root, _, _, before = hostile_site
    after = snapshot(root, skip=())
    new = {
        p
        for p in set(after) - set(before)
        if not p.startswith(("project/site/", "project/.broadsheet-cache/"))
    }
    assert new == set()
    assert {p: after[p] for p in before} == before  # nothing outside changed either


def test_slugs_from_front_matter_stay_in_articles(hostile_site):
    _, project, _, _ = hostile_site
    site = project / "site"
    articles = {p.name for p in (site / "articles").iterdir()}
    assert {"escape", "etc-passwd", "c-evil", "con-1", "a-b"} <= articles
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a) and len(a) <= 80 for a in articles)
    assert not (project / "escape").exists() and not (site.parent.parent / "escape").exists()


def test_reserved_file_and_entity_names_are_suffixed(hostile_site):
    _, project, _, _ = hostile_site
    site = project / "site"
    assert (site / "articles/con-1/index.html").is_file()  # con.md, and slug: con
    assert (site / "articles/nul-1/index.html").is_file()
    assert (site / "articles/com1-1/index.html").is_file()
    assert (site / "people/nul-1/index.html").is_file()  # people: [NUL]
    assert (site / "people/lpt9-1/index.html").is_file()
    assert (site / "authors/con-1/index.html").is_file()  # byline: [Con]
    assert (site / "authors/aux-1/index.html").is_file()


def test_links_out_of_content_are_skipped_and_reported(hostile_site):
    _, project, result, _ = hostile_site
    said = {p.path: p.message for p in result.problems}
    assert said["content/outside-file.md"] == (
        "skipped: a link to a file outside the content folder"
    )
    assert said["content/outside-folder"].startswith("skipped: a link to a folder")
    assert said["content/loop"].startswith("skipped: a link to a folder")
    headlines = " ".join(p.read_text() for p in (project / "site/articles").rglob("index.html"))
    assert "Secret outside" not in headlines and "Secret inner" not in headlines
    # a link that stays inside content/ is an article like any other
    assert (project / "site/articles/inside-link/index.html").is_file()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_slug_functions_give_safe_segments(name):
    for slug in (slugify_text(name), stable_slug(name, "person")):
        if slug:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
            assert len(slug) <= 80 and slug not in WINDOWS_RESERVED
    assert stable_slug(name, "person") == stable_slug(name, "person")


def test_output_paths_cannot_climb_out(tmp_path: Path):
    from broadsheet.write import OutputError, safe_join, write_tree

    for rel in ("../x", "/abs", "a/../../x", "a\\..\\..\\x", "", "a\x00b"):
        with pytest.raises(OutputError):
            safe_join(tmp_path, rel)
    with pytest.raises(OutputError):
        write_tree([("ok.html", b"1"), ("../escape.html", b"2")], tmp_path / "site")
    assert not (tmp_path / "escape.html").exists() and not (tmp_path / "site").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_output_dir_that_is_a_file_is_refused(make_project):
    from broadsheet.write import OutputError

    project = make_project({"site.yaml": FAST, "content/g.md": GOOD, "site": "not a folder"})
    with pytest.raises(OutputError, match="is a file"):
        build(project)
    assert (project / "site").read_text() == "not a folder"


def test_files_are_found_in_path_order_with_their_content_relative_names(tmp_path: Path):
    # Discovery works on strings; its order is still the Paths' (part by part, where "a/b.md"
    # comes before "a-b/c.md"), and problems name files under the content folder as given.
    from broadsheet.load import discover

    names = ["a-b/c.md", "a/b.md", "a/b.txt", "B.md", "a/.hidden.md", "_drafts/x.md", "a/n.yaml"]
    project = write_files(tmp_path / "p", {f"content/{n}": "text\n" for n in names})
    files, problems = discover(project, "./content/")
    assert files == sorted(project / "content" / n for n in ("a-b/c.md", "a/b.md", "B.md"))
    assert [(p.path, p.severity) for p in problems] == [("content/a/b.txt", "info")]


def test_files_are_found_with_their_stats_links_followed(tmp_path: Path):
    import os

    from broadsheet.load import discover_with_stats

    project = write_files(tmp_path / "p", {"content/a.md": "text\n", "content/b/c.md": "more\n"})
    (project / "content/link.md").symlink_to(project / "content/b/c.md")
    (project / "content/broken.md").symlink_to(project / "content/gone.md")
    found, _ = discover_with_stats(project, "content")
    stats = {file.name: stat for file, stat in found}
    assert sorted(stats) == ["a.md", "broken.md", "c.md", "link.md"]
    for name, path in [("a.md", "a.md"), ("c.md", "b/c.md"), ("link.md", "b/c.md")]:
        assert stats[name] is not None
        assert (stats[name].st_ino, stats[name].st_size, stats[name].st_mtime_ns) == (
            os.stat(project / "content" / path).st_ino,
            os.stat(project / "content" / path).st_size,
            os.stat(project / "content" / path).st_mtime_ns,
        )
    assert stats["broken.md"] is None
