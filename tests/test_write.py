from pathlib import Path

import pytest

from broadsheet.write import OutputError, check_output_dir, safe_join, write_tree


def test_writes_new_site_and_removes_stale_files(tmp_path: Path):
    out = tmp_path / "site"
    write_tree([("index.html", b"one"), ("old/index.html", b"stale")], out)
    write_tree([("index.html", b"two")], out)
    assert (out / "index.html").read_bytes() == b"two"
    assert not (out / "old").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temp folders left


def test_failure_mid_write_keeps_the_previous_site(tmp_path: Path):
    out = tmp_path / "site"
    write_tree([("index.html", b"good")], out)

    def broken():
        yield "index.html", b"half"
        raise RuntimeError("template exploded")

    with pytest.raises(RuntimeError):
        write_tree(broken(), out)
    assert (out / "index.html").read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../b", ""])
def test_paths_cannot_escape_the_output(tmp_path: Path, rel):
    with pytest.raises(OutputError):
        safe_join(tmp_path, rel)


def test_two_pages_on_one_path_is_an_error(tmp_path: Path):
    with pytest.raises(OutputError, match="two pages"):
        write_tree([("a.html", b"1"), ("a.html", b"2")], tmp_path / "site")


def test_output_may_not_replace_project_or_content(tmp_path: Path):
    with pytest.raises(OutputError):
        check_output_dir(tmp_path, tmp_path, tmp_path / "content")
    with pytest.raises(OutputError):
        check_output_dir(tmp_path / "content", tmp_path, tmp_path / "content")
    check_output_dir(tmp_path / "site", tmp_path, tmp_path / "content")
