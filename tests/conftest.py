"""Shared fixtures: the spaCy pipeline (loaded once), the seed article, throwaway projects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import REPO, SEED, write_files


@pytest.fixture(scope="session")
def nlp():
    from broadsheet.config import Config
    from broadsheet.extract import load_pipeline

    return load_pipeline(Config().spacy_model)


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path):
    """make_project({"content/a.md": "...", "site.yaml": "..."}) → project folder."""

    def make(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        return write_files(root or tmp_path / "project", files)

    return make


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of the repo's sample archive (content/, data/, site.yaml)."""
    project = tmp_path / "sample"
    project.mkdir()
    for name in ("content", "data"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project / name)
    if (REPO / "site.yaml").is_file():
        shutil.copy(REPO / "site.yaml", project / "site.yaml")
    return project
