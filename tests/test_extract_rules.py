"""The extraction rules and name helpers, on hand-made spans: no spaCy model needed."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nameparser.config import CONSTANTS

from broadsheet.extract.names import (
    TITLES,
    clean_name,
    is_short_form,
    name_key,
    strip_title,
    title_token_count,
)
from broadsheet.extract.rules import (
    RawSpan,
    block_bounds,
    fit_sentence,
    has_person_cue,
    is_valid_name,
    mentions_from_spans,
    remove_overlaps,
    resolve_short_forms,
    vote_kind,
)
from broadsheet.model import EntityKind, Mention

PERSON, ORG, PLACE = EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.PLACE


def span(text: str, surface: str, label: str, nth: int = 0) -> RawSpan:
    """A RawSpan over the nth occurrence of `surface`; its sentence is its paragraph."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    end = start + len(surface)
    para_start = text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = text.find("\n\n", end)
    return RawSpan(start, end, label, para_start, len(text) if para_end < 0 else para_end)


def extract(text: str, *spans: tuple[str, str] | tuple[str, str, int]) -> tuple[Mention, ...]:
    return mentions_from_spans(text, [span(text, *s) for s in spans])


def by_text(mentions: tuple[Mention, ...]) -> dict[str, tuple[str, EntityKind]]:
    return {m.text: (m.name, m.kind) for m in mentions}


def assert_well_formed(text: str, mentions: tuple[Mention, ...]) -> None:
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.sentence_start <= m.start < m.end <= m.sentence_end
        assert "\n\n" not in m.text and "\n" not in m.name and "  " not in m.name
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in pairwise(mentions))


# --- names.py ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("José  Núñez", "jose nunez"),
        ("U.S.", "us"),
        ("US", "u.s."),
        ("O’Brien", "OBrien"),
        ("Jean-Luc Picard", "jean luc picard"),
        ("Rand\nPaul", "rand paul"),
        ("Straße", "STRASSE"),
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_key_values() -> None:
    assert name_key("U.S.") == "us"
    assert name_key("José  Núñez") == "jose nunez"
    assert name_key("Rand Paul") != name_key("Ron Paul")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sen. Rand Paul", "Rand Paul"),
        ("Senator Rand Paul", "Rand Paul"),
        ("President Donald Trump", "Donald Trump"),
        ("Mr. Trump", "Trump"),
        ("Mr Ebbers", "Ebbers"),
        ("Dr. Anthony Fauci", "Anthony Fauci"),
        ("Gov. Andy Beshear", "Andy Beshear"),
        ("Rep. Nancy Pelosi", "Nancy Pelosi"),
        ("Prime Minister Theresa May", "Theresa May"),
        ("British Prime Minister Theresa May", "Theresa May"),
        ("Prime Minister Johnson", "Johnson"),
        ("Chancellor Angela Merkel", "Angela Merkel"),
        ("Mayor Sadiq Khan", "Sadiq Khan"),
        ("Councillor Jane Smith", "Jane Smith"),
        ("Judge Amy Berman Jackson", "Amy Berman Jackson"),
        ("Gen. Mark Milley", "Mark Milley"),
        ("Secretary of State Mike Pompeo", "Mike Pompeo"),
        ("Vice-President Pence", "Pence"),
        ("Sir Keir Starmer", "Keir Starmer"),
        # a title run that would leave one token goes only if it holds a surname title:
        ("Air Deccan", "Air Deccan"),
        ("Prince Harry", "Prince Harry"),
        ("Pope Francis", "Pope Francis"),
        # never empties a name, never touches a name without a title
        ("Senator", "Senator"),
        ("Rand Paul", "Rand Paul"),
        ("Paul", "Paul"),
    ],
)
def test_strip_title(name: str, expected: str) -> None:
    assert strip_title(name) == expected


