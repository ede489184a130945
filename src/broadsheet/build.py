"""The build, top to bottom: load, parse, extract, resolve, plan, render, write.

Each step is a function over plain data (see model.py). The whole archive is read and resolved
before anything is rendered, and nothing is written until every page has rendered.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import pickle
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from broadsheet.bodytext import body_text
from broadsheet.cache import CACHE_DIR, ExtractionCache
from broadsheet.config import Config, load_config
from broadsheet.incremental import (
    STATE_FILE,
    BuildState,
    FileStat,
    Fingerprints,
    Manifest,
    ParsedFile,
    ParseRecord,
    ParseStore,
    ResolutionMemo,
    TreeId,
    UnitRecord,
    code_digest,
    compiled_templates_dir,
    digest,
    entities_key,
    files_digest,
    load_api_lines,
    load_resolution,
    load_state,
    object_digest,
    save_api_lines,
    save_resolution,
    save_state,
    save_trees,
    settings_digest,
    stat_key,
    tree_id,
    trusted,
    unchanged,
)
from broadsheet.load import discover_with_stats, read_ahead, read_source, relative_path
from broadsheet.lock import locked
from broadsheet.model import (
    Archive,
    Article,
    Mention,
    Problem,
    SourceError,
    of_severity,
)
from broadsheet.parse import needs_extraction
from broadsheet.plan import (
    SHARED_VIEWS,
    Elsewhere,
    Page,
    discovery_pages,
    holds_shared_views,
    listed_in_sitemap,
    one_process_order,
    plan_units,
    planning_order,
)
from broadsheet.publish import Placed, Published, Reuse, StaleSite, place, publish
from broadsheet.registry import Registry, load_registry
from broadsheet.render import make_environment, static_files, theme_dirs
from broadsheet.resolve import (
    ArticleEntity,
    ArticleInput,
    Decisions,
    Links,
    article_entities,
    decide,
    link_archive,
    relink_archive,
    resolve_with_links,
    retallied,
    tallied,
    tallies_of,
)
from broadsheet.search import build_search_index
from broadsheet.workers import (
    CHUNK,
    PARALLEL_THRESHOLD,
    PageTarget,
    ParseTarget,
    Pool,
    ToParse,
    ToRead,
    extract_chunk,
    make_helper,
    make_pool,
    on_pool,
    ordered_chunks,
    ordered_map,
    ordered_map_sharing,
    parse_chunk,
    render_and_place,
    start_worker_server,
    worker_count,
)
from broadsheet.write import check_output_dir

Reporter = Callable[[Problem], None]
#: progress(stage, done, total): "extract" counts articles sent to the model, "render" the plan
#: units (an article's page; an entity's pages and feed...) planned and sent to be rendered.
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
    #: the resolved archive
    archive: Archive | None = field(default=None, repr=False, compare=False)
    #: each article's entities as found (for `broadsheet check`; only with keep_inputs)
    inputs: tuple[ArticleInput, ...] = field(default=(), repr=False, compare=False)
    #: nothing had changed since the last build, so nothing was done (archive is then None)
    unchanged: bool = False
    #: files whose bytes were written (the rest were already in place); None if not counted
    written: int | None = None

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


def extract_all(
    texts: Sequence[str],
    config: Config,
    project: Path,
    nlp: Any = None,
    progress: Progress | None = None,
    pool: Pool | None = None,
) -> list[tuple[Mention, ...]]:
    """Mentions for every text, from the cache where possible; the model loads only on a miss.

    With a pool and EXTRACT_PARALLEL_THRESHOLD texts or more to extract, the pool's workers
    run the model (each loads it once), unless a loaded `nlp` was given. Either way the model
    reads the texts in the same chunks, so the mentions do not depend on the worker count."""
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
    if not missing:
        return [r or () for r in results]
    if progress:
        progress("extract", 0, len(missing))
    jobs = ((config.spacy_model, texts[i]) for i in missing)
    found: Iterator[tuple[Mention, ...]]
    if pool is not None and nlp is None and len(missing) >= EXTRACT_PARALLEL_THRESHOLD:
        found = ordered_map(pool, extract_chunk, jobs)
    else:
        loaded = nlp or extract.load_pipeline(config.spacy_model)
        found = ordered_map(None, functools.partial(extract_chunk, nlp=loaded), jobs)
    for done, (i, mentions) in enumerate(zip(missing, found, strict=True), start=1):
        results[i] = mentions
        cache.put(texts[i], mentions)
        if progress and (done % CHUNK == 0 or done == len(missing)):
            progress("extract", done, len(missing))
    return [r or () for r in results]


#: Texts to extract from which the pool's workers run the model: each loads it (~1 s), so a
#: few hundred texts are needed before two processes win.
EXTRACT_PARALLEL_THRESHOLD = 400


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while the block runs.

    A build holds millions of long-lived objects (articles, mentions, the plan), and with the
    default thresholds the collector scans them again and again: about a tenth of a cold
    build's main-process time at 10,000 articles. Young objects are still collected. What the
    build froze (incremental._collector_paused) is unfrozen at the end. (The workers set
    their own: workers.prepare_worker.)
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


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
    incremental: bool = True,
    keep_inputs: bool = False,
) -> BuildResult:
    """Build the archive project at `project` into its output folder.

    `progress(stage, done, total)`, when given, is called as articles are extracted and pages
    rendered (for a progress bar). `workers`: processes for parsing and rendering (default: one
    per core for archives of PARALLEL_THRESHOLD articles or more; the output is the same).
    `incremental`: reuse what the last build of this output left (incremental.py); the output
    is the same either way. `keep_inputs`: return each article's entities as found
    (BuildResult.inputs), which a build otherwise lets go of before planning the pages.
    """
    started = time.perf_counter()
    started_ns = time.time_ns()
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

    discovered, found = discover_with_stats(project, config.content_dir)
    problems.add(*found)
    files = [file for file, _ in discovered]
    work = _state_dir(project, output) if incremental else None
    with contextlib.ExitStack() as stack:
        helper = None
        if (
            work is not None
            and len(files) >= PARALLEL_THRESHOLD
            and worker_count(workers) > 1
            and (work / STATE_FILE).is_file()
        ):
            # Perhaps a rebuild of a large archive (see make_helper), forked before the last
            # build's state is loaded: forked after, it shared that state, which the build's
            # processes then held twice over (~0.5 GB at 100,000 articles). A build that
            # needs a pool, or nothing, lets it go.
            helper = make_helper()
            if helper is not None:
                stack.callback(helper.shutdown, cancel_futures=True)
        state = load_state(work) if work else BuildState()
        if len(files) >= PARALLEL_THRESHOLD and not state.settings and worker_count(workers) > 1:
            start_worker_server()  # a first build of a large archive: workers will be needed
        by_path: dict[str, Path] = {}  # content order
        stats: dict[str, FileStat | None] = {}
        for file, stat in discovered:
            rel = relative_path(file, project)
            by_path[rel], stats[rel] = file, stat_key(stat) if stat is not None else None
        del discovered
        code = code_digest()
        settings = settings_digest(
            code,
            config,
            registry.fingerprint(),  # the registry pickles its ignore set in hash-seed order
            files_digest(theme_dirs(project)),
            drafts,
            str(output),
        )
        if work and unchanged(state, settings, stats) and tree_id(output) in state.trees:
            problems.add(*state.problems)  # nothing to do: say again what the last build said
            summary = state.summary
            return BuildResult(
                output,
                summary["articles"],
                summary["pages"],
                summary["files"],
                summary["bytes"],
                tuple(problems.items),
                time.perf_counter() - started,
                unchanged=True,
            )
        changed = sum(1 for rel, st in stats.items() if state.files.get(rel) != st)
        # A pool pays for itself when much is to be parsed or rendered: cold, new settings, or
        # many changed files.
        large = len(files) >= PARALLEL_THRESHOLD and (
            state.settings != settings or changed >= PARALLEL_THRESHOLD // 3
        )
        count = worker_count(workers) if (large or workers) else 1
        stack.enter_context(fewer_collections())
        if count > 1 and helper is not None:  # a pool does what the helper would
            helper.shutdown(cancel_futures=True)
            helper = None
        pool = make_pool(count)
        if pool is not None:
            stack.callback(pool.shutdown, cancel_futures=True)
        build_input = _BuildInput(
            project, config, registry, output, by_path, stats, problems, drafts, nlp, progress,
            keep_inputs,
        )  # fmt: skip
        return _build_parsed(
            build_input, state, work, settings, code, pool, started, started_ns, helper
        )


@dataclass(frozen=True)
class _BuildInput:
    project: Path
    config: Config
    registry: Registry
    output: Path
    files: dict[str, Path]  #: content files by path relative to the project, content order
    stats: dict[str, FileStat | None]
    problems: _Problems
    drafts: bool
    nlp: Any
    progress: Progress | None
    keep_inputs: bool = False


def _state_dir(project: Path, output: Path) -> Path:
    """Where the state of builds into `output` lives (one per output folder)."""
    key = hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
    return project / CACHE_DIR / "build" / key


def parse_changed(
    bi: _BuildInput,
    state: BuildState,
    previous: dict[str, ParsedFile],
    registry_digest: bytes,
    pool: Pool | None,
    store: ParseStore | None = None,
) -> dict[str, ParsedFile]:
    """Every content file's parse: the last build's (`previous`, made under the same parse
    settings) where the file is unchanged, else read and parsed now (on the pool if any), and
    kept in `store` as the results come in.
    A file with no previous parse is read by the worker that parses it (workers.ToRead); one
    with a previous parse is read here first, as its chunk goes out, to see whether its
    content changed."""
    done: dict[str, ParsedFile] = {}
    target = ParseTarget(
        bi.config.allow_raw_html,
        bi.config.zone,
        bi.config.extract_entities,
        bi.registry,
        registry_digest,
    )

    def to_parse() -> Iterator[tuple[ParseTarget, ToParse]]:
        for rel, file in bi.files.items():
            stat = bi.stats[rel]
            last = previous.get(rel)
            if last is not None and trusted(state, stat, last.stat):
                done[rel] = last
                continue
            if last is None:  # nothing to compare its content with: the worker reads it
                yield target, ToParse(rel, stat or (0, 0, 0), ToRead(file, bi.project))
                continue
            try:
                source, found = read_source(file, bi.project)
            except SourceError as exc:
                done[rel] = ParsedFile(stat or (0, 0, 0), "", None, (exc.problem,))
                continue
            if last.content_hash == source.content_hash:
                done[rel] = replace(last, stat=stat or (0, 0, 0))  # touched, not changed
                continue
            yield target, ToParse(rel, stat or (0, 0, 0), source, tuple(found))

    ahead: threading.Thread | None = None
    try:
        if pool is not None:
            # the files the workers will read, in the order they will read them (read_ahead)
            unread = [file for rel, file in bi.files.items() if rel not in previous]
            thread = threading.Thread(target=work_ahead, args=(unread,))
            thread.start()
            ahead = thread
        for pickled in ordered_chunks(pool, parse_chunk, to_parse()):
            records: list[ParseRecord] = pickle.loads(pickled)
            if store is not None:
                store.keep(pickled, records)
            done.update(records)
    finally:
        if ahead is not None:
            ahead.join()  # (nothing forks while a thread runs)
    # content order (discovery order), whatever order they were parsed in
    return {rel: done[rel] for rel in bi.files}


def work_ahead(files: Sequence[Path]) -> None:
    """What the main process does on a thread while the workers parse, mostly waiting on
    them: ask for the files they will read (load.read_ahead), then import_ahead."""
    read_ahead(files)
    import_ahead()


def import_ahead() -> None:
    """Import what resolving the archive needs (numpy, ~0.1 s): done on a thread while the
    workers parse, the main process mostly waiting on them. After parsing the main process
    works alone, and an import there would be part of the workers' wait."""
    import numpy  # noqa: F401


