"""`broadsheet check`: a review list for editors, without touching the site folder.

The archive is built into a temporary folder (the same build as `broadsheet build`, so every
page and link is the real one), then read back:

- errors: links and images in the pages that lead nowhere; two articles with one slug (the build
  keeps both, but one URL is not the one its editor meant); and every error the build reported;
- warnings: articles without a byline or a date; entities named in one article only whose kind
  (person, organization, place) is a guess the model made on thin evidence; and every warning the
  build reported.

Thin evidence, with what extraction exposes (one kind per name per article, already voted, no
scores): the entity was found by the model alone (no front matter or registry entry says what it
is), it is named in one article only (no other article can outvote a wrong guess), and either
its mentions were given different kinds (names the registry merged without saying the kind) or
it is a one-word person name that no full name in the archive ends with ("Kestrel": the model's
commonest slip is an unknown place or company taken for a person, and news style names a real
person in full). One-word places and organizations ("Moscow", "Senate") are the model's surest
labels and are not listed.
"""

from __future__ import annotations

import posixpath
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from broadsheet.config import Config, load_config
from broadsheet.load import load_sources
from broadsheet.model import Archive, EntityKind, Problem, SourceError, of_severity
from broadsheet.parse import parse_source
from broadsheet.plan import article_url, output_path
from broadsheet.registry import Registry, load_registry
from broadsheet.resolve import ArticleInput

#: Review sections, in the order they are printed.
BROKEN_LINK = "Broken links"
DUPLICATE_SLUG = "Duplicate slugs"
NO_BYLINE = "Articles without a byline"
NO_DATE = "Articles without a date"
UNCERTAIN_KIND = "Entities whose kind is a guess"
BUILD = "Other problems found by the build"
SECTIONS = (BROKEN_LINK, DUPLICATE_SLUG, NO_BYLINE, NO_DATE, UNCERTAIN_KIND, BUILD)

#: Tags and the attributes of theirs that point at another file of the site.
LINK_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "source": ("src",),
    "track": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "embed": ("src",),
}


@dataclass(frozen=True)
class Finding:
    section: str
    problem: Problem


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    articles: int
    pages: int

    @property
    def problems(self) -> list[Problem]:
        return [f.problem for f in self.findings]

    @property
    def errors(self) -> list[Problem]:
        return of_severity(self.problems, "error")

    @property
    def warnings(self) -> list[Problem]:
        return of_severity(self.problems, "warning")

    def by_section(self) -> dict[str, list[Problem]]:
        out: dict[str, list[Problem]] = {s: [] for s in SECTIONS}
        for finding in self.findings:
            out[finding.section].append(finding.problem)
        return {s: ps for s, ps in out.items() if ps}


# ------------------------------------------------------------------------------ links


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = next((v for k, v in attrs if k == "href" and v), None)
        wanted = LINK_ATTRIBUTES.get(tag)
        if wanted:
            self.urls.extend(v for k, v in attrs if k in wanted and v)


def links_in(html: str) -> tuple[list[str], str | None]:
    """The URLs a page links to, and its <base href> if it has one."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.urls, parser.base


def link_target(page: str, url: str, base_url: str = "") -> str | None:
    """The site file (relative POSIX path) an href on `page` leads to; None when it leads off
    the site (another host, mailto:, a fragment of the same page); "" when it leaves the
    site's folder."""
    url = url.strip()
    parts = urlsplit(url)
    path = parts.path
    if parts.scheme or parts.netloc:
        base = base_url.rstrip("/") + "/" if base_url else ""
        if not base or not url.startswith(base):
            return None
        path = "/" + urlsplit(url[len(base) :]).path
        prefix = "/"
    else:
        # A root-relative link ("/people/") is read against base_url's path ("/archive/").
        prefix = (urlsplit(base_url).path if base_url else "") or "/"
        prefix = prefix if prefix.endswith("/") else prefix + "/"
    if not path:
        return None  # "#top", "?page=2": this page
    path = unquote(path)
    if path.startswith("/"):
        if not path.startswith(prefix) and path + "/" != prefix:
            return ""
        joined = path[len(prefix) :]
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    folder = path.endswith("/") or path.endswith("/.") or path in (".", "..")
    rel = posixpath.normpath(joined) if joined else "."
    if rel == ".." or rel.startswith("../"):
        return ""
    if folder or rel == ".":
        return "index.html" if rel == "." else f"{rel}/index.html"
    return rel


