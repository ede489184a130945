"""The rules a news editor expects around the statistical model, as pure functions.

The model gives raw spans (`RawSpan`: character offsets, a spaCy label, the sentence). These
functions turn them into `Mention`s, in this order:

1. keep only PERSON, ORG and place labels (GPE, LOC, FAC);
2. clip each span to one paragraph and trim quotes, brackets, whitespace and possessives;
3. trim a leading "the" from organizations and places;
4. relabel an all-caps acronym tagged as a place that is no place code ("NRA") as ORG;
5. relabel an ORG that looks like a person's name and has a person cue ("Phillip Huffines, a
   Texas Republican who …") as PERSON;
6. strip titles from people ("Sen. Rand Paul" → "Rand Paul");
7. drop what is left empty, one character long or all lowercase, then resolve overlaps;
8. resolve short forms within the article ("Paul" → "Rand Paul");
9. give every mention of one name one kind, by vote.

Nothing here imports spaCy, so all of it is tested on hand-made spans.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from broadsheet.extract.names import (
    ORG_WORDS,
    is_short_form,
    name_key,
    normalize_space,
    title_token_count,
)
from broadsheet.model import EntityKind, Mention

#: Bump whenever a rule changes what it returns: it is part of the extraction cache key.
RULES_VERSION = "1"

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
PLACE_LABELS: frozenset[str] = frozenset({"GPE", "LOC", "FAC"})

#: Place acronyms a news text uses: US state and territory postal codes and the country and city
#: abbreviations of English-language news. A closed, small class, unlike organization acronyms
#: (agencies, parties, unions, companies), which is why any other all-caps "place" is taken for
#: an organization.
PLACE_CODES: frozenset[str] = frozenset(
    ["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP", "US", "USA", "UK", "GB", "UAE", "USSR", "EU", "DRC", "PRC", "ROC", "DPRK", "ROK", "KSA", "NZ", "HK", "NYC"]
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

#: One name token: a capitalised word ("Huffines", "O'Brien", "Ocasio-Cortez") or an initial.
_NAME_TOKEN = re.compile(r"[^\W\d_]\.|[^\W\d_][^\W\d_]*(?:['’-][^\W\d_]+)*")

#: Stripped from both ends of a span: whitespace, quotes, brackets, list punctuation, dashes.
#: Never dots: "D.C.", "U.S." and "Inc." end in one.
_EDGE_CHARS = frozenset(" \t\r\n\f\v\"'“”‘’«»()[]{}<>,;:!?*_-‐‑–—")
_LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
#: A paragraph separator: whitespace holding at least one blank line.
_BLOCK_SEPARATOR = re.compile(r"[^\S\n]*\n[^\S\n]*\n\s*")
#: Tie-break of the kind vote: a name is most often a person's, then an organization's.
KIND_ORDER: tuple[EntityKind, ...] = (
    EntityKind.PERSON,
    EntityKind.ORGANIZATION,
    EntityKind.PLACE,
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
    """Clip a span to the paragraph holding most of it, so no span crosses a separator."""
    best: tuple[int, int] | None = None
    first = max(bisect_right(blocks, (span.start, len(blocks) and blocks[-1][1])) - 1, 0)
    for b_start, b_end in blocks[first:]:
        if b_start >= span.end:
            break
        start, end = max(span.start, b_start), min(span.end, b_end)
        if end > start and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    if best is None:
        return None
    return replace(span, start=best[0], end=best[1])


# --- trimming -----------------------------------------------------------------------------


def trim_edges(text: str, span: RawSpan) -> RawSpan:
    """Drop surrounding whitespace, quotes and brackets, and a possessive "'s" / "s'"."""
    start, end = span.start, span.end
    while True:
        while start < end and text[start] in _EDGE_CHARS:
            start += 1
        while end > start and text[end - 1] in _EDGE_CHARS:
            end -= 1
        match = _POSSESSIVE.search(text, start, end)
        if not match or match.start() == start:
            break
        end = match.start()
    return replace(span, start=start, end=end)


def trim_leading_the(text: str, span: RawSpan) -> RawSpan:
    """"the Cato Institute" → "Cato Institute" for organizations and places."""
    if span.label == "PERSON":
        return span
    match = _LEADING_THE.match(text, span.start, span.end)
    if match is None or match.end() >= span.end:
        return span
    return replace(span, start=match.end())


def strip_person_title(text: str, span: RawSpan) -> RawSpan:
    """"Sen. Rand Paul" → "Rand Paul": move the start of a person span past its titles."""
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
    """"NRA", "N.R.A.": two or more capital letters, dots allowed, nothing else."""
    letters = surface.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def relabel_place_acronym(text: str, span: RawSpan) -> RawSpan:
    """An all-caps GPE/LOC that is no place code ("NRA") is an organization's acronym."""
    surface = text[span.start : span.end]
    if span.label in ("GPE", "LOC") and is_acronym(surface) and not is_place_code(surface):
        return replace(span, label="ORG")
    return span


