"""The rules a news editor expects around the statistical model, as pure functions.

The model gives raw spans (`RawSpan`: character offsets, a spaCy label, the sentence). These
functions turn them into `Mention`s, in this order:

1. keep only PERSON, ORG and place labels (GPE, LOC, FAC);
2. clip each span to one paragraph, trim quotes, brackets, whitespace, trailing lowercase
   words and possessives ("Paul's" → "Paul");
3. trim a leading "the" from organizations and places;
4. relabel an all-caps acronym tagged as a place that is no place code ("NRA") as ORG;
5. strip titles from people ("Sen. Rand Paul" → "Rand Paul");
6. relabel an ORG that looks like a person's name and has a person cue ("Phillip Huffines, a
   Texas Republican who …", "Mr Ebbers") as PERSON, and strip its title;
7. drop what is left empty, one character long or all lowercase, then resolve overlaps;
8. resolve short forms within the article ("Paul" → "Rand Paul");
9. give every mention of one name one kind and one spelling, by vote.

Nothing here imports spaCy, so all of it is tested on hand-made spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from broadsheet.extract.names import (
    ORG_WORDS,
    _is_acronym_of,
    is_short_form,
    name_key,
    normalize_space,
    surname_key,
    title_token_count,
)
from broadsheet.extract.places import normalize_place
from broadsheet.model import EntityKind, Mention

#: Bump whenever a rule changes what it returns: it is part of the extraction cache key.
RULES_VERSION = "5"

#: spaCy labels kept, and the kind each becomes. NORP ("Russian"), EVENT, LAW, DATE … are not
#: entities of this archive.
KIND_BY_LABEL: Mapping[str, EntityKind] = MappingProxyType(
    {
        "PERSON": EntityKind.PERSON,
        "ORG": EntityKind.ORGANIZATION,
        "GPE": EntityKind.PLACE,
        "LOC": EntityKind.PLACE,
        "FAC": EntityKind.PLACE,
    }
)
#: spaCy labels CoNLL-2003 calls MISC. Never entities of the archive: extraction returns them only
#: for evaluation (pipeline.misc_spans), so a CoNLL file can be tagged in full. "MISC" is the
#: label Broadsheet's own model learned for CoNLL MISC spans OntoNotes has no label for.
MISC_LABELS: frozenset[str] = frozenset(
    {"NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "LANGUAGE", "MISC"}
)
#: Labels whose majority keeps a lone word from becoming a person's surname ("Washington").
AREA_LABELS: frozenset[str] = frozenset({"GPE", "LOC"})

#: Place acronyms a news text uses: US state and territory postal codes and the country and city
#: abbreviations of English-language news. A closed, small class, unlike organization acronyms
#: (agencies, parties, unions, companies), which is why any other all-caps "place" is taken for
#: an organization.
PLACE_CODES: frozenset[str] = frozenset(
    (  # noqa: SIM905 (a word list reads best as one string)
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
        "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP "
        "US USA UK GB UAE USSR EU DRC PRC ROC DPRK ROK KSA NZ HK NYC"
    ).split()
)

#: Honorifics used only before a person's name: one right before an ORG span, or opening it,
#: means the model has mislabelled a person. Narrower than names.TITLES on purpose: "General
#: Motors" and "Judge Business School" are organizations that open with a title word.
PERSON_HONORIFICS: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "sen", "senator", "rep", "gov", "governor", "prof"}
)

#: Role nouns of a person apposition: "X, president and CEO of …", "X, the wife of …".
_ROLES = (
    "president|chairman|chairwoman|chair|ceo|chief executive|founder|co-founder|director|"
    "spokesman|spokeswoman|spokesperson|head|leader|secretary|minister|ambassador|governor|"
    "mayor|senator|professor|editor|owner|officer|lawyer|attorney|adviser|advisor|aide|analyst|"
    "economist|coach|manager|captain|commissioner|chancellor|dean|"
    "wife|husband|son|daughter|brother|sister|father|mother|widow"
)
#: Cues after a name that only fit a person: an age (", 45,"), a relative clause on "who"
#: (", a Texas Republican who …"; organizations take "that"/"which"), or a role apposition.
_PERSON_APPOSITION = re.compile(
    r",\s*\d{1,3}\s*,"
    r"|,\s+(?:an?|the)\s+[^,;:.!?\"“”()]{0,60}?\bwho\b"
    rf"|,\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?(?:{_ROLES})"
    rf"(?:\s+and\s+(?:[\w-]+\s+){{0,2}}?(?:{_ROLES}))?\s+(?:of|at|for)\b",
    re.IGNORECASE,
)
#: How far after a name an apposition cue is looked for.
_CUE_WINDOW = 100
#: A role noun right before a name, as a pre-modifier: "democracy leader Aung San Suu Kyi",
#: "spokesman Nicholas Burns". Organizations do not follow a bare role noun.
_ROLE_BEFORE = re.compile(rf"\b(?:{_ROLES})\Z", re.IGNORECASE)
#: Head nouns of an apposition that only fits an organization: "Halden Citylink, the bus
#: company owned by …", "Pirelli, the Italian tyre maker".
_ORGANIZATION_NOUNS = (
    "company|firm|group|bank|business|operator|agency|union|party|club|team|charity|council|"
    "authority|organisation|organization|association|corporation|maker|manufacturer|retailer|"
    "supermarket|chain|publisher|broadcaster|newspaper|airline|carrier|insurer|lender|"
    "brokerage|consultancy|conglomerate|institute|university|hospital|trust|regulator|"
    "ministry|department|watchdog|network|studio|label|band|utility|developer|subsidiary"
)
#: ", the bus company" closing its noun phrase: not "the company's chairman", "a union official".
_ORGANIZATION_APPOSITION = re.compile(
    rf",\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,3}}?(?:{_ORGANIZATION_NOUNS})"
    r"(?=\s*[,.;:)]|\s+(?:that|which|owned|based|run|founded|in|of|with|whose|where|behind)\b)",
    re.IGNORECASE,
)

#: One name token: a capitalised word ("Huffines", "O'Brien", "Ocasio-Cortez") or an initial.
_NAME_TOKEN = re.compile(r"[^\W\d_]\.|[^\W\d_][^\W\d_]*(?:['’-][^\W\d_]+)*")

#: Stripped from both ends of a span: whitespace, quotes, brackets, list punctuation, dashes.
#: Never dots: "D.C.", "U.S." and "Inc." end in one.
_EDGE_CHARS = frozenset(" \t\r\n\f\v\"'“”‘’«»()[]{}<>,;:!?*_-‐‑–—")
_LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])\Z", re.IGNORECASE)
#: A paragraph separator: whitespace holding at least one blank line.
_BLOCK_SEPARATOR = re.compile(r"[^\S\n]*\n[^\S\n]*\n\s*")
#: Tie-break of the kind vote. When the model reads one name both ways equally often, it is
#: usually a place it does not know ("England", "Tavildara" tagged once GPE, once PERSON).
#: Measured on CoNLL-2003 train+dev (exact span and kind, all three kinds): F1 0.675 with
#: place > organization > person, 0.670 with person > organization > place; the model alone
#: scores 0.622.
KIND_ORDER: tuple[EntityKind, ...] = (
    EntityKind.PLACE,
    EntityKind.ORGANIZATION,
    EntityKind.PERSON,
)
#: A full-name mention outweighs a short form in the kind vote.
FULL_NAME_WEIGHT = 2
SHORT_FORM_WEIGHT = 1


@dataclass(frozen=True)
class RawSpan:
    """One entity span as the model found it: character offsets and a spaCy label."""

    start: int
    end: int
    label: str
    sentence_start: int
    sentence_end: int


# --- paragraphs ---------------------------------------------------------------------------


def block_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each paragraph: the text between blank-line separators."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for sep in _BLOCK_SEPARATOR.finditer(text):
        if sep.start() > pos:
            bounds.append((pos, sep.start()))
        pos = sep.end()
    if pos < len(text):
        bounds.append((pos, len(text)))
    return tuple(bounds)


def clip_to_block(span: RawSpan, blocks: Sequence[tuple[int, int]]) -> RawSpan | None:
    """Clip a span to the paragraph holding most of it, so no span crosses a separator.

    Its sentence is clipped to that paragraph too: sentence splitters run across paragraph
    breaks ("…important.\"\n\nIn Russia, …"), and the paragraph is a hard boundary.
    """
    best: tuple[int, int, int, int] | None = None  # span and paragraph bounds
    for b_start, b_end in blocks[_block_index(blocks, span.start) :]:
        if b_start >= span.end:
            break
        start, end = max(span.start, b_start), min(span.end, b_end)
        if end > start and (best is None or end - start > best[1] - best[0]):
            best = (start, end, b_start, b_end)
    if best is None:
        return None
    start, end, b_start, b_end = best
    s_start, s_end = max(span.sentence_start, b_start), min(span.sentence_end, b_end)
    if not s_start <= start < end <= s_end:  # a sentence that misses the span: use the paragraph
        s_start, s_end = b_start, b_end
    return RawSpan(start, end, span.label, s_start, s_end)


def _block_index(blocks: Sequence[tuple[int, int]], offset: int) -> int:
    """Index of the last paragraph starting at or before `offset` (0 if none does)."""
    return max(bisect_right(blocks, offset, key=lambda b: b[0]) - 1, 0)


# --- trimming -----------------------------------------------------------------------------


def trim_edges(text: str, span: RawSpan) -> RawSpan:
    """Drop surrounding whitespace, quotes and brackets, and trailing lowercase words.

    A name ends in a capitalised word, a number or an abbreviation; a trailing word with
    neither capital nor digit is a description the model took in ("Associated Press news
    agency", "the Office of the").
    """
    start, end = span.start, span.end
    while True:
        while start < end and text[start] in _EDGE_CHARS:
            start += 1
        while end > start and text[end - 1] in _EDGE_CHARS:
            end -= 1
        last = text.rfind(" ", start, end)
        cut = max(last, text.rfind("\n", start, end))
        if cut <= start or not _is_description_word(text[cut + 1 : end]):
            return replace(span, start=start, end=end)
        end = cut


def _is_description_word(word: str) -> bool:
    return not any(ch.isupper() or ch.isdigit() for ch in word)


def possessive_stem(text: str, span: RawSpan) -> RawSpan | None:
    """The span without its possessive ("Paul's" → "Paul", "Reynolds'" → "Reynolds"), or None."""
    match = _POSSESSIVE.search(text, span.start, span.end)
    if match is None or match.start() == span.start:
        return None
    return trim_edges(text, replace(span, end=match.start()))


def strip_possessive(text: str, span: RawSpan, bare_names: frozenset[str]) -> RawSpan:
    """Cut a possessive off the span.

    People and places never end in "'s", so theirs always goes. Some organizations do
    ("McDonald's", "Moody's", "Standard & Poor's": a founder's name, alone or joined by "&"),
    so a one-word or "&" organization keeps it unless the article also names it without
    ("Deutsche Boerse's" beside "Deutsche Boerse"). `bare_names` holds the name keys of the
    article's spans that end in no possessive.
    """
    stem = possessive_stem(text, span)
    if stem is None:
        return span
    surface = text[stem.start : stem.end]
    if (
        span.label == "ORG"
        and (" " not in surface.strip() or "&" in surface)
        and name_key(surface) not in bare_names
    ):
        return span
    return stem


def trim_leading_the(text: str, span: RawSpan) -> RawSpan:
    """ "the Cato Institute" → "Cato Institute" for organizations and places.

    A capitalised "The" inside a sentence is kept: newspaper style capitalises it only when it
    is part of the name ("The Hague", "The New York Times"); at a sentence start it tells
    nothing and is trimmed.
    """
    if span.label == "PERSON":
        return span
    match = _LEADING_THE.match(text, span.start, span.end)
    if match is None or match.end() >= span.end:
        return span
    if text[span.start] == "t" or _opens_sentence(text, span):
        return replace(span, start=match.end())
    return span


def _opens_sentence(text: str, span: RawSpan) -> bool:
    """Only quotes, brackets or dashes stand between the sentence start and the span."""
    before = text[span.sentence_start : span.start]
    return all(ch in _EDGE_CHARS for ch in before)


def strip_person_title(text: str, span: RawSpan) -> RawSpan:
    """ "Sen. Rand Paul" → "Rand Paul": move the start of a person span past its titles."""
    if span.label != "PERSON":
        return span
    tokens = list(re.finditer(r"\S+", text[span.start : span.end]))
    count = title_token_count([t.group() for t in tokens])
    if count == 0:
        return span
    return replace(span, start=span.start + tokens[count].start())


# --- relabelling --------------------------------------------------------------------------


def is_place_code(surface: str) -> bool:
    """True for "U.S.", "NY", "D.C.": a place acronym, dots ignored."""
    return surface.replace(".", "").upper() in PLACE_CODES


def is_acronym(surface: str) -> bool:
    """ "NRA", "N.R.A.": two or more capital letters, dots allowed, nothing else."""
    letters = surface.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def in_mixed_case(text: str, span: RawSpan) -> bool:
    """Whether a word next to the span has a lowercase letter.

    An all-caps word among mixed-case words is an acronym ("infiltrate the NRA and"); in an
    all-caps headline or dateline ("LONDON 1996-08-30") it is just a word set in capitals.
    """
    before = text[span.sentence_start : span.start].split()
    after = text[span.end : span.sentence_end].split()
    return any(any(ch.islower() for ch in word) for word in before[-1:] + after[:1])


def relabel_place_acronym(text: str, span: RawSpan) -> RawSpan:
    """An all-caps GPE/LOC in running text that is no place code ("NRA") is an organization."""
    surface = text[span.start : span.end]
    if (
        span.label in AREA_LABELS
        and is_acronym(surface)
        and not is_place_code(surface)
        and in_mixed_case(text, span)
    ):
        return replace(span, label="ORG")
    return span


def looks_like_person_name(surface: str, min_tokens: int = 2, max_tokens: int = 3) -> bool:
    """Two (or `min_tokens`) to three (or `max_tokens`) capitalised name tokens, none an
    organization word."""
    tokens = surface.split()
    return min_tokens <= len(tokens) <= max_tokens and all(_is_name_token(t) for t in tokens)


def _is_name_token(token: str) -> bool:
    return (
        _NAME_TOKEN.fullmatch(token) is not None
        and token[0].isupper()
        and not (len(token) > 2 and token.isupper())  # "NATO", "BBC": acronyms, not names
        and name_key(token) not in ORG_WORDS
    )


def _split_honorific(surface: str) -> tuple[bool, str]:
    """(True, rest) when the surface opens with a person-only honorific ("Mr. X Y")."""
    head, _, rest = surface.partition(" ")
    if rest and head.rstrip(".").lower() in PERSON_HONORIFICS:
        return True, rest.strip()
    return False, surface


def has_person_cue(text: str, span: RawSpan, person_surnames: frozenset[str] = frozenset()) -> bool:
    """Whether an ORG span is really a person's name.

    The span must look like a person's name (looks_like_person_name) and have one cue: a
    person-only honorific opening or right before it; a role noun right before it ("democracy
    leader Aung San Suu Kyi", four name tokens allowed there); an apposition after it that only
    fits a person (_PERSON_APPOSITION); or its last token used alone elsewhere in the article as
    a PERSON (`person_surnames`, name keys), as news style names someone in full once, then by
    surname.
    """
    opened, surface = _split_honorific(normalize_space(text[span.start : span.end]))
    if opened:  # "Mr Ebbers": a surname alone is enough after an honorific
        return looks_like_person_name(surface, min_tokens=1)
    before_text = text[max(span.sentence_start, span.start - 40) : span.start]
    if _ROLE_BEFORE.search(before_text.rstrip()) and before_text[-1:].isspace():
        return looks_like_person_name(surface, max_tokens=4)
    if not looks_like_person_name(surface):
        return False
    before = before_text.split()
    if before and before[-1].rstrip(".").lower() in PERSON_HONORIFICS:
        return True
    limit = min(span.end + _CUE_WINDOW, max(span.sentence_end, span.end))
    if _PERSON_APPOSITION.match(text, span.end, limit):
        return True
    return name_key(surface.split()[-1]) in person_surnames


def lone_person_names(text: str, spans: Sequence[RawSpan]) -> frozenset[str]:
    """Keys of one-word names ("Huffines") that the model tags PERSON in most of their uses."""
    labels: dict[str, list[str]] = {}
    for span in spans:
        surface = text[span.start : span.end]
        if _token_count(surface) == 1:
            labels.setdefault(name_key(surface), []).append(span.label)
    return frozenset(k for k, v in labels.items() if v.count("PERSON") * 2 > len(v))


def relabel_person(text: str, span: RawSpan, person_surnames: frozenset[str]) -> RawSpan:
    """ORG → PERSON when has_person_cue holds."""
    if span.label == "ORG" and has_person_cue(text, span, person_surnames):
        return replace(span, label="PERSON")
    return span


def relabel_organization(text: str, span: RawSpan) -> RawSpan:
    """PERSON → ORG when an apposition that only fits an organization follows the span
    ("Halden Citylink, the bus company owned by the council"): the mirror of the person cue."""
    if span.label != "PERSON":
        return span
    limit = min(span.end + _CUE_WINDOW, max(span.sentence_end, span.end))
    if _ORGANIZATION_APPOSITION.match(text, span.end, limit):
        return replace(span, label="ORG")
    return span


def common_words(text: str, spans: Sequence[RawSpan]) -> frozenset[str]:
    """Keys of one-word spans that the article capitalises only where they open a sentence and
    also writes in lowercase ("Crab don't sit in muddy water" beside "crab"): common nouns, not
    names. A surname is safe: its full name writes it capitalised mid-sentence ("Rice said"
    beside Condoleezza Rice and "rice")."""
    lowercase = frozenset(re.findall(r"(?<![\w'’-])[a-z][\w'’-]*", text))
    return frozenset(
        name_key(word)
        for span in spans
        if len(words := text[span.start : span.end].split()) == 1
        and (word := words[0])[:1].isupper()
        and word.lower() in lowercase
        and _opens_sentence(text, span)
        and _only_opens_sentences(text, word)
    )


def _only_opens_sentences(text: str, word: str) -> bool:
    """Whether every occurrence of `word` (as written) opens a sentence or paragraph."""
    anywhere = len(re.findall(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text))
    opening = len(re.findall(rf"(?:\A|[.!?\n])[\s\"“‘'(\[—–-]*{re.escape(word)}(?![\w'’-])", text))
    return anywhere == opening


# --- validity and overlaps ----------------------------------------------------------------


def is_valid_name(surface: str) -> bool:
    """A name has two or more letters/digits and is not all lowercase words."""
    if len(name_key(surface).replace(" ", "")) < 2:
        return False
    # Scripts without case ("北京") have neither upper- nor lowercase letters and are kept.
    return any(ch.isupper() for ch in surface) or not any(ch.islower() for ch in surface)


def remove_overlaps(spans: Sequence[RawSpan]) -> tuple[RawSpan, ...]:
    """Non-overlapping spans by start; of overlapping ones the earlier, then longer, wins."""
    kept: list[RawSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.label)):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return tuple(kept)


def fit_sentence(text: str, span: RawSpan, block: tuple[int, int]) -> tuple[int, int]:
    """The span's sentence within its paragraph, without edge whitespace.

    clip_to_block already made the sentence hold the span; this re-checks, so a span from
    anywhere gets a sentence that holds it (else its paragraph).
    """
    start, end = max(span.sentence_start, block[0]), min(span.sentence_end, block[1])
    if not start <= span.start < span.end <= end:
        start, end = block
    while start < span.start and text[start].isspace():
        start += 1
    while end > span.end and text[end - 1].isspace():
        end -= 1
    return start, end


# --- the whole document: numbers after names, repeated names, acronyms ------------------

_TRAILING_NUMBER = re.compile(r"\s+[\d(][\d.,:/()\-–]*\Z")


def trim_person_numbers(text: str, span: RawSpan) -> RawSpan:
    """A person's name never ends in a number: "J. Russell 56" (a score table) → "J. Russell"."""
    if span.label != "PERSON":
        return span
    end = span.end
    while (match := _TRAILING_NUMBER.search(text, span.start, end)) is not None:
        end = match.start()
    return replace(span, end=end) if end > span.start else span


#: Sentence ends within a paragraph, for mentions the model did not find (approximate).
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")


def sentence_at(text: str, start: int, end: int, block: tuple[int, int]) -> tuple[int, int]:
    """Bounds of the sentence around text[start:end], within its paragraph."""
    begin, stop = block
    for match in _SENTENCE_END.finditer(text, block[0], end):
        if match.end() <= start:
            begin = match.end()
    after = _SENTENCE_END.search(text, end, block[1])
    if after:
        stop = after.start() + 1
    return begin, stop


def _is_all_caps(word: str) -> bool:
    return any(ch.isalpha() for ch in word) and word.upper() == word


#: Where a name may start: a word character after none of these (name_pattern's lookbehind).
_NAME_START = re.compile(r"(?<![\w'’-])\w")
_SPACE = re.compile(r"\s")


def _is_word_char(ch: str) -> bool:
    """The regex `\\w` for one character."""
    return ch.isalnum() or ch == "_"


def _name_ends_at(text: str, end: int) -> bool:
    """The lookahead of name_pattern at `end`: no word character or hyphen follows, nor an
    apostrophe and two word characters ("Paul's" ends "Paul"; "O'Brien" does not end "O")."""
    if end >= len(text):
        return True
    ch = text[end]
    if _is_word_char(ch) or ch == "-":
        return False
    return not (
        ch in "'’"
        and end + 2 < len(text)
        and _is_word_char(text[end + 1])
        and _is_word_char(text[end + 2])
    )


def name_pattern(names: Collection[str]) -> re.Pattern[str]:
    """The regex find_names behaves as: each name as whole words, any whitespace between them,
    the longest name first. (Compiling it per document cost half the time of the rules.)"""
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile(
        r"(?<![\w'’-])(?:"
        + "|".join(r"\s+".join(map(re.escape, a.split())) for a in alternatives)
        + r")(?![\w-]|['’]\w\w)"
    )


def find_names(text: str, names: Collection[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each use of one of `names` in `text`, as `name_pattern(names).finditer`.

    Left to right, not overlapping; at one position the longest name wins. A name is its words
    with any whitespace between them; it starts after no word character, apostrophe or hyphen,
    and ends where _name_ends_at says. Without a regex built per document: candidate starts come
    from one precompiled pattern, names are looked up by their first word.
    """
    singles: set[str] = set()
    multis: dict[str, list[tuple[int, list[str]]]] = {}
    for name in names:
        words = name.split()
        if not words:
            continue
        if not _is_word_char(words[0][0]):  # never a name here (they start with a capital)
            yield from (m.span() for m in name_pattern(names).finditer(text))
            return
        if len(words) == 1:
            singles.add(words[0])
        else:
            multis.setdefault(words[0], []).append((len(name), words[1:]))
    for group in multis.values():
        group.sort(key=lambda item: item[0], reverse=True)
    first_chars = {w[0] for w in singles} | {w[0] for w in multis}
    length = len(text)
    done = 0  # matches do not overlap: the next one starts at or after the last one's end
    for candidate in _NAME_START.finditer(text):
        start = candidate.start()
        if start < done or text[start] not in first_chars:
            continue
        space = _SPACE.search(text, start)
        chunk_end = space.start() if space else length
        end = _match_words(text, chunk_end, multis.get(text[start:chunk_end], ()))
        if end is None:
            end = next(
                (
                    stop
                    for stop in range(chunk_end, start, -1)
                    if text[start:stop] in singles and _name_ends_at(text, stop)
                ),
                None,
            )
        if end is not None:
            yield start, end
            done = end


def _match_words(text: str, pos: int, candidates: Sequence[tuple[int, list[str]]]) -> int | None:
    """End of the first (longest) name whose words after the first follow `pos`, else None."""
    length = len(text)
    for _, rest in candidates:
        at = pos
        for i, word in enumerate(rest):
            while at < length and text[at].isspace():
                at += 1
            if not text.startswith(word, at):
                break
            at += len(word)
            if i == len(rest) - 1:
                if _name_ends_at(text, at):
                    return at
            elif not (at < length and text[at].isspace()):
                break
    return None


def propagate_names(
    text: str, spans: Sequence[RawSpan], blocks: Sequence[tuple[int, int]]
) -> tuple[RawSpan, ...]:
    """Every other use of a name the model found once in the document becomes a span too.

    News repeats names: the model tags "Lebed" in one sentence and misses it in the next, or
    tags "Belgrade" in the text but not "BELGRADE" in the dateline. The names looked for are the
    surfaces of the spans (their majority label), and the surname of each person named in full
    ("Alexander Lebed" → "Lebed", PERSON; short forms attach it later). An occurrence counts
    when it is a whole word sequence with the same capitalisation, or in capitals ("BELGRADE"),
    and overlaps no span. Surfaces of one or two letters, lowercase-led ones, and one-word
    surfaces the text also uses in lowercase ("Poll" beside "poll": a common word that opened a
    sentence) are not looked for.
    """
    labels: dict[str, Counter[str]] = {}
    for span in spans:
        surface = normalize_space(text[span.start : span.end])
        labels.setdefault(surface, Counter())[span.label] += 1
    wanted: dict[str, str] = {
        surface: counts.most_common(1)[0][0] for surface, counts in labels.items()
    }
    for surface, label in list(wanted.items()):
        tokens = surface.split()
        if label == "PERSON" and len(tokens) >= 2 and _is_name_token(tokens[-1]):
            wanted.setdefault(tokens[-1], "PERSON")
    lowercase_words = frozenset(re.findall(r"\b[a-z]+\b", text))
    wanted = {
        s: label
        for s, label in wanted.items()
        if len(name_key(s).replace(" ", "")) > 2
        and s[0].isupper()
        and (" " in s or s.lower() not in lowercase_words)  # "Poll" beside "poll": a word
    }
    if not wanted:
        return tuple(spans)
    taken = sorted((s.start, s.end) for s in spans)
    by_caps: dict[str, str] = {}
    for surface in sorted(wanted, key=len, reverse=True):
        by_caps.setdefault(surface.upper(), surface)
    added: list[RawSpan] = []
    for start, end in find_names(text, {*wanted, *by_caps}):
        i = bisect_right(taken, (start, len(text) + 1))
        if (i and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end):
            continue
        found = normalize_space(text[start:end])
        surface = found if found in wanted else by_caps.get(found)
        if surface is None or (found != surface and not _is_all_caps(found)):
            continue
        block = blocks[_block_index(blocks, start)]
        if end > block[1]:
            continue
        s_start, s_end = sentence_at(text, start, end, block)
        added.append(RawSpan(start, end, wanted[surface], s_start, s_end))
    return tuple(sorted([*spans, *added], key=lambda s: (s.start, s.end)))


#: "National Rifle Association (NRA)": a name, then its acronym in brackets.
_BRACKETED_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z.&]{1,11})\s*\)")


def acronym_expansions(text: str, spans: Sequence[RawSpan]) -> dict[str, RawSpan]:
    """Acronym (name key) → the span it abbreviates, from "Full Name (ACR)" in the text."""
    found: dict[str, RawSpan] = {}
    for span in spans:
        if span.label == "PERSON":
            continue
        match = _BRACKETED_ACRONYM.match(text, span.end)
        if match is None:
            continue
        acronym = match.group(1)
        if _is_acronym_of(acronym, normalize_space(text[span.start : span.end])):
            found.setdefault(name_key(acronym), span)
    return found


def link_acronyms(
    text: str, spans: Sequence[RawSpan], blocks: Sequence[tuple[int, int]]
) -> tuple[tuple[RawSpan, ...], dict[str, str]]:
    """Spans with every use of an expanded acronym tagged as its expansion, and acronym → name.

    "the National Rifle Association (NRA) ... the NRA said": both NRA spans take the label
    of "National Rifle Association" (the model often calls an acronym a place or misses it),
    and the returned mapping lets the acronym resolve to the full name.
    """
    expansions = acronym_expansions(text, spans)
    if not expansions:
        return tuple(spans), {}
    taken = [(s.start, s.end) for s in spans]
    out = []
    for span in spans:
        key = name_key(text[span.start : span.end])
        full = expansions.get(key)
        out.append(replace(span, label=full.label) if full is not None else span)
    for key, full in expansions.items():
        acronym = re.compile(
            r"(?<![\w.])" + r"\.?".join(map(re.escape, key.upper())) + r"\.?(?!\w)"
        )
        for match in acronym.finditer(text):
            start, end = match.span()
            if any(a < end and start < b for a, b in taken):
                continue
            block = blocks[_block_index(blocks, start)]
            s_start, s_end = sentence_at(text, start, end, block)
            out.append(RawSpan(start, end, full.label, s_start, s_end))
            taken.append((start, end))
    names = {key: normalize_space(text[full.start : full.end]) for key, full in expansions.items()}
    return tuple(sorted(out, key=lambda s: (s.start, s.end))), names


# --- short forms and the kind vote --------------------------------------------------------


def _token_count(name: str) -> int:
    """Whitespace tokens: "ex-Yukos" and "Ocasio-Cortez" are one token each."""
    return len(name.split())


def mostly_places(labels: Sequence[str]) -> bool:
    """More than half the labels are places: "Washington" the city, not George Washington."""
    return sum(label in AREA_LABELS for label in labels) * 2 > len(labels)


def resolve_short_forms(names: Sequence[str], spans: Sequence[RawSpan]) -> tuple[str | None, ...]:
    """For each span, the full person name it is a short form of, or None.

    A full name is a name of two or more tokens that the model tags PERSON in most of its
    mentions. A short form is a mention with fewer tokens that ends it ("Paul" of "Rand Paul"),
    whatever its own label, since the model often tags a lone surname ORG, except:
    - a surface tagged mostly as a place: "Washington" the city is not George Washington;
    - an ORG-tagged short form whose word is also part of a multi-word organization name in
      the article ("Ford" beside "Ford Freestyle", "Disney" beside "Walt Disney"): there the
      company by that name is in play, and the model's ORG is believed.
    With one such full name in the article it attaches whether the full name comes earlier or
    later; with several ("Yeltsin": Boris Yeltsin, then his wife Naina Yeltsin) it attaches to
    the one named first, wherever it stands: news copy names its subject first and calls a
    namesake by full or given name. (On CoNLL train with AIDA's links the first named is right
    for 33 of 39 such lone surnames, the nearest preceding for 24.)
    """
    labels_by_key: dict[str, list[str]] = {}
    org_words: set[str] = set()
    for name, span in zip(names, spans, strict=True):
        labels_by_key.setdefault(name_key(name), []).append(span.label)
        if span.label == "ORG" and _token_count(name) >= 2:
            org_words.update(name_key(word) for word in name.split())
    # Full names indexed by surname, so each mention is compared with few candidates.
    fulls: dict[str, list[tuple[int, str]]] = {}
    for name, span in zip(names, spans, strict=True):
        labels = labels_by_key[name_key(name)]
        if _token_count(name) >= 2 and labels.count("PERSON") * 2 > len(labels):
            fulls.setdefault(surname_key(name), []).append((span.start, name))
    result: list[str | None] = []
    for name, span in zip(names, spans, strict=True):
        key = name_key(name)
        candidates = [
            (start, full)
            for start, full in fulls.get(surname_key(name), ())
            if is_short_form(name, full, EntityKind.PERSON)
        ]
        if (
            not candidates
            or mostly_places(labels_by_key[key])
            or (span.label == "ORG" and key in org_words)
        ):
            result.append(None)
            continue
        distinct = {name_key(full) for _, full in candidates}
        if len(distinct) == 1:
            result.append(candidates[0][1])
            continue
        result.append(min(candidates)[1])
    return tuple(result)


def organization_heads(names: Sequence[str], spans: Sequence[RawSpan]) -> frozenset[str]:
    """Keys of the leading words of the article's multi-word ORG names.

    "Pirelli SpA" gives "pirelli", "Rotor Volgograd" "rotor", "Deportivo Coruna" "deportivo".
    """
    heads: set[str] = set()
    for name, span in zip(names, spans, strict=True):
        words = name.split()
        if span.label == "ORG" and len(words) >= 2:
            heads.update(name_key(" ".join(words[:i])) for i in range(1, len(words)))
    return frozenset(heads)


def vote_kind(votes: Sequence[tuple[EntityKind, int]]) -> EntityKind:
    """The kind with the greatest total weight; ties go to the earlier kind in KIND_ORDER."""
    totals: Counter[EntityKind] = Counter()
    for kind, weight in votes:
        totals[kind] += weight
    return max(KIND_ORDER, key=lambda k: (totals[k], -KIND_ORDER.index(k)))


def display_name(names: Sequence[str]) -> str:
    """Of spellings of one name ("U.S. Senate", "US Senate"), the most used, then the first."""
    counts = Counter(names)
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        first.setdefault(name, i)
    return max(counts, key=lambda n: (counts[n], -first[n]))


# --- the whole article --------------------------------------------------------------------


#: Names of the rules `mentions_from_spans(skip=...)` can leave out, to measure each one.
RULE_NAMES: tuple[str, ...] = (
    "possessive",
    "the",
    "acronym_relabel",
    "titles",
    "person_cue",
    "org_cue",
    "person_numbers",
    "propagate",
    "acronym_expansion",
    "short_forms",
    "kind_vote",
    "places",
    "org_parts",
    "common_words",
)


def mentions_from_spans(
    text: str, spans: Sequence[RawSpan], *, skip: frozenset[str] = frozenset()
) -> tuple[Mention, ...]:
    """Mentions (sorted, non-overlapping) from the model's raw spans over `text`.

    `skip` names rules (RULE_NAMES) to leave out; only the evaluation uses it.
    """
    unknown = skip - set(RULE_NAMES)
    if unknown:
        raise ValueError(f"unknown rules: {', '.join(sorted(unknown))}")
    blocks = block_bounds(text)
    clipped = [
        trim_edges(text, c)
        for s in spans
        if s.label in KIND_BY_LABEL and (c := clip_to_block(s, blocks)) is not None
    ]
    bare_names = frozenset(
        name_key(text[s.start : s.end]) for s in clipped if possessive_stem(text, s) is None
    )
    trimmed = list(clipped)
    if "possessive" not in skip:
        trimmed = [strip_possessive(text, s, bare_names) for s in trimmed]
    if "the" not in skip:
        trimmed = [trim_leading_the(text, s) for s in trimmed]
    if "acronym_relabel" not in skip:
        trimmed = [relabel_place_acronym(text, s) for s in trimmed]
    # Titles go before the person cue looks for lone surnames ("Sen. Huffines" → "Huffines"),
    # and again after it, for an ORG it turned into a PERSON ("Mr Ebbers").
    titles = "titles" not in skip
    titled = [strip_person_title(text, s) for s in trimmed] if titles else trimmed
    if "person_cue" not in skip:
        person_surnames = lone_person_names(text, titled)
        titled = [relabel_person(text, s, person_surnames) for s in titled]
    cleaned = [strip_person_title(text, s) for s in titled] if titles else titled
    if "org_cue" not in skip:
        cleaned = [relabel_organization(text, s) for s in cleaned]
    if "person_numbers" not in skip:
        cleaned = [trim_person_numbers(text, s) for s in cleaned]
    common = frozenset() if "common_words" in skip else common_words(text, cleaned)
    kept = remove_overlaps(
        [
            s
            for s in cleaned
            if is_valid_name(surface := text[s.start : s.end]) and name_key(surface) not in common
        ]
    )
    expanded: dict[str, str] = {}
    if "acronym_expansion" not in skip:
        kept, expanded = link_acronyms(text, kept, blocks)
    if "propagate" not in skip:
        kept = propagate_names(text, kept, blocks)

    names = [normalize_space(text[s.start : s.end]) for s in kept]
    owners: tuple[str | None, ...] = (
        (None,) * len(kept) if "short_forms" in skip else resolve_short_forms(names, kept)
    )
    resolved = [
        owner or expanded.get(name_key(name)) or name
        for owner, name in zip(owners, names, strict=True)
    ]

    # One name, one kind: a short form attached to a person votes PERSON (the attachment is
    # the evidence), anything else votes its own label; full names weigh more.
    # A "person" that is no person's short form but opens an organization's name of the
    # article votes ORG ("Pirelli" beside "Pirelli SpA", "Rotor" beside "Rotor Volgograd").
    org_parts = frozenset() if "org_parts" in skip else organization_heads(names, kept)
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(resolved):
        groups.setdefault(name_key(name), []).append(i)
    kinds: dict[str, EntityKind] = {}
    spellings: dict[str, str] = {}
    for key, members in groups.items():
        votes = [
            (EntityKind.PERSON, SHORT_FORM_WEIGHT)
            if owners[i]
            else (EntityKind.ORGANIZATION, FULL_NAME_WEIGHT)
            if kept[i].label == "PERSON" and name_key(names[i]) in org_parts
            else (KIND_BY_LABEL[kept[i].label], FULL_NAME_WEIGHT)
            for i in members
        ]
        kinds[key] = vote_kind(votes)
        spellings[key] = display_name([resolved[i] for i in members])

    if "places" not in skip:
        spellings = {
            key: normalize_place(name) if kinds[key] == EntityKind.PLACE else name
            for key, name in spellings.items()
        }

    mentions = []
    for span, name, owner in zip(kept, resolved, owners, strict=True):
        block = blocks[_block_index(blocks, span.start)]
        sentence_start, sentence_end = fit_sentence(text, span, block)
        key = name_key(name)
        mentions.append(
            Mention(
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                name=spellings[key],
                kind=(
                    kinds[key]
                    if "kind_vote" not in skip
                    else EntityKind.PERSON
                    if owner
                    else KIND_BY_LABEL[span.label]
                ),
                sentence_start=sentence_start,
                sentence_end=sentence_end,
            )
        )
    return tuple(mentions)
