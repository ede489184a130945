"""The command line: argument parsing, printing, exit codes. No logic of its own.

Exit codes: 0 built cleanly; 1 some input failed (the rest was built) or --strict stopped the
build; 2 usage error or no archive project here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadsheet import __version__
from broadsheet.model import Problem

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _project(path: Path, content_dir: str = "content") -> Path:
    project = path.resolve()
    if not (project / content_dir).is_dir():
        raise click.UsageError(
            f"{project} is not an archive project (it has no {content_dir}/ folder): run "
            "broadsheet in one, or pass --project DIR"
        )
    return project


def _printer(verbose: bool, quiet: bool):
    def show(problem: Problem) -> None:
        if problem.severity == "info" and not verbose:
            return
        if problem.severity == "warning" and quiet:
            return
        color = {"error": "red", "warning": "yellow"}.get(problem.severity)
        click.secho(str(problem), fg=color, err=True)

    return show


project_option = click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The archive project folder (holds content/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadsheet")
def main() -> None:
    """Broadsheet: turn a folder of news articles into a linked, browsable archive."""


@main.command()
@project_option
@click.option("--strict", is_flag=True, help="Stop at the first error and write nothing.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--output", "-o", help="Output folder (default: output_dir in site.yaml, 'site').")
@click.option("--base-url", help="Absolute URL the site will be served from.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors and the summary only.")
@click.option("--verbose", "-v", is_flag=True, help="Also print notes (skipped files...).")
def build(
    project: Path,
    strict: bool,
    drafts: bool,
    output: str | None,
    base_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build content/ into the site folder."""
    from broadsheet.build import BuildFailed
    from broadsheet.build import build as run_build
    from broadsheet.write import OutputError

    root = _project(project)
    try:
        result = run_build(
            root,
            strict=strict,
            drafts=drafts,
            overrides={"output_dir": output, "base_url": base_url},
            reporter=_printer(verbose, quiet),
        )
    except BuildFailed as exc:
        click.secho(f"stopped (--strict): {exc.problem}; nothing was written", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    except OutputError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    pages = ", ".join(f"{n} {kind}" for kind, n in result.pages.items())
    try:
        where = result.output.relative_to(Path.cwd())
    except ValueError:
        where = result.output
    click.echo(
        f"Built {result.articles} articles into {where}/ in {result.seconds:.1f} s: "
        f"{result.files} files ({pages})."
    )
    if result.errors or result.warnings:
        click.echo(f"{len(result.errors)} errors, {len(result.warnings)} warnings.")
    if result.errors:
        sys.exit(EXIT_FAILED)


@main.command()
@project_option
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
def ingest(project: Path, paths: tuple[Path, ...], quiet: bool) -> None:
    """Turn raw-text articles into Markdown with front matter for editors to review.

    Each PATH.txt becomes content/.../PATH.md (beside it when it is already in content/). An
    existing Markdown file is never overwritten: only the front-matter keys it lacks are added.
    """
    from broadsheet.build import extract_all
    from broadsheet.config import load_config
    from broadsheet.ingest import (
        front_matter_for,
        read_raw_article,
        target_for,
        text_of,
        write_markdown,
    )
    from broadsheet.model import SourceError
    from broadsheet.registry import load_registry
    from broadsheet.resolve import article_entities

    root = _project(project)
    show = _printer(False, quiet)
    config, problems = load_config(root)
    registry, more = load_registry(root)
    for problem in [*problems, *more]:
        show(problem)
    failed = False
    for path in paths:
        try:
            article, paragraphs, found = read_raw_article(path, root)
        except SourceError as exc:
            show(exc.problem)
            failed = True
            continue
        for problem in found:
            show(problem)
        text = text_of(article)
        (mentions,) = extract_all([text], config, root)
        entities = article_entities(article, text, mentions, registry)
        outcome = write_markdown(
            target_for(path, root, config.content_dir),
            front_matter_for(article, entities),
            paragraphs,
        )
        if not quiet:
            added = f" (added {', '.join(outcome.added)})" if outcome.action == "updated" else ""
            click.echo(f"{outcome.action}: {outcome.target.relative_to(root)}{added}")
    if failed:
        sys.exit(EXIT_FAILED)
