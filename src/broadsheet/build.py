"""The build, top to bottom: load, parse, extract, resolve, plan, render, write.

Each step is a function over plain data (see model.py). The whole archive is read and resolved
before anything is rendered, and nothing is written until every page has rendered.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from broadsheet.bodytext import body_text
from broadsheet.cache import CACHE_DIR, ExtractionCache
from broadsheet.config import Config, load_config
from broadsheet.load import load_sources
from broadsheet.lock import locked
from broadsheet.model import (
    Archive,
    Article,
    EntityKind,
    Mention,
    Problem,
    of_severity,
)
from broadsheet.plan import Page, plan_site
from broadsheet.registry import Registry, load_registry
from broadsheet.render import make_environment, render_page, static_files
from broadsheet.resolve import ArticleInput, article_entities, resolve_archive
from broadsheet.search import build_search_index
from broadsheet.workers import (
    PARALLEL_THRESHOLD,
    make_pool,
    ordered_map,
    parse_chunk,
    render_chunk,
    worker_count,
)
from broadsheet.write import check_output_dir, write_tree

Reporter = Callable[[Problem], None]
#: progress(stage, done, total): "extract" counts articles sent to the model, "render" pages.
Progress = Callable[[str, int, int], None]


class BuildFailed(Exception):
    """A --strict build stopped at its first error; nothing was written."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class BuildResult:
    output: Path
    articles: int
    pages: dict[str, int]  #: pages by kind
    files: int
    bytes: int
    problems: tuple[Problem, ...]
    seconds: float
    #: the resolved archive and each article's entities (for `broadsheet check`)
    archive: Archive | None = field(default=None, repr=False, compare=False)
    inputs: tuple[ArticleInput, ...] = field(default=(), repr=False, compare=False)

    @property
    def errors(self) -> list[Problem]:
        return of_severity(self.problems, "error")

    @property
    def warnings(self) -> list[Problem]:
        return of_severity(self.problems, "warning")


class _Problems:
    """Collects problems, shows each to the reporter, and enforces --strict."""

    def __init__(self, reporter: Reporter | None, strict: bool) -> None:
        self.items: list[Problem] = []
        self.reporter = reporter
        self.strict = strict

    def add(self, *problems: Problem) -> None:
        for problem in problems:
            self.items.append(problem)
            if self.reporter:
                self.reporter(problem)
            if self.strict and problem.severity == "error":
                raise BuildFailed(problem)


def parse_all(
    sources: Sequence[Any],
    config: Config,
    problems: _Problems,
    pool: Executor | None = None,
    workers: int = 1,
) -> list[Article]:
    """Every source parsed, in order (on the pool's workers when there is one)."""
    jobs = ((source, config.allow_raw_html, config.zone) for source in sources)
    articles = []
    for article, found in ordered_map(pool, parse_chunk, jobs, workers):
        problems.add(*found)
        if article is not None:
            articles.append(article)
    return articles


def unique_slugs(articles: Sequence[Article]) -> tuple[list[Article], list[Problem]]:
    """Two articles with one slug both keep a page: the later file (by path) gets -2, -3..."""
    taken: dict[str, str] = {}
    out, problems = [], []
    for article in sorted(articles, key=lambda a: a.source_path):
        slug, n = article.slug, 1
        while slug in taken:
            n += 1
            slug = f"{article.slug}-{n}"
        if slug != article.slug:
            problems.append(
                Problem(
                    article.source_path,
                    f"slug '{article.slug}' is already used "
                    f"by {taken[article.slug]}; this article is at '{slug}': "
                    "set a different 'slug:' in its front matter",
                    None,
                    None,
                    "warning",
                )
            )
            article = replace(article, slug=slug)
        taken[slug] = article.source_path
        out.append(article)
    return out, problems


def needs_extraction(article: Article) -> bool:
    """Extraction only fills what front matter leaves out: an article whose front matter lists
    its people, organizations and places needs no model (its names are then found in the text
    by name, as every entity's are; see resolve.mentions_by_name)."""
    return not all(kind.plural in article.declared for kind in EntityKind)


def extract_all(
    texts: Sequence[str],
    config: Config,
    project: Path,
    nlp: Any = None,
    progress: Progress | None = None,
) -> list[tuple[Mention, ...]]:
    """Mentions for every text, from the cache where possible; the model loads only on a miss."""
    if not texts:
        return []
    if not config.extract_entities:
        return [() for _ in texts]
    from broadsheet import extract  # spaCy is imported only when extraction runs

    results: list[tuple[Mention, ...] | None] = [None] * len(texts)
    cache: ExtractionCache | None = None
    if nlp is None:
        # Fingerprint without loading: name + installed version are enough to key the cache.
        fingerprint = extract.model_fingerprint(config.spacy_model)
    else:
        fingerprint = extract.pipeline_fingerprint(nlp)
    cache = ExtractionCache(project / CACHE_DIR, fingerprint)
    for i, text in enumerate(texts):
        results[i] = cache.get(text)
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        if progress:
            progress("extract", 0, len(missing))
        nlp = nlp or extract.load_pipeline(config.spacy_model)
        # In chunks only to report progress between them (whole batches of extract_mentions').
        step = PROGRESS_CHUNK if progress else len(missing)
        for done in range(0, len(missing), step):
            chunk = missing[done : done + step]
            found = extract.extract_mentions([texts[i] for i in chunk], nlp)
            for i, mentions in zip(chunk, found, strict=True):
                results[i] = mentions
                cache.put(texts[i], mentions)
            if progress:
                progress("extract", done + len(chunk), len(missing))
    return [r or () for r in results]


