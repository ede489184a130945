"""Resolution within an article and across the archive, on hand-made mentions (no model)."""

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.model import Article, EntityKind, LinkedMention, Mention
from broadsheet.registry import Registry, parse_registry
from broadsheet.resolve import (
    _ABBREVIATIONS,
    ArticleEntity,
    ArticleInput,
    article_entities,
    decide,
    mentions_by_name,
    resolve_archive,
    retallied,
    sentence_bounds,
    sentence_starts,
    tallies_of,
)

P, ORG, L = EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.PLACE
NO_REGISTRY = Registry()


def article(slug: str, declared=None, day: int = 1, bylines=("Jane Doe",)) -> Article:
    return Article(
        f"content/{slug}.md",
        slug,
        slug,
        slug.title(),
        bylines,
        dt.date(2020, 1, day),
        None,
        "",
        False,
        "",
        declared or {},
    )


def mentions(text: str, *found: tuple[str, str, EntityKind]) -> list[Mention]:
    """(surface, name, kind) → mentions at each surface's next occurrence in text."""
    out, pos = [], 0
    for surface, name, kind in found:
        start = text.index(surface, pos)
        out.append(Mention(start, start + len(surface), surface, name, kind, 0, len(text)))
        pos = start + 1
    return out


def entities(text, found, declared=None, registry=NO_REGISTRY):
    return article_entities(article("a", declared), text, mentions(text, *found), registry)


def test_extracted_entities_in_first_mention_order():
    text = "Rand Paul went to Moscow. Paul met the Cato Institute."
    got = entities(
        text,
        [
            ("Rand Paul", "Rand Paul", P),
            ("Moscow", "Moscow", L),
            ("Paul", "Rand Paul", P),
            ("Cato Institute", "Cato Institute", ORG),
        ],
    )
    assert [(e.name, e.kind, e.mention_count) for e in got] == [
        ("Rand Paul", P, 2),
        ("Moscow", L, 1),
        ("Cato Institute", ORG, 1),
    ]


def test_article_entities_pickle_with_their_mentions_packed():
    import pickle

    text = "Rand Paul went to Moscow. Paul met the Cato Institute."
    got = entities(
        text, [("Rand Paul", "Rand Paul", P), ("Moscow", "Moscow", L)], {"places": ["Moscow"]}
    )
    data = pickle.dumps(got, protocol=5)
    assert b"Mention" not in data  # no class reference, no per-mention reduce
    loaded = pickle.loads(data)
    assert loaded == got
    assert all(type(m) is Mention for e in loaded for m in e.mentions_in(text))
    assert [m.name for m in loaded[0].mentions_in(text)] == ["Rand Paul", "Rand Paul"]


def test_front_matter_list_is_complete_for_its_kind():
    text = "Rand Paul and Peter Goettler went to Moscow."
    got = entities(
        text,
        [
            ("Rand Paul", "Rand Paul", P),
            ("Peter Goettler", "Peter Goettler", P),
            ("Moscow", "Moscow", L),
        ],
        declared={"people": ("Rand Paul",)},
    )
    assert [(e.name, e.declared) for e in got] == [("Rand Paul", True), ("Moscow", False)]


def test_front_matter_kind_beats_the_model_and_missing_names_are_found_in_text():
    text = "Phillip Huffines met the Federation Council. Huffines spoke."
    got = entities(
        text,
        [("Phillip Huffines", "Phillip Huffines", ORG)],
        declared={"people": ("Phillip Huffines",), "organizations": ("Federation Council",)},
    )
    by_name = {e.name: e for e in got}
    assert by_name["Phillip Huffines"].kind == P
    council = by_name["Federation Council"]
    assert council.kind == ORG and [m.text for m in council.mentions_in(text)] == [
        "Federation Council"
    ]


def test_short_form_joins_a_declared_full_name():
    text = "Rand Paul spoke. Paul left."
    got = entities(text, [("Paul", "Paul", P)], declared={"people": ("Rand Paul",)})
    # Linked wherever the text names him, including the full name the model did not tag.
    assert [(e.name, [m.text for m in e.mentions_in(text)]) for e in got] == [
        ("Rand Paul", ["Rand Paul", "Paul"])
    ]


