"""Broadsheet's extraction and resolution on text given as tokens (the evaluation contract).

A CoNLL document arrives as sentences of tokens. It is run exactly as an article would be, with
the tokens kept as given:

1. the words become one spaCy `Doc` (``Doc(nlp.vocab, words=..., spaces=...)``): a space
   between the tokens of a sentence, and a blank line (a ``"\\n\\n"`` whitespace token) between
   sentences, so each CoNLL sentence (headline, dateline, paragraph) is a paragraph to the rules;
2. the pipeline's components (NER, sentence splitter) run on that Doc, the rules turn its
   entities into `Mention`s (`extract_mentions` does the same on an article's text);
3. resolution runs through the real build path on that one document: `article_entities`
   (empty registry, no front matter) then `resolve_archive` over an archive of that one
   article; each extracted mention's entity is the `Entity.name` of the linked mention that
   overlaps it (what the site links there), ``-`` when the site links nothing there;
4. mentions map back to token indices (a mention covering part of a token takes the token),
   people → PER, organizations → ORG, places → LOC; the model's NORP, EVENT, PRODUCT, LAW,
   WORK_OF_ART and LANGUAGE spans that no mention overlaps are MISC (evaluation only: the
   archive never makes pages of them), with no entity.

``raw=True`` skips steps 2–3 and tags the model's own spans (PERSON → PER, ORG → ORG,
GPE/LOC/FAC → LOC, the MISC labels → MISC), each span's entity being its own text: the
"stock model, no rules" baseline.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

from broadsheet.extract.pipeline import misc_spans, raw_spans
from broadsheet.extract.rules import KIND_BY_LABEL, MISC_LABELS, mentions_from_spans
from broadsheet.model import EntityKind

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SENTENCE_BREAK = "\n\n"
CONLL_TYPE: dict[EntityKind, str] = {
    EntityKind.PERSON: "PER",
    EntityKind.ORGANIZATION: "ORG",
    EntityKind.PLACE: "LOC",
}
#: spaCy label → CoNLL type, for the raw model baseline.
RAW_TYPE: dict[str, str] = {
    **{label: CONLL_TYPE[kind] for label, kind in KIND_BY_LABEL.items()},
    **dict.fromkeys(MISC_LABELS, "MISC"),
}
NO_ENTITY = "-"


def doc_from_sentences(nlp: Language, sentences: Sequence[Sequence[str]]) -> tuple[Doc, list[int]]:
    """The Doc of the given tokens, and the Doc index of each given token (break tokens skipped)."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    index: list[int] = []
    for s, sentence in enumerate(sentences):
        if not sentence:
            continue
        if s and words:
            spaces[-1] = False
            words.append(SENTENCE_BREAK)
            spaces.append(False)
        for word in sentence:
            index.append(len(words))
            words.append(word)
            spaces.append(True)
    if spaces:
        spaces[-1] = False
    return Doc(nlp.vocab, words=words, spaces=spaces), index


class _TokenMap:
    """Character offsets → indices of the given tokens."""

    def __init__(self, doc: Doc, index: Sequence[int]) -> None:
        self.starts = [doc[i].idx for i in index]
        self.ends = [doc[i].idx + len(doc[i].text) for i in index]

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        """[first, last+1) of the given tokens that overlap chars [start, end); empty if none."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end)
        return first, max(first, last)


def _linked_entities(text: str, mentions: Sequence) -> list[tuple[int, int, str]]:
    """(start, end, entity name) of every mention the build links, through its resolution path.

    `article_entities` (empty registry, no front matter) then `resolve_archive` over an archive
    of this one article: the mentions and names the site would link.
    """
    from broadsheet.model import Article
    from broadsheet.registry import Registry
    from broadsheet.resolve import ArticleInput, article_entities, resolve_archive

    registry = Registry()
    article = Article(
        source_path="conll",
        content_hash="",
        slug="conll",
        headline="",
        bylines=(),
        date=None,
        published=None,
        summary="",
        draft=False,
        body_html="",
    )
    entities = article_entities(article, text, mentions, registry)
    archive, _ = resolve_archive([ArticleInput(article, text, entities)], registry)
    (resolved,) = archive.articles
    return sorted((m.start, m.end, archive.entities[m.entity].name) for m in resolved.mentions)


def _entity_at(linked: Sequence[tuple[int, int, str]], start: int, end: int) -> str:
    """The entity of the first linked mention overlapping [start, end), else NO_ENTITY."""
    i = bisect_left(linked, (start,))
    for s, e, name in linked[max(i - 1, 0) :]:
        if s >= end:
            break
        if e > start:
            return name
    return NO_ENTITY


def _tag(
    doc: Doc, index: Sequence[int], *, raw: bool, skip: frozenset[str]
) -> tuple[list[str], list[str]]:
    n = len(index)
    tokens = _TokenMap(doc, index)
    chunks: list[tuple[int, int, str, str]] = []  # first token, end token, type, entity
    if raw:
        for ent in doc.ents:
            if ent.label_ in RAW_TYPE:
                first, end = tokens.tokens(ent.start_char, ent.end_char)
                chunks.append((first, end, RAW_TYPE[ent.label_], " ".join(ent.text.split())))
    else:
        text = doc.text
        mentions = mentions_from_spans(text, raw_spans(doc), skip=skip)
        linked = _linked_entities(text, mentions)
        for m in mentions:
            first, end = tokens.tokens(m.start, m.end)
            chunks.append((first, end, CONLL_TYPE[m.kind], _entity_at(linked, m.start, m.end)))
        for span in misc_spans(doc):
            first, end = tokens.tokens(span.start, span.end)
            chunks.append((first, end, "MISC", NO_ENTITY))
    tags = ["O"] * n
    entities = [NO_ENTITY] * n
    # Mentions first, then MISC; of overlapping chunks the first placed wins.
    for first, end, label, entity in chunks:
        if end <= first or any(t != "O" for t in tags[first:end]):
            continue
        tags[first] = f"B-{label}"
        for i in range(first + 1, end):
            tags[i] = f"I-{label}"
        for i in range(first, end):
            entities[i] = entity
    return tags, entities


def tag_token_documents(
    documents: Sequence[Sequence[Sequence[str]]],
    nlp: Language,
    *,
    raw: bool = False,
    skip: frozenset[str] = frozenset(),
    batch_size: int = 16,
) -> list[tuple[list[str], list[str]]]:
    """For each document (sentences of tokens): an IOB2 tag and an entity name per token."""
    return [
        tag_processed(doc, index, raw=raw, skip=skip)
        for doc, index in process_token_documents(documents, nlp, batch_size=batch_size)
    ]


def process_token_documents(
    documents: Sequence[Sequence[Sequence[str]]], nlp: Language, *, batch_size: int = 16
) -> list[tuple[Doc, list[int]]]:
    """The model's pass over each document's tokens: (processed Doc, index of each given token)."""
    built = [doc_from_sentences(nlp, sentences) for sentences in documents]
    docs = nlp.pipe((doc for doc, _ in built), batch_size=batch_size)
    return [(doc, index) for doc, (_, index) in zip(docs, built, strict=True)]


def tag_processed(
    doc: Doc, index: Sequence[int], *, raw: bool = False, skip: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """Tags and entity names of one processed document (rules and resolution run here)."""
    return _tag(doc, index, raw=raw, skip=skip)
