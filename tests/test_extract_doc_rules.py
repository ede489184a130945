"""Document-level rules on hand-made spans: repeated names, acronyms, numbers, places (no model)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.extract.places import normalize_place
from broadsheet.extract.rules import (
    RULE_NAMES,
    RawSpan,
    acronym_expansions,
    block_bounds,
    find_names,
    mentions_from_spans,
    name_pattern,
    propagate_names,
    trim_person_numbers,
)
from broadsheet.model import EntityKind


def span(text: str, surface: str, label: str, nth: int = 0) -> RawSpan:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return RawSpan(start, start + len(surface), label, 0, len(text))


def test_trailing_numbers_leave_a_person_name() -> None:
    text = "( J. Russell 56 not out )"
    s = span(text, "J. Russell 56", "PERSON")
    assert text[slice(*_bounds(trim_person_numbers(text, s)))] == "J. Russell"
    org = span(text, "J. Russell 56", "ORG")
    assert trim_person_numbers(text, org) == org


def _bounds(s: RawSpan) -> tuple[int, int]:
    return s.start, s.end


def test_propagation_tags_repeats_surnames_and_capitals() -> None:
    text = "BELGRADE 1996\\n\\nAlexander Lebed flew to Belgrade. Lebed said Belgrade was calm."
    text = text.replace("\\n", "\n")
    spans = [span(text, "Alexander Lebed", "PERSON"), span(text, "Belgrade", "GPE")]
    out = propagate_names(text, spans, block_bounds(text))
    got = [(text[s.start : s.end], s.label) for s in out]
    assert got == [
        ("BELGRADE", "GPE"),
        ("Alexander Lebed", "PERSON"),
        ("Belgrade", "GPE"),
        ("Lebed", "PERSON"),
        ("Belgrade", "GPE"),
    ]
    lebed = out[3]
    assert text[lebed.sentence_start : lebed.sentence_end] == "Lebed said Belgrade was calm."


def test_propagation_needs_whole_words_and_the_same_case() -> None:
    text = "Paris Hilton met Mr Hilton in Parisian cafes. Hiltons came."
    spans = [span(text, "Paris Hilton", "PERSON")]
    got = [text[s.start : s.end] for s in propagate_names(text, spans, block_bounds(text))]
    assert got == ["Paris Hilton", "Hilton"]


def test_find_names_takes_whole_words_and_the_longest_name() -> None:
    text = "(New York City) New\n\nYork, O'Brien's O Paul's Pauline RAND-Paul Rand_ Rand"
    names = {"New York", "New York City", "O", "Paul", "Rand"}
    assert [text[a:b] for a, b in find_names(text, names)] == [
        "New York City",
        "New\n\nYork",
        "O",
        "Paul",
        "Rand",
    ]


_WORDS = ["Paul", "PAUL", "Rand", "New", "York", "NEW", "O", "Brien", "U.S.", "Élan", "ÉLAN"]
_GLUE = [" ", "  ", "\n\n", "'s ", "’s", "-", "'", "(", ")", ",", ".", "x", "_", "'ab", "9", "\t"]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GLUE)), max_size=12),
    st.sets(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(tuple), min_size=1, max_size=5
    ),
)
def test_find_names_matches_the_regex_it_replaces(
    pieces: list[tuple[str, str]], names: set[tuple[str, ...]]
) -> None:
    """The scan propagate_names uses finds what name_pattern's regex finds, span for span."""
    text = "".join(word + glue for word, glue in pieces)
    joined = {" ".join(words) for words in names}
    assert list(find_names(text, joined)) == [m.span() for m in name_pattern(joined).finditer(text)]