def test_a_place_named_with_its_state_is_then_named_alone():
    text = "He flew to Washington, D.C., on Monday. In Washington he met Ann Lee."
    got = entities(text, [], declared={"places": ("Washington, D.C.",), "people": ("Ann Lee",)})
    by_name = {e.name: [m.text for m in e.mentions_in(text)] for e in got}
    assert by_name["Washington, D.C."] == ["Washington, D.C.", "Washington"]
    # unless the name alone is another entity of the article
    text = "Paris, Texas, is not Paris. Paris is in France."
    got = entities(text, [], declared={"places": ("Paris, Texas", "Paris", "France")})
    by_name = {e.name: [m.text for m in e.mentions_in(text)] for e in got}
    assert by_name["Paris, Texas"] == ["Paris, Texas"]
    assert by_name["Paris"] == ["Paris", "Paris"]


def test_registry_alias_merge_rename_and_ignore():
    registry, problems = parse_registry(
        "entities:\n"
        "  - name: Rand Paul\n    kind: person\n    aliases: [Randal Paul, Sen. Paul]\n"
        "  - name: National Rifle Association\n    kind: organization\n    aliases: [NRA]\n"
        "ignore: [Kremlin]\n"
    )
    assert problems == []
    text = "Randal Paul and the NRA met in the Kremlin."
    got = entities(
        text,
        [("Randal Paul", "Randal Paul", P), ("NRA", "NRA", L), ("Kremlin", "Kremlin", ORG)],
        registry=registry,
    )
    assert [(e.name, e.kind) for e in got] == [
        ("Rand Paul", P),
        ("National Rifle Association", ORG),
    ]


# --- names that refer again to an entity of the same article (resolve._join_short_forms) ------


def _entity_texts(got, text: str) -> list[tuple[str, list[str]]]:
    return [(e.name, [m.text for m in e.mentions_in(text)]) for e in got]


def test_acronym_joins_the_organization_it_spells():
    text = "The National Football League fined him. The NFL said so."
    got = entities(
        text,
        [("National Football League", "National Football League", ORG), ("NFL", "NFL", ORG)],
    )
    assert _entity_texts(got, text) == [
        ("National Football League", ["National Football League", "NFL"])
    ]


def test_an_acronym_is_surer_than_a_shared_word():
    # "U.N." also begins "U.N. Council"; it spells "United Nations".
    text = "U.N. Council meets. United Nations staff left. U.N. officials said so."
    got = entities(
        text,
        [
            ("U.N. Council", "U.N. Council", ORG),
            ("United Nations", "United Nations", ORG),
            ("U.N.", "U.N.", ORG),
        ],
    )
    assert [e.name for e in got] == ["U.N. Council", "United Nations"]
    assert [m.text for m in got[1].mentions_in(text)] == ["United Nations", "U.N."]


def test_lone_given_name_joins_the_one_person_with_it():
    text = "Alan Shearer scored. I'm sure Alan is the man."
    got = entities(text, [("Alan Shearer", "Alan Shearer", P), ("Alan", "Alan", P)])
    assert _entity_texts(got, text) == [("Alan Shearer", ["Alan Shearer", "Alan"])]


def test_given_name_of_two_people_joins_neither():
    text = "Alan Shearer and Alan Smith scored. Alan left."
    got = entities(
        text,
        [("Alan Shearer", "Alan Shearer", P), ("Alan Smith", "Alan Smith", P), ("Alan", "Alan", P)],
    )
    assert [e.name for e in got] == ["Alan Shearer", "Alan Smith", "Alan"]


def test_given_name_joins_its_person_beside_a_namesake():
    # Extraction gives a lone "Yeltsin" to the Yeltsin named first; "Naina" is his wife.
    text = "Boris Yeltsin visited his wife Naina. Naina Yeltsin is well, Yeltsin said."
    got = entities(
        text,
        [
            ("Boris Yeltsin", "Boris Yeltsin", P),
            ("Naina", "Naina", P),
            ("Naina Yeltsin", "Naina Yeltsin", P),
            ("Yeltsin", "Boris Yeltsin", P),
        ],
    )
    assert _entity_texts(got, text) == [
        ("Boris Yeltsin", ["Boris Yeltsin", "Yeltsin"]),
        ("Naina Yeltsin", ["Naina", "Naina Yeltsin"]),
    ]