def test_titles_come_from_nameparser_without_mutating_it() -> None:
    before = set(CONSTANTS.titles)
    assert {"president", "chancellor", "mayor", "judge", "gen", "prime", "minister"} <= TITLES
    assert "sen" in TITLES  # our supplement ...
    assert title_token_count(["Sen.", "Rand", "Paul"]) == 1
    assert set(CONSTANTS.titles) == before  # ... never written into nameparser's global
    assert "sen" not in CONSTANTS.titles


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("the Cato Institute", ORG, "Cato Institute"),
        ("The Federation Council", ORG, "Federation Council"),
        ("the United States", PLACE, "United States"),
        ("Paul's", PERSON, "Paul"),
        ("Paul’s", PERSON, "Paul"),
        ("Reynolds'", PERSON, "Reynolds"),
        ("Sen. Rand\nPaul’s", PERSON, "Rand Paul"),
        ("Theo Smith", PERSON, "Theo Smith"),
        ("Theresa May", PERSON, "Theresa May"),
        ("the", ORG, "the"),
    ],
)
def test_clean_name(name: str, kind: EntityKind, expected: str) -> None:
    assert clean_name(name, kind) == expected


@pytest.mark.parametrize(
    ("short", "full", "kind", "expected"),
    [
        ("Paul", "Rand Paul", PERSON, True),
        ("Kosachev", "Konstantin Kosachev", PERSON, True),
        ("Trump", "President Donald Trump", PERSON, True),
        ("Van Hollen", "Chris Van Hollen", PERSON, True),
        ("King", "Martin Luther King Jr.", PERSON, True),
        ("Paul", "Paula Jones", PERSON, False),
        ("Paul", "Paul Ryan", PERSON, False),
        ("Rand Paul", "Rand Paul", PERSON, False),
        ("Cortez", "Alexandria Ocasio-Cortez", PERSON, False),
        ("Ocasio-Cortez", "Alexandria Ocasio-Cortez", PERSON, True),
        ("NRA", "National Rifle Association", ORG, True),
        ("Cato", "the Cato Institute", ORG, True),
        ("Cato", "Cato Ridge Farms", ORG, False),
        ("Washington", "Washington, D.C.", PLACE, True),
        ("Kansas", "Kansas City", PLACE, False),
    ],
)
def test_is_short_form(short: str, full: str, kind: EntityKind, expected: bool) -> None:
    assert is_short_form(short, full, kind) is expected


# --- rule 1: titles ----------------------------------------------------------------------------


def test_title_is_moved_out_of_a_person_span() -> None:
    text = "Republican Sen. Rand Paul of Kentucky met Prime Minister Theresa May."
    (paul, may) = extract(
        text, ("Sen. Rand Paul", "PERSON"), ("Prime Minister Theresa May", "PERSON")
    )
    assert (paul.text, paul.start) == ("Rand Paul", text.index("Rand"))
    assert (may.text, may.name, may.kind) == ("Theresa May", "Theresa May", PERSON)


def test_titles_are_not_stripped_from_organizations() -> None:
    text = "General Motors and Judge Business School."
    mentions = extract(text, ("General Motors", "ORG"), ("Judge Business School", "ORG"))
    assert [m.text for m in mentions] == ["General Motors", "Judge Business School"]


# --- rule 2: possessives -----------------------------------------------------------------------


@pytest.mark.parametrize("surface", ["Paul's", "Paul’s", "PAUL'S"])
def test_possessive_s_is_cut(surface: str) -> None:
    text = f"Rand Paul spoke. {surface} trip was long."
    mentions = extract(text, ("Rand Paul", "PERSON"), (surface, "PERSON"))
    assert mentions[1].text == surface[:4]
    assert mentions[1].name == "Rand Paul"


def test_plural_possessive_apostrophe_is_cut() -> None:
    text = "Ryan Reynolds' new film opened."
    (m,) = extract(text, ("Ryan Reynolds'", "PERSON"))
    assert m.text == "Ryan Reynolds"


def test_organization_keeps_a_possessive_that_is_part_of_its_name() -> None:
    text = "McDonald's and Standard & Poor's agreed, but Deutsche Boerse's bid and Deutsche Boerse"
    mentions = extract(
        text,
        ("McDonald's", "ORG"),
        ("Standard & Poor's", "ORG"),
        ("Deutsche Boerse's", "ORG"),
        ("Deutsche Boerse", "ORG", 1),
    )
    assert [m.text for m in mentions] == [
        "McDonald's",
        "Standard & Poor's",
        "Deutsche Boerse",
        "Deutsche Boerse",
    ]


