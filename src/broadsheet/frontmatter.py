"""Front matter: the contract with editors. Reading, validation, and write-back for `ingest`.

Keys: headline, byline, date, people, organizations, places, slug, summary, draft.
Values are checked here, once; a bad value is reported with its line and the article still
builds without it where that makes sense.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

import frontmatter as python_frontmatter
import yaml

from broadsheet import safeyaml
from broadsheet.model import KIND_BY_KEY, Problem, SourceError

KEYS = (
    "headline",
    "byline",
    "date",
    "people",
    "organizations",
    "places",
    "slug",
    "summary",
    "draft",
)
LIST_KEYS = tuple(KIND_BY_KEY)


@dataclass(frozen=True)
class FrontMatter:
    """Validated front matter; None / absent key = not given by the editor."""

    headline: str | None = None
    bylines: tuple[str, ...] | None = None
    date: dt.date | None = None
    published: dt.datetime | None = None
    declared: tuple[tuple[str, tuple[str, ...]], ...] = ()  #: (key, names) for given list keys
    slug: str | None = None
    summary: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class SplitDocument:
    meta: dict[str, Any]
    body: str
    body_line: int  #: 1-based line of the body's first line in the file
    key_lines: dict[str, int]


def split(text: str, path: str) -> SplitDocument:
    """Separate YAML front matter from the Markdown body. No front matter is fine."""
    handler = python_frontmatter.YAMLHandler()
    if not handler.detect(text):
        return SplitDocument({}, text, 1, {})
    try:
        fm_text, body = handler.split(text)
    except ValueError as exc:
        raise SourceError(
            path, "front matter is not closed: end it with a line of three dashes (---)", 1
        ) from exc
    # fm_text runs from the end of the opening '---' line to the start of the closing one, so
    # its line 0 is the file's line 1.
    body_line = fm_text.count("\n") + 2
    try:
        root, meta = safeyaml.load_with_node(fm_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context = getattr(exc, "context_mark", None)
        if mark is not None and context is not None and mark.line >= fm_text.count("\n") - 1:
            # An unclosed bracket or quote is found only at the end: point at where it opened.
            mark = context
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(
            path,
            f"front matter is not valid YAML: {problem}; check quoting and "
            "indentation (a value with ':' needs quotes)",
            line,
            column,
        ) from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError(
            path,
            f"front matter must be 'key: value' lines (a mapping), not a {type(meta).__name__}",
            2,
        )
    key_lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in root.value}
    return SplitDocument(meta, body, body_line, key_lines)


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = " ".join(str(value).split())
        return text or None
    return None


def _as_names(value: Any) -> tuple[str, ...] | None:
    """A list of names, de-duplicated in order; None when the value is not a list of scalars."""
    if not isinstance(value, list):
        return None
    if any(isinstance(v, bool) or not isinstance(v, str | int | float) for v in value):
        return None
    return tuple(dict.fromkeys(t for t in (_as_text(v) for v in value) if t))


def _as_date(value: Any) -> tuple[dt.date, dt.datetime | None] | None:
    if isinstance(value, dt.datetime):
        return value.date(), value
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        has_time = "T" in value or " " in value.strip() or ":" in value
        return parsed.date(), (parsed if has_time else None)
    return None


def _no_such_day(value: Any) -> str:
    """Why a date-shaped value is no date: " (year 0 is out of range...)", else ""."""
    match = re.match(r"\s*(\d+)-(\d+)-(\d+)", str(value))
    if not match:
        return ""
    year, month, day = map(int, match.groups())
    if not 1 <= year <= 9999:
        return f" (year {year} is out of range: years run from 1 to 9999)"
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        return f" ({exc})"
    return ""


def validate(
    meta: dict[str, Any], path: str, key_lines: dict[str, int]
) -> tuple[FrontMatter, list[Problem]]:
    """Typed front matter plus a problem for every key that is unknown or has a bad value."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    declared: list[tuple[str, tuple[str, ...]]] = []

    def report(key: str, message: str, severity: str = "warning") -> None:
        problems.append(Problem(path, message, key_lines.get(key), None, severity))  # type: ignore[arg-type]

    for raw_key, value in meta.items():
        key = str(raw_key)
        if key not in KEYS:
            hint = difflib.get_close_matches(key.lower(), KEYS, n=1, cutoff=0.6)
            suffix = f"; did you mean '{hint[0]}'?" if hint else f" (known keys: {', '.join(KEYS)})"
            report(key, f"unknown front-matter key '{key}' is ignored{suffix}")
            continue
        if value is None:
            continue
        if key in ("headline", "slug", "summary"):
            text = _as_text(value)
            if text is None:
                report(key, f"'{key}' must be text, not {value!r}; it is ignored")
            else:
                values[key] = text
        elif key == "byline":
            names = (_as_text(value),) if not isinstance(value, list) else _as_names(value)
            if names is None or any(n is None for n in names):
                report(key, "'byline' must be a name or a list of names; it is ignored")
            else:
                values["bylines"] = tuple(n for n in names if n)
        elif key == "date":
            parsed = _as_date(value)
            if parsed is None:
                report(
                    key,
                    f"'date' {value!r} is not a date{_no_such_day(value)}: write it as YYYY-MM-DD "
                    "(or YYYY-MM-DDTHH:MM for a time); it is ignored",
                )
            else:
                values["date"], values["published"] = parsed
        elif key in LIST_KEYS:
            if isinstance(value, str):
                # A lone name is a common slip; take it as a one-name list, but say so.
                report(
                    key,
                    f"'{key}' should be a list, e.g. {key}: [{value}]; read as a list of one name",
                )
                declared.append((key, (" ".join(value.split()),)))
                continue
            names = _as_names(value)
            if names is None:
                report(
                    key,
                    f"'{key}' must be a list of names, e.g. {key}: [Jane Doe, "
                    "John Roe]; it is ignored",
                )
            else:
                declared.append((key, names))
        elif key == "draft":
            if not isinstance(value, bool):
                report(key, f"'draft' must be true or false, not {value!r}; it is ignored")
            else:
                values["draft"] = value
    return FrontMatter(declared=tuple(declared), **values), problems


def render_front_matter(meta: dict[str, Any]) -> str:
    """Front matter block for a Markdown file, keys in the contract's order."""
    ordered = {k: meta[k] for k in KEYS if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    dumped = yaml.safe_dump(
        ordered, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return f"---\n{dumped}---\n"