def test_leading_or_trailing_words_join_the_one_organization_with_them():
    text = "Cleveland Indians 4 Boston 2. Cleveland won again and the Indians lead."
    got = entities(
        text,
        [
            ("Cleveland Indians", "Cleveland Indians", ORG),
            ("Boston", "Boston", ORG),
            ("Cleveland", "Cleveland", ORG),
            ("Indians", "Indians", ORG),
        ],
    )
    assert _entity_texts(got, text) == [
        ("Cleveland Indians", ["Cleveland Indians", "Cleveland", "Indians"]),
        ("Boston", ["Boston"]),
    ]


def test_a_shared_word_of_two_organizations_or_a_compass_word_joins_nothing():
    text = "Chicago White Sox 3 Chicago Cubs 1. Chicago won. East Stirling 0 Stirling 2."
    got = entities(
        text,
        [
            ("Chicago White Sox", "Chicago White Sox", ORG),
            ("Chicago Cubs", "Chicago Cubs", ORG),
            ("Chicago", "Chicago", ORG),
            ("East Stirling", "East Stirling", ORG),
            ("Stirling", "Stirling", ORG),
        ],
    )
    assert [e.name for e in got] == [
        "Chicago White Sox",
        "Chicago Cubs",
        "Chicago",
        "East Stirling",
        "Stirling",
    ]


def test_a_name_spelled_in_capitals_is_read_as_written():
    # Extraction named the entity "Nato" (its usual spelling); the text says "NATO" too.
    text = "North Atlantic Treaty Organisation troops. Nato said NATO would stay."
    got = entities(
        text,
        [
            ("North Atlantic Treaty Organisation", "North Atlantic Treaty Organisation", ORG),
            ("Nato", "Nato", ORG),
            ("NATO", "Nato", ORG),
        ],
    )
    assert [e.name for e in got] == ["North Atlantic Treaty Organisation"]


def test_a_person_no_person_of_the_article_can_be_joins_the_organization_it_names():
    text = "Rotor Volgograd must play away. Rotor are well placed."
    got = entities(text, [("Rotor Volgograd", "Rotor Volgograd", ORG), ("Rotor", "Rotor", P)])
    assert [(e.name, e.kind, e.mention_count) for e in got] == [("Rotor Volgograd", ORG, 2)]


def test_a_person_of_the_article_comes_before_an_organization():
    text = "Gerald Ford visited Ford Motor Co. Ford said so."
    got = entities(
        text,
        [
            ("Gerald Ford", "Gerald Ford", P),
            ("Ford Motor Co", "Ford Motor Co", ORG),
            ("Ford", "Ford", P),
        ],
    )
    assert [e.name for e in got] == ["Gerald Ford", "Ford Motor Co"]
    assert [m.text for m in got[0].mentions_in(text)] == ["Gerald Ford", "Ford"]


def test_the_singular_of_a_plural_team_name_is_the_team():
    text = "The Springboks won. The Springbok coach was pleased."
    got = entities(text, [("Springboks", "Springboks", ORG), ("Springbok", "Springbok", ORG)])
    assert _entity_texts(got, text) == [("Springboks", ["Springboks", "Springbok"])]


def _archive(*arts, registry=NO_REGISTRY):
    inputs = [ArticleInput(a, t, article_entities(a, t, m, registry)) for a, t, m in arts]
    return resolve_archive(inputs, registry)


def test_same_person_across_articles_is_one_entity_and_lone_surname_joins_it():
    t1, t2 = "Sen. Rand Paul spoke.", "Paul spoke again."
    archive, _ = _archive(
        (article("one", day=1), t1, mentions(t1, ("Rand Paul", "Rand Paul", P))),
        (article("two", day=2), t2, mentions(t2, ("Paul", "Paul", P))),
    )
    assert list(archive.entities) == ["person/rand-paul"]
    assert [it.entities for it in archive.articles] == [
        ("person/rand-paul",),
        ("person/rand-paul",),
    ]
    assert [it.article.slug for it in archive.articles] == ["two", "one"]  # newest first


def test_people_sharing_a_surname_are_not_merged_and_an_ambiguous_surname_is_not_linked():
    t1, t2, t3 = "Rand Paul spoke.", "Ron Paul spoke.", "Paul spoke."
    archive, problems = _archive(
        (article("one"), t1, mentions(t1, ("Rand Paul", "Rand Paul", P))),
        (article("two"), t2, mentions(t2, ("Ron Paul", "Ron Paul", P))),
        (article("three"), t3, mentions(t3, ("Paul", "Paul", P))),
    )
    assert sorted(archive.entities) == ["person/rand-paul", "person/ron-paul"]
    three = next(it for it in archive.articles if it.article.slug == "three")
    assert three.entities == () and three.mentions == ()
    assert any("left unlinked" in p.message for p in problems)


