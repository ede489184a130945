"""load: content paths as the build names them, and reading one file."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.load import read_source, relative_path
from broadsheet.model import SourceError


@pytest.mark.parametrize(
    ("path", "project", "expected"),
    [
        ("/p/content/a/b.md", "/p", "content/a/b.md"),
        ("/p/content/b.md", "/p/", "content/b.md"),
        ("/elsewhere/b.md", "/p", "/elsewhere/b.md"),
        ("/pp/content/b.md", "/p", "/pp/content/b.md"),  # a sibling sharing a prefix is outside
        ("content/b.md", ".", "content/b.md"),
    ],
)
def test_relative_path_is_pathlibs(path: str, project: str, expected: str) -> None:
    file, root = Path(path), Path(project)
    assert relative_path(file, root) == expected
    pathlib_answer = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
    assert relative_path(file, root) == pathlib_answer


def test_read_source_names_the_file_from_the_project(tmp_path: Path) -> None:
    (tmp_path / "content" / "2024").mkdir(parents=True)
    file = tmp_path / "content" / "2024" / "story.md"
    file.write_text("---\nheadline: H\n---\nBody.\n", encoding="utf-8")
    source, problems = read_source(file, tmp_path)
    assert source.path == "content/2024/story.md"
    assert source.format == "markdown"
    assert problems == []
    with pytest.raises(SourceError) as raised:
        read_source(tmp_path / "content" / "notes.doc", tmp_path)
    assert raised.value.problem.path == "content/notes.doc"
