"""Search: a static full-text index of the built site, made by Pagefind.

Pagefind reads the finished HTML (articles carry `data-pagefind-body` and `data-pagefind-filter`
attributes for person, organization, place, author and year) and writes `pagefind/` beside the
pages. It runs on the staged output before it replaces the old site, so a published site never
has an index that belongs to other pages. Where the Pagefind binary is missing or fails, the
build goes on without search and says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SEARCH_DIR = "pagefind"
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchIndex:
    built: bool
    message: str  #: why it was not built, or Pagefind's summary


def pagefind_command() -> list[str] | None:
    """How to run Pagefind here: the PyPI package's bundled binary, else one on PATH."""
    try:
        import pagefind_bin  # noqa: F401  (the binary ships inside this package)
    except ImportError:
        found = shutil.which("pagefind") or shutil.which("pagefind_extended")
        return [found] if found else None
    return [sys.executable, "-m", "pagefind"]


def build_search_index(site: Path, language: str = "en") -> SearchIndex:
    """Index the HTML under `site` into site/pagefind/. Never raises for a missing tool."""
    command = pagefind_command()
    if command is None:
        return SearchIndex(
            False,
            "Pagefind is not installed (pip install 'pagefind[bin]'); "
            "the site is built without search",
        )
    args = [
        *command,
        "--site",
        str(site),
        "--output-subdir",
        SEARCH_DIR,
        "--quiet",
        "--force-language",
        language.split("-")[0],
    ]
    try:
        run = subprocess.run(
            args, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SearchIndex(
            False, f"Pagefind could not run ({exc}); the site is built without search"
        )
    if run.returncode != 0 or not (site / SEARCH_DIR / "pagefind.js").is_file():
        detail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return SearchIndex(
            False, f"Pagefind failed ({detail[0]}); the site is built without search"
        )
    return SearchIndex(True, "search index built")
