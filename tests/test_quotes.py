"""Quote attribution: who said what in an article, and the person pages that list it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.build import build
from broadsheet.model import LinkedMention
from broadsheet.quotes import CLOSING, OPENING, attribute_quotes, quoted_spans
from broadsheet.rawtext import parse
from sitecheck import page

PAUL, KOSACHEV, SLUTSKY = "person/rand-paul", "person/konstantin-kosachev", "person/leonid-slutsky"
#: surface form → entity, as resolution would link them (longest first).
NAMES = {
    "Rand Paul": PAUL,
    "Konstantin Kosachev": KOSACHEV,
    "Leonid Slutsky": SLUTSKY,
    "Donald Trump": "person/donald-trump",
    "Lindsey Graham": "person/lindsey-graham",
    "Paul": PAUL,
    "Kosachev": KOSACHEV,
    "Slutsky": SLUTSKY,
    "Trump": "person/donald-trump",
}
_SENTENCE_BREAK = re.compile(r"\n+|(?<=[.!?])[\"”]?\s+(?=[\"“]?[A-Z])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence bounds (paragraphs, then full stops before a capital)."""
    bounds, start = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        end = m.start() + len(m.group().rstrip()) if m.group().strip() else m.start()
        if end > start:
            bounds.append((start, end))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def mentions(text: str, names: dict[str, str] = NAMES) -> list[LinkedMention]:
    """Hand-made person mentions: every whole-word occurrence of `names` in `text`."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    bounds = sentences(text)
    found = []
    for m in pattern.finditer(text):
        s, e = next((s, e) for s, e in bounds if s <= m.start() < max(e, s + 1))
        found.append(LinkedMention(m.start(), m.end(), names[m.group()], s, e))
    return found


def speakers(text: str, names: dict[str, str] = NAMES) -> dict[str, str]:
    """First 30 characters of each attributed quote → its speaker."""
    return {q.text[:30]: q.speaker for q in attribute_quotes(text, mentions(text, names))}


@pytest.fixture(scope="module")
def seed_body(seed_text) -> str:
    return "\n\n".join(parse(seed_text, "seed.txt").paragraphs)


def test_seed_quotes_go_to_their_speakers(seed_body):
    got = speakers(seed_body)
    assert got["My goal in coming to Russia is"] == PAUL
    assert got["We know you as an authoritativ"] == KOSACHEV  # the subject of "told", not Paul
    assert got["If you, Senator Paul, are able"] == SLUTSKY  # names inside quotes do not speak
    assert got["We've also agreed, if it can b"] == PAUL
    assert got["Those that believe, in either "] == PAUL
    # a quote that opens the next sentence continues the attributed one
    assert got["I'm pleased to announce that w"] == PAUL
    assert got["It's crazy."] == PAUL
    assert got["It does not mean we don't have"] == PAUL
    # "he said" after a sentence naming only Paul
    assert got["We had general discussions abo"] == PAUL
    assert got["The biggest issue right now is"] == PAUL


def test_seed_quotes_that_cannot_be_attributed_are_left_out(seed_body):
    texts = [q.text for q in attribute_quotes(seed_body, mentions(seed_body))]
    assert not [t for t in texts if t.startswith(("a sanctions bill", "and consequently"))]
    assert not [t for t in texts if t.startswith("especially valuable")]  # mid-sentence fragment
    assert "wonderful" not in texts and "toxic." not in texts  # one-word scare quotes
    # the marks and the trailing comma are not part of the quote
    assert next(t for t in texts if t.startswith("My goal")).endswith("lines of communication")


def test_curly_quotes_give_the_same_attribution(seed_body):
    curly = re.sub(r'"([^"\n]*)"', "“\\1”", seed_body)
    assert len(curly) == len(seed_body) and '"' not in curly
    assert speakers(curly) == speakers(seed_body)


@pytest.mark.parametrize(
    "text,expected",
    [
        ('"We will build the bridge," Paul said.', PAUL),
        ('"We will build the bridge," said Paul.', PAUL),
        ('"We will build the bridge," said Sen. Rand Paul.', PAUL),
        ('"We will build the bridge," Sen. Rand Paul told reporters.', PAUL),
        ('"We will build the bridge," Paul, a Kentucky Republican, said.', PAUL),
        ('Paul said: "We will build the bridge."', PAUL),
        ('Kosachev told reporters, "We will build the bridge."', KOSACHEV),
        ('"We will build the bridge?" Paul asked.', PAUL),
        ('"We will build the bridge" Kosachev told Paul.', KOSACHEV),
        ('Kosachev told Paul: "We will build the bridge."', KOSACHEV),
        # not attributions
        ('"We will build the bridge." Paul left the room.', None),
        ('"We will build the bridge." Trump said nothing.', None),
        ('Paul said the bridge was "a bridge too far" yesterday.', None),
        ('Paul\'s aide said: "We will build the bridge."', None),
        ('"We will build the bridge," officials said.', None),
        ('Kosachev said Paul\'s aide told reporters: "We will build the bridge."', None),
        ('"We will build the bridge," Paul\'s spokesman said.', None),
    ],
)
def test_attribution_patterns(text, expected):
    quotes = attribute_quotes(text, mentions(text))
    assert [q.speaker for q in quotes] == ([expected] if expected else [])
    if expected:
        assert quotes[0].text.rstrip(".?") == "We will build the bridge"


def test_pronouns_need_one_person_in_the_sentence_before():
    one = 'Paul spoke for an hour.\n\n"We will build the bridge," he said.'
    assert [q.speaker for q in attribute_quotes(one, mentions(one))] == [PAUL]
    two = 'Paul met Kosachev for an hour.\n\n"We will build the bridge," he said.'
    assert attribute_quotes(two, mentions(two)) == []
    far = 'Paul spoke.\n\nThe hall was cold.\n\n"We will build the bridge," he said.'
    assert attribute_quotes(far, mentions(far)) == []


def test_continuation_stops_at_a_new_sentence_or_paragraph():
    text = (
        '"We will build the bridge," Paul said. Kosachev disagreed. "It will fall down."\n\n'
        '"Nobody asked me," Paul said.\n\n"Not even once."'
    )
    got = [(q.text, q.speaker) for q in attribute_quotes(text, mentions(text))]
    assert got == [("We will build the bridge", PAUL), ("Nobody asked me", PAUL)]


def test_quoted_spans_stay_inside_a_paragraph():
    text = 'He said "one two\n\nthree" and “four five” and "six'
    assert [text[s:e] for s, e in quoted_spans(text)] == ["“four five”"]


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory, nlp, seed_text) -> Path:
    project = tmp_path_factory.mktemp("quotes")
    (project / "content").mkdir()
    (project / "content" / "rand-paul-moscow.txt").write_text(seed_text, encoding="utf-8")
    assert build(project, nlp=nlp).errors == []
    return project / "site"


@pytest.mark.slow
def test_person_pages_list_their_quotes_with_links(seed_site):
    def quotes(url: str) -> list[tuple[str, str]]:
        soup = page(seed_site, url)
        return [
            (q.blockquote.get_text(strip=True), q.figcaption.a["href"])
            for q in soup.select(".quotes .quote")
        ]

    paul = quotes("people/rand-paul/")
    article = "../../articles/rand-paul-moscow/"
    assert (
        "“My goal in coming to Russia is to say that we want to have open lines of communication”",
        article,
    ) in paul
    assert all(href == article for _, href in paul)
    assert not [t for t, _ in paul if "authoritative" in t]
    kosachev = [t for t, _ in quotes("people/konstantin-kosachev/")]
    assert kosachev == ["“We know you as an authoritative, independent American politician”"]
    assert (seed_site / "articles" / "rand-paul-moscow" / "index.html").is_file()
    assert quotes("places/moscow/") == []


def test_quoted_spans_pairs_marks_within_a_paragraph():
    from broadsheet.quotes import quoted_spans

    text = 'A “one” b "two" c “open\n\n"three" „four” "x'
    assert [text[a:b] for a, b in quoted_spans(text)] == ["“one”", '"two"', '"three"', "„four”"]


def _reference_quoted_spans(text: str) -> list[tuple[int, int]]:
    """The reference: quoted_spans as first written, a scan of marks and line breaks."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for i, char in enumerate(text):
        if char == "\n":
            opened = None
        elif char in OPENING:
            opened = i
        elif char in CLOSING:
            if opened is not None:
                spans.append((opened, i + 1))
            opened = None
        elif char == '"':
            if opened is None:
                opened = i
            else:
                spans.append((opened, i + 1))
                opened = None
    return spans


@settings(max_examples=500, derandomize=True, deadline=None)
@given(
    st.lists(st.sampled_from(["“", "„", "”", '"', "\n", "\n\n", "a", " ", "’", "bc"]), max_size=30)
)
def test_quoted_spans_agree_with_the_reference_scan(pieces):
    text = "".join(pieces)
    assert quoted_spans(text) == _reference_quoted_spans(text)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(
        st.sampled_from(['"Yes, it is," ', "Paul said. ", "said Paul. ", "“No way” ", "\n\n"]),
        max_size=12,
    )
)
def test_attribution_is_the_same_with_names_in_any_order(pieces):
    """Names are found by bisection over the sorted mentions: any input order is the same."""
    text = "".join(pieces)
    people = mentions(text)
    assert attribute_quotes(text, people) == attribute_quotes(text, people[::-1])