def test_one_type_per_entity_across_the_archive():
    t = "Trump spoke."
    archive, _ = _archive(
        (article("a"), t, mentions(t, ("Trump", "Trump", ORG))),
        (article("b"), t, mentions(t, ("Trump", "Trump", P))),
        (article("c"), t, mentions(t, ("Trump", "Trump", P))),
    )
    assert [e.kind for e in archive.entities.values()] == [P]


def test_editor_kind_beats_any_number_of_guesses():
    t = "Georgia spoke."
    arts = [(article(f"g{i}"), t, mentions(t, ("Georgia", "Georgia", L))) for i in range(5)]
    arts.append((article("x", {"people": ("Georgia",)}), t, []))
    archive, _ = _archive(*arts)
    assert [e.key for e in archive.entities.values()] == ["person/georgia"]


def test_case_and_accent_variants_are_one_entity():
    t1, t2 = "José Núñez spoke.", "Jose Nunez spoke."
    archive, _ = _archive(
        (article("a"), t1, mentions(t1, ("José Núñez", "José Núñez", P))),
        (article("b"), t2, mentions(t2, ("Jose Nunez", "Jose Nunez", P))),
    )
    assert len(archive.entities) == 1


def test_slug_collisions_get_distinct_urls_and_a_warning():
    t1, t2 = "A.B.C. here.", "ABC here."
    archive, problems = _archive(
        (article("a"), t1, mentions(t1, ("A.B.C.", "A.B.C.", ORG))),
        (article("b"), t2, mentions(t2, ("ABC", "ABC", ORG))),
    )
    slugs = sorted(e.slug for e in archive.entities.values())
    assert len(slugs) == len(set(slugs))
    if len(slugs) == 2:
        assert any("share the URL slug" in p.message for p in problems)


def test_name_with_no_latin_letters_still_gets_a_stable_slug():
    t = "«—» spoke."
    archive, _ = _archive((article("a", {"organizations": ("«—»",)}), t, []))
    (entity,) = archive.entities.values()
    assert entity.slug.startswith("organization-") and len(entity.slug) > 13


def test_bylines_become_authors():
    archive, _ = _archive(
        (article("a", bylines=("Jane Doe", "John Roe")), "", []),
        (article("b", bylines=("jane doe",)), "", []),
    )
    assert sorted(archive.authors) == ["jane-doe", "john-roe"]


# ---------------------------------------------------------------- finding names in text


def _regex_mentions(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """The reference: one regex alternation of the forms, longest first, whole words."""
    import re

    alternatives = sorted({" ".join(f.split()) for f in forms}, key=lambda f: (-len(f), f))
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(r"\s+".join(map(re.escape, f.split())) for f in alternatives)
        + r")(?!\w)"
    )
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


# ---------------------------------------------------------------- tallies

_TALLIED = [
    ArticleEntity(name, kind, declared, b"\0" * (20 * mentions))
    for name in ("Rand Paul", "Paul", "Kentucky", "Senate", "Rand")
    for kind in (P, ORG, L)
    for declared in (False, True)
    for mentions in (0, 1, 3)
]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    before=st.lists(st.lists(st.sampled_from(_TALLIED), max_size=6), min_size=1, max_size=8),
    data=st.data(),
)
def test_tallies_updated_for_edited_articles_are_the_tallies_counted_again(before, data):
    """retallied: the last build's tallies with the edited articles taken out and put back in
    as they are now equal what counting every article again gives, and decide the same."""
    edited = data.draw(st.sets(st.integers(0, len(before) - 1)))
    after = [
        data.draw(st.lists(st.sampled_from(_TALLIED), max_size=6)) if i in edited else entities
        for i, entities in enumerate(before)
    ]

    def counted(articles):
        return tallies_of(ArticleInput(article(f"a{i}"), "", e) for i, e in enumerate(articles))

    updated = retallied(
        counted(before), (before[i] for i in sorted(edited)), (after[i] for i in sorted(edited))
    )
    assert dict(updated) == dict(counted(after))
    assert all(times > 0 for times in updated.values())
    again, from_updated = decide(counted(after), NO_REGISTRY), decide(updated, NO_REGISTRY)
    assert from_updated.entities == again.entities
    assert from_updated.link == again.link and from_updated.problems == again.problems


