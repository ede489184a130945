"""`broadsheet init` and `broadsheet new`: files an editor starts from. Neither overwrites a file.

site.yaml is generated from config.Config and its field docs, so the settings it lists, their
defaults and their explanations are always the ones the code has.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from broadsheet.config import CONFIG_FILE, Config, field_docs, load_config
from broadsheet.load import MARKDOWN_SUFFIXES, TEXT_SUFFIXES
from broadsheet.registry import REGISTRY_FILE
from broadsheet.slugs import slugify_text

Clock = Callable[[], dt.datetime]
WIDTH = 98


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _yaml_line(key: str, value: Any) -> str:
    """`key: value` as one YAML line (a list in flow style: `key: [a, b]`)."""
    if isinstance(value, list | tuple):
        flow = yaml.safe_dump(list(value), allow_unicode=True, width=1000, default_flow_style=True)
        return f"{key}: {flow.strip()}"
    return yaml.safe_dump(
        {key: value}, allow_unicode=True, width=1000, default_flow_style=False
    ).strip()


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}" for line in textwrap.wrap(text, WIDTH - len(indent) - 2)] or [
        f"{indent}#"
    ]


def site_yaml() -> str:
    """site.yaml with every setting commented out at its default, each with its explanation."""
    docs = field_docs()
    lines = [
        "# Site settings. Every setting is optional: each is shown here, commented out, with its",
        "# default. To change one, remove the '# ' before it and edit the value.",
        "",
    ]
    for f in fields(Config):
        lines += _comment(docs.get(f.name, ""))
        lines.append(f"# {_yaml_line(f.name, f.default)}")
        lines.append("")
    return "\n".join(lines)


ENTITIES_YAML = """\
# The editors' registry: what a name means across the whole archive (see README.md).
# Names match regardless of case and accents. Remove the '# ' before the lines to use them.
#
# entities:
#   - name: Elena Marsh                    # canonical name: the page title
#     kind: person                         # person | organization | place (corrects the model)
#     aliases: [Mayor Marsh, Ellie Marsh]  # other names for the same entity: merged into it
#     description: Mayor of Port Halden since 2022.
#     same_as: [https://example.org/people/elena-marsh]
#   - name: Port Halden Harbour Board
#     kind: organization
#     aliases: [Harbour Board]
#
# ignore: [Sample]                         # names that are never entities
"""

OPTIONAL_KEYS = """\
# people: [Full Name, Another Name]   # a list given is complete: extraction then only finds
# organizations: [Organization Name]  # where those names are mentioned; leave a key out to
# places: [Place Name]                # let extraction find that kind by itself
# summary: One sentence for lists and search results (default: the first paragraph).
# draft: true                         # kept out of the site unless built with --drafts
"""

EXAMPLE_BODY = """\
This is an example article, created by `broadsheet init` to show what an article looks like.
Replace it with your own articles, or delete it. Everything in it is made up.

Elena Marsh, the mayor of Port Halden, opened the new harbour footbridge on Saturday morning.
People, organizations and places named in an article get pages of their own, which list every
article that names them.

Leave a blank line between paragraphs. Markdown works: **bold**, *italics*,
[links](https://example.org).
"""

GITIGNORE = "# Built by broadsheet: not sources.\n/site/\n/.broadsheet-cache/\n"


@dataclass(frozen=True)
class Created:
    path: Path
    created: bool  #: False: the file was already there and was kept as it was


def front_matter(
    headline: str, date: dt.date, bylines: Sequence[str], extra: str = OPTIONAL_KEYS
) -> str:
    lines = ["---", _yaml_line("headline", headline)]
    if bylines:
        value: str | list[str] = bylines[0] if len(bylines) == 1 else list(bylines)
        lines.append(_yaml_line("byline", value))
    else:
        lines.append("# byline: Your Name                    # or a list: [Name, Other Name]")
    lines.append(_yaml_line("date", date))
    return "\n".join(lines) + "\n" + extra + "---\n"


def init_project(folder: Path, *, force: bool = False, now: Clock = utc_now) -> list[Created]:
    """Create a new archive project in `folder`. Existing files are never overwritten.

    Raises FileExistsError when `folder` is not empty, unless `force` (then only missing files
    are created).
    """
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise FileExistsError(
            f"{folder} is not empty: choose a new folder, or pass --force to add the missing "
            "files (no existing file is changed)"
        )
    today = now().astimezone(Config().zone).date()
    example = (
        front_matter("Example: the first article of this archive", today, ["Example Editor"])
        + EXAMPLE_BODY
    )
    files = {
        CONFIG_FILE: site_yaml(),
        REGISTRY_FILE: ENTITIES_YAML,
        f"{Config().content_dir}/example.md": example,
        ".gitignore": GITIGNORE,
    }
    out = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as f:
                f.write(text)
        except FileExistsError:
            out.append(Created(path, False))
            continue
        out.append(Created(path, True))
    return out


def taken_slugs(content: Path) -> set[str]:
    """The default slug (file name) of every article under content/."""
    suffixes = (*MARKDOWN_SUFFIXES, *TEXT_SUFFIXES)
    return {
        slugify_text(p.stem)
        for p in content.rglob("*")
        if p.suffix.lower() in suffixes and p.is_file()
    }


def new_article(
    project: Path,
    headline: str,
    *,
    date: dt.date | None = None,
    bylines: Sequence[str] = (),
    now: Clock = utc_now,
) -> Path:
    """Create content/YYYY/<slug>.md for a new article and return its path.

    The date defaults to today in the site's time zone. The slug is the headline's, made unique
    among the archive's file names with -2, -3... so no file is overwritten and no URL shared.
    """
    headline = " ".join(headline.split())
    if not headline:
        raise ValueError("the headline is empty")
    config, _ = load_config(project)
    if date is None:
        date = now().astimezone(config.zone).date()
    content = project / config.content_dir
    base = slugify_text(headline) or "article"
    taken = taken_slugs(content)
    folder = content / f"{date.year:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    slug, n = base, 1
    text = (
        front_matter(headline, date, bylines)
        + "Write the article here, with a blank line between paragraphs.\n"
    )
    while True:
        if slug not in taken:
            path = folder / f"{slug}.md"
            try:
                with path.open("x", encoding="utf-8") as f:
                    f.write(text)
                return path
            except FileExistsError:
                pass
        n += 1
        slug = f"{base}-{n}"
