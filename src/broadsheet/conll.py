"""CoNLL-2003 files in and out, IOB2 tags ↔ spans, and AIDA entity links.

The evaluation contract (see docs/extraction.md):

- gold: a CoNLL-2003 file, one token a line (``word POS chunk tag``, only the first and last
  columns are read), a blank line ending a sentence, ``-DOCSTART-`` starting a document;
- predictions: the same tokens, one a line, as ``token<TAB>tag<TAB>entity`` (IOB2 tags PER, ORG,
  LOC, MISC; ``entity`` is the resolved entity's name, ``-`` when there is none), with the
  ``-DOCSTART-`` lines and blank lines of the input kept where they were;
- AIDA CoNLL-YAGO links: ``-DOCSTART- (N title)``, then ``token_index<TAB>entity...`` or
  ``token_index<TAB>--NME--`` per mention, token_index counting the document's tokens from 0.

Nothing here imports spaCy; `tag_documents` (which runs the model) imports it lazily.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

DOCSTART = "-DOCSTART-"
#: The entity column of a token that belongs to no resolved entity.
NO_ENTITY = "-"
TYPES: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True)
class Span:
    """A chunk of tokens [start, end) of one type, indices counting the document's tokens."""

    label: str
    start: int
    end: int


@dataclass
class ConllDocument:
    """One document: its sentences of tokens, with a tag and an entity per token."""

    sentences: list[list[str]] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)
    entities: list[list[str]] = field(default_factory=list)
    #: whether the document opened with a -DOCSTART- line (a snippet without one is one document)
    docstart: bool = True

    @property
    def words(self) -> list[str]:
        return [w for sentence in self.sentences for w in sentence]

    @property
    def flat_tags(self) -> list[str]:
        return [t for sentence in self.tags for t in sentence]

    @property
    def flat_entities(self) -> list[str]:
        return [e for sentence in self.entities for e in sentence]


