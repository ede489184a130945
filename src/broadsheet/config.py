"""site.yaml → a typed, validated Config. Every default lives here, once.

Loading collects every problem (bad value, unknown key, with its site.yaml line), so an editor
sees them all at once instead of fixing them one by one.
"""

from __future__ import annotations

import dataclasses
import difflib
import zoneinfo
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from broadsheet.model import Problem

CONFIG_FILE = "site.yaml"


@dataclass(frozen=True)
class Config:
    """Site settings. Each field's docstring is its documentation in the README."""

    title: str = "Broadsheet archive"
    """The site's name, shown in every page header and in feeds."""

    description: str = ""
    """One sentence about the archive, for the home page and search engines."""

    base_url: str = ""
    """Absolute URL the site is served from, e.g. https://example.org/archive/. Used for canonical
    links and machine-readable files only: pages link to each other relatively, so the site also
    works from a sub-path or straight from disk (file://)."""

    language: str = "en"
    """The content's language, as a BCP 47 tag (html lang attribute)."""

    timezone: str = "UTC"
    """IANA time zone for dates written without one (e.g. Europe/London)."""

    content_dir: str = "content"
    """Folder with the articles, relative to the project."""

    output_dir: str = "site"
    """Folder the site is written to, relative to the project (or absolute)."""

    per_page: int = 20
    """Articles per page on the home page and the archives."""

    entity_per_page: int = 50
    """Articles per page on person, organization, place and author pages."""

    spacy_model: str = "broadsheet_ner"
    """spaCy pipeline used to find people, organizations and places: one shipped with
    Broadsheet (models/MODEL_CARD.md), an installed package, or a path."""

    extract_entities: bool = True
    """Find entities in article text. When false, only front-matter lists are used."""

    allow_raw_html: bool = False
    """Let raw HTML in Markdown through unsanitised (embeds). Off: only safe markup survives."""

    related_limit: int = 10
    """How many co-mentioned entities an entity page shows."""

    feed_entries: int = 20
    """How many of the newest articles each Atom feed (the site's, and each person's,
    organization's, place's and author's) lists."""

    search: bool = True
    """Build the Pagefind full-text search index and the /search/ page's index."""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


def field_docs() -> dict[str, str]:
    """The attribute docstrings above, read from this file's source (for the README and --help)."""
    import ast
    import inspect
    import itertools

    tree = ast.parse(inspect.getsource(Config))
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, after in itertools.pairwise(body):
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr):
            value = after.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docs[node.target.id] = " ".join(value.value.split())  # type: ignore[attr-defined]
    return docs


def _line_of(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _key_lines(text: str) -> dict[str, int]:
    """Top-level key → 1-based line in site.yaml, for error messages."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {k.value: _line_of(k) or 0 for k, _ in root.value if isinstance(k, yaml.ScalarNode)}


def _check_value(name: str, value: Any, default: Any) -> str | None:
    """Why `value` is not acceptable for field `name`, or None when it is."""
    expected = type(default)
    if expected is bool:
        if not isinstance(value, bool):
            return f"'{name}' must be true or false, not {value!r}"
    elif expected is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"'{name}' must be a whole number of at least 1, not {value!r}"
    elif not isinstance(value, str):
        return f"'{name}' must be text, not {value!r}"
    if name == "timezone":
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return f"'timezone' {value!r} is not an IANA time zone name such as Europe/London"
    if name == "base_url" and value and not value.startswith(("http://", "https://")):
        return f"'base_url' must start with http:// or https://, not {value!r}"
    return None


def parse_config(text: str, path: str = CONFIG_FILE) -> tuple[Config, list[Problem]]:
    """Validate site.yaml text. Returns the config (defaults where a value was bad) and problems."""
    problems: list[Problem] = []
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.append(Problem(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line))
        return Config(), problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(path, "must be a mapping of settings (key: value lines)", 1))
        return Config(), problems

    lines = _key_lines(text)
    defaults = {f.name: f.default for f in fields(Config)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if key not in defaults:
            hint = difflib.get_close_matches(key, defaults, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(
                Problem(
                    path, f"unknown setting '{key}'{suggestion}", lines.get(key), None, "warning"
                )
            )
            continue
        if isinstance(value, str):
            value = value.strip()
        error = _check_value(key, value, defaults[key])
        if error:
            problems.append(Problem(path, error, lines.get(key)))
            continue
        values[key] = value
    return Config(**values), problems


def load_config(
    project: Path, overrides: dict[str, Any] | None = None
) -> tuple[Config, list[Problem]]:
    """Read <project>/site.yaml (absent is fine: all defaults), then apply CLI overrides."""
    file = project / CONFIG_FILE
    text = file.read_text(encoding="utf-8-sig") if file.is_file() else ""
    config, problems = parse_config(text, CONFIG_FILE)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    return dataclasses.replace(config, **given), problems


def config_fingerprint(config: Config) -> str:
    """Every setting that changes the output, folded into one string (for caches)."""
    return repr(dataclasses.astuple(config))
