"""Timelines: bars per month (or year), their text alternative, and the SVG in built pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from broadsheet import timeline as tl
from broadsheet.build import build
from broadsheet.timeline import build_timeline, number
from sitecheck import page
from test_feeds import write_project

SVG = "{http://www.w3.org/2000/svg}"


def test_months_with_gaps_and_the_summary_sentence():
    dates = [date(2024, 2, 10), date(2024, 6, 3), date(2025, 6, 1), date(2025, 6, 20)]
    t = build_timeline(dates, lead="Named in ")
    assert t is not None and t.unit == "month"
    assert t.periods == 17  # February 2024 .. June 2025, empty months included
    assert [(b.label, b.count) for b in t.bars] == [
        ("February 2024", 1),
        ("June 2024", 1),
        ("June 2025", 2),
    ]
    assert t.summary == (
        "Named in 4 articles between February 2024 and June 2025, most in June 2025 (2)."
    )
    # heights are proportional to counts; the tallest bar fills the plot
    assert [float(b.height) for b in t.bars] == [tl.PLOT_HEIGHT / 2, tl.PLOT_HEIGHT / 2, 100.0]
    for b in t.bars:
        assert float(b.y) + float(b.height) == tl.BOTTOM
    step = tl.WIDTH / 17
    assert float(t.bars[2].x) == pytest.approx(16 * step + 1, abs=0.01)


def test_long_spans_go_by_year():
    dates = [date(2018, 8, 6), date(2024, 1, 1), date(2024, 12, 31), date(2025, 3, 1)]
    t = build_timeline(dates)
    assert t is not None and t.unit == "year" and t.periods == 8
    assert [(b.label, b.count) for b in t.bars] == [("2018", 1), ("2024", 2), ("2025", 1)]
    assert t.summary == "4 articles between 2018 and 2025, most in 2024 (2)."
    # exactly three years is still month by month
    assert build_timeline([date(2022, 1, 1), date(2024, 12, 1)]).unit == "month"
    assert build_timeline([date(2022, 1, 1), date(2025, 1, 1)]).unit == "year"


def test_summaries_for_one_period_and_ties():
    one = build_timeline([date(2018, 8, 6)], lead="Named in ")
    assert one.summary == "Named in 1 article in August 2018." and one.periods == 1
    tie = build_timeline([date(2024, 1, 1), date(2024, 3, 1)])
    assert tie.summary == (
        "2 articles between January 2024 and March 2024, "
        "most in January 2024 and March 2024 (1 each)."
    )
    many = build_timeline([date(2024, m, 1) for m in range(1, 6)])
    assert many.summary.endswith("at most 1 in a month.")
    assert build_timeline([]) is None


def test_numbers_have_a_fixed_format():
    assert [number(v) for v in (0, 1.0, 2.5, 1 / 3, 37.647058, -0.0001)] == [
        "0",
        "1",
        "2.5",
        "0.33",
        "37.65",
        "0",
    ]


def svg_of(site: Path, url: str) -> ET.Element:
    """The page's inline SVG, parsed as XML straight from the file's bytes."""
    html = (site / url / "index.html").read_text(encoding="utf-8")
    [svg] = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return ET.fromstring(svg)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = write_project(tmp_path_factory.mktemp("timeline"))
    build(project)
    return project / "site"


def test_entity_page_svg_matches_the_data_and_has_a_text_alternative(site):
    svg = svg_of(site, "people/elena-marsh/")
    assert svg.get("role") == "img"
    bars = svg.findall(f"{SVG}rect")
    assert [int(b.get("data-count")) for b in bars] == [1, 1, 2]
    assert [float(b.get("height")) for b in bars] == [50, 50, 100]
    assert [b.findtext(f"{SVG}title") for b in bars] == [
        "February 2024: 1",
        "June 2024: 1",
        "June 2025: 2",
    ]
    soup = page(site, "people/elena-marsh/")
    ids = soup.find("svg")["aria-labelledby"].split()
    texts = [soup.find(id=i).get_text(strip=True) for i in ids]
    assert texts[0] == "Articles naming Elena Marsh, by month"
    assert texts[1] == (
        "Named in 4 articles between February 2024 and June 2025, most in June 2025 (2)."
    )
    table = soup.select_one("figure.timeline table.visually-hidden")
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]
    assert rows == [["February 2024", "1"], ["June 2024", "1"], ["June 2025", "2"]]
    # colours come from CSS, not fixed in the SVG
    assert {b.get("fill") for b in bars} == {"currentColor"}
    assert svg.find(f".//{SVG}script") is None


def test_every_entity_page_and_the_archive_have_a_timeline(site):
    for url in ("people/tomasz-wojcik/", "places/port-halden/", "authors/jane-doe/", "archive/"):
        svg = svg_of(site, url)
        assert svg.findall(f"{SVG}rect"), url
    archive = svg_of(site, "archive/")
    assert archive.get("data-unit") == "month" and archive.get("data-periods") == "17"
    assert sum(int(b.get("data-count")) for b in archive.findall(f"{SVG}rect")) == 4
    assert (
        "4 articles between February 2024 and June 2025"
        in page(site, "archive/").figcaption.get_text()
    )


def test_css_gives_the_chart_a_dark_mode_colour():
    css = (Path(__file__).resolve().parents[1] / "templates/static/style.css").read_text()
    assert ".timeline-bar" in css and "var(--chart)" in css
    dark = css[css.index("prefers-color-scheme: dark") :]
    assert "--chart:" in dark[: dark.index("}")]