def entities_of(
    articles: Sequence[Article],
    texts: Sequence[str],
    mentions: Sequence[tuple[Mention, ...]],
    registry: Registry,
    registry_digest: bytes,
    parsed: dict[str, ParsedFile],
    previous: dict[str, ParsedFile],
) -> list[tuple[ArticleEntity, ...]]:
    """Each article's entities (resolve.article_entities), the last build's where their inputs
    are equal. What is computed is kept in `parsed` (by source path) for the next build."""
    out = []
    for article, text, found in zip(articles, texts, mentions, strict=True):
        key = entities_key(registry_digest, article, found)
        rel = article.source_path
        kept = [e.entities for e in (parsed.get(rel), previous.get(rel)) if e and e.entities]
        entities = next((value for digest_, value in kept if digest_ == key), None)
        if entities is None:
            entities = article_entities(article, text, found, registry)
        entry = parsed.get(rel)
        if entry is not None and (entry.entities is None or entry.entities[0] != key):
            parsed[rel] = replace(entry, entities=(key, entities))
        out.append(entities)
    return out


def resolve_reusing(
    inputs: Sequence[ArticleInput],
    keys: Sequence[bytes],
    basis: bytes,
    order: bytes,
    memo: ResolutionMemo | None,
    previous: dict[str, ParsedFile],
    registry: Registry,
) -> tuple[Archive, Decisions, list[Links]]:
    """resolve.resolve_with_links, or, where it would link the unchanged articles as the last
    resolution (`memo`) did, that resolution with the changed articles linked again
    (resolve.relink_archive).

    It can when the code and registry (`basis`), the articles with their order and bylines
    (`order`) are the same, and either each changed article (its entities, `keys`, see
    entities_key, differ from the ones resolved last time) adds the same tallies as it did
    then (read from the last build's parse, `previous`: a body edit that names no one new or
    differently), or the decisions made from the tallies now are the same for the articles
    kept (resolve.Decisions.same_for: an edit that adds a mention or lists another person
    already named elsewhere)."""
    if memo is None or memo.basis != basis or memo.order != order:
        return resolve_with_links(inputs, registry)
    kept: list[Links] = []
    again: list[int] = []
    # the entities each changed article had when last resolved (None: not known)
    removed: list[Sequence[ArticleEntity]] | None = []
    same_tallies = True
    for i, (item, key) in enumerate(zip(inputs, keys, strict=True)):
        rel = item.article.source_path
        entry = memo.articles.get(rel)
        if entry is None:
            return resolve_with_links(inputs, registry)
        if entry[0] != key:
            before = previous.get(rel)
            if before is None or before.entities is None or before.entities[0] != entry[0]:
                same_tallies, removed = False, None
            else:
                same_tallies = same_tallies and (
                    tallied(before.entities[1]) == tallied(item.entities)
                )
                if removed is not None:
                    removed.append(before.entities[1])
            again.append(i)
        kept.append(entry[1])
    decisions: Decisions = memo.decisions
    if not same_tallies:
        # the last tallies, with the changed articles counted again (~0.06 s less at 10,000
        # articles than counting them all), when the last resolution kept them
        if removed is not None and memo.decisions.seen:
            seen = retallied(memo.decisions.seen, removed, (inputs[i].entities for i in again))
        else:
            seen = tallies_of(inputs)
        decisions = decide(seen, registry)
        if not decisions.same_for(memo.decisions):
            archive, links = link_archive(inputs, decisions)
            return archive, decisions, links
    archive, links = relink_archive(inputs, kept, again, decisions, memo.authors)
    return archive, decisions, links