def broken_links(
    site: Path, base_url: str = "", source_of: dict[str, str] | None = None
) -> list[Problem]:
    """One error per broken link target: where it is first linked from, and how often."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    source_of = source_of or {}
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)  # target → [(page, href)]
    for page in sorted(f for f in files if f.endswith(".html")):
        html = (site / page).read_text(encoding="utf-8", errors="replace")
        urls, base = links_in(html)
        # Relative links resolve against <base href> when there is one ("/": the site's root).
        against = page
        if base is not None:
            folder = link_target(page, base if base.endswith("/") else base + "/", base_url)
            against = folder or "(elsewhere)/index.html"
        for url in dict.fromkeys(urls):
            absolute = urlsplit(url).scheme or url.startswith("/")
            if not absolute and against.startswith("(elsewhere)"):
                continue  # a <base> off the site: nothing here to check
            target = link_target(page if absolute else against, url, base_url)
            if target is None or target in files:
                continue
            seen[target or f"(outside the site) {url}"].append((page, url))
    problems = []
    for places in sorted(seen.values(), key=lambda ps: ps[0]):
        page, url = places[0]
        others = len({p for p, _ in places}) - 1
        also = f"; also on {others} other page{'s' if others > 1 else ''}" if others else ""
        problems.append(
            Problem(
                source_of.get(page, "(site)"),
                f"link to '{url}' on page /{_page_url(page)} leads nowhere{also}",
            )
        )
    return problems


def _page_url(page: str) -> str:
    return page[: -len("index.html")] if page.endswith("index.html") else page


# ------------------------------------------------------------------------------ articles


def duplicate_slugs(project: Path, config: Config, drafts: bool) -> list[Problem]:
    """Articles that share a slug (the build moves all but the first by path to slug-2...)."""
    loaded = load_sources(project, config.content_dir)
    by_slug: dict[str, list[str]] = defaultdict(list)
    for source in loaded.sources:
        try:
            article = parse_source(source, config.allow_raw_html, config.zone).article
        except SourceError:
            continue  # the build reports it
        if drafts or not article.draft:
            by_slug[article.slug].append(article.source_path)
    problems = []
    for slug, paths in sorted(by_slug.items()):
        if len(paths) < 2:
            continue
        first, *rest = sorted(paths)
        for n, path in enumerate(rest, start=2):
            problems.append(
                Problem(
                    path,
                    f"slug '{slug}' is also {first}'s: this article is published at "
                    f"/{article_url(f'{slug}-{n}')} instead; give it its own 'slug:' in its "
                    "front matter (or rename the file)",
                )
            )
    return problems


def missing_fields(inputs: Iterable[ArticleInput]) -> list[Finding]:
    findings = []
    for item in inputs:
        article = item.article
        if not article.bylines:
            findings.append(
                Finding(
                    NO_BYLINE,
                    Problem(
                        article.source_path,
                        "no byline: add 'byline: Name' (Markdown) or a 'By Name' line under the "
                        "headline (raw text)",
                        None,
                        None,
                        "warning",
                    ),
                )
            )
        if article.date is None:
            findings.append(
                Finding(
                    NO_DATE,
                    Problem(
                        article.source_path,
                        "no date: add 'date: YYYY-MM-DD' (Markdown) or a date line under the "
                        "headline (raw text)",
                        None,
                        None,
                        "warning",
                    ),
                )
            )
    return findings


# ------------------------------------------------------------------------------ entities


def uncertain_kinds(
    archive: Archive, inputs: Sequence[ArticleInput], registry: Registry
) -> list[Problem]:
    """Entities named in one article only whose kind the model guessed on thin evidence."""
    named_in: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(archive.articles):
        for key in item.entities:
            named_in[key].append(i)
    by_path = {item.article.source_path: item for item in inputs}
    problems = []
    for key, entity in sorted(archive.entities.items()):
        if len(named_in.get(key, ())) != 1:
            continue
        entry = registry.lookup(entity.name)
        if entry is not None and entry.kind is not None:
            continue
        resolved = archive.articles[named_in[key][0]]
        item = by_path.get(resolved.article.source_path)
        if item is None:
            continue
        spans = {(m.start, m.end) for m in resolved.mentions if m.entity == key}
        kinds: Counter[str] = Counter()
        declared = False
        for ent in item.entities:
            hits = [m for m in ent.mentions_in(item.text) if (m.start, m.end) in spans]
            if hits and ent.declared:
                declared = True
            if hits:
                kinds.update(k.value for k in ent.model_kinds)
        if declared or not kinds:
            continue
        if len(kinds) > 1:
            read = " and ".join(f"{k} ({n})" for k, n in kinds.most_common())
            why = f"its mentions were read as {read}"
        elif entity.kind == EntityKind.PERSON and len(entity.name.split()) == 1:
            why = (
                "a one-word name found only by the model, and no full name in the archive "
                "ends with it"
            )
        else:
            continue
        kind, section = entity.kind.value, entity.kind.plural
        problems.append(
            Problem(
                resolved.article.source_path,
                f"'{entity.name}' is filed as {'an' if kind[0] in 'aeiou' else 'a'} {kind} "
                f"(/{section}/{entity.slug}/) on thin evidence: {why}; confirm it under "
                f"'{section}:' in the front matter, or give its kind in data/entities.yaml",
                None,
                None,
                "warning",
            )
        )
    return problems


# ------------------------------------------------------------------------------ the check


def run_check(
    project: Path,
    *,
    drafts: bool = False,
    nlp: Any = None,
    reporter: Callable[[Problem], None] | None = None,
    progress: Any = None,
) -> CheckResult:
    """Build into a temporary folder and review the result. The site folder is not touched."""
    from broadsheet.build import build

    project = project.resolve()
    config, _ = load_config(project)
    registry, _ = load_registry(project)
    with tempfile.TemporaryDirectory(prefix="broadsheet-check-") as tmp:
        site = Path(tmp) / "site"
        result = build(
            project,
            drafts=drafts,
            overrides={"output_dir": str(site)},
            reporter=reporter,
            nlp=nlp,
            progress=progress,
            incremental=False,  # a throwaway folder: nothing to keep for a next build
            keep_inputs=True,
        )
        assert result.archive is not None
        source_of = {
            output_path(article_url(item.article.slug)): item.article.source_path
            for item in result.archive.articles
        }
        findings = [Finding(BROKEN_LINK, p) for p in broken_links(site, config.base_url, source_of)]
        pages = sum(result.pages.values())

    duplicates = duplicate_slugs(project, config, drafts)
    findings += [Finding(DUPLICATE_SLUG, p) for p in duplicates]
    findings += missing_fields(result.inputs)
    findings += [
        Finding(UNCERTAIN_KIND, p) for p in uncertain_kinds(result.archive, result.inputs, registry)
    ]
    moved = {p.path for p in duplicates}
    for problem in result.problems:
        if problem.message.startswith("no date:"):
            continue  # listed above, as a review item
        if problem.path in moved and "is already used by" in problem.message:
            continue  # listed above, as an error
        findings.append(Finding(BUILD, problem))
    return CheckResult(tuple(findings), result.articles, pages)