def _split(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def parse_conll(lines: Iterable[str]) -> list[ConllDocument]:
    """Documents from CoNLL lines: gold (``word POS chunk tag``) or predictions.

    The tag is the last column of a 4-column gold line and the second of a tab-separated
    prediction line; a 1-column line is a token tagged O. The entity column is read when
    present. Lines with more or fewer columns in one file are read the same way.
    """
    docs: list[ConllDocument] = []
    doc: ConllDocument | None = None
    sentence_open = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            sentence_open = False
            continue
        cols = _split(line)
        if cols[0] == DOCSTART:
            doc = ConllDocument()
            docs.append(doc)
            sentence_open = False
            continue
        if doc is None:
            doc = ConllDocument(docstart=False)
            docs.append(doc)
        if not sentence_open:
            doc.sentences.append([])
            doc.tags.append([])
            doc.entities.append([])
            sentence_open = True
        word, tag, entity = _columns(line, cols)
        doc.sentences[-1].append(word)
        doc.tags[-1].append(tag)
        doc.entities[-1].append(entity)
    return docs


def _columns(line: str, cols: list[str]) -> tuple[str, str, str]:
    if "\t" in line and len(cols) == 3:  # a prediction: token, tag, entity
        return cols[0], cols[1] or "O", cols[2] or NO_ENTITY
    if len(cols) == 1:
        return cols[0], "O", NO_ENTITY
    return cols[0], cols[-1], NO_ENTITY


def read_conll(path: Path | str) -> list[ConllDocument]:
    with open(path, encoding="utf-8") as handle:
        return parse_conll(handle)


def format_conll(docs: Sequence[ConllDocument]) -> Iterator[str]:
    """Prediction lines (``token<TAB>tag<TAB>entity``), -DOCSTART- lines and blank lines kept."""
    for doc in docs:
        if doc.docstart:
            yield f"{DOCSTART}\tO\t{NO_ENTITY}"
            yield ""
        for words, tags, ents in zip(doc.sentences, doc.tags, doc.entities, strict=True):
            for word, tag, ent in zip(words, tags, ents, strict=True):
                yield f"{word}\t{tag}\t{' '.join(ent.split()) or NO_ENTITY}"
            yield ""


# --- IOB2 tags ↔ spans --------------------------------------------------------------------


def spans_from_tags(tags: Sequence[str]) -> list[Span]:
    """Chunks of a tag sequence, conlleval's way.

    A chunk starts at a B- tag, or at an I- tag whose type differs from the previous tag's (or
    follows O: IOB1 and broken IOB2 are read as conlleval reads them), and ends before the next
    tag that does not continue it.
    """
    spans: list[Span] = []
    label: str | None = None
    start = 0
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        begins = prefix == "B" or (prefix == "I" and kind != label)
        if label is not None and (prefix not in ("B", "I") or begins):
            spans.append(Span(label, start, i))
            label = None
        if prefix in ("B", "I") and label is None:
            label, start = kind, i
    if label is not None:
        spans.append(Span(label, start, len(tags)))
    return spans


def tags_from_spans(length: int, spans: Iterable[Span]) -> list[str]:
    """IOB2 tags for `length` tokens; of overlapping spans, the one starting first wins."""
    tags = ["O"] * length
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.end <= span.start or any(t != "O" for t in tags[span.start : span.end]):
            continue
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def unflatten(flat: Sequence[str], like: Sequence[Sequence[str]]) -> list[list[str]]:
    """`flat` cut into sentences of the lengths in `like`."""
    out, pos = [], 0
    for sentence in like:
        out.append(list(flat[pos : pos + len(sentence)]))
        pos += len(sentence)
    return out


# --- AIDA ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AidaDocument:
    """One document's entity links: token index of a mention's first token → entity ("" = NME)."""

    title: str
    links: dict[int, str]

    @property
    def is_dev(self) -> bool:
        """AIDA's dev documents (testa) are CoNLL-2003's valid.txt, in order."""
        return "testa" in self.title.split()[0]


def parse_aida(lines: Iterable[str]) -> list[AidaDocument]:
    docs: list[AidaDocument] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith(DOCSTART):
            title = line[len(DOCSTART) :].strip().strip("()")
            docs.append(AidaDocument(title, {}))
            continue
        if not docs:
            docs.append(AidaDocument("", {}))
        cols = line.split("\t")
        entity = cols[1] if len(cols) > 1 and cols[1] != "--NME--" else ""
        docs[-1].links[int(cols[0])] = entity
    return docs


def read_aida(path: Path | str) -> list[AidaDocument]:
    with open(path, encoding="utf-8") as handle:
        return parse_aida(handle)


def select_aida(aida: Sequence[AidaDocument], count: int) -> list[AidaDocument]:
    """The AIDA documents matching a CoNLL file of `count` documents.

    The dev (testa) documents when there are exactly that many (valid.txt), else the first
    `count` (train.txt, or a snippet whose AIDA file holds just its own documents).
    """
    dev = [d for d in aida if d.is_dev]
    if len(dev) == count and len(aida) != count:
        return dev
    return list(aida[:count])


# --- running Broadsheet on given tokens ---------------------------------------------------


def tag_documents(
    docs: Sequence[ConllDocument],
    nlp: Language,
    *,
    raw: bool = False,
    skip: frozenset[str] = frozenset(),
    batch_size: int = 16,
) -> list[ConllDocument]:
    """Broadsheet's tags and resolved entity names for the given tokens (see extract.tokens)."""
    from broadsheet.extract.tokens import tag_token_documents

    results = tag_token_documents(
        [d.sentences for d in docs], nlp, raw=raw, skip=skip, batch_size=batch_size
    )
    out = []
    for doc, (tags, entities) in zip(docs, results, strict=True):
        out.append(
            ConllDocument(
                sentences=doc.sentences,
                tags=unflatten(tags, doc.sentences),
                entities=unflatten(entities, doc.sentences),
                docstart=doc.docstart,
            )
        )
    return out