def _build_parsed(
    bi: _BuildInput,
    state: BuildState,
    work: Path | None,
    settings: bytes,
    code: bytes,
    pool: Pool | None,
    started: float,
    started_ns: int,
    helper: Pool | None = None,
) -> BuildResult:
    """The build after discovery: parse, extract, resolve, plan, render, publish. `helper`: a
    worker for plan.Elsewhere where there is no pool (workers.make_helper)."""
    config, problems, project = bi.config, bi.problems, bi.project
    parse_settings = settings_digest(code, config.allow_raw_html, str(config.zone))
    store = ParseStore(work, parse_settings, started_ns) if work is not None else None
    previous = store.load() if store is not None else {}
    # what the entities of an article depend on besides the article (entities_key), made once
    # for the parse workers and for entities_of, whose keys must agree
    registry_digest = object_digest(bi.registry.fingerprint())
    parsed_files = parse_changed(bi, state, previous, registry_digest, pool, store)
    parsed: list[Article] = []
    for entry in parsed_files.values():
        problems.add(*entry.problems)
        if entry.article is not None:
            parsed.append(entry.article)
    articles = [a for a in parsed if bi.drafts or not a.draft]
    articles, found = unique_slugs(articles)
    problems.add(*found)

    texts = [a.text if a.text is not None else body_text(a.body_html).text for a in articles]
    todo = [i for i, a in enumerate(articles) if needs_extraction(a)]
    mentions: list[tuple[Mention, ...]] = [() for _ in articles]
    found_mentions = extract_all(
        [texts[i] for i in todo], config, project, bi.nlp, bi.progress, pool
    )
    for i, found_in_text in zip(todo, found_mentions, strict=True):
        mentions[i] = found_in_text
    entities = entities_of(
        articles, texts, mentions, bi.registry, registry_digest, parsed_files, previous
    )
    inputs = [
        ArticleInput(a, t, found_entities)
        for a, t, found_entities in zip(articles, texts, entities, strict=True)
    ]
    if work is None:
        archive, decisions, _ = resolve_with_links(inputs, bi.registry)
    else:
        basis = digest(code + registry_digest)
        order = object_digest([(a.source_path, a.bylines) for a in articles])
        keys = [parsed_files[a.source_path].entities[0] for a in articles]  # type: ignore[index]
        memo = load_resolution(work)
        archive, decisions, links = resolve_reusing(
            inputs, keys, basis, order, memo, previous, bi.registry
        )
        assert store is not None
        store.save(parsed_files)
        articles_memo = {
            a.source_path: (k, li) for a, k, li in zip(articles, keys, links, strict=True)
        }
        save_resolution(
            work,
            ResolutionMemo(basis, order, decisions, archive.authors, articles_memo),
        )
        del memo, links, articles_memo, keys
    problems.add(*decisions.problems)
    del decisions
    # The parse results (saved above: a cache, keyed by each file's content) and every
    # article's found mentions can go now: the archive holds what the pages need. They are the
    # largest part of what a build holds (~15 KB an article), and the peak is still to come.
    kept_inputs = tuple(inputs) if bi.keep_inputs else ()
    del parsed_files, previous, store, mentions, found_mentions, entities, inputs

    kinds: Counter[str] = Counter()
    reused: list[Placed] = []
    units: dict[str, UnitRecord] = {}

    def index_for_search(staging: Path) -> None:
        index = build_search_index(staging, config.language)
        if not index.built:
            problems.add(Problem("(search)", index.message, severity="warning"))

    def record(trees: dict[TreeId, Manifest]) -> None:
        if work is not None:
            state.trees = trees
            save_trees(work, trees, started_ns)  # the summary is this build's only at its end

    render_pool = pool
    compiled = compiled_templates_dir(work, code) if work is not None else None

    def release_pool() -> None:
        """Let the workers go once every page is rendered, before the site is swapped in and
        the state saved, so that their memory and the main process's peak do not add up. A
        second attempt (StaleSite) renders in this process."""
        nonlocal render_pool, helper
        if render_pool is not None:
            render_pool.shutdown()
            render_pool = None
        if helper is not None:
            helper.shutdown()
            helper = None

    def plan_render_publish(
        trees: dict[TreeId, Manifest], units_before: dict[str, UnitRecord]
    ) -> Published:
        # Files are reused by their source digests, which cover the settings they were made
        # under: pages rendered from equal data need no rendering now.
        live_id = tree_id(bi.output)
        reusable = trees.get(live_id, {}) if live_id else {}
        kinds.clear()
        reused.clear()
        units.clear()

        # the pool, else the helper (a rebuild), runs what planning hands off (plan.Elsewhere)
        elsewhere = render_pool if render_pool is not None else helper

        def place_files(tree: Path, output: Path, have: Manifest) -> Iterator[Placed]:
            def place_reused(rel: str, source: bytes, payload: Reuse) -> Placed:
                return place(tree, output, rel, source, payload, have.get(rel))

            pages = plan_changed(
                archive,
                config,
                settings,
                units_before,
                reusable,
                kinds,
                reused,
                units,
                place_reused,
                bi.progress,
                api_lines,
                functools.partial(on_pool, elsewhere) if elsewhere is not None else None,
                render_pool is None,
            )
            target = PageTarget(project, config, settings, tree, output, compiled)
            return place_pages(pages, target, reusable, have, reused, render_pool, release_pool)

        return publish(
            place_files,
            bi.output,
            work / "spare" if work is not None else None,
            trees,
            record,
            generated=("pagefind",) if config.search else (),
            finalize=index_for_search if config.search else None,
        )

    lines: dict[bytes, str] = {}
    lines_loaded = False

    def api_lines() -> dict[bytes, str]:
        """The last build's lines of api/articles.json, read when that file is planned; the
        page leaves its own in the same dict, saved below."""
        nonlocal lines_loaded
        if not lines_loaded and work is not None:
            lines.update(load_api_lines(work, settings))
        lines_loaded = True
        return lines

    try:
        published = plan_render_publish(state.trees if work is not None else {}, state.units)
    except StaleSite:
        # The published site was changed by hand: forget what we knew and write it all.
        state.trees = {}
        published = plan_render_publish({}, {})
    result = BuildResult(
        bi.output,
        len(articles),
        dict(sorted(kinds.items())),
        published.result.files,
        published.result.bytes,
        tuple(problems.items),
        time.perf_counter() - started,
        archive,
        kept_inputs,
        written=published.written,
    )
    if work is not None:
        state.settings = settings
        state.files = dict(bi.stats)
        state.trees = published.trees
        state.problems = tuple(problems.items)
        state.units = with_sources(units, published.manifest)
        state.started_ns = started_ns
        state.summary = {
            "articles": result.articles,
            "pages": result.pages,
            "files": result.files,
            "bytes": result.bytes,
        }
        save_state(work, state)  # (the manifests: saved by `record`, from publish)
        if lines_loaded:
            save_api_lines(work, settings, lines)
    return result