#: Articles per extraction chunk when progress is reported.
PROGRESS_CHUNK = 64


def _reporting(pages: Iterator[Page], progress: Progress | None) -> Iterator[Page]:
    """The pages, reporting progress("render", done, total) as each is taken."""
    if progress is None:
        yield from pages
        return
    listed = list(pages)
    for done, page in enumerate(listed):
        progress("render", done, len(listed))
        yield page
    progress("render", len(listed), len(listed))


def render_all(
    pages: Iterator[Page],
    project: Path,
    config: Config,
    kinds: Counter[str],
    pool: Executor | None = None,
    workers: int = 1,
) -> Iterator[tuple[str, bytes | Path]]:
    """(output path, bytes) for every page, in plan order, then the theme's static files."""

    def counted() -> Iterator[Page]:
        for page in pages:
            kinds[page.kind] += 1
            yield page

    if pool is None:
        env = make_environment(project, config)
        for page in counted():
            yield page.output, render_page(page, env, config)
    else:
        jobs = ((page, project, config) for page in counted())
        yield from ordered_map(pool, render_chunk, jobs, workers)
    yield from static_files(project).items()


@locked  # one build of a project at a time; a second fails at once (lock.py)
def build(
    project: Path,
    *,
    strict: bool = False,
    drafts: bool = False,
    overrides: dict[str, Any] | None = None,
    reporter: Reporter | None = None,
    nlp: Any = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> BuildResult:
    """Build the archive project at `project` into its output folder.

    `progress(stage, done, total)`, when given, is called as articles are extracted and pages
    rendered (for a progress bar). `workers`: processes for parsing and rendering (default: one
    per core for archives of PARALLEL_THRESHOLD articles or more; the output is the same).
    """
    started = time.perf_counter()
    project = project.resolve()
    problems = _Problems(reporter, strict)

    config, found = load_config(project, overrides)
    problems.add(*found)
    registry: Registry
    registry, found = load_registry(project)
    problems.add(*found)
    output = Path(config.output_dir)
    output = output if output.is_absolute() else project / output
    check_output_dir(output, project, project / config.content_dir)

    loaded = load_sources(project, config.content_dir)
    problems.add(*loaded.problems)
    large = len(loaded.sources) >= PARALLEL_THRESHOLD
    count = worker_count(workers) if (large or workers) else 1
    with contextlib.ExitStack() as stack:
        pool = make_pool(count)
        if pool is not None:
            stack.callback(pool.shutdown, cancel_futures=True)
        return _build_loaded(
            project,
            config,
            registry,
            output,
            loaded,
            problems,
            drafts,
            nlp,
            progress,
            pool,
            count,
            started,
        )


def _build_loaded(
    project: Path,
    config: Config,
    registry: Registry,
    output: Path,
    loaded: Any,
    problems: _Problems,
    drafts: bool,
    nlp: Any,
    progress: Progress | None,
    pool: Executor | None,
    workers: int,
    started: float,
) -> BuildResult:
    """The build after loading: parse, extract, resolve, plan, render, write."""
    parsed = parse_all(loaded.sources, config, problems, pool, workers)
    articles = [a for a in parsed if drafts or not a.draft]
    articles, found = unique_slugs(articles)
    problems.add(*found)

    texts = [body_text(a.body_html).text for a in articles]
    todo = [i for i, a in enumerate(articles) if needs_extraction(a)]
    mentions: list[tuple[Mention, ...]] = [() for _ in articles]
    found_mentions = extract_all([texts[i] for i in todo], config, project, nlp, progress)
    for i, found_in_text in zip(todo, found_mentions, strict=True):
        mentions[i] = found_in_text
    inputs = [
        ArticleInput(a, t, article_entities(a, t, m, registry))
        for a, t, m in zip(articles, texts, mentions, strict=True)
    ]
    archive, found = resolve_archive(inputs, registry)
    problems.add(*found)

    kinds: Counter[str] = Counter()
    pages = _reporting(plan_site(archive, config), progress)

    def index_for_search(staging: Path) -> None:
        if config.search:
            index = build_search_index(staging, config.language)
            if not index.built:
                problems.add(Problem("(search)", index.message, severity="warning"))

    written = write_tree(
        render_all(pages, project, config, kinds, pool, workers), output, index_for_search
    )
    return BuildResult(
        output,
        len(articles),
        dict(sorted(kinds.items())),
        written.files,
        written.bytes,
        tuple(problems.items),
        time.perf_counter() - started,
        archive,
        tuple(inputs),
    )
