"""A bar chart of articles over time, laid out at build time for an inline SVG (no JavaScript).

`build_timeline` counts dates per month — or per year when the span is longer than `max_months`
— across the whole span from the first to the last (empty months count as zero), and returns
the bars' geometry as fixed-precision strings, so the SVG is the same on every build, plus a
sentence that says what the chart shows for readers who cannot see it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: English month names, independent of the machine's locale (plan.py and render.py use them).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

WIDTH = 640
HEIGHT = 140
TOP = 18  #: room for the scale label above the tallest bar
BOTTOM = 118  #: the baseline; labels of the first and last period sit below it
PLOT_HEIGHT = BOTTOM - TOP
#: Longest span shown month by month on entity pages (three years); longer spans go by year.
ENTITY_MAX_MONTHS = 36


def number(value: float) -> str:
    """Fixed formatting for SVG coordinates: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Bar:
    label: str  #: "June 2025" or "2025"
    count: int
    x: str
    y: str
    width: str
    height: str


@dataclass(frozen=True)
class Timeline:
    unit: str  #: "month" or "year"
    periods: int  #: months or years in the span, empty ones included
    bars: tuple[Bar, ...]  #: one per period with at least one article, oldest first
    total: int
    peak: int  #: the tallest bar's count
    first: str  #: label of the first period
    last: str  #: label of the last period
    summary: str  #: the chart in one sentence
    width: int = WIDTH
    height: int = HEIGHT
    top: int = TOP
    bottom: int = BOTTOM


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def build_timeline(
    dates: Sequence[date], *, lead: str = "", max_months: int = ENTITY_MAX_MONTHS
) -> Timeline | None:
    """Bars for `dates` (one per article); None when there are none. `lead` starts the summary
    ("Named in " → "Named in 4 articles between …")."""
    if not dates:
        return None
    first, last = min(dates), max(dates)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    keys: list[tuple[int, int]]
    if months > max_months:
        unit = "year"
        keys = [(y, 0) for y in range(first.year, last.year + 1)]
        counts = Counter((d.year, 0) for d in dates)
    else:
        unit = "month"
        keys = [
            ((first.month - 1 + i) // 12 + first.year, (first.month - 1 + i) % 12 + 1)
            for i in range(months)
        ]
        counts = Counter((d.year, d.month) for d in dates)

    def label(key: tuple[int, int]) -> str:
        year, month = key
        return f"{MONTH_NAMES[month - 1]} {year}" if month else str(year)

    peak = max(counts.values())
    step = WIDTH / len(keys)
    gap = min(2.0, step * 0.2)
    bars = []
    for i, key in enumerate(keys):
        n = counts.get(key, 0)
        if not n:
            continue
        height = PLOT_HEIGHT * n / peak
        bars.append(
            Bar(
                label(key),
                n,
                number(i * step + gap / 2),
                number(BOTTOM - height),
                number(step - gap),
                number(height),
            )
        )
    total = len(dates)
    peaks = [label(k) for k in keys if counts.get(k, 0) == peak]
    if len(keys) == 1:
        summary = f"{lead}{_plural(total, 'article')} in {label(keys[0])}."
    else:
        if len(peaks) == 1:
            most = f"most in {peaks[0]} ({peak})"
        elif len(peaks) <= 3:
            most = f"most in {_join(peaks)} ({peak} each)"
        else:
            most = f"at most {peak} in a {unit}"
        summary = (
            f"{lead}{_plural(total, 'article')} between {label(keys[0])} "
            f"and {label(keys[-1])}, {most}."
        )
    return Timeline(
        unit, len(keys), tuple(bars), total, peak, label(keys[0]), label(keys[-1]), summary
    )