def looks_like_person_name(surface: str) -> bool:
    """Two or three capitalised name tokens, no digits and no organization word."""
    tokens = surface.split()
    if not 2 <= len(tokens) <= 3:
        return False
    for token in tokens:
        if not _NAME_TOKEN.fullmatch(token) or not token[0].isupper():
            return False
        if len(token) > 2 and token.isupper():  # "NATO", "BBC": acronyms, not names
            return False
        if name_key(token) in ORG_WORDS:
            return False
    return True


def _split_honorific(surface: str) -> tuple[bool, str]:
    """(True, rest) when the surface opens with a person-only honorific ("Mr. X Y")."""
    head, _, rest = surface.partition(" ")
    if rest and head.rstrip(".").lower() in PERSON_HONORIFICS:
        return True, rest.strip()
    return False, surface


def has_person_cue(
    text: str, span: RawSpan, person_surnames: frozenset[str] = frozenset()
) -> bool:
    """Whether an ORG span is really a person's name.

    The span must look like a person's name (looks_like_person_name) and have one cue: a
    person-only honorific opening or right before it; an apposition after it that only fits a
    person (_PERSON_APPOSITION); or its last token used alone elsewhere in the article as a
    PERSON (`person_surnames`, name keys), as news style names someone in full once, then by
    surname.
    """
    opened, surface = _split_honorific(normalize_space(text[span.start : span.end]))
    if not looks_like_person_name(surface):
        return False
    if opened:
        return True
    before = text[max(span.sentence_start, span.start - 16) : span.start].split()
    if before and before[-1].rstrip(".").lower() in PERSON_HONORIFICS:
        return True
    limit = min(span.end + _CUE_WINDOW, max(span.sentence_end, span.end))
    if _PERSON_APPOSITION.match(text, span.end, limit):
        return True
    return name_key(surface.split()[-1]) in person_surnames


def relabel_person(text: str, span: RawSpan, person_surnames: frozenset[str]) -> RawSpan:
    """ORG → PERSON when has_person_cue holds."""
    if span.label == "ORG" and has_person_cue(text, span, person_surnames):
        return replace(span, label="PERSON")
    return span


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
    """The span's sentence, clipped to its paragraph, without edge whitespace.

    Sentence splitters run across paragraph breaks ("…importance.\"\n\nIn Russia, …"); the
    paragraph is a hard boundary. A sentence that does not hold the span becomes the paragraph.
    """
    start, end = max(span.sentence_start, block[0]), min(span.sentence_end, block[1])
    if not start <= span.start < span.end <= end:
        start, end = block
    while start < span.start and text[start].isspace():
        start += 1
    while end > span.end and text[end - 1].isspace():
        end -= 1
    return start, end


# --- short forms and the kind vote --------------------------------------------------------


def _token_count(name: str) -> int:
    return len(name_key(name).split())


def mostly_places(labels: Sequence[str]) -> bool:
    """More than half the labels are places: "Washington" the city, not George Washington."""
    return sum(label in ("GPE", "LOC") for label in labels) * 2 > len(labels)