def test_propagation_compiles_no_regex_per_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiling a pattern of the document's names was half the rules' time (docs/extraction.md)."""
    text = "Alexander Lebed flew to Belgrade. Lebed said Belgrade was calm."
    spans = [span(text, "Alexander Lebed", "PERSON"), span(text, "Belgrade", "GPE")]

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("re.compile called")

    monkeypatch.setattr(re, "compile", no_compile)
    found = propagate_names(text, spans, block_bounds(text))
    assert [text[s.start : s.end] for s in found] == [
        "Alexander Lebed",
        "Belgrade",
        "Lebed",
        "Belgrade",
    ]


def test_propagation_skips_one_word_names_the_text_also_uses_in_lowercase() -> None:
    text = "Graham Poll refereed. Poll said the poll was fair. Poll left."
    spans = [span(text, "Graham Poll", "PERSON"), span(text, "Poll", "PERSON", nth=1)]
    assert propagate_names(text, spans, block_bounds(text)) == tuple(spans)  # "Poll left": no
    plain = text.replace("the poll", "it")  # same offsets up to there
    assert len(propagate_names(plain, spans, block_bounds(plain))) == 3


def test_acronym_after_its_expansion_is_the_same_organization() -> None:
    text = "The National Rifle Association (NRA) sued. The NRA said N.R.A. lawyers won."
    spans = [
        span(text, "National Rifle Association", "ORG"),
        span(text, "NRA", "GPE", nth=1),
    ]
    assert set(acronym_expansions(text, spans)) == {"nra"}
    mentions = mentions_from_spans(text, spans)
    assert [(m.text, m.name, m.kind) for m in mentions] == [
        ("National Rifle Association", "National Rifle Association", EntityKind.ORGANIZATION),
        ("NRA", "National Rifle Association", EntityKind.ORGANIZATION),
        ("NRA", "National Rifle Association", EntityKind.ORGANIZATION),
        ("N.R.A.", "National Rifle Association", EntityKind.ORGANIZATION),
    ]


def test_a_bracketed_word_that_is_no_acronym_of_the_name_is_left_alone() -> None:
    text = "Acme Corp (Reuters) said."
    assert acronym_expansions(text, [span(text, "Acme Corp", "ORG")]) == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("U.S.", "United States"),
        ("US", "United States"),
        ("USA", "United States"),
        ("the United States", "United States"),
        ("United States of America", "United States"),
        ("U.K.", "United Kingdom"),
        ("Viet Nam", "Vietnam"),
        ("Korea, Republic of", "South Korea"),
        ("Russia", "Russia"),
        ("Britain", "Britain"),
        ("Port Halden", "Port Halden"),
        ("us", "us"),
    ],
)
def test_normalize_place(name: str, expected: str) -> None:
    assert normalize_place(name) == expected


def test_place_spellings_become_one_place_name() -> None:
    text = "Officials in the U.S. and the United States Congress; the United States agreed."
    spans = [span(text, "U.S.", "GPE"), span(text, "United States", "GPE", nth=1)]
    names = {m.name for m in mentions_from_spans(text, spans)}
    assert names == {"United States"}
    raw = {m.name for m in mentions_from_spans(text, spans, skip=frozenset({"places"}))}
    assert raw == {"U.S.", "United States"}


def test_every_rule_can_be_skipped_and_unknown_names_are_refused() -> None:
    text = "Sen. Rand Paul met Paul."
    spans = [span(text, "Sen. Rand Paul", "PERSON"), span(text, "Paul", "ORG", nth=1)]
    for rule in RULE_NAMES:
        assert mentions_from_spans(text, spans, skip=frozenset({rule}))
    no_titles = mentions_from_spans(text, spans, skip=frozenset({"titles"}))
    assert no_titles[0].text == "Sen. Rand Paul"
    with pytest.raises(ValueError, match="unknown rules: nope"):
        mentions_from_spans(text, spans, skip=frozenset({"nope"}))


def test_front_matter_places_are_normalized_like_extracted_ones() -> None:
    import datetime as dt

    from broadsheet.model import Article, Mention
    from broadsheet.registry import Registry
    from broadsheet.resolve import article_entities

    text = "Talks in the U.S. went well."
    start = text.index("U.S.")
    extracted = Mention(start, start + 4, "U.S.", "United States", EntityKind.PLACE, 0, len(text))
    article = Article(
        "content/a.md",
        "a",
        "a",
        "A",
        (),
        dt.date(2020, 1, 1),
        None,
        "",
        False,
        "",
        {"places": ("U.S.",)},
    )
    (entity,) = article_entities(article, text, [extracted], Registry())
    assert (entity.name, entity.kind, entity.declared) == ("United States", EntityKind.PLACE, True)
    assert entity.mentions_in(text) == (extracted,)
