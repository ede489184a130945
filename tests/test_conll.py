"""CoNLL and AIDA reading and writing, IOB2 tags ↔ spans (no model)."""

from __future__ import annotations

from pathlib import Path

from broadsheet.conll import (
    ConllDocument,
    Span,
    format_conll,
    parse_aida,
    parse_conll,
    read_aida,
    read_conll,
    select_aida,
    spans_from_tags,
    tags_from_spans,
    unflatten,
)

DATA = Path(__file__).parent / "data" / "extract"


def test_gold_file_reads_documents_sentences_and_last_column() -> None:
    docs = read_conll(DATA / "snippet.conll")
    assert len(docs) == 2
    assert docs[0].sentences[1] == ["Paul", "left", "Russia", "."]
    assert docs[0].tags[0][:4] == ["B-PER", "I-PER", "O", "B-ORG"]
    assert len(docs[1].words) == 15
    assert all(e == "-" for e in docs[0].flat_entities)


def test_prediction_file_reads_tag_and_entity_columns() -> None:
    (doc, _) = read_conll(DATA / "snippet.pred.tsv")
    assert doc.sentences[0][0] == "Rand"
    assert doc.tags[0][3] == "B-LOC"
    assert doc.entities[0][:2] == ["Rand Paul", "Rand Paul"]


def test_a_snippet_without_docstart_is_one_document() -> None:
    (doc,) = parse_conll(["EU NNP B-NP B-ORG\n", "rejects VBZ B-VP O\n", "\n", "Bonn\n"])
    assert not doc.docstart
    assert doc.sentences == [["EU", "rejects"], ["Bonn"]]
    assert doc.tags == [["B-ORG", "O"], ["O"]]


def test_format_keeps_docstart_and_blank_lines_and_reads_back() -> None:
    docs = read_conll(DATA / "snippet.pred.tsv")
    lines = list(format_conll(docs))
    assert lines == (DATA / "snippet.pred.tsv").read_text(encoding="utf-8").splitlines()
    again = parse_conll(line + "\n" for line in lines)
    assert [d.sentences for d in again] == [d.sentences for d in docs]
    assert [d.entities for d in again] == [d.entities for d in docs]


def test_format_never_writes_a_newline_or_tab_inside_the_entity_column() -> None:
    doc = ConllDocument([["A", "B"]], [["B-PER", "I-PER"]], [["Ann\n\nBee", ""]], docstart=False)
    assert list(format_conll([doc])) == ["A\tB-PER\tAnn Bee", "B\tI-PER\t-", ""]


def test_spans_from_iob2_tags() -> None:
    tags = ["B-PER", "I-PER", "O", "B-ORG", "B-ORG", "I-ORG", "O", "B-LOC"]
    assert spans_from_tags(tags) == [
        Span("PER", 0, 2),
        Span("ORG", 3, 4),
        Span("ORG", 4, 6),
        Span("LOC", 7, 8),
    ]


def test_spans_from_broken_or_iob1_tags_as_conlleval_reads_them() -> None:
    # I- after O opens a chunk; I- of another type closes one and opens the next.
    assert spans_from_tags(["O", "I-PER", "I-PER", "I-LOC", "O"]) == [
        Span("PER", 1, 3),
        Span("LOC", 3, 4),
    ]


def test_tags_from_spans_round_trip_and_first_wins() -> None:
    spans = [Span("PER", 0, 2), Span("LOC", 3, 4)]
    tags = tags_from_spans(5, [*spans, Span("MISC", 1, 3)])
    assert tags == ["B-PER", "I-PER", "O", "B-LOC", "O"]
    assert spans_from_tags(tags) == spans


def test_unflatten() -> None:
    assert unflatten(["a", "b", "c"], [["x", "y"], ["z"]]) == [["a", "b"], ["c"]]


def test_aida_links_by_first_token_nme_is_empty() -> None:
    docs = parse_aida(
        [
            "-DOCSTART- (1 EU)\n",
            "0\t--NME--\n",
            "2\tGermany\thttp://en.wikipedia.org/wiki/Germany\t11867\t/m/0345h\n",
            "-DOCSTART- (947testa CRICKET)\n",
            "2\tLeicestershire_County_Cricket_Club\thttp://x\t1\t/m/y\n",
        ]
    )
    assert [d.title for d in docs] == ["1 EU", "947testa CRICKET"]
    assert docs[0].links == {0: "", 2: "Germany"}
    assert [d.is_dev for d in docs] == [False, True]


def test_select_aida_takes_dev_documents_for_the_dev_file() -> None:
    docs = parse_aida(["-DOCSTART- (1 A)\n", "-DOCSTART- (2testa B)\n", "-DOCSTART- (3testa C)\n"])
    assert [d.title for d in select_aida(docs, 2)] == ["2testa B", "3testa C"]
    assert [d.title for d in select_aida(docs, 1)] == ["1 A"]
    snippet = read_aida(DATA / "snippet.aida.tsv")
    assert select_aida(snippet, 2) == snippet
