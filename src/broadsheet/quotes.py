"""Who said what: direct quotations in an article's plain text, attributed to people it names.

`attribute_quotes(text, people)` is a pure function over an article's body text and its resolved
person mentions (offsets into that text). It is deliberately conservative — a quote it cannot
attribute with confidence is left out rather than given to the wrong person:

- `"…," Paul said` / `"…" Kosachev told Paul` / `"…," Priya Raman, general secretary, said`:
  the person named right after the closing quote (titles such as "Sen." may come between),
  followed by a speech verb, is the speaker — the subject of "told", never its object.
- `"…," said Paul`: a speech verb right after the quote, then the person.
- `Paul said: "…"` / `Kosachev told reporters, "…"`: the person, a speech verb and at most a
  few words, then a colon or comma, then the quote.
- `"…," he said`: the one person named (outside quotes) in the sentence just before; when that
  sentence names more than one person the quote is left unattributed.
- A quote that starts a new sentence right after an attributed quote in the same paragraph, with
  no sentence in between, continues it: `"…," Paul said. "It's crazy."`.

Quotes are double-quoted spans (straight or curly) inside one paragraph; single quotes are
apostrophes or quotes within quotes and are ignored, as are names inside quotes ("If you,
Senator Paul, …" is not Paul speaking) and one-word "scare quotes".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

from broadsheet.model import LinkedMention

#: Verbs of speaking that introduce or follow a quotation.
SPEECH_VERBS = (
    "said|says|told|tells|added|adds|asked|asks|explained|explains|insisted|insists|warned|"
    "warns|replied|replies|wrote|writes|noted|notes|argued|argues|recalled|recalls|continued|"
    "declared|stated|tweeted|admitted|acknowledged|conceded|claimed|claims|remarked|answered|"
    "responded|joked|urged|cautioned|predicted|promised|announced|concluded"
)
#: Verbs that may come before the speaker in an inverted attribution ("…," said Paul).
INVERTED_VERBS = "said|says|asked|asks|added|adds|continued|wrote|writes|replied|explained"
MIN_WORDS = 2  #: shorter quotes are scare quotes ("wonderful"), not statements
MAX_APPOSITIVE = 100  #: ", general secretary of the union," between a name and its verb
MAX_GAP = 40  #: how far after a closing quote the speaker's name may start ("said Sen. ")
#: Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt"}
    | {"Sgt", "Rev", "Prof", "Hon", "Cllr", "Insp", "Supt", "No", "vs"}
)

_TITLES = r"(?:[A-Z][\w'’.-]*\s+){0,3}"  # "Sen. ", "Republican Senator ", "Mayor "
_APPOSITIVE = rf"(?:,[^,\"“”„\n]{{1,{MAX_APPOSITIVE}}},)?"
#: closing quote → speaker's name: `"…," Sen. Paul` / `"…," said Sen. Paul`
_GAP = re.compile(rf"\s*{_TITLES}")
_GAP_INVERTED = re.compile(rf"\s*(?:{INVERTED_VERBS})\s+{_TITLES}")
#: speaker's name → verb: `Paul said`, `Priya Raman, general secretary of the union, said`
_NAME_THEN_VERB = re.compile(rf"{_APPOSITIVE}\s+(?:{SPEECH_VERBS})\b")
_PRONOUN = re.compile(rf"\s*(?:he|she)\s+(?:{SPEECH_VERBS})\b")
#: speaker's name → opening quote: `Paul said: "`, `Kosachev told reporters, "`
_INTRO = re.compile(
    rf"{_APPOSITIVE}\s+(?:{SPEECH_VERBS})"
    rf"(?:\s+(?!(?:{SPEECH_VERBS})\b)[^\s\"“”„.!?:;,]+){{0,4}}\s*[:,]\s*"
)
_STOP = re.compile(r"([\w.'’-]*)([.!?])\s+(?=[\"“‘'A-Z])")

OPENING = "“„"
CLOSING = "”"
STRAIGHT = '"'


How = Literal["after", "inverted", "before", "pronoun", "continued"]


class Quote(NamedTuple):
    """A quotation attributed to a person. (A named tuple: a build keeps every article's
    quotes a while, and sends them to the workers with the entity pages, where a tuple is
    pickled in C and a slotted dataclass field by field in Python.)"""

    start: int  #: offset of the opening quotation mark
    end: int  #: offset just after the closing quotation mark
    text: str  #: the words quoted, without the marks and a trailing comma
    speaker: str  #: the person's entity key
    how: How  #: which rule attributed it


#: A quoted span: an opening or straight mark, then neither a mark nor a line break, then a
#: closing or straight mark. Of two opening marks before a closing one the nearer counts, and a
#: closing mark with none open is ignored (scanning resumes after each span).
_QUOTED = re.compile(
    f"[{OPENING}{STRAIGHT}][^\n{OPENING}{CLOSING}{STRAIGHT}]*[{CLOSING}{STRAIGHT}]"
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every double-quoted span that opens and closes within one paragraph,
    in text order (they do not overlap)."""
    return [m.span() for m in _QUOTED.finditer(text)]