def plan_changed(
    archive: Archive,
    config: Config,
    settings: bytes,
    previous: dict[str, UnitRecord],
    reusable: Manifest,
    kinds: Counter[str],
    reused: list[Placed],
    units: dict[str, UnitRecord],
    place_reused: Callable[[str, bytes, Reuse], Placed],
    progress: Progress | None = None,
    api_lines: Callable[[], dict[bytes, str]] | None = None,
    elsewhere: Elsewhere | None = None,
    one_process: bool = False,
) -> Iterator[Page]:
    """The pages of every plan unit whose inputs changed since the last build (all of them on
    a cold build), in plan.planning_order, then sitemap and robots.txt. A unit whose inputs
    are unchanged, and whose files in the published site were made from the same page data
    under the same settings, is not planned: its files are put in place as they are
    (`place_reused`) into `reused`, their kinds counted in `kinds`. `units` receives what every
    unit made, for the next build; the source digests of planned pages are not known until they
    are rendered (None here, see `with_sources`). `progress("render", done, total)` counts the
    units as they are planned (pages are rendered as they are planned, a few chunks behind).
    `api_lines`, `elsewhere`: see plan.plan_units. `one_process`: the pages are rendered in
    this process (plan.one_process_order), not on a pool (plan.planning_order)."""
    units_planned = plan_units(archive, config, Fingerprints(), api_lines, elsewhere)
    # what the sitemap lists, by unit: it lists them in page order, not in planning order
    listed_by_unit: list[list[tuple[str, Any]]] = [[] for _ in units_planned]
    order = one_process_order if one_process else planning_order
    for done, number in enumerate(order(units_planned)):
        if progress:
            progress("render", done, len(units_planned))
        unit, listed = units_planned[number], listed_by_unit[number]
        before = previous.get(unit.key)
        # the unit's inputs under these settings (a unit made under other settings is stale)
        unit_inputs = unit.inputs()
        inputs = digest(settings + unit_inputs) if unit_inputs is not None else None
        if (
            inputs is not None
            and before is not None
            and before.inputs == inputs
            and all(reusable.get(rel, (None,))[0] == source for rel, _, _, source in before.pages)
        ):
            for rel, kind, entry, source in before.pages:
                kinds[kind] += 1
                if entry is not None:
                    listed.append(entry)
                reused.append(place_reused(rel, source, Reuse(reusable[rel][1], reusable[rel][2])))
            units[unit.key] = before
            continue
        made = []
        for page in unit.pages():
            if inputs is not None:
                # The unit's inputs make all of its pages (as reusing the unit above assumes),
                # so they and the URL say what this page is made from, without digesting it.
                page = replace(page, source=digest(inputs + page.url.encode()))
            kinds[page.kind] += 1
            entry = listed_in_sitemap(page)
            if entry is not None:
                listed.append(entry)
            made.append((page.output, page.kind, entry, None))
            yield page
        units[unit.key] = UnitRecord(inputs, tuple(made))
    listed = [entry for unit_listed in listed_by_unit for entry in unit_listed]
    del listed_by_unit
    for page in discovery_pages(listed, config):
        kinds[page.kind] += 1
        yield page
    if progress:
        progress("render", len(units_planned), len(units_planned))