# --- rule 3: leading "the" ---------------------------------------------------------------------


def test_leading_the_is_trimmed_from_organizations_and_places() -> None:
    text = "He met the Cato Institute in the United States.\n\nThe Federation Council agreed."
    mentions = extract(
        text,
        ("the Cato Institute", "ORG"),
        ("the United States", "GPE"),
        ("The Federation Council", "ORG"),
    )
    assert by_text(mentions) == {
        "Cato Institute": ("Cato Institute", ORG),
        "United States": ("United States", PLACE),
        "Federation Council": ("Federation Council", ORG),
    }
    assert mentions[0].start == text.index("Cato")


def test_capitalised_the_inside_a_sentence_is_part_of_the_name() -> None:
    text = "Judges in The Hague read The New York Times."
    mentions = extract(text, ("The Hague", "GPE"), ("The New York Times", "ORG"))
    assert [m.text for m in mentions] == ["The Hague", "The New York Times"]


# --- rule 4: short forms -----------------------------------------------------------------------

SHORT_FORMS = (
    "Sen. Rand Paul met Konstantin Kosachev.\n\n"
    "Paul said Kosachev agreed. Kosachev thanked Paul.\n\n"
    "Trump praised President Donald Trump's aide. Trump left."
)


def test_short_forms_take_the_full_name_whatever_their_label() -> None:
    mentions = extract(
        SHORT_FORMS,
        ("Sen. Rand Paul", "PERSON"),
        ("Konstantin Kosachev", "PERSON"),
        ("Paul", "PERSON", 1),
        ("Kosachev", "ORG", 1),
        ("Kosachev", "PERSON", 2),
        ("Paul", "PERSON", 2),
        ("Trump", "ORG", 0),
        ("Donald Trump", "PERSON"),
        ("Trump", "ORG", 2),
    )
    assert_well_formed(SHORT_FORMS, mentions)
    names = [(m.text, m.name, m.kind) for m in mentions]
    assert names == [
        ("Rand Paul", "Rand Paul", PERSON),
        ("Konstantin Kosachev", "Konstantin Kosachev", PERSON),
        ("Paul", "Rand Paul", PERSON),
        ("Kosachev", "Konstantin Kosachev", PERSON),
        ("Kosachev", "Konstantin Kosachev", PERSON),
        ("Paul", "Rand Paul", PERSON),
        ("Trump", "Donald Trump", PERSON),  # before the full name: still its only owner
        ("Donald Trump", "Donald Trump", PERSON),
        ("Trump", "Donald Trump", PERSON),
    ]


def test_shared_surname_attaches_to_the_full_name_named_first() -> None:
    text = "Paul spoke. Rand Paul met Ron Paul. Paul laughed. Rand Paul left; Paul stayed."
    mentions = extract(
        text,
        ("Paul", "PERSON", 0),
        ("Rand Paul", "PERSON", 0),
        ("Ron Paul", "PERSON"),
        ("Paul", "PERSON", 3),
        ("Rand Paul", "PERSON", 1),
        ("Paul", "PERSON", 5),
    )
    assert [m.name for m in mentions] == [
        "Rand Paul",  # before any full name: still the one named first
        "Rand Paul",
        "Ron Paul",
        "Rand Paul",  # after "Ron Paul", but Rand Paul was named first
        "Rand Paul",
        "Rand Paul",
    ]


def test_a_surname_mostly_tagged_as_a_place_is_not_attached() -> None:
    text = "George Washington slept here. Washington is a city. He flew to Washington."
    mentions = extract(
        text,
        ("George Washington", "PERSON"),
        ("Washington", "GPE", 1),
        ("Washington", "GPE", 2),
    )
    assert [(m.name, m.kind) for m in mentions] == [
        ("George Washington", PERSON),
        ("Washington", PLACE),
        ("Washington", PLACE),
    ]