def _has_sentence_end(text: str) -> bool:
    """True when `text` holds a full stop (or ! or ?) that ends a sentence before more text."""
    for stop in _STOP.finditer(text):
        word = stop.group(1).rstrip(".")
        if stop.group(2) == "." and (len(word) <= 1 or "." in word or word in ABBREVIATIONS):
            continue  # "U.S. Senate", "J. Smith", "Sen. Paul"
        return True
    return False


def _closes_sentence(quoted: str) -> bool:
    """A quote ending in a full stop ends its sentence: what follows does not attribute it."""
    words = quoted.rstrip()
    return words.endswith(".") and not words.endswith("..")


def _continues(between: str) -> bool:
    """Between an attributed quote and the next: the rest of one attribution sentence only
    (`," Paul said at a press conference. `), so the next quote is the same speaker's."""
    stripped = between.strip()
    if not stripped or "\n" in between or stripped[-1] not in ".!?":
        return False
    return not _has_sentence_end(stripped[:-1])


def attribute_quotes(text: str, people: Sequence[LinkedMention]) -> list[Quote]:
    """The quotes in `text` that can be attributed to one of `people` (person mentions, offsets
    into `text`), in text order."""
    spans = quoted_spans(text)
    span_starts = [s for s, _ in spans]

    def in_quote(pos: int) -> bool:
        # spans are disjoint and in order: only the last one starting at or before pos can hold it
        i = bisect.bisect_right(span_starts, pos) - 1
        return i >= 0 and pos < spans[i][1]

    named = sorted((m for m in people if not in_quote(m.start)), key=lambda m: (m.start, m.end))
    named_starts = [m.start for m in named]

    def line_end(pos: int) -> int:
        end = text.find("\n", pos)
        return len(text) if end < 0 else end

    def after(start: int, end: int) -> tuple[str, How] | None:
        """`"…," Paul said`, `"…," said Paul`, `"…," he said`."""
        if _closes_sentence(text[start + 1 : end - 1]):
            return None  # `"It's crazy." Trump said nothing.`: a new sentence, not attribution
        limit = line_end(end)
        i = bisect.bisect_left(named_starts, end)  # the first name starting at or after end
        nearest = named[i] if i < len(named) else None
        if nearest is not None and nearest.start <= min(end + MAX_GAP, limit):
            gap = text[end : nearest.start]
            if _GAP.fullmatch(gap) and _NAME_THEN_VERB.match(text, nearest.end):
                return nearest.entity, "after"
            if _GAP_INVERTED.fullmatch(gap):
                return nearest.entity, "inverted"
        if _PRONOUN.match(text, end, limit):
            speaker = previous_sentence_speaker(start)
            if speaker is not None:
                return speaker, "pronoun"
        return None

    def before(start: int) -> tuple[str, How] | None:
        """`Paul said: "…"`: the nearest name before the quote, in its paragraph, that is
        followed by a speech verb and at most a few words (no second verb) before the colon or
        comma."""
        paragraph = text.rfind("\n", 0, start) + 1
        for m in reversed(named):
            if m.end > start:
                continue
            if m.start < paragraph:
                break
            if _INTRO.fullmatch(text, m.end, start):  # `Kosachev told Paul: "`: not Paul
                return m.entity, "before"
        return None

    def previous_sentence_speaker(start: int) -> str | None:
        """The one person named in the sentence right before `start` (None if several)."""
        earlier = [m for m in named if m.end <= start]
        if not earlier:
            return None
        last = earlier[-1]
        if last.sentence_end > start or text[last.sentence_end : start].strip():
            return None
        sentence = (last.sentence_start, last.sentence_end)
        people_there = {m.entity for m in earlier if (m.sentence_start, m.sentence_end) == sentence}
        return last.entity if len(people_there) == 1 else None

    quotes: list[Quote] = []
    previous: Quote | None = None
    for start, end in spans:
        found = after(start, end) or before(start)
        if found is None and previous is not None and _continues(text[previous.end : start]):
            found = previous.speaker, "continued"
        if found is None:
            previous = None
            continue
        words = text[start + 1 : end - 1].strip().rstrip(",").rstrip()
        previous = Quote(start, end, words, found[0], found[1])
        if len(words.split()) >= MIN_WORDS:
            quotes.append(previous)
    return quotes