def resolve_short_forms(names: Sequence[str], spans: Sequence[RawSpan]) -> tuple[str | None, ...]:
    """For each span, the full person name it is a short form of, or None.

    A short form is a mention with fewer tokens than a PERSON full name it ends ("Paul" of
    "Rand Paul"), whatever its own label (the model often tags a lone surname ORG), unless that
    surface is mostly tagged as a place. With one such full name in the article it attaches
    whether the full name comes earlier or later; with several ("Paul": Rand Paul, Ron Paul) it
    attaches to the nearest preceding one, or to none if none precedes.
    """
    labels_by_key: dict[str, list[str]] = {}
    for name, span in zip(names, spans, strict=True):
        labels_by_key.setdefault(name_key(name), []).append(span.label)
    # Full names indexed by last token, so each mention is compared with few candidates.
    fulls: dict[str, list[tuple[int, str]]] = {}
    for name, span in zip(names, spans, strict=True):
        if span.label == "PERSON" and _token_count(name) >= 2:
            fulls.setdefault(name_key(name).split()[-1], []).append((span.start, name))
    result: list[str | None] = []
    for name, span in zip(names, spans, strict=True):
        key = name_key(name)
        candidates = [
            (start, full)
            for start, full in fulls.get(key.split()[-1] if key else "", ())
            if is_short_form(name, full, EntityKind.PERSON)
        ]
        if not candidates or mostly_places(labels_by_key[key]):
            result.append(None)
            continue
        distinct = {name_key(full) for _, full in candidates}
        if len(distinct) == 1:
            result.append(candidates[0][1])
            continue
        preceding = [(start, full) for start, full in candidates if start < span.start]
        result.append(max(preceding)[1] if preceding else None)
    return tuple(result)


def vote_kind(votes: Sequence[tuple[EntityKind, int]]) -> EntityKind:
    """The kind with the greatest total weight; ties go to the earlier kind in KIND_ORDER."""
    totals: Counter[EntityKind] = Counter()
    for kind, weight in votes:
        totals[kind] += weight
    return max(KIND_ORDER, key=lambda k: (totals[k], -KIND_ORDER.index(k)))


def display_name(names: Sequence[str]) -> str:
    """Of spellings of one name ("U.S. Senate", "US Senate"), the most used, then the first."""
    counts = Counter(names)
    return max(counts, key=lambda n: (counts[n], -names.index(n)))


# --- the whole article --------------------------------------------------------------------


def _trimmed(text: str, span: RawSpan, blocks: Sequence[tuple[int, int]]) -> RawSpan | None:
    """Steps 2–4: paragraph clip, edge and possessive trim, leading "the", acronym relabel."""
    clipped = clip_to_block(span, blocks)
    if clipped is None:
        return None
    span = trim_leading_the(text, trim_edges(text, clipped))
    return relabel_place_acronym(text, span)


def mentions_from_spans(text: str, spans: Sequence[RawSpan]) -> tuple[Mention, ...]:
    """Mentions (sorted, non-overlapping) from the model's raw spans over `text`."""
    blocks = block_bounds(text)
    trimmed = [
        t for s in spans if s.label in KIND_BY_LABEL and (t := _trimmed(text, s, blocks)) is not None
    ]
    person_surnames = frozenset(
        name_key(text[s.start : s.end])
        for s in trimmed
        if s.label == "PERSON" and _token_count(text[s.start : s.end]) == 1
    )
    cleaned = [strip_person_title(text, relabel_person(text, s, person_surnames)) for s in trimmed]
    kept = remove_overlaps([s for s in cleaned if is_valid_name(text[s.start : s.end])])

    names = [normalize_space(text[s.start : s.end]) for s in kept]
    owners = resolve_short_forms(names, kept)
    resolved = [owner or name for owner, name in zip(owners, names, strict=True)]

    # One name, one kind: a short form attached to a person votes PERSON (the attachment is
    # the evidence), anything else votes its own label; full names weigh more.
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(resolved):
        groups.setdefault(name_key(name), []).append(i)
    kinds: dict[str, EntityKind] = {}
    spellings: dict[str, str] = {}
    for key, members in groups.items():
        votes = [
            (EntityKind.PERSON, SHORT_FORM_WEIGHT)
            if owners[i]
            else (KIND_BY_LABEL[kept[i].label], FULL_NAME_WEIGHT)
            for i in members
        ]
        kinds[key] = vote_kind(votes)
        spellings[key] = display_name([resolved[i] for i in members])

    mentions = []
    for span, name in zip(kept, resolved, strict=True):
        block = blocks[bisect_right(blocks, (span.start, len(text))) - 1]
        sentence_start, sentence_end = fit_sentence(text, span, block)
        key = name_key(name)
        mentions.append(
            Mention(
                start=span.start,
                end=span.end,
                text=text[span.start : span.end],
                name=spellings[key],
                kind=kinds[key],
                sentence_start=sentence_start,
                sentence_end=sentence_end,
            )
        )
    return tuple(mentions)