def test_an_org_short_form_that_names_an_organization_in_the_article_stays_an_org() -> None:
    text = "Bill Ford spoke. Ford made a profit on the Ford Freestyle."
    mentions = extract(text, ("Bill Ford", "PERSON"), ("Ford", "ORG", 1), ("Ford Freestyle", "ORG"))
    assert [(m.name, m.kind) for m in mentions] == [
        ("Bill Ford", PERSON),
        ("Ford", ORG),
        ("Ford Freestyle", ORG),
    ]


def test_resolve_short_forms_directly() -> None:
    spans = [RawSpan(0, 9, "PERSON", 0, 30), RawSpan(20, 24, "ORG", 0, 30)]
    assert resolve_short_forms(["Rand Paul", "Paul"], spans) == (None, "Rand Paul")


# --- rule 5: one name, one kind ----------------------------------------------------------------


def test_kind_is_decided_by_vote_over_the_name() -> None:
    text = "Cato Institute said. Cato Institute agreed. Cato Institute left."
    mentions = extract(
        text,
        ("Cato Institute", "ORG", 0),
        ("Cato Institute", "GPE", 1),
        ("Cato Institute", "ORG", 2),
    )
    assert {m.kind for m in mentions} == {ORG}


def test_vote_weights_and_tie_break() -> None:
    assert vote_kind([(PERSON, 2), (ORG, 2)]) == ORG  # tie: place > organization > person
    assert vote_kind([(PERSON, 2), (PLACE, 2)]) == PLACE
    assert vote_kind([(PERSON, 2), (PLACE, 1)]) == PERSON  # a full name outweighs a short form
    assert vote_kind([(ORG, 1), (PERSON, 1), (PERSON, 1)]) == PERSON


def test_spellings_of_one_name_share_its_most_used_spelling() -> None:
    text = "The U.S. Senate voted. The US Senate met. The U.S. Senate rose."
    mentions = extract(
        text, ("U.S. Senate", "ORG", 0), ("US Senate", "ORG"), ("U.S. Senate", "ORG", 1)
    )
    assert {m.name for m in mentions} == {"U.S. Senate"}
    assert [m.text for m in mentions] == ["U.S. Senate", "US Senate", "U.S. Senate"]


# --- rule 6: people tagged ORG, acronyms tagged GPE --------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        (
            "It included Phillip Huffines, a Texas Republican who ran in a primary.",
            "Phillip Huffines",
        ),
        ("And Peter Goettler, president and CEO of the Cato Institute, came.", "Peter Goettler"),
        ("Prosecutors said Bernard Ebbers, 63, hid losses.", "Bernard Ebbers"),
        ("It was Mary Smith, the wife of the mayor, who spoke.", "Mary Smith"),
        ("Speaking in court, Mr Ebbers denied it.", "Mr Ebbers"),
        ("Speaking in court, Mr. Bernard Ebbers denied it.", "Bernard Ebbers"),
        ("Burma's democracy leader Aung San Suu Kyi hit back.", "Aung San Suu Kyi"),
        ("State Department spokesman Nicholas Burns said so.", "Nicholas Burns"),
    ],
)
def test_person_cue_turns_an_org_into_a_person(text: str, surface: str) -> None:
    (m,) = extract(text, (surface, "ORG"))
    assert m.kind == PERSON
    assert m.text == surface.removeprefix("Mr. ").removeprefix("Mr ")


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Morgan Stanley, the investment bank, said profits rose.", "Morgan Stanley"),
        ("Morgan Stanley said profits rose.", "Morgan Stanley"),
        ("The Cato Institute, a think tank that Koch funds, wrote.", "Cato Institute"),
        ("Goldman Sachs, which advised Acme, declined.", "Goldman Sachs"),
        ("Acme Inc, a firm who nobody knows, declined.", "Acme Inc"),
        (
            "Senate Foreign Relations Committee, chaired by Bob, met.",
            "Senate Foreign Relations Committee",
        ),
        ("NATO Allied Command, a body who plans wars.", "NATO Allied Command"),
        # a role noun before: still no person when a word is an organization word
        ("Its owner Acme Holdings Group said so.", "Acme Holdings Group"),
        ("Its leader Labour Party Central Office denied it.", "Labour Party Central Office"),
    ],
)
def test_organizations_without_a_person_cue_stay_organizations(text: str, surface: str) -> None:
    mentions = extract(text, (surface, "ORG"))
    assert mentions and all(m.kind == ORG for m in mentions), mentions


