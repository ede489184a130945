"""The scorers, proven on a hand-made snippet with numbers worked out by hand (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.cli import main
from broadsheet.conll import ConllDocument, read_aida, read_conll, unflatten
from broadsheet.evaluate import (
    AlignmentError,
    Score,
    format_ner,
    score_ner,
    score_resolution,
)

DATA = Path(__file__).parent / "data" / "extract"
GOLD, PRED, AIDA = DATA / "snippet.conll", DATA / "snippet.pred.tsv", DATA / "snippet.aida.tsv"


def test_score_arithmetic() -> None:
    s = Score(correct=1, predicted=2, gold=3)
    assert (s.precision, s.recall) == (0.5, pytest.approx(1 / 3))
    assert s.f1 == pytest.approx(0.4)
    assert Score(0, 0, 0).f1 == 0.0
    assert s + s == Score(2, 4, 6)


def test_ner_exact_spans_per_type() -> None:
    # Gold: PER 4, ORG 3, LOC 2, MISC 1. Predicted: the four PER right; "NRA" as LOC (wrong
    # type); "Russia" missed; "Commission staff" (wrong boundary); MISC right.
    scores = score_ner(read_conll(GOLD), read_conll(PRED))
    assert scores["PER"] == Score(4, 4, 4)
    assert scores["ORG"] == Score(1, 2, 3)
    assert scores["LOC"] == Score(1, 2, 2)
    assert scores["MISC"] == Score(1, 1, 1)
    assert scores["overall"] == Score(7, 9, 10)
    assert scores["overall"].f1 == pytest.approx(14 / 19)
    assert scores["ORG"].f1 == pytest.approx(0.4)


def test_ner_chunks_never_cross_sentences() -> None:
    gold = [ConllDocument([["A"], ["B"]], [["B-PER"], ["I-PER"]], [["-"], ["-"]])]
    assert score_ner(gold, gold)["overall"] == Score(2, 2, 2)


def test_ner_refuses_misaligned_predictions() -> None:
    gold = read_conll(GOLD)
    pred = read_conll(PRED)
    pred[1].sentences[0][0] = "Germans"
    with pytest.raises(AlignmentError, match="document 2, token 0"):
        score_ner(gold, pred)
    with pytest.raises(AlignmentError, match="1 gold documents but 2"):
        score_ner(gold[:1], read_conll(PRED))


def test_resolution_pairs_found_and_end_to_end() -> None:
    # Scored mentions (AIDA-linked gold PER/ORG): doc 1: Rand Paul@0, NRA@3, Paul@8;
    # doc 2: Franz Fischler@1, Fischler@5, European Commission@8, Commission@12.
    # Gold pairs: (0,8); (1,5), (8,12). Found: all but Commission@12 (predicted 12-14).
    # Predicted pairs: doc 1 gives all three the entity "Rand Paul": (0,3), (0,8), (3,8);
    # doc 2 leaves both Fischlers "-" (pairs with nothing).
    score = score_resolution(read_conll(GOLD), read_aida(AIDA), read_conll(PRED))
    assert (score.mentions, score.found) == (7, 6)
    assert score.found_pairs == Score(correct=1, predicted=3, gold=2)
    assert score.end_to_end == Score(correct=1, predicted=3, gold=3)
    assert score.found_pairs.f1 == pytest.approx(0.4)
    assert score.end_to_end.f1 == pytest.approx(1 / 3)


def test_resolution_perfect_prediction() -> None:
    gold = read_conll(GOLD)
    aida = read_aida(AIDA)
    for doc, links in zip(gold, aida, strict=True):
        flat = [links.links.get(i, "") or "-" for i in range(len(doc.words))]
        doc.entities = unflatten(flat, doc.sentences)
    score = score_resolution(read_conll(GOLD), aida, gold)
    assert score.found == score.mentions == 7
    assert score.end_to_end == Score(3, 3, 3)


def test_format_ner_table() -> None:
    table = format_ner(score_ner(read_conll(GOLD), read_conll(PRED)))
    lines = table.splitlines()
    assert lines[0].split() == ["type", "P", "R", "F1", "gold", "pred", "ok"]
    assert lines[-1].split() == ["overall", "77.78", "70.00", "73.68", "10", "9", "7"]


def test_cli_eval_ner_and_resolution_read_a_predictions_file() -> None:
    runner = CliRunner()
    ner = runner.invoke(main, ["eval", "ner", str(GOLD), "--predictions", str(PRED)])
    assert ner.exit_code == 0, ner.output
    assert "overall     77.78  70.00  73.68" in ner.output
    res = runner.invoke(
        main, ["eval", "resolution", str(GOLD), str(AIDA), "--predictions", str(PRED)]
    )
    assert res.exit_code == 0, res.output
    assert "found       33.33  50.00  40.00      2      3      1" in res.output
    assert "end-to-end  33.33  33.33  33.33      3      3      1" in res.output
    assert "7 AIDA-linked gold PER/ORG, 6 found" in res.output


def test_cli_eval_reports_misaligned_files(tmp_path: Path) -> None:
    short = tmp_path / "short.tsv"
    short.write_text("-DOCSTART-\tO\t-\n\nRand\tB-PER\t-\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "ner", str(GOLD), "-p", str(short)])
    assert result.exit_code == 1
    assert "2 gold documents but 1 predicted" in result.output
