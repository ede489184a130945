"""The command line: argument parsing, printing, exit codes. No logic of its own.

Exit codes, for every command: 0 done (warnings allowed); 1 something failed (an input could not
be used, a check found errors, or --strict turned warnings into failures); 2 a usage error, such
as an unknown option or a folder that is not an archive project.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from broadsheet import __version__
from broadsheet.model import Problem

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _project(path: Path, content_dir: str = "content") -> Path:
    project = path.resolve()
    if not (project / content_dir).is_dir():
        raise click.UsageError(
            f"{project} is not an archive project (it has no {content_dir}/ folder): run "
            "broadsheet in one, pass --project DIR, or create one with broadsheet init DIR"
        )
    return project


def _printer(verbose: bool, quiet: bool) -> Callable[[Problem], None]:
    from broadsheet.report import problem_printer

    return problem_printer(verbose, quiet)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


project_option = click.option(
    "--project",
    "-p",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The archive project folder (holds content/).",
)


def verbosity(quiet_help: str, verbose_help: str = "Also print notes (skipped files...).") -> Any:
    """-q / -v, the same on every command."""

    def decorate(func: Any) -> Any:
        func = click.option("--verbose", "-v", is_flag=True, help=verbose_help)(func)
        return click.option("--quiet", "-q", is_flag=True, help=quiet_help)(func)

    return decorate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    prog_name="broadsheet",
    # the interpreter too: a build is CPU-bound Python, and how CPython was built matters
    message=f"%(prog)s, version %(version)s (Python {sys.version.split()[0]}, {sys.executable})",
)
def main() -> None:
    """Broadsheet: turn a folder of news articles into a linked, browsable archive."""


def _progress(quiet: bool) -> Any:
    """A progress bar on stderr: only on a terminal, and never with -q."""
    from broadsheet.report import ProgressDisplay, is_terminal

    return ProgressDisplay(enabled=not quiet and is_terminal(sys.stderr), file=sys.stderr)


def _run_build(
    root: Path,
    *,
    strict: bool = False,
    drafts: bool = False,
    overrides: dict[str, Any] | None = None,
    quiet: bool = False,
    verbose: bool = False,
) -> Any:
    """Build with progress and problems printed; the summary on stdout. Returns the result;
    raises BuildFailed / OutputError / RuntimeError as build() does."""
    from broadsheet.build import build as run_build
    from broadsheet.report import build_summary, problem_printer

    progress = _progress(quiet)
    try:
        result = run_build(
            root,
            strict=strict,
            drafts=drafts,
            overrides=overrides,
            reporter=problem_printer(verbose, quiet, before=progress.close),
            progress=progress if progress.enabled else None,
        )
    finally:
        progress.close()
    for line in build_summary(result, _shown(result.output)):
        click.echo(line)
    return result


@main.command()
@project_option
@click.option("--strict", is_flag=True, help="Stop at the first error and write nothing.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--output", "-o", help="Output folder (default: output_dir in site.yaml, 'site').")
@click.option("--base-url", help="Absolute URL the site will be served from.")
@verbosity("Print errors and the summary only; no progress bar.")
def build(
    project: Path,
    strict: bool,
    drafts: bool,
    output: str | None,
    base_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build content/ into the site folder.

    Problems are printed as they are found (path:line: severity: message), a progress bar
    shows long work on a terminal, and a summary ends the run: articles, pages by kind, and
    the errors and warnings grouped by what they say.
    """
    from broadsheet.build import BuildFailed
    from broadsheet.write import OutputError

    root = _project(project)
    try:
        result = _run_build(
            root,
            strict=strict,
            drafts=drafts,
            overrides={"output_dir": output, "base_url": base_url},
            quiet=quiet,
            verbose=verbose,
        )
    except BuildFailed as exc:
        click.secho(f"stopped (--strict): {exc.problem}; nothing was written", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    except (OutputError, RuntimeError) as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    if result.errors:
        sys.exit(EXIT_FAILED)


@main.command()
@project_option
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@verbosity("Print errors only.", "Also print notes.")
def ingest(project: Path, paths: tuple[Path, ...], quiet: bool, verbose: bool) -> None:
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
    show = _printer(verbose, quiet)
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


@main.command()
@project_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback address to listen on (127.0.0.1, ::1 or localhost only).",
)
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--output", "-o", help="Output folder (default: output_dir in site.yaml, 'site').")
@verbosity("Print errors, the URL and build summaries only.", "Also print notes and requests.")
def serve(
    project: Path,
    port: int,
    host: str,
    drafts: bool,
    output: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build, serve the site on this machine, and rebuild when the sources change.

    Watches content/, data/, templates/ and site.yaml. Open pages reload after each rebuild; a
    rebuild that fails leaves the last good site in place and shows the error on the page. The
    site is written to the output folder like `build` (with --drafts, drafts too: build again
    without it before publishing). Stop with Ctrl+C.
    """
    from broadsheet.config import load_config
    from broadsheet.serve import ServeSession, is_loopback, relative_paths

    root = _project(project)
    if not is_loopback(host):
        raise click.BadParameter(
            f"{host} is not a loopback address: serve listens on this machine only",
            param_hint="--host",
        )
    overrides = {"output_dir": output}
    config, _ = load_config(root, overrides)
    site = Path(config.output_dir)
    site = site if site.is_absolute() else root / site

    def rebuild() -> tuple[str, str | None]:
        try:
            result = _run_build(
                root, drafts=drafts, overrides=overrides, quiet=quiet, verbose=verbose
            )
        except Exception as exc:  # any failure: keep serving the last good site
            click.secho(
                f"error: rebuild failed: {exc}; still serving the last good site",
                fg="red",
                err=True,
            )
            return "", str(exc)
        errors = "\n".join(str(p) for p in result.errors)
        return (f"The site was built, but:\n{errors}" if errors else ""), None

    def changed(paths: set[str]) -> None:
        if not quiet:
            names = relative_paths(paths, root)
            more = f" and {len(names) - 3} more" if len(names) > 3 else ""
            click.echo(f"\nChanged: {', '.join(names[:3])}{more}; rebuilding.")

    try:
        session = ServeSession(
            root,
            site,
            rebuild,
            host=host,
            port=port,
            content_dir=lambda: load_config(root, overrides)[0].content_dir,
            on_change=changed,
        )
    except OSError as exc:
        click.secho(
            f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", fg="red", err=True
        )
        sys.exit(EXIT_FAILED)
    session.server.log_requests = verbose
    try:
        session.start()
        click.echo(f"Serving {_shown(site)}/ at {session.url} (Ctrl+C to stop)")
        session.wait()
    except KeyboardInterrupt:
        click.echo("\nStopped.")
    finally:
        session.stop()


@main.command()
@project_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@verbosity("Print errors and the summary only.", "Also print notes.")
def check(project: Path, strict: bool, drafts: bool, quiet: bool, verbose: bool) -> None:
    """List what editors should review, without writing the site.

    Errors (exit 1): broken links and images in the built pages, articles that share a slug,
    inputs the build could not use. Warnings: articles without a byline or a date; entities
    named in one article only whose kind (person, organization, place) the model guessed on
    thin evidence; other build warnings.
    """
    from broadsheet.check import run_check
    from broadsheet.report import COLORS, counts_line

    root = _project(project)
    progress = _progress(quiet)
    try:
        result = run_check(root, drafts=drafts, progress=progress)
    except RuntimeError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        progress.close()
    for section, problems in result.by_section().items():
        shown = [
            p
            for p in problems
            if not (p.severity == "info" and not verbose)
            and not (p.severity == "warning" and quiet)
        ]
        if not shown:
            continue
        if not quiet:
            click.echo(f"\n{section} ({len(shown)}):")
        for problem in shown:
            click.secho(
                f"  {problem}" if not quiet else str(problem), fg=COLORS.get(problem.severity)
            )
    click.echo(
        f"\nChecked {result.articles} articles and {result.pages} pages: "
        f"{counts_line(result.problems)}."
    )
    if result.errors or (strict and result.warnings):
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Also into a folder that is not empty: add the missing files only.",
)
@verbosity("Print nothing but errors.", "Also list the files that were kept.")
def init(folder: Path, force: bool, quiet: bool, verbose: bool) -> None:
    """Create a new archive project in FOLDER, ready to build.

    It has site.yaml (every setting, commented out at its default), data/entities.yaml
    (commented examples), content/ with one example article, and a .gitignore. No existing
    file is ever overwritten.
    """
    from broadsheet.scaffold import init_project

    try:
        created = init_project(folder, force=force)
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from exc
    if quiet:
        return
    for item in created:
        if item.created:
            click.echo(f"created: {_shown(item.path)}")
        elif verbose or force:
            click.echo(f"kept:    {_shown(item.path)} (already there)")
    where = _shown(folder.resolve())
    click.echo(f'\nNext: cd {where} && broadsheet new "Your headline" && broadsheet build')


@main.command()
@click.argument("headline")
@project_option
@click.option(
    "--date",
    "date_",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The article's date (default: today in the site's time zone).",
)
@click.option(
    "--byline", "-b", multiple=True, metavar="NAME", help="An author (repeat for several)."
)
@verbosity("Print nothing but errors.", "Also print the front matter written.")
def new(
    headline: str,
    project: Path,
    date_: dt.datetime | None,
    byline: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Start a new article: content/YYYY/<slug>.md with front matter, and print its path.

    The slug comes from HEADLINE; when that file name is taken anywhere in content/, -2, -3...
    is added. Nothing is overwritten.
    """
    from broadsheet.scaffold import new_article

    root = _project(project)
    if not headline.strip():
        raise click.BadParameter("the headline is empty", param_hint="HEADLINE")
    path = new_article(
        root, headline, date=date_.date() if date_ else None, bylines=[b for b in byline if b]
    )
    if verbose:
        click.echo(path.read_text(encoding="utf-8"), err=True)
    if not quiet:
        click.echo(_shown(path))


from broadsheet.cli_eval import eval_command, extract_command  # noqa: E402

main.add_command(extract_command, "extract")
main.add_command(eval_command, "eval")
