"""Parse an article pasted out of a CMS as plain text into a :class:`RawText`.

The expected shape (see ``shared/seed/rand-paul-moscow.txt``)::

    Sen. Rand Paul meets Russian senators in Moscow, invites them to the US

    Patrick Reevell

    August 6, 2018

    Republican Sen. <u>Rand Paul</u> of Kentucky met with ...

    Paul has become one of the few defenders of ...

* The **headline** is the first non-blank line.
* Then up to one **byline** line and one **date** line, in either order, each optional,
  separated from each other by blank lines or not. Directly after the byline an
  outlet-only line ("Associated Press") is tolerated and skipped.
* Everything after that is the **body**: paragraphs are blocks separated by blank lines;
  the lines of one block are joined with a single space. ``<u>…</u>`` (a link in the
  original) is removed, its text kept. Nothing here produces HTML: other ``<…>`` text stays
  literal and is escaped later.

Only the first few non-blank lines are ever looked at as header candidates, and the body
split is a single linear pass, so a 20 MB paste is fine.

Dates are parsed with ``dateparser`` (English only, absolute dates only, day, month and year
all required). Ambiguous numeric dates are read US-style, month first ("06/08/2018" is
June 8); dateparser falls back to day-first only when the first number cannot be a month
("13/08/2018" is August 13).

Time zone policy for ``published``: it is set only when the date line has a time of day.
US zone abbreviations (ET/EST/EDT, CT, MT, PT, ...) map to the IANA region zone (e.g.
America/New_York), so "EST" written in August still gets the daylight-saving offset the
writer meant; other zones dateparser understands ("UTC", "GMT", "Z", "BST", "+02:00")
become a fixed-offset :class:`datetime.timezone`. A time with no zone is returned *naive*:
the caller applies the site's time zone (``published.replace(tzinfo=site_tz)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from broadsheet.model import RawText, SourceError

__all__ = [
    "is_date_line",
    "looks_like_byline",
    "parse",
    "parse_byline",
    "parse_date_line",
    "split_blocks",
]

#: A first line longer than this is a paragraph, not a headline.
MAX_HEADLINE_CHARS = 300
#: A byline names a few people (and maybe an outlet): more words than this is prose.
MAX_BYLINE_WORDS = 12
#: Date lines are short; longer lines are not even offered to dateparser.
MAX_DATE_LINE_CHARS = 100
#: Header lines after the headline: byline, an outlet line after it, date.
MAX_HEADER_LINES = 3
#: A soft-wrapped headline spans at most this many lines.
MAX_HEADLINE_LINES = 3

#: Words that mark a byline segment as an outlet or a role, not a person: "ABC News",
#: "The Associated Press", "Staff Writer", "Moscow Bureau". Matched case-insensitively
#: against whole words. Kept small and unambiguous: a real surname that is also a cue
#: ("Jane Post") is mistaken for an outlet, so only add words that are rarely names.
OUTLET_CUES: frozenset[str] = frozenset(
    {
        # generic outlet words
        "news",
        "press",
        "times",
        "post",
        "journal",
        "herald",
        "tribune",
        "gazette",
        "telegraph",
        "chronicle",
        "guardian",
        "daily",
        "weekly",
        "magazine",
        "media",
        "network",
        "radio",
        "tv",
        "television",
        "broadcasting",
        "wire",
        "newswire",
        "agency",
        "agencies",
        "associated",
        "bureau",
        "desk",
        "inc",
        "llc",
        "ltd",
        "company",
        # roles
        "correspondent",
        "correspondents",
        "writer",
        "writers",
        "reporter",
        "reporters",
        "editor",
        "editors",
        "staff",
        "contributor",
        "columnist",
        "producer",
        # well-known outlets whose names carry no generic word
        "reuters",
        "ap",
        "afp",
        "upi",
        "bbc",
        "cnn",
        "abc",
        "nbc",
        "cbs",
        "npr",
        "pbs",
        "msnbc",
        "bloomberg",
        "politico",
        "axios",
        "tass",
        "xinhua",
        "dpa",
        "efe",
        "interfax",
    }
)

#: Lower-case name particles allowed inside a person's name ("Ludwig van Beethoven").
NAME_PARTICLES: frozenset[str] = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "der", "di", "dos", "du", "el", "ibn"}
    | {"la", "le", "st", "ter", "van", "von", "y"}
)
#: Name suffixes, kept as written ("Martin Luther King Jr.").
NAME_SUFFIXES: frozenset[str] = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})

#: US time-zone abbreviations dateparser maps to fixed offsets; we map them to the region.
US_ZONES: tuple[tuple[str, str], ...] = (
    ("ET", "America/New_York"),
    ("EST", "America/New_York"),
    ("EDT", "America/New_York"),
    ("CT", "America/Chicago"),
    ("CST", "America/Chicago"),
    ("CDT", "America/Chicago"),
    ("MT", "America/Denver"),
    ("MST", "America/Denver"),
    ("MDT", "America/Denver"),
    ("PT", "America/Los_Angeles"),
    ("PST", "America/Los_Angeles"),
    ("PDT", "America/Los_Angeles"),
)

#: Deterministic, offline dateparser settings: absolute dates only (no "yesterday"),
#: day + month + year required, month-first for ambiguous numeric dates.
DATEPARSER_SETTINGS: tuple[tuple[str, object], ...] = (
    ("PREFER_DATES_FROM", "past"),
    ("REQUIRE_PARTS", ["day", "month", "year"]),
    ("DATE_ORDER", "MDY"),
    ("PREFER_LOCALE_DATE_ORDER", False),
    ("PARSERS", ["absolute-time"]),
)
DATEPARSER_LANGUAGES: tuple[str, ...] = ("en",)

_U_TAG_RE = re.compile(r"<\s*/?\s*u\s*>", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
_HSPACE_RE = re.compile(r"[ \t\f\v]+")
_BY_PREFIX_RE = re.compile(r"^(?:written\s+)?by\b\s*:?\s*", re.IGNORECASE)
#: Separators that put an outlet after the names: "Jane Doe | Reuters", "Jane Doe (Reuters)",
#: "Jane Doe - ABC News", "Jane Doe for The Guardian".
_AFFILIATION_SEP_RE = re.compile(
    r"\s*\|\s*|\s+[-–—]\s+|\s*\(|\s+/\s+|\s+for\s+|\s+at\s+", re.IGNORECASE
)
_AND_RE = re.compile(r"\s+and\s+|\s*&\s*", re.IGNORECASE)
_LEADING_AND_RE = re.compile(r"^(?:and\b|&)\s*", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z]+")
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.-?)+$")
_NAME_WORD_RE = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*$")
_DATE_LABEL_RE = re.compile(
    r"^(?:(?:last\s+|first\s+)?(?:updated|published|posted|modified|filed)|date[d]?)\b"
    r"\s*:?\s*(?:on\b|at\b)?\s*",
    re.IGNORECASE,
)
_DATE_SEGMENT_SEP_RE = re.compile(r"\s*[|•·;]\s*|\s+[–—]\s+")
_US_ZONE_RE = re.compile(
    r"\s*\(?\b(" + "|".join(abbr for abbr, _ in US_ZONES) + r")\)?\.?\s*$", re.IGNORECASE
)
#: A time of day in a date line: "4:15", "16.15", "4 PM", "4:15 p.m.", ISO "T16:15", "noon".
_TIME_OF_DAY_RE = re.compile(
    r"(?<![\d.])\d{1,2}[:.]\d{2}(?![\d.])"
    r"|\b\d{1,2}\s*[ap]\.?\s?m\b"
    r"|\dT\d{2}"
    r"|\b(?:noon|midnight)\b",
    re.IGNORECASE,
)
_SENTENCE_END = (".", "!", "?", ":", ";", ",")
_QUOTES = frozenset('"“”«»')


# --------------------------------------------------------------------------- text helpers


def normalise_newlines(text: str) -> str:
    """Drop a leading BOM and turn CRLF and lone CR into LF (line numbers are kept)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_u_tags(text: str) -> str:
    """Remove ``<u>`` and ``</u>`` (any case, stray spaces inside the tag), keeping the text."""
    return _U_TAG_RE.sub("", text)


