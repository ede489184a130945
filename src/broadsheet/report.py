"""What the command line prints: problems as they happen, a progress bar, the closing summary.

Pure formatting over build results; cli.py decides when to print. The progress bar is click's
(`click.progressbar`): click is already the CLI library, so it costs no dependency, and its bar
knows terminal widths and colours. It is drawn only on a terminal, only when not --quiet, and only
for work that has already taken a moment, so a small build or a pipe never sees one.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import click

from broadsheet.model import Problem

#: A stage must have run this long before its bar appears (no flash on small builds).
PROGRESS_DELAY = 0.5
#: Problem groups listed in the summary, per severity.
SUMMARY_GROUPS = 5

STAGE_LABELS = {"extract": "Finding entities", "render": "Rendering pages"}
COLORS = {"error": "red", "warning": "yellow"}


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressDisplay:
    """A build `progress(stage, done, total)` callback drawing one bar per stage on stderr."""

    def __init__(
        self,
        enabled: bool,
        file: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        delay: float = PROGRESS_DELAY,
    ) -> None:
        self.enabled = enabled
        self.file = file
        self.clock = clock
        self.delay = delay
        self.stage: str | None = None
        self.started = 0.0
        self.bar: Any = None
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage, self.started = stage, self.clock()
        if self.bar is None and total and self.clock() - self.started >= self.delay:
            self.bar = click.progressbar(
                length=total,
                label=STAGE_LABELS.get(stage, stage),
                file=self.file,
                show_pos=True,
                show_eta=True,
                update_min_steps=max(1, total // 200),  # redraw ~200 times, not per page
            )
            self.bar.__enter__()
            self.shown = 0
        if self.bar is not None and done > self.shown:
            self.bar.update(done - self.shown)
            self.shown = done
        if done >= total:
            self.close()

    def close(self) -> None:
        """Finish the current bar (its line stays, completed) so other output starts clean."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        self.stage = None


def problem_printer(
    verbose: bool, quiet: bool, before: Callable[[], None] | None = None
) -> Callable[[Problem], None]:
    """A reporter printing each problem to stderr: -q hides warnings, -v adds notes."""

    def show(problem: Problem) -> None:
        if problem.severity == "info" and not verbose:
            return
        if problem.severity == "warning" and quiet:
            return
        if before:
            before()
        click.secho(str(problem), fg=COLORS.get(problem.severity), err=True)

    return show


#: Elided when grouping: quoted names and file paths ("content/a.md").
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|[\w.-]*/[\w./-]+")


def problem_kind(message: str) -> str:
    """The gist of a message, for grouping: before its first ':' or ';', quoted names elided.

    "no date: add 'date: YYYY-MM-DD' ..." → "no date";
    "unknown front-matter key 'tags' is ignored; ..." → "unknown front-matter key … is ignored";
    "slug 'a' is already used by content/a.md; ..." → "slug … is already used by …".
    """
    elided = _QUOTED.sub("…", message)
    gist = re.split(r":\s|;|\s\(", elided, maxsplit=1)[0]
    return " ".join(gist.split()).rstrip(".") or message


def grouped(problems: Iterable[Problem], limit: int = SUMMARY_GROUPS) -> list[str]:
    """Lines like "12× no date", most frequent first, then "… and N more"."""
    counts = Counter(problem_kind(p.message) for p in problems)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = len(str(ranked[0][1])) if ranked else 1
    lines = [f"{n:>{width}}× {kind}" for kind, n in ranked[:limit]]
    rest = ranked[limit:]
    if rest:
        lines.append(
            f"… and {sum(n for _, n in rest)} more of {len(rest)} other kind"
            f"{'s' if len(rest) > 1 else ''}"
        )
    return lines


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def counts_line(problems: Sequence[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def build_summary(result: Any, where: str) -> list[str]:
    """The one-screen summary of a BuildResult (articles, pages by kind, problems, time)."""
    if getattr(result, "unchanged", False):
        first = f"Nothing changed since the last build: {where}/ is up to date"
    else:
        first = f"Built {result.articles} articles into {where}/"
        written = getattr(result, "written", None)
        if written is not None and written < result.files:
            first += f" ({plural(written, 'file')} rewritten)"
    lines = [
        f"{first} in {result.seconds:.1f} s: {plural(result.files, 'file')}, {_size(result.bytes)}."
    ]
    if result.pages:
        total = sum(result.pages.values())
        by_kind = ", ".join(f"{n} {kind}" for kind, n in result.pages.items())
        lines.append(f"Pages: {total} ({by_kind}).")
    lines.extend(problem_summary(result.problems))
    return lines


def problem_summary(problems: Sequence[Problem]) -> list[str]:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if not errors and not warnings:
        return ["No errors, no warnings."]
    lines = [f"{counts_line(problems).capitalize()}:"]
    for label, group in (("errors", errors), ("warnings", warnings)):
        if group:
            lines.append(f"  {label}:")
            lines.extend(f"    {line}" for line in grouped(group))
    return lines


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
