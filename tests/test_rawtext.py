"""Tests for broadsheet.rawtext: pasted plain-text articles → RawText.

Most cases are data files in tests/data/rawtext/: NAME.txt is the input and NAME.yaml the
expectation. The YAML keys are:

* ``description``: what the case is about (shown on failure).
* ``bom: true`` / ``newline: crlf | cr``: applied to the .txt before parsing, so the files
  themselves stay plain LF UTF-8 (safe from editors and git line-end conversion).
* ``headline``, ``bylines`` (list), ``date`` (ISO date or null), ``published`` (ISO
  datetime, with offset when aware, or null), ``first_paragraph`` (or null),
  ``paragraphs`` (count), ``body_line`` (optional).
* or ``error``: ``contains`` (substrings of the message) and ``line`` (or null).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from broadsheet.model import RawText, SourceError
from broadsheet.rawtext import (
    is_date_line,
    looks_like_byline,
    parse,
    parse_byline,
    parse_date_line,
    split_blocks,
)

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "rawtext"
SEED = REPO / ".." / "shared" / "seed" / "rand-paul-moscow.txt"
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _case_names() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.yaml"))


def _load_case(name: str) -> tuple[str, dict[str, Any]]:
    spec = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    text = text.replace("\n", NEWLINES[spec.get("newline", "lf")])
    if spec.get("bom"):
        text = "\ufeff" + text
    return text, spec


def _iso(value: object) -> str | None:
    return None if value is None else value.isoformat()  # type: ignore[attr-defined]


def test_data_directory_has_cases() -> None:
    assert len(_case_names()) >= 40


@pytest.mark.parametrize("name", _case_names())
def test_case(name: str) -> None:
    text, spec = _load_case(name)
    path = f"content/{name}.txt"
    if "error" in spec:
        with pytest.raises(SourceError) as caught:
            parse(text, path)
        message = str(caught.value)
        assert caught.value.problem.path == path
        assert caught.value.problem.line == spec["error"]["line"]
        for fragment in spec["error"]["contains"]:
            assert fragment in message, f"{spec['description']}: {fragment!r} not in {message!r}"
        return

    raw = parse(text, path)
    assert isinstance(raw, RawText)
    assert raw.headline == spec["headline"], spec["description"]
    assert raw.bylines == tuple(spec["bylines"]), spec["description"]
    assert _iso(raw.date) == spec["date"], spec["description"]
    assert _iso(raw.published) == spec["published"], spec["description"]
    assert len(raw.paragraphs) == spec["paragraphs"], spec["description"]
    first = raw.paragraphs[0] if raw.paragraphs else None
    assert first == spec["first_paragraph"], spec["description"]
    if "body_line" in spec:
        assert raw.body_line == spec["body_line"], spec["description"]
    assert not any("<u>" in p or "</u>" in p for p in raw.paragraphs)


def test_body_line_points_at_first_paragraph_in_original_text() -> None:
    for name in _case_names():
        text, spec = _load_case(name)
        if "error" in spec or not spec["paragraphs"]:
            continue
        raw = parse(text, name)
        original_lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        line = original_lines.split("\n")[raw.body_line - 1]
        first_words = " ".join(raw.paragraphs[0].split()[:2])
        assert line.strip().replace("<u>", "").startswith(first_words), name


# --------------------------------------------------------------------------- the seed


def test_seed_article() -> None:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED.resolve()} (shared/ is not checked out)")
    raw = parse(SEED.read_text(encoding="utf-8"), "shared/seed/rand-paul-moscow.txt")
    assert raw.headline == "Sen. Rand Paul meets Russian senators in Moscow, invites them to the US"
    assert raw.bylines == ("Patrick Reevell",)
    assert raw.date == date(2018, 8, 6)
    assert raw.published is None
    assert raw.paragraphs[0].startswith("Republican Sen. Rand Paul of Kentucky")
    assert len(raw.paragraphs) > 10
    assert not any("<u>" in p or "</u>" in p for p in raw.paragraphs)
    assert "controversial summit meeting with Russia" in raw.paragraphs[1]
    assert raw.body_line == 9


# --------------------------------------------------------------------------- line ends


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_line_ends_and_bom_do_not_change_the_result(newline: str, bom: str) -> None:
    lines = ["", "Headline here", "", "By Jane Doe", "Aug 6 2018", "", "One", "two.", "", "Three."]
    raw = parse(bom + newline.join(lines), "x.txt")
    assert raw == RawText(
        headline="Headline here",
        bylines=("Jane Doe",),
        date=date(2018, 8, 6),
        published=None,
        paragraphs=("One two.", "Three."),
        body_line=7,
    )


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("Patrick Reevell", ("Patrick Reevell",)),
        ("By Patrick Reevell", ("Patrick Reevell",)),
        ("BY PATRICK REEVELL", ("Patrick Reevell",)),
        ("by: Patrick Reevell", ("Patrick Reevell",)),
        ("Jane Doe, John Roe and Max Muster", ("Jane Doe", "John Roe", "Max Muster")),
        ("Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("Jane Doe & John Roe", ("Jane Doe", "John Roe")),
        ("By Jane Doe, John Roe, and Max Muster", ("Jane Doe", "John Roe", "Max Muster")),
        ("Jane Doe, ABC News", ("Jane Doe",)),
        ("By Jane Doe | Reuters", ("Jane Doe",)),
        ("Jane Doe and John Roe, The Associated Press", ("Jane Doe", "John Roe")),
        ("Jane Doe (Reuters)", ("Jane Doe",)),
        ("Jane Doe, Staff Writer", ("Jane Doe",)),
        ("Jane Doe - The Moscow Times", ("Jane Doe",)),
        ("Jane Doe for The Guardian", ("Jane Doe",)),
        ("Jane Doe and agencies", ("Jane Doe",)),
        ("Jane Doe, Dow Jones & Company", ("Jane Doe",)),
        ("Jane Doe, ABC News, Moscow Bureau", ("Jane Doe",)),
        ("J.R. Smith Jr.", ("J.R. Smith Jr.",)),
        ("Jean-Luc O'Brien", ("Jean-Luc O'Brien",)),
        ("Ludwig van Beethoven", ("Ludwig van Beethoven",)),
        (
            "BY JEAN-LUC O'BRIEN AND JOHN VAN DER BERG III",
            ("Jean-Luc O'Brien", "John van der Berg III"),
        ),
        ("Jane\u00a0Doe", ("Jane Doe",)),
        ("<u>Jane Doe</u>", ("Jane Doe",)),
        ("By The Associated Press", ()),
    ],
)
def test_parse_byline(line: str, names: tuple[str, ...]) -> None:
    assert looks_like_byline(line)
    assert parse_byline(line) == names


@pytest.mark.parametrize(
    "line",
    [
        "",
        "May the force be with you",
        "August 6, 2018",
        "Rand Paul meets Putin",
        "Sen. Rand Paul",
        "Republican Sen. Rand Paul of Kentucky met with Russian politicians.",
        "MOSCOW — Republican Sen. Rand Paul of Kentucky met",
        "MOSCOW (Reuters) - Republican Sen. Rand Paul of Kentucky met",
        "Paul said: “wonderful”",
        "By the river",
        "Jane Doe said",
        "Jane Doe, who was there",
        "Jane Doe and John Roe met on Monday",
        "Jane Doe, John Roe, Max Muster, Erika Mustermann, Otto Normal, Hans Wurst, Ann Other",
        "Paul",
    ],
)
def test_not_a_byline(line: str) -> None:
    assert not looks_like_byline(line)
    assert parse_byline(line) == ()


# --------------------------------------------------------------------------- dates

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("line", "day", "published"),
    [
        ("August 6, 2018", date(2018, 8, 6), None),
        (
            "Aug. 6, 2018, 4:15 PM ET",
            date(2018, 8, 6),
            datetime(2018, 8, 6, 16, 15, tzinfo=NEW_YORK),
        ),
        (
            "Aug. 6, 2018 4:15 p.m. EDT",
            date(2018, 8, 6),
            datetime(2018, 8, 6, 16, 15, tzinfo=NEW_YORK),
        ),
        ("2018-08-06", date(2018, 8, 6), None),
        ("6 August 2018", date(2018, 8, 6), None),
        ("Monday, August 6, 2018", date(2018, 8, 6), None),
        ("06/08/2018", date(2018, 6, 8), None),
        ("13/08/2018", date(2018, 8, 13), None),
        ("Aug 6 2018", date(2018, 8, 6), None),
        ("Sept. 6, 2018", date(2018, 9, 6), None),
        (
            "2018-08-06T16:15:00Z",
            date(2018, 8, 6),
            datetime(2018, 8, 6, 16, 15, tzinfo=ZoneInfo("UTC")),
        ),
        ("Published: August 6, 2018", date(2018, 8, 6), None),
        ("Updated Aug. 6, 2018", date(2018, 8, 6), None),
        ("Posted on Aug. 6, 2018 at 9:00 a.m. PT", date(2018, 8, 6), None),
        ("Published August 6, 2018 | Updated August 7, 2018", date(2018, 8, 6), None),
        ("Monday 6 August 2018 16.15 BST", date(2018, 8, 6), None),
        ("August\u00a06,\u00a02018", date(2018, 8, 6), None),
    ],
)
def test_parse_date_line(line: str, day: date, published: datetime | None) -> None:
    assert is_date_line(line)
    parsed = parse_date_line(line)
    assert parsed is not None
    assert parsed[0] == day
    if published is not None:
        assert parsed[1] == published
        assert parsed[1].utcoffset() == published.utcoffset()


def test_published_time_zone_policy() -> None:
    # US abbreviations map to the region zone: EST written in August still gets EDT.
    _, est = parse_date_line("Aug. 6, 2018, 4:15 PM EST")  # type: ignore[misc]
    assert est is not None
    assert est.tzinfo == NEW_YORK
    assert est.utcoffset() == timedelta(hours=-4)
    _, pacific = parse_date_line("Posted on Aug. 6, 2018 at 9:00 a.m. PT")  # type: ignore[misc]
    assert pacific == datetime(2018, 8, 6, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    # Other zones become fixed offsets.
    _, bst = parse_date_line("Monday 6 August 2018 16.15 BST")  # type: ignore[misc]
    assert bst is not None
    assert bst.utcoffset() == timedelta(hours=1)
    assert (bst.hour, bst.minute) == (16, 15)
    # A time with no zone stays naive; no time at all means no published datetime.
    _, naive = parse_date_line("Aug. 6, 2018, 4:15 PM")  # type: ignore[misc]
    assert naive == datetime(2018, 8, 6, 16, 15)
    assert naive is not None and naive.tzinfo is None
    assert parse_date_line("August 6, 2018 ET") == (date(2018, 8, 6), None)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "May the force be with you",
        "Patrick Reevell",
        "August 2018",
        "2018",
        "Monday",
        "yesterday",
        "4:15 PM",
        "Sen. Rand Paul meets Russian senators in Moscow, invites them to the US",
        "Trump met Putin in Helsinki on July 16, 2018, and the summit was criticised.",
        "The 3 May 2018 summit",
    ],
)
def test_not_a_date_line(line: str) -> None:
    assert parse_date_line(line) is None
    assert not is_date_line(line)


# --------------------------------------------------------------------------- blocks, errors


def test_split_blocks() -> None:
    lines = ["", "a", " b ", "   ", "", "c", "\t"]
    assert list(split_blocks(lines)) == [(1, ["a", "b"]), (5, ["c"])]
    assert list(split_blocks(lines, 3)) == [(5, ["c"])]
    assert list(split_blocks([])) == []


def test_empty_file_error_names_the_file_and_the_fix() -> None:
    with pytest.raises(SourceError) as caught:
        parse("\ufeff  \r\n\r\n", "content/2018/empty.txt")
    problem = caught.value.problem
    assert problem.path == "content/2018/empty.txt"
    assert problem.line is None
    assert str(caught.value).startswith("content/2018/empty.txt: error: the file is empty")
    assert "write the headline on the first line" in problem.message


def test_long_first_line_error_has_line_number() -> None:
    text = "\n\n" + "word " * 80 + "\n\nBody.\n"
    with pytest.raises(SourceError) as caught:
        parse(text, "a.txt")
    assert caught.value.problem.line == 3
    assert "too long for a headline" in caught.value.problem.message
    assert "headline on its own line" in caught.value.problem.message


def test_headline_just_under_the_limit_is_fine() -> None:
    headline = "x" * 300
    assert parse(headline + "\n\nBody.", "a.txt").headline == headline


def test_large_article_is_linear() -> None:
    paragraph = "Republican Sen. <u>Rand Paul</u> of Kentucky met with Russian politicians. " * 3
    count = 90_000  # about 20 MB
    text = "Headline\n\nBy Jane Doe\n\nAugust 6, 2018\n\n" + (paragraph + "\n\n") * count
    assert len(text) > 20_000_000
    started = time.perf_counter()
    raw = parse(text, "big.txt")
    elapsed = time.perf_counter() - started
    assert len(raw.paragraphs) == count
    assert raw.paragraphs[-1] == raw.paragraphs[0]
    assert "<u>" not in raw.paragraphs[-1]
    assert elapsed < 20, f"parse took {elapsed:.1f}s for 20 MB"