_WORDS = ["Rand", "Paul", "Rand Paul", "U.S.", "Paul's", "R", "Ran", "_x", "é", "Paul Jr."]


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from([*_WORDS, " ", "  ", "\n\n", "\t", ".", "-", "(", "'s", "x", "_", "1"]),
        max_size=30,
    ),
    forms=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4, unique=True),
)
def test_mentions_by_name_finds_what_a_longest_first_regex_finds(pieces, forms):
    text = "".join(pieces)
    found = mentions_by_name(text, [("Rand Paul", EntityKind.PERSON, tuple(forms))])
    spans = [(m.start, m.end) for ms in found.values() for m in ms]
    assert sorted(spans) == _regex_mentions(text, forms)


def test_mentions_by_name_across_line_breaks_and_not_inside_words():
    text = "Sen. Rand\nPaul spoke. Paulson did not; Paul's aide (Paul) did."
    found = mentions_by_name(text, [("Rand Paul", EntityKind.PERSON, ("Rand Paul", "Paul"))])
    assert [m.text for m in found["rand paul"]] == ["Rand\nPaul", "Paul", "Paul"]


# ---------------------------------------------------------------- sentences


def _reference_sentence_starts(text: str) -> list[int]:
    """The reference: sentence_starts as first written, every stop's last word sliced out."""
    starts = [0]
    for match in re.finditer(r"[.!?][\"'”’)]*\s+|\n\n", text):
        if match.group() != "\n\n":
            words = text[max(0, match.start() - 12) : match.start() + 1].split()
            last = words[-1].lower().rstrip(".") if words else ""
            if last in _ABBREVIATIONS or (len(last) <= 3 and "." in last):
                continue
            if match.end() < len(text) and text[match.end()].islower():
                continue
        starts.append(match.end())
    return starts


_SENTENCE_PIECES = [
    *("Sen", "sen", "Sept", "Senator", "U.S", "u", "said", "Paul", "İİİİİ", "Kelvin", "Straße"),
    *(".", ". ", "! ", "? ", "!", ".\n\n", "\n\n", "\n", " ", "  ", "\t", '."', "’)", ".."),
    *("a", "B", "x.y", "1", "é", "_"),
]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(pieces=st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=40))
def test_sentence_starts_agrees_with_the_reference(pieces):
    text = "".join(pieces)
    starts = sentence_starts(text)
    assert starts == _reference_sentence_starts(text)
    for i, begin in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        assert sentence_bounds(text, starts, i) == (begin, begin + len(text[begin:end].rstrip()))


def test_sentence_starts_skip_abbreviations():
    text = "Sen. Rand Paul of the U.S. said so. Then he left! Mr. smith stayed."
    starts = sentence_starts(text)
    assert [text[s : s + 4] for s in starts] == ["Sen.", "Then", "Mr. "]


def test_an_articles_mentions_of_several_entities_are_merged_in_text_order():
    t1 = "Rand Paul met Moscow officials. Paul flew to Moscow, then Paul left Moscow."
    t2 = "Moscow again."
    archive, _ = _archive(
        (
            article("one", day=1),
            t1,
            mentions(t1, ("Rand Paul", "Rand Paul", P), ("Moscow", "Moscow", L)),
        ),
        (article("two", day=2), t2, mentions(t2, ("Moscow", "Moscow", L))),
    )
    one = next(it for it in archive.articles if it.article.slug == "one")
    assert one.entities == ("person/rand-paul", "place/moscow")
    got = [(t1[m.start : m.end], m.entity) for m in one.mentions]
    assert got == [
        ("Rand Paul", "person/rand-paul"),
        ("Moscow", "place/moscow"),
        ("Paul", "person/rand-paul"),
        ("Moscow", "place/moscow"),
        ("Paul", "person/rand-paul"),
        ("Moscow", "place/moscow"),
    ]
    assert all(type(m) is LinkedMention for m in one.mentions)
    assert one.mention_counts() == {"person/rand-paul": 3, "place/moscow": 3}
    two = next(it for it in archive.articles if it.article.slug == "two")
    assert [(m.start, m.end, m.entity) for m in two.mentions] == [(0, 6, "place/moscow")]


def test_an_archive_of_no_articles():
    archive, problems = resolve_archive([], Registry())
    assert archive.articles == () and archive.entities == {} and problems == []
