"""Helpers for the bad-input, escaping, path, atomicity and determinism tests.

Not a test module (pytest collects test_bad_*.py only); named so it clashes with no other helper.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from broadsheet.build import BuildResult, build
from broadsheet.render import default_theme_dir
from paths import write_files  # noqa: F401  (re-exported for the bad-input tests)

DATA = Path(__file__).parent / "data"

#: site.yaml for tests that need no entities from the model and no search index: fast.
FAST = "extract_entities: false\nsearch: false\n"

GOOD = (
    "---\nheadline: A good story\ndate: 2020-01-02\nbyline: Jane Doe\n"
    "people: [Rand Paul]\n---\nRand Paul spoke on Tuesday.\n"
)


def quiet_build(project: Path, **kwargs) -> BuildResult:
    return build(project, **kwargs)


def messages(result: BuildResult, path: str) -> list[str]:
    """Every problem reported for one input, as the command line prints it."""
    return [str(p) for p in result.problems if p.path == path]


def tree(site: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under `site` (the whole build, byte for byte)."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """`python -m broadsheet ARGS` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "broadsheet", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


# ---------------------------------------------------------------- checking built pages

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def theme_inline_scripts(project: Path | None = None) -> set[str]:
    """The text of every inline <script> the theme's templates (and a project's own) contain:
    the only inline scripts a built page may hold."""
    dirs = [default_theme_dir()] + ([project / "templates"] if project else [])
    found = set()
    for folder in dirs:
        for template in folder.rglob("*.html") if folder.is_dir() else ():
            found |= {s.strip() for s in _INLINE_SCRIPT.findall(template.read_text())}
    return found


_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href")


def unsafe_html(
    site: Path, allowed_scripts: set[str], trusted: dict[str, str] | None = None
) -> list[str]:
    """What in the built HTML could run script from content: event-handler attributes, inline
    scripts that are not the theme's, script from elsewhere, javascript:/data: URLs, frames,
    objects, <base>, <form>, meta refresh, and JSON-LD that is not JSON or could end its element.

    `trusted`: page → CSS selector of a region left out (raw HTML an editor opted in to)."""
    found = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        if trusted and rel in trusted:
            for region in soup.select(trusted[rel]):
                region.decompose()
        found += [f"{rel}: {what}" for what in _unsafe_in(soup, allowed_scripts)]
    return found


def _unsafe_in(soup: BeautifulSoup, allowed_scripts: set[str]) -> list[str]:
    found = []
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            if attr.lower().startswith("on"):
                found.append(f"<{tag.name} {attr}=...>")
            if attr.lower() in _URL_ATTRIBUTES:
                text = "".join(value) if isinstance(value, list) else value
                squashed = re.sub(r"[\x00-\x20]", "", text).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:")):
                    found.append(f"<{tag.name} {attr}={text!r}>")
        if tag.name in ("iframe", "frame", "object", "embed", "base", "form", "applet"):
            found.append(f"<{tag.name}>")
        if tag.name == "meta" and tag.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    for script in soup.find_all("script"):
        body = script.string or ""
        if script.get("type", "") == "application/ld+json":
            if "</script" in body.lower() or "<!--" in body:
                found.append("JSON-LD holds '</script' or '<!--'")
            try:
                json.loads(body)
            except ValueError:
                found.append("JSON-LD is not valid JSON")
        elif script.get("src"):
            src = urlsplit(script["src"])
            if src.scheme or src.netloc:  # the theme's scripts are the site's own files
                found.append(f"script from {script['src']}")
        elif body.strip() not in allowed_scripts:
            found.append(f"inline script not from the theme: {body.strip()[:60]!r}")
    return found


def json_ld_blocks(site: Path) -> list[tuple[str, object]]:
    """(page, parsed JSON) for every <script type="application/ld+json"> in the built site."""
    blocks = []
    for file in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script", type="application/ld+json"):
            blocks.append((file.relative_to(site).as_posix(), json.loads(script.string or "")))
    return blocks


def unparsable_xml(site: Path) -> list[str]:
    bad = []
    for file in sorted(site.rglob("*.xml")):
        try:
            ET.parse(file)
        except ET.ParseError as exc:
            bad.append(f"{file.relative_to(site)}: {exc}")
    return bad


def unparsable_json(site: Path) -> list[str]:
    bad = []
    for file in sorted(site.rglob("*.json")):
        try:
            json.loads(file.read_text(encoding="utf-8"))
        except ValueError as exc:
            bad.append(f"{file.relative_to(site)}: {exc}")
    return bad