def test_surname_used_alone_as_a_person_is_a_person_cue() -> None:
    text = "Phillip Huffines came. Huffines said he liked it."
    mentions = extract(text, ("Phillip Huffines", "ORG"), ("Huffines", "PERSON", 1))
    assert [(m.name, m.kind) for m in mentions] == [
        ("Phillip Huffines", PERSON),
        ("Phillip Huffines", PERSON),
    ]


def test_has_person_cue_needs_a_name_shape() -> None:
    text = "Federation Council, a body who meets."
    assert not has_person_cue(text, span(text, "Federation Council", "ORG"))


@pytest.mark.parametrize(
    ("text", "surface", "kind"),
    [
        (
            "About 420 drivers employed by Halden Citylink, the bus company owned by the council.",
            "Halden Citylink",
            ORG,
        ),
        ("Tyres came from Pirelli Tyre, the Italian tyre maker, on Friday.", "Pirelli Tyre", ORG),
        # the apposition's noun must close it: a person's role that mentions an organization
        ("John Smith, the company's founder, said so.", "John Smith", PERSON),
        ("Mary Jones, a union official, said so.", "Mary Jones", PERSON),
        ("Ann Lee, the party leader in Texas, said so.", "Ann Lee", PERSON),
    ],
)
def test_an_organization_apposition_turns_a_person_into_an_organization(
    text: str, surface: str, kind: EntityKind
) -> None:
    (m,) = extract(text, (surface, "PERSON"))
    assert m.kind == kind


def test_a_common_noun_capitalised_only_to_open_a_sentence_is_no_name() -> None:
    text = "The boats stayed in.\n\nCrab don't sit in muddy water. The crab moved off."
    assert extract(text, ("Crab", "PERSON")) == ()


@pytest.mark.parametrize(
    ("text", "spans", "kept"),
    [
        # a longer name of the article ends with it: the surname of a person
        (
            "Condoleezza Rice spoke.\n\nRice said the rice harvest failed.",
            (("Condoleezza Rice", "PERSON"), ("Rice", "PERSON", 1)),
            {"Condoleezza Rice", "Rice"},
        ),
        # capitalised where no sentence opens too: a name, whatever a lowercase typo says
        (
            "Pakistan won.\n\nFans of England and Pakistan cheered; pakistan fans sang.",
            (("Pakistan", "GPE"), ("Pakistan", "GPE", 1)),
            {"Pakistan"},
        ),
        # never written in lowercase
        ("Turkey won.\n\nIt was a good day.", (("Turkey", "GPE"),), {"Turkey"}),
    ],
)
def test_a_name_that_opens_a_sentence_stays_a_name(text: str, spans, kept: set[str]) -> None:
    assert {m.text for m in extract(text, *spans)} == kept


def test_acronym_tagged_as_a_place_becomes_an_organization() -> None:
    text = "She sought to infiltrate the NRA and the GOP in the U.S. and the UK."
    mentions = extract(text, ("NRA", "GPE"), ("GOP", "LOC"), ("U.S.", "GPE"), ("UK", "GPE"))
    assert by_text(mentions) == {
        "NRA": ("NRA", ORG),
        "GOP": ("GOP", ORG),
        "U.S.": ("United States", PLACE),  # one name per country (extract.places)
        "UK": ("United Kingdom", PLACE),
    }


def test_all_caps_place_in_an_all_caps_line_stays_a_place() -> None:
    text = "LONDON 1996-08-30\n\nShares rose in London."
    mentions = extract(text, ("LONDON", "GPE"), ("London", "GPE"))
    assert [m.kind for m in mentions] == [PLACE, PLACE]


# --- rule 7: overlaps, empties, one letter, lowercase --------------------------------------------


