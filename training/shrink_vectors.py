"""Make a pipeline's static word vectors small enough to ship (models/MODEL_CARD.md).

en_core_web_md has 684,830 keys sharing 20,000 300-wide rows: 24 MB of rows, 8 MB of key table
and 10 MB of their strings, more than the model's 25 MB budget. This keeps the keys of the
words a news archive uses (a frequency list plus the training text, in every casing the table
has), keeps the `n_rows` rows those words need most, and points each dropped row's keys at the
nearest kept row (cosine), as `spacy.vocab.Vocab.prune_vectors` does. A word left out gets no
vector, like any word the table never had; the model's hash embeddings still see it.

Done before fine-tuning, so the weights are trained on the vectors that ship.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


def casings(word: str) -> tuple[str, ...]:
    """The spellings of `word` a case-sensitive vector table may hold."""
    return tuple(dict.fromkeys((word, word.lower(), word.title(), word.upper())))


def shrink_vectors(nlp: Language, words: Iterable[str], n_rows: int) -> dict[str, int]:
    """Keep only `words`' keys (in their casings) and at most `n_rows` rows; `words` come most
    important first, which decides the rows kept. Returns counts for the model card."""
    import numpy
    from spacy.vectors import Vectors

    old = nlp.vocab.vectors
    strings = nlp.vocab.strings
    rank_of_row: dict[int, int] = {}
    kept: dict[int, int] = {}  # key → old row
    for rank, word in enumerate(words):
        for spelling in casings(word):
            key = strings.add(spelling)
            row = old.key2row.get(key)
            if row is None or key in kept:
                continue
            kept[key] = row
            rank_of_row.setdefault(row, rank)
    rows = sorted(rank_of_row, key=rank_of_row.__getitem__)[:n_rows]
    new_row = {row: i for i, row in enumerate(rows)}
    data = numpy.ascontiguousarray(old.data[rows], dtype="float32")
    dropped = sorted(set(kept.values()) - set(new_row))
    if dropped:
        unit = data / numpy.maximum(numpy.linalg.norm(data, axis=1, keepdims=True), 1e-8)
        lost = old.data[dropped]
        lost = lost / numpy.maximum(numpy.linalg.norm(lost, axis=1, keepdims=True), 1e-8)
        nearest = (lost @ unit.T).argmax(axis=1)
        new_row.update({row: int(n) for row, n in zip(dropped, nearest, strict=True)})
    vectors = Vectors(strings=strings, data=data, name=old.name)
    for key, row in kept.items():
        vectors.add(key, row=new_row[row])
    nlp.vocab.vectors = vectors
    return {"keys": len(kept), "rows": len(rows), "remapped_rows": len(dropped)}
