"""Very long texts, cut into pieces the model can take.

spaCy refuses a text longer than `nlp.max_length` (1,000,000 characters by default) and its
memory grows with the text's length. An article that long (a pasted report, a data dump) is
still extracted in full: it is cut at paragraph breaks into pieces of at most `limit` characters,
each piece goes through the model and the rules on its own, and the mentions are shifted back to
offsets in the whole text. Only a paragraph longer than `limit` is cut inside, at a line break,
else a sentence end, else a space, else anywhere. Texts within the limit are one piece: the same
result as before.
"""

from __future__ import annotations

from broadsheet.model import Mention

#: Where a piece may end, best first: after a paragraph, a line, a sentence, a word.
_BREAKS = ("\n\n", "\n", ". ", " ")


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) pairs; the pieces are consecutive and join back into `text` exactly."""
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = -1
        for sep in _BREAKS:
            found = text.rfind(sep, start + 1, end)
            if found != -1 and found + len(sep) <= end:
                cut = found + len(sep)
                break
        if cut <= start:
            cut = end
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def shift(mentions: tuple[Mention, ...], offset: int) -> tuple[Mention, ...]:
    """Mentions of a piece as mentions of the whole text."""
    if not offset:
        return mentions
    return tuple(
        m._replace(
            start=m.start + offset,
            end=m.end + offset,
            sentence_start=m.sentence_start + offset,
            sentence_end=m.sentence_end + offset,
        )
        for m in mentions
    )