def with_sources(units: dict[str, UnitRecord], manifest: Manifest) -> dict[str, UnitRecord]:
    """The unit records with the source digest of every page, from the published manifest.
    (A reused unit's record is the last build's, whose pages have theirs: kept as it is.)"""
    return {
        key: UnitRecord(
            record.inputs,
            tuple((rel, kind, entry, manifest[rel][0]) for rel, kind, entry, _ in record.pages),
        )
        if any(page[3] is None for page in record.pages)
        else record
        for key, record in units.items()
    }


def place_pages(
    pages: Iterator[Page],
    target: PageTarget,
    reusable: Manifest,
    have: Manifest,
    reused: list[Placed],
    pool: Pool | None = None,
    rendered: Callable[[], None] | None = None,
) -> Iterator[Placed]:
    """Every page rendered (unless its published file was made from equal data) and put in
    `target.tree` (workers.render_and_place, on the pool if any), with whatever `reused`
    collects while `pages` is consumed, then the theme's static files. `rendered()` is called
    once the last page is rendered."""
    jobs = ((target, page, reusable.get(page.output), have.get(page.output)) for page in pages)
    if pool is None:
        env = make_environment(target.project, target.config, target.compiled)
        placed = ordered_map(None, functools.partial(render_and_place, env=env), jobs)
    else:
        placed = ordered_map_sharing(
            pool, render_and_place, jobs, SHARED_VIEWS, lambda job: holds_shared_views(job[1])
        )
    for item in placed:
        yield item
        yield from reused
        reused.clear()
    if rendered is not None:
        rendered()
    yield from reused
    reused.clear()
    for rel, path in static_files(target.project).items():
        data = path.read_bytes()
        yield place(target.tree, target.output, rel, digest(data), data, have.get(rel))