def clean_header_line(line: str) -> str:
    """A header line as plain text: no ``<u>``, NBSP as a space, whitespace runs collapsed."""
    return _WS_RE.sub(" ", strip_u_tags(line).replace("\u00a0", " ")).strip()


def split_blocks(lines: Sequence[str], start: int = 0) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(index of first line, stripped lines)`` for each block from ``lines[start:]``.

    A block is a run of lines that are not blank; blank or whitespace-only lines separate
    blocks. One linear pass.
    """
    block: list[str] = []
    first = start
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped:
            if not block:
                first = index
            block.append(stripped)
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def join_paragraph(lines: Sequence[str]) -> str:
    """One paragraph from a block's lines: joined by a space, ``<u>`` tags removed."""
    return _HSPACE_RE.sub(" ", strip_u_tags(" ".join(lines))).strip()


def _next_nonblank(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


# --------------------------------------------------------------------------- dates


def _to_fixed_offset(value: datetime) -> datetime:
    """Replace dateparser's own tzinfo class with a plain ``datetime.timezone``."""
    offset = value.utcoffset()
    if offset is None:
        return value.replace(tzinfo=None)
    zone = UTC if offset == timedelta(0) else timezone(offset)
    return value.replace(tzinfo=zone)


def _parse_date_segment(segment: str) -> tuple[date, datetime | None] | None:
    segment = _DATE_LABEL_RE.sub("", segment).strip()
    if not segment or not any(ch.isdigit() for ch in segment):
        return None
    zone: tzinfo | None = None
    match = _US_ZONE_RE.search(segment)
    if match:
        zone = ZoneInfo(dict(US_ZONES)[match.group(1).upper()])
        segment = segment[: match.start()].strip()
    # imported here: ~50 ms, and only raw-text articles with a date line need it
    import dateparser

    parsed = dateparser.parse(
        segment,
        languages=list(DATEPARSER_LANGUAGES),
        settings=dict(DATEPARSER_SETTINGS),
    )
    if parsed is None:
        return None
    if not _TIME_OF_DAY_RE.search(segment):
        return parsed.date(), None
    if zone is not None:
        return parsed.date(), parsed.replace(tzinfo=zone)
    return parsed.date(), _to_fixed_offset(parsed)


def parse_date_line(line: str) -> tuple[date, datetime | None] | None:
    """``(calendar date, published)`` if ``line`` is a date line, else ``None``.

    A date line is short (≤ ``MAX_DATE_LINE_CHARS``), has a digit, and parses with day,
    month *and* year, so "May the force be with you" or a byline never qualifies. A label
    ("Updated", "Published:", "Posted on") is dropped first; if the whole line does not
    parse, its parts between ``|``, ``•``, ``;`` or a spaced dash are tried in order
    ("Published Aug 6, 2018 | Updated Aug 7, 2018" gives August 6). ``published`` is set
    only when there is a time of day; see the module docstring for the time-zone policy.
    """
    line = clean_header_line(line)
    if not line or len(line) > MAX_DATE_LINE_CHARS or not any(ch.isdigit() for ch in line):
        return None
    result = _parse_date_segment(line)
    if result is not None:
        return result
    segments = [s for s in _DATE_SEGMENT_SEP_RE.split(line) if s]
    if len(segments) < 2:
        return None
    for segment in segments:
        result = _parse_date_segment(segment)
        if result is not None:
            return result
    return None


def is_date_line(line: str) -> bool:
    """True if ``line`` is a date line (see :func:`parse_date_line`)."""
    return parse_date_line(line) is not None


# --------------------------------------------------------------------------- bylines


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def has_outlet_cue(text: str) -> bool:
    """True if ``text`` names an outlet or a role.

    It has a word from :data:`OUTLET_CUES`, or starts with "The" and a capitalised word
    ("The Moscow Times"; not "the way").
    """
    if any(w in OUTLET_CUES for w in _words(text)):
        return True
    tokens = text.split()
    return len(tokens) > 1 and tokens[0].lower() == "the" and tokens[1][:1].isupper()


def _is_name_token(token: str, first: bool) -> bool:
    if _INITIALS_RE.match(token):
        return True
    if not first and (token.lower() in NAME_PARTICLES or token.lower() in NAME_SUFFIXES):
        return True
    return bool(_NAME_WORD_RE.match(token)) and token[0].isupper()


def is_person_name(text: str) -> bool:
    """True if ``text`` looks like one person's name.

    Two to five words; each a capitalised word (hyphens and apostrophes allowed: "Jean-Luc
    O'Brien"), an initial ("J." or "J.R."), a lower-case particle ("van", "de") or a suffix
    ("Jr."); no digits; no outlet cue (see :data:`OUTLET_CUES`).
    """
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or has_outlet_cue(text):
        return False
    if tokens[-1].lower() in NAME_PARTICLES:
        return False
    return all(_is_name_token(tok, i == 0) for i, tok in enumerate(tokens))


def looks_like_affiliation(text: str) -> bool:
    """True if ``text`` can be the outlet, role or place after the names in a byline.

    Short (≤ 8 words), no digits, and either has an outlet cue ("ABC News", "Staff
    Writer", "The Associated Press") or is all capitalised words ("Moscow", "Reuters").
    """
    text = text.strip(" ()")
    tokens = text.split()
    if not tokens or len(tokens) > 8 or any(ch.isdigit() for ch in text):
        return False
    if has_outlet_cue(text):
        return True
    connectors = {"of", "the", "and", "&", "for", "in", "on"}
    return all(t[0].isupper() or t.lower() in connectors for t in tokens)


def title_case_name(name: str) -> str:
    """Title-case an ALL-CAPS name: "PATRICK O'REEVELL-SMITH" → "Patrick O'Reevell-Smith".

    Particles stay lower case after the first word, roman-numeral suffixes stay upper case.
    """
    out = []
    for i, token in enumerate(name.split()):
        low = token.lower()
        if low in {"ii", "iii", "iv"}:
            out.append(token.upper())
        elif i > 0 and low in NAME_PARTICLES:
            out.append(low)
        else:
            out.append(low.title())
    return " ".join(out)


def _parse_byline(line: str) -> tuple[str, ...] | None:
    """Names in a byline line, ``()`` for an outlet-only "By Reuters", ``None`` if not one.

    Heuristics, in order:

    1. Prose is rejected: more than ``MAX_BYLINE_WORDS`` words, quotes, or a line ending
       in sentence punctuation (a final "." is allowed only after an initial or "Jr.").
    2. An optional "By"/"Written by" prefix is dropped.
    3. The line is cut at the first outlet separator (``|``, a spaced dash, ``(``, `` / ``,
       "for", "at"); what follows must look like an affiliation.
    4. The rest is split on commas; each segment (after a leading "and" from an Oxford
       comma) is either a list of person names joined by "and"/"&", or, once at least
       one name was seen, an affiliation ("ABC News", "Staff Writer", "Moscow"). No names
       may follow an affiliation. In the first segment, "Jane Doe and agencies" gives the
       name and drops the outlet.
    5. Without "By", at least one name is needed; with it, "By The Associated Press" is a
       byline with no person in it.

    ALL-CAPS names are title-cased ("By JANE DOE" → "Jane Doe").
    """
    line = clean_header_line(line)
    if not line or any(ch in _QUOTES for ch in line):
        return None
    rest = _BY_PREFIX_RE.sub("", line, count=1)
    has_by = rest != line
    rest = rest.strip()
    if not rest or len(rest.split()) > MAX_BYLINE_WORDS:
        return None
    if rest.endswith(_SENTENCE_END):
        last = rest.split()[-1]
        if not (rest.endswith(".") and (_INITIALS_RE.match(last) or last.lower() in NAME_SUFFIXES)):
            return None
    pieces = _AFFILIATION_SEP_RE.split(rest, maxsplit=1)
    head = pieces[0].strip()
    tail = pieces[1].strip(" )") if len(pieces) > 1 else ""
    if tail and not looks_like_affiliation(tail):
        return None

    names: list[str] = []
    in_affiliation = False
    segments = head.split(",")
    for number, raw_segment in enumerate(segments, start=1):
        segment = _LEADING_AND_RE.sub("", raw_segment.strip())
        if not segment:
            if number == len(segments) and number > 1:
                continue  # a trailing comma before the cut: "Jane Doe, | Reuters"
            return None
        if not in_affiliation:
            parts = [p for p in _AND_RE.split(segment) if p]
            if parts and all(is_person_name(p) for p in parts):
                names.extend(parts)
                continue
            if not names:
                # "Jane Doe and agencies": leading names, then an outlet.
                count = 0
                while count < len(parts) and is_person_name(parts[count]):
                    count += 1
                if count and all(looks_like_affiliation(p) for p in parts[count:]):
                    names.extend(parts[:count])
                    in_affiliation = True
                    continue
        if (names or has_by) and looks_like_affiliation(segment):
            in_affiliation = True
            continue
        return None
    if not names and not has_by:
        return None
    return tuple(title_case_name(n) if n.isupper() else n for n in names)


def parse_byline(line: str) -> tuple[str, ...]:
    """The author names in a byline line, in order; ``()`` if it is not a byline.

    "BY JANE DOE, JOHN ROE, AND MAX MUSTER | Reuters" → ("Jane Doe", "John Roe",
    "Max Muster"). See :func:`_parse_byline` for the heuristics.
    """
    return _parse_byline(line) or ()


def looks_like_byline(line: str) -> bool:
    """True if ``line`` is a byline (names, maybe "By" and an outlet), not body prose."""
    return _parse_byline(line) is not None


def looks_like_outlet_line(line: str) -> bool:
    """True for an outlet-only line under a byline: "Associated Press", "ABC News"."""
    line = clean_header_line(line)
    return (
        bool(line)
        and not line.endswith(_SENTENCE_END)
        and has_outlet_cue(line)
        and looks_like_affiliation(line)
    )


# --------------------------------------------------------------------------- parse


def _is_header_line(line: str) -> bool:
    return looks_like_byline(line) or is_date_line(line)


def _wrapped_headline_end(lines: Sequence[str], first: int) -> int | None:
    """Index after a soft-wrapped headline block starting at ``first``, else ``None``.

    The headline is the first non-blank line, except when it was soft-wrapped: the
    headline's block has 2–``MAX_HEADLINE_LINES`` lines, none of them a header line or
    ending like a sentence, and the next block starts with a byline or date line.
    """
    end = first + 1
    while end < len(lines) and lines[end].strip():
        if end - first >= MAX_HEADLINE_LINES:
            return None
        line = lines[end].strip()
        if line.endswith((".", "!", "?")) or _is_header_line(line):
            return None
        end += 1
    following = _next_nonblank(lines, end)
    if following is None or end == first + 1 or not _is_header_line(lines[following]):
        return None
    return end


def parse(text: str, path: str) -> RawText:
    """Parse a plain-text article: headline, byline, date, then paragraphs.

    ``path`` is used only in error messages. Raises :class:`SourceError` for an empty file
    or a first line too long to be a headline. A headline with no body is legal (no
    paragraphs). ``body_line`` is the 1-based line of the first paragraph, or the line
    after the header when there is no body.
    """
    lines = normalise_newlines(text).split("\n")
    first = _next_nonblank(lines, 0)
    if first is None:
        raise SourceError(
            path,
            "the file is empty: write the headline on the first line, then the byline, "
            "the date and the paragraphs, each separated by a blank line",
        )

    pos = first + 1
    headline = clean_header_line(lines[first])
    if len(headline) <= MAX_HEADLINE_CHARS:
        wrapped_end = _wrapped_headline_end(lines, first)
        if wrapped_end is not None:
            headline = clean_header_line(" ".join(lines[first:wrapped_end]))
            pos = wrapped_end
    if len(headline) > MAX_HEADLINE_CHARS:
        raise SourceError(
            path,
            f"the first line is {len(headline)} characters long, too long for a headline "
            f"(at most {MAX_HEADLINE_CHARS}): it looks like a paragraph, so the headline is "
            "missing. Put the headline on its own line at the top, followed by a blank line",
            line=first + 1,
        )

    bylines: tuple[str, ...] = ()
    published_date: date | None = None
    published: datetime | None = None
    seen_byline = seen_outlet = seen_date = False
    for _ in range(MAX_HEADER_LINES):
        index = _next_nonblank(lines, pos)
        if index is None:
            break
        line = lines[index]
        if not seen_byline and (names := _parse_byline(line)) is not None:
            bylines, seen_byline = names, True
        elif seen_byline and not seen_outlet and looks_like_outlet_line(line):
            seen_outlet = True
        elif not seen_date and (when := parse_date_line(line)) is not None:
            (published_date, published), seen_date = when, True
        else:
            break
        pos = index + 1

    paragraphs: list[str] = []
    body_line = pos + 1
    for index, block in split_blocks(lines, pos):
        paragraph = join_paragraph(block)
        if paragraph:
            if not paragraphs:
                body_line = index + 1
            paragraphs.append(paragraph)

    return RawText(
        headline=headline,
        bylines=bylines,
        date=published_date,
        published=published,
        paragraphs=tuple(paragraphs),
        body_line=body_line,
    )
