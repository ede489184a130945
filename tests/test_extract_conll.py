"""`broadsheet extract --conll` with the real model: tokens kept, rules and resolution applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.cli import main
from broadsheet.conll import parse_conll, read_conll, tag_documents
from broadsheet.extract.tokens import doc_from_sentences

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "extract"
GOLD = DATA / "snippet.conll"


def test_doc_from_sentences_keeps_tokens_and_breaks_sentences(nlp) -> None:
    doc, index = doc_from_sentences(nlp, [["Sen.", "Rand", "Paul", "."], ["He", "left", "."]])
    assert doc.text == "Sen. Rand Paul .\n\nHe left ."
    assert [doc[i].text for i in index] == ["Sen.", "Rand", "Paul", ".", "He", "left", "."]


def test_extract_tags_every_token_and_resolves_short_forms(nlp) -> None:
    (doc,) = parse_conll(
        line + "\n"
        for line in [
            "-DOCSTART- -X- -X- O",
            "",
            *[
                "Sen.",
                "Rand",
                "Paul",
                "met",
                "Russian",
                "officials",
                "in",
                "Moscow",
                "on",
                "Monday",
                ".",
            ],
            "",
            *["Paul", "said", "the", "talks", "with", "Russian", "lawmakers", "went", "well", "."],
        ]
    )
    (tagged,) = tag_documents([doc], nlp)
    assert tagged.sentences == doc.sentences
    words, tags, ents = tagged.words, tagged.flat_tags, tagged.flat_entities
    got = {(w, t, e) for w, t, e in zip(words, tags, ents, strict=True) if t != "O"}
    # The title is not part of the name; "Paul" is Rand Paul; "Russian" is MISC (no entity).
    assert ("Sen.", "O", "-") in set(zip(words, tags, ents, strict=True))
    assert ("Rand", "B-PER", "Rand Paul") in got
    assert ("Paul", "I-PER", "Rand Paul") in got
    assert ("Paul", "B-PER", "Rand Paul") in got
    assert ("Moscow", "B-LOC", "Moscow") in got
    assert ("Russian", "B-MISC", "-") in got


def test_raw_mode_is_the_model_alone(nlp) -> None:
    (doc,) = parse_conll(["Sen. NNP O O\n", "Rand NNP O B-PER\n", "Paul NNP O I-PER\n"])
    (tagged,) = tag_documents([doc], nlp, raw=True)
    assert tagged.flat_tags[1:] == ["B-PER", "I-PER"]


def test_cli_extract_writes_the_contract_format(tmp_path: Path) -> None:
    out = tmp_path / "pred.tsv"
    result = CliRunner().invoke(main, ["extract", "--conll", str(GOLD), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    gold_lines = GOLD.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == ""  # every sentence ends with a blank line, the last one too
    lines = lines[:-1]
    assert len(lines) == len(gold_lines)
    for mine, theirs in zip(lines, gold_lines, strict=True):
        assert mine.split("\t")[0] == (theirs.split()[0] if theirs else "")
        assert len(mine.split("\t")) == (3 if theirs else 1)
    assert [d.words for d in read_conll(out)] == [d.words for d in read_conll(GOLD)]
    scored = CliRunner().invoke(main, ["eval", "ner", str(GOLD), "-p", str(out)])
    assert scored.exit_code == 0, scored.output
