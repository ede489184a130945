"""The modern-prose regression set: document-level people/organization/place sets.

The shipped model (Config().spacy_model) with Broadsheet's rules must do at least as well as
the stock model did when the set was labelled (STOCK_F1), so a model tuned on 1996 newswire
cannot quietly get worse on today's prose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from broadsheet.evaluate import SET_KINDS, Score, gold_sets, score_sets
from broadsheet.model import EntityKind

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
GOLD = REPO / "tests" / "data" / "modern" / "gold.yaml"

#: F1 of the stock model + rules on this set, per kind (measured; see docs/extraction.md).
STOCK_F1 = {"people": 0.894, "organizations": 0.719, "places": 0.808}


def article_body(source: str, skip_blocks: int) -> str | None:
    path = REPO / source if source.startswith("tests/") else CORPUS / source
    if not path.is_file():
        return None
    raw = path.read_bytes().decode("utf-8", errors="replace")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw.strip())]
    return "\n\n".join(re.sub(r"</?u>", "", b) for b in blocks[skip_blocks:])


def load_set() -> list[tuple[str, dict]]:
    data = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    out = []
    for entry in data["articles"]:
        body = article_body(entry["source"], entry.get("skip_blocks", 0))
        if body is not None:
            out.append((body, entry))
    return out


def predicted_sets(mentions) -> dict[str, set[str]]:
    sets: dict[str, set[str]] = {kind: set() for kind in SET_KINDS}
    for m in mentions:
        sets[EntityKind(m.kind).plural].add(m.name)
    return sets


def modern_scores(nlp) -> dict[str, Score]:
    from broadsheet.extract import extract_mentions

    articles = load_set()
    found = extract_mentions([body for body, _ in articles], nlp)
    total = {kind: Score(0, 0, 0) for kind in SET_KINDS}
    for (_, entry), mentions in zip(articles, found, strict=True):
        for kind, score in score_sets(predicted_sets(mentions), gold_sets(entry)).items():
            total[kind] += score
    return total


def test_gold_file_is_well_formed() -> None:
    data = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    assert len(data["articles"]) >= 5
    for entry in data["articles"]:
        sets = gold_sets(entry)
        assert set(sets.entities) == set(SET_KINDS)


def test_set_scoring_counts_aliases_once_and_ignores_optional() -> None:
    gold = gold_sets(
        {"people": ["Ann Lee"], "places": [["United States", "U.S."]], "optional": ["Kremlin"]}
    )
    scores = score_sets(
        {"people": {"Lee", "Ann Lee"}, "places": {"U.S.", "United States", "Kremlin"}}, gold
    )
    assert scores["people"] == Score(1, 2, 1)  # "Lee" alone is a false positive
    assert scores["places"] == Score(1, 1, 1)
    assert scores["organizations"] == Score(0, 0, 0)


@pytest.mark.slow
def test_shipped_model_is_not_worse_than_stock_on_modern_prose(nlp) -> None:
    if len(load_set()) < 5:
        pytest.skip("the shared corpus is not here")
    scores = modern_scores(nlp)
    for kind, floor in STOCK_F1.items():
        assert scores[kind].f1 >= floor - 1e-9, (kind, scores[kind])
