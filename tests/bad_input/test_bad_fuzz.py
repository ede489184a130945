"""Property-based and fuzz tests (Hypothesis): generated raw text, front matter and projects.

Invariants: reading never crashes (unusable input is a SourceError with a message, nothing
else); the raw-text headline comes from the top lines of the input; in a built site every
internal link resolves and every person page is linked from an article that names the person.
Settings are fixed (derandomize, a small max_examples, no example database) so CI runs the same
examples every time and stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import yaml
from badkit import FAST, write_files
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet import rawtext
from broadsheet.build import build
from broadsheet.extract.names import name_key
from broadsheet.extract.pieces import split_text
from broadsheet.frontmatter import KEYS as FRONT_MATTER_KEYS
from broadsheet.load import decode
from broadsheet.model import Source, SourceError
from broadsheet.parse import parse_source
from sitecheck import broken_links, target_of

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SITES = settings(FUZZ, max_examples=15)

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# ---------------------------------------------------------------- strategies

#: Text that looks like what editors paste, plus the characters that break parsers.
CHARS = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Zs", "Cc", "Cf"),
    include_characters="\u00a0\u2028\u2029\ufeff\t",
)
words = st.text(CHARS, min_size=1, max_size=12)
MARKUP = st.sampled_from(
    [
        "<u>",
        "</u>",
        "< U >",
        "*",
        "_",
        "#",
        "# ",
        "> ",
        "- ",
        "1. ",
        "`",
        "```",
        "[",
        "](",
        ")",
        "<script>",
        "&amp;",
        "---",
        ":",
        "By ",
        "By Jane Doe, ABC News",
        "\\",
        "|",
        "<!--",
    ]
)
phrase = st.lists(st.one_of(words, MARKUP, st.just(" ")), max_size=12).map("".join)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n \n"])
DATE_LINES = st.sampled_from(
    [
        "August 6, 2018",
        "Aug. 6, 2018, 4:15 PM ET",
        "2018-08-06",
        "6 August 2018",
        "Monday, August 6, 2018",
        "06/08/2018",
        "99999-01-01",
        "0000-00-00",
        "yesterday",
        "",
    ]
)
BYLINES = st.sampled_from(
    ["By Jane Doe", "By Jane Doe and John Roe", "Jane Doe, ABC News", "BY A, B and C", "By", ""]
)


@st.composite
def raw_articles(draw) -> str:
    lines = [draw(phrase)]
    lines += draw(st.permutations([draw(BYLINES), draw(DATE_LINES)]))
    lines += draw(st.lists(phrase, max_size=6))
    seps = draw(st.lists(NEWLINES, min_size=len(lines), max_size=len(lines)))
    lead = draw(st.sampled_from(["", "\ufeff", "\n\n", " \n"]))
    return lead + "".join(line + sep for line, sep in zip(lines, seps, strict=True))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(dt.UTC)),
    phrase,
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=3),
    max_leaves=8,
)
#: The real keys, plus near misses and an unknown one.
KEYS = [*FRONT_MATTER_KEYS, "Headline", "peple", "tags"]
front_matters = st.dictionaries(st.sampled_from(KEYS) | words, values, max_size=8)
YAML_CHARS = st.sampled_from([*list(":-[]{}#&*!|>'\"%@`,? \n\t"), "a", "b", "é", "\u2028"])
yaml_noise = st.lists(YAML_CHARS, max_size=60).map("".join)


def read(text: str, fmt: str = "markdown", path: str = "content/x.md"):
    """Source → Article, as the build does it; SourceError is the only failure allowed."""
    source = Source(path=path, format=fmt, text=text, content_hash="0" * 64)  # type: ignore[arg-type]
    try:
        parsed = parse_source(source)
    except SourceError as exc:
        assert exc.problem.message and exc.problem.severity == "error"
        assert exc.problem.line is None or exc.problem.line >= 1
        return None
    assert SLUG.fullmatch(parsed.article.slug)
    assert parsed.article.headline.strip()
    for problem in parsed.problems:
        assert problem.message and (problem.line is None or problem.line >= 1)
    return parsed


def norm(text: str) -> str:
    return " ".join(rawtext.strip_u_tags(text).replace("\u00a0", " ").split())


# ---------------------------------------------------------------- reading never crashes


@FUZZ
@given(raw_articles())
def test_raw_text_headline_comes_from_the_top_lines(text):
    try:
        raw = rawtext.parse(text, "content/x.txt")
    except SourceError as exc:
        assert exc.problem.message
        return
    lines = rawtext.normalise_newlines(text).split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    runs = {norm(" ".join(lines[first:end])) for end in range(first + 1, first + 5)}
    assert norm(raw.headline) in runs  # the first line, or a soft-wrapped headline's lines
    assert "\n" not in raw.headline and len(raw.headline) <= rawtext.MAX_HEADLINE_CHARS
    for part in (raw.headline, *raw.paragraphs, *raw.bylines):
        assert not re.search(r"<\s*/?\s*u\s*>", part, re.I)
    read(text, "text", "content/x.txt")


@FUZZ
@given(front_matters, phrase)
def test_front_matter_of_any_shape_never_crashes(meta, body):
    try:
        block = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return
    read(f"---\n{block}---\n{body}\n")


@FUZZ
@given(yaml_noise, phrase)
def test_broken_yaml_is_a_source_error_with_a_line(noise, body):
    read(f"---\nheadline: Fuzz\n{noise}\n---\n{body}\n")


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused(data):
    try:
        text, problems = decode(data, "content/x.md")
    except SourceError as exc:
        assert "binary" in exc.problem.message
        return
    assert "\r" not in text and not text.startswith("\ufeff")
    assert all(p.severity == "warning" and p.line >= 1 for p in problems)
    read(text)


@FUZZ
@given(st.text(st.sampled_from("ab \n.x"), max_size=400), st.integers(1, 50))
def test_long_text_pieces_join_back_and_fit(text, limit):
    pieces = split_text(text, limit)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= limit for _, p in pieces)
    offset = 0
    for start, piece in pieces:
        assert start == offset and (piece or len(pieces) == 1)
        offset += len(piece)
    for _, piece in pieces[:-1]:  # a cut inside a paragraph only when the paragraph is too long
        if not piece.endswith("\n\n"):
            assert "\n\n" not in piece[1:]


# ---------------------------------------------------------------- built sites

NAMES = [
    "Rand Paul",
    "rand paul",
    "Ron Paul",
    "José Núñez",
    "Jose Nunez",
    "Elena Marsh",
    "Marsh",
    "O'Brien",
    "Mary-Kate Olsen",
    "东京",
    "Con",
    "—",
    "Paul",
]


#: Printable text for whole sites (control characters are covered above, per file).
site_phrase = st.lists(
    st.one_of(st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))), MARKUP),
    max_size=8,
).map(" ".join)


@st.composite
def projects(draw) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(files, people declared per article file)."""
    files = {"site.yaml": FAST}
    declared = {}
    for i in range(draw(st.integers(1, 4))):
        people = draw(st.lists(st.sampled_from(NAMES), max_size=4))
        mentioned = draw(st.lists(st.sampled_from(NAMES), max_size=3))
        meta = {
            "headline": draw(site_phrase) + " x",
            "date": draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))).isoformat(),
            "people": people,
            "byline": draw(st.sampled_from(NAMES)),
        }
        if draw(st.booleans()):
            meta["slug"] = draw(site_phrase)
        body = draw(site_phrase) + " " + " and ".join(mentioned) + ". " + draw(site_phrase)
        files[f"content/a{i}.md"] = (
            "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body + "\n"
        )
        declared[f"content/a{i}.md"] = people
    return files, declared


@SITES
@given(projects())
def test_built_sites_have_no_broken_links_and_every_person_is_reachable(project_files):
    files, people_in = project_files
    declared = {rel: {name_key(n) for n in names} for rel, names in people_in.items()}
    with tempfile.TemporaryDirectory() as tmp:
        project = write_files(Path(tmp) / "p", files)
        result = build(project)
        site = project / "site"
        assert broken_links(site) == []
        linked_from: dict[Path, set[Path]] = {}
        for page in (site / "articles").glob("*/index.html"):
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            for a in soup.select(".named a.person"):
                linked_from.setdefault(target_of(page, a["href"]), set()).add(page)
        people = list((site / "people").glob("*/index.html"))
        for person in people:
            assert person.resolve() in linked_from, f"{person} is linked from no article"
            name = BeautifulSoup(person.read_text(encoding="utf-8"), "html.parser").h1
            key = name_key(name.get_text(strip=True))
            assert any(key in names for names in declared.values()), key
        assert len(people) <= len({k for names in declared.values() for k in names})
        assert result.errors == []