def test_overlapping_and_nested_spans_keep_one() -> None:
    text = "The Bank of England Governor spoke."
    spans = [
        RawSpan(4, 19, "ORG", 0, 35),  # Bank of England
        RawSpan(12, 19, "GPE", 0, 35),  # England (nested)
        RawSpan(4, 28, "ORG", 0, 35),  # Bank of England Governor (overlapping)
    ]
    mentions = mentions_from_spans(text, spans)
    assert len(mentions) == 1
    assert_well_formed(text, mentions)


def test_remove_overlaps_prefers_earlier_then_longer() -> None:
    a, b, c = RawSpan(0, 5, "ORG", 0, 9), RawSpan(0, 9, "ORG", 0, 9), RawSpan(3, 7, "GPE", 0, 9)
    assert remove_overlaps([c, a, b]) == (b,)


def test_empty_single_letter_and_lowercase_spans_are_dropped() -> None:
    text = 'The "" and X and the senate and the and ok.'
    spans = [
        span(text, '""', "ORG"),
        span(text, "X", "PERSON"),
        span(text, "the senate", "ORG"),
        span(text, "the", "ORG", 1),
    ]
    assert mentions_from_spans(text, spans) == ()


@pytest.mark.parametrize(
    ("surface", "valid"),
    [("X", False), ("J.", False), ("senate", False), ("Al", True), ("北京", True), ("eBay", True)],
)
def test_is_valid_name(surface: str, valid: bool) -> None:
    assert is_valid_name(surface) is valid


def test_trailing_description_words_are_trimmed() -> None:
    text = "said the Associated Press news agency on Monday."
    (m,) = extract(text, ("the Associated Press news agency", "ORG"))
    assert m.text == "Associated Press"


# --- rules 8 and 9: line breaks and paragraph separators ---------------------------------------


def test_name_broken_across_a_line_has_single_spaces() -> None:
    text = "He met Konstantin\nKosachev and  Rand   Paul."
    mentions = extract(text, ("Konstantin\nKosachev", "PERSON"), ("Rand   Paul", "PERSON"))
    assert [m.name for m in mentions] == ["Konstantin Kosachev", "Rand Paul"]
    assert mentions[0].text == "Konstantin\nKosachev"
    assert_well_formed(text, mentions)


def test_span_across_a_paragraph_break_is_clipped_to_one_paragraph() -> None:
    text = "He met Rand Paul\n\nKentucky voted."
    spans = [RawSpan(text.index("Rand"), text.index(" voted"), "PERSON", 0, len(text))]
    (m,) = mentions_from_spans(text, spans)
    assert m.text == "Rand Paul"
    assert (m.sentence_start, m.sentence_end) == (0, text.index("\n\n"))


def test_span_inside_a_separator_is_dropped() -> None:
    text = "Moscow.\n\n\n\nKentucky."
    spans = [RawSpan(7, 11, "GPE", 0, len(text)), RawSpan(8, 10, "ORG", 8, 10)]
    assert mentions_from_spans(text, spans) == ()


def test_sentence_is_clipped_to_the_paragraph_and_holds_the_mention() -> None:
    text = '"It is crazy."\n\nIn Moscow, he spoke.'
    start = text.index("Moscow")
    # the splitter ran the quote's end into the next paragraph
    spans = [RawSpan(start, start + 6, "GPE", 13, len(text))]
    (m,) = mentions_from_spans(text, spans)
    assert text[m.sentence_start : m.sentence_end] == "In Moscow, he spoke."
    # a sentence that does not hold the span falls back to the paragraph
    spans = [RawSpan(start, start + 6, "GPE", 0, 5)]
    (m,) = mentions_from_spans(text, spans)
    assert text[m.sentence_start : m.sentence_end] == "In Moscow, he spoke."


def test_block_bounds_and_fit_sentence() -> None:
    text = "One.\n\nTwo two.\n \n\nThree"
    assert [text[a:b] for a, b in block_bounds(text)] == ["One.", "Two two.", "Three"]
    assert block_bounds("") == ()
    s = RawSpan(6, 9, "ORG", 0, len(text))
    assert fit_sentence(text, s, (6, 14)) == (6, 14)


# --- the whole function ------------------------------------------------------------------------


