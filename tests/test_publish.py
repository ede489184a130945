"""publish.place: one file put into the tree being updated (new, replaced, or linked)."""

from pathlib import Path

import pytest

from broadsheet.incremental import digest
from broadsheet.publish import Reuse, StaleSite, place
from broadsheet.write import OutputError


def _trees(tmp_path: Path) -> tuple[Path, Path]:
    tree, output = tmp_path / "tree", tmp_path / "site"
    tree.mkdir()
    output.mkdir()
    return tree, output


def test_a_new_file_gets_its_folders(tmp_path: Path):
    tree, output = _trees(tmp_path)
    rel, entry, written = place(tree, output, "people/rand-paul/index.html", b"src", b"<p>", None)
    assert (tree / "people" / "rand-paul" / "index.html").read_bytes() == b"<p>"
    assert (rel, entry, written) == ("people/rand-paul/index.html", (b"src", digest(b"<p>"), 3), 1)
    # a second file in the same folder
    place(tree, output, "people/rand-paul/feed.xml", b"src", b"<feed/>", None)
    assert sorted(p.name for p in (tree / "people" / "rand-paul").iterdir()) == [
        "feed.xml",
        "index.html",
    ]


def test_unchanged_bytes_are_not_written(tmp_path: Path):
    tree, output = _trees(tmp_path)
    had = (b"old", digest(b"same"), 4)
    assert place(tree, output, "a/index.html", b"src", b"same", had)[2] == 0
    assert not (tree / "a").exists()


def test_changed_file_is_replaced_not_written_through_a_shared_link(tmp_path: Path):
    tree, output = _trees(tmp_path)
    (output / "index.html").write_bytes(b"published")
    (tree / "index.html").hardlink_to(output / "index.html")  # as a spare shares its files
    had = (b"src", digest(b"published"), 9)
    assert place(tree, output, "index.html", b"src", b"new", had)[2] == 1
    assert (tree / "index.html").read_bytes() == b"new"
    assert (output / "index.html").read_bytes() == b"published"
    assert [p.name for p in tree.iterdir()] == ["index.html"]  # no temporary left behind


def test_reused_file_is_linked_from_the_published_site_into_new_folders(tmp_path: Path):
    tree, output = _trees(tmp_path)
    (output / "places" / "kyiv").mkdir(parents=True)
    (output / "places" / "kyiv" / "index.html").write_bytes(b"kyiv")
    reuse = Reuse(digest(b"kyiv"), 4)
    assert place(tree, output, "places/kyiv/index.html", b"src", reuse, None)[2] == 1
    made = tree / "places" / "kyiv" / "index.html"
    assert made.read_bytes() == b"kyiv"
    assert made.stat().st_ino == (output / "places" / "kyiv" / "index.html").stat().st_ino


def test_reusing_a_file_the_published_site_lost_is_a_stale_site(tmp_path: Path):
    tree, output = _trees(tmp_path)
    with pytest.raises(StaleSite, match=r"places/gone/index\.html"):
        place(tree, output, "places/gone/index.html", b"src", Reuse(digest(b"x"), 1), None)


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../b.html", "a\\b"])
def test_paths_outside_the_tree_are_refused(tmp_path: Path, rel: str):
    tree, output = _trees(tmp_path)
    with pytest.raises(OutputError):
        place(tree, output, rel, b"src", b"x", None)
    with pytest.raises(OutputError):
        place(tree, output, rel, b"src", Reuse(digest(b"x"), 1), None)