def test_labels_outside_the_archive_are_ignored() -> None:
    text = "Russian senators met on Monday in Moscow."
    mentions = extract(text, ("Russian", "NORP"), ("Monday", "DATE"), ("Moscow", "GPE"))
    assert [(m.text, m.kind) for m in mentions] == [("Moscow", PLACE)]
    # the shipped model's own label for CoNLL's other names: evaluation only, never a page
    mentions = extract("The Davis Cup final in Moscow.", ("Davis Cup", "MISC"), ("Moscow", "GPE"))
    assert [(m.text, m.kind) for m in mentions] == [("Moscow", PLACE)]


def test_empty_input() -> None:
    assert mentions_from_spans("", []) == ()
    assert mentions_from_spans("Nothing here.", []) == ()


def test_output_does_not_depend_on_span_order() -> None:
    spans = [
        span(SHORT_FORMS, "Sen. Rand Paul", "PERSON"),
        span(SHORT_FORMS, "Paul", "PERSON", 1),
        span(SHORT_FORMS, "Kosachev", "ORG", 1),
        span(SHORT_FORMS, "Konstantin Kosachev", "PERSON"),
    ]
    assert mentions_from_spans(SHORT_FORMS, spans) == mentions_from_spans(
        SHORT_FORMS, list(reversed(spans))
    )


def test_random_spans_always_give_well_formed_mentions() -> None:
    text = (
        "Sen. Rand Paul of Kentucky met the Cato Institute.\n\n"
        "\"Paul's trip,\" said Mr. Kosachev, 'was good.'\n\n\n"
        "The NRA and the U.S. Senate -- and McDonald's -- agreed.\nKonstantin\nKosachev left."
    )
    rng = random.Random(20180806)
    labels = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")
    for _ in range(300):
        spans = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randrange(len(text))
            end = min(len(text), start + rng.randint(1, 25))
            s_start = rng.randint(0, start)
            spans.append(
                RawSpan(start, end, rng.choice(labels), s_start, rng.randint(end, len(text)))
            )
        mentions = mentions_from_spans(text, spans)
        assert_well_formed(text, mentions)
        assert mentions == mentions_from_spans(text, spans)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
def test_name_key_ascii_fast_path_agrees_with_the_unicode_rules(name):
    from broadsheet.extract.names import name_key, unicode_name_key

    assert name_key(name) == unicode_name_key(name)


def test_name_key_ascii_fast_path_at_control_characters():
    """str.split() splits at \\x1c-\\x1f and bytes.split() does not: the fast path must too."""
    from broadsheet.extract.names import name_key, unicode_name_key

    for name in ("Rand\x1cPaul", "\x1f", "U.S.\x1dA", "a\x0bb\x85"):
        assert name_key(name) == unicode_name_key(name)


def test_name_key_examples():
    from broadsheet.extract.names import name_key

    assert name_key("Jean-Luc Picard") == name_key("Jean‐Luc Picard") == "jean luc picard"
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("!!!") == "!!!" and name_key("AT&T") == "att"


def test_a_person_opening_an_organization_name_of_the_article_is_that_organization() -> None:
    text = "Pirelli SpA said on Monday that Pirelli would sell its cables arm."
    spans = [span(text, "Pirelli SpA", "ORG"), span(text, "Pirelli", "PERSON", nth=1)]
    kinds = {(m.text, m.kind) for m in mentions_from_spans(text, spans)}
    assert kinds == {
        ("Pirelli SpA", EntityKind.ORGANIZATION),
        ("Pirelli", EntityKind.ORGANIZATION),
    }
    skipped = mentions_from_spans(text, spans, skip=frozenset({"org_parts"}))
    assert ("Pirelli", EntityKind.PERSON) in {(m.text, m.kind) for m in skipped}


def test_a_surname_of_a_person_named_in_full_stays_a_person_beside_an_organization() -> None:
    text = "Henry Ford founded Ford Motor. Ford said so."
    spans = [
        span(text, "Henry Ford", "PERSON"),
        span(text, "Ford Motor", "ORG"),
        span(text, "Ford", "PERSON", nth=2),
    ]
    kinds = {(m.text, m.kind) for m in mentions_from_spans(text, spans)}
    assert ("Ford", EntityKind.PERSON) in kinds
