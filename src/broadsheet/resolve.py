"""Mentions → entities, first within one article, then across the whole archive.

Within an article (`article_entities`): the editors' registry renames and suppresses, front
matter decides which people, organizations and places the article names, and extraction supplies
the rest plus where in the text each one is mentioned.

Across the archive (`resolve_archive`): one name, one entity, one kind, one page. A lone surname
("Trump") with no full name in its article joins the one person in the archive whose full name
ends with it; when several do ("Paul": Rand Paul, Ron Paul) it stays unlinked, because merging
different people on a shared surname is the error editors notice first.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from broadsheet.extract.names import is_short_form, name_key, refers_again
from broadsheet.extract.places import NEWS_ALIASES, normalize_place
from broadsheet.model import (
    KIND_BY_KEY,
    LINKED_FIELDS,
    Archive,
    Article,
    Author,
    Entity,
    EntityKind,
    Mention,
    Problem,
    ResolvedArticle,
    packed,
    unpacked,
)
from broadsheet.registry import Registry
from broadsheet.slugs import stable_slug

#: Order used to break ties between kinds: a name is most often a person's.
KIND_ORDER = (EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.PLACE)
#: A kind an editor declared outweighs any number of model guesses.
DECLARED_WEIGHT = 1000


#: Ints per mention in ArticleEntity.spans: start, end, sentence_start, sentence_end.
ENTITY_FIELDS = 4
#: Bytes per mention in ArticleEntity.spans.
_SPAN_BYTES = ENTITY_FIELDS * array("i").itemsize


class ArticleEntity(NamedTuple):
    """An entity as one article names it: the article-level truth ingest writes back.

    A named tuple, not a dataclass: an incremental build loads one per entity per article
    (~140,000 at 10,000 articles) from its cache on every build, and a tuple is made in one
    call where a frozen dataclass sets each field in turn (half the loading time)."""

    name: str
    kind: EntityKind
    declared: bool  #: named in the article's front matter
    #: every place the text names it (see mentions_by_name), ENTITY_FIELDS ints each, packed:
    #: an incremental build keeps hundreds of thousands, and bytes take a tenth of the memory
    #: of Mention tuples and load as one string. `mentions_in(text)` gives them as Mentions.
    spans: bytes
    #: the kinds the model gave the mentions it found of this entity (evidence for `check`)
    model_kinds: tuple[EntityKind, ...] = ()

    @property
    def mention_count(self) -> int:
        return len(self.spans) // _SPAN_BYTES

    def mentions_in(self, text: str) -> tuple[Mention, ...]:
        """The mentions, in text order, in the article whose body text is `text`."""
        v, n = unpacked(self.spans), ENTITY_FIELDS
        return tuple(
            Mention(start, end, text[start:end], self.name, self.kind, s0, s1)
            for start, end, s0, s1 in zip(v[0::n], v[1::n], v[2::n], v[3::n], strict=True)
        )


@dataclass(frozen=True)
class ArticleInput:
    article: Article
    text: str
    entities: tuple[ArticleEntity, ...]


#: A sentence ends at . ! or ? (and any closing quotes) followed by space, or at a paragraph break.
#: (Each alternative starts with one literal character, so the regex engine skips straight to
#: the next candidate; with a leading [.!?] class it would try a match at every offset.)
_SENTENCE_END = re.compile(r"\.[\"'”’)]*\s+|![\"'”’)]*\s+|\?[\"'”’)]*\s+|\n\n")
#: Words whose trailing period is not a sentence end ("Sen. Rand Paul", "U.S. officials").
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "capt",
        "sgt",
        "maj",
        "cmdr",
        "adm",
        "st",
        "jr",
        "sr",
        "prof",
        "rev",
        "hon",
        "pres",
        "no",
        "vol",
        "inc",
        "co",
        "corp",
        "ltd",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences begin, for every sentence of the text (one pass)."""
    starts = [0]
    for match in _SENTENCE_END.finditer(text):
        stop = match.start()
        if text[stop] != "\n":  # a full stop, not a paragraph break
            if _ends_abbreviation(text, stop):
                continue  # "Sen." or "U.S."
            if match.end() < len(text) and text[match.end()].islower():
                continue  # "… said Mr. smith" style false stops
        starts.append(match.end())
    return starts


def _ends_abbreviation(text: str, stop: int) -> bool:
    """True when the . ! or ? at `stop` ends an abbreviation ("Sen.", "U.S."), not a sentence."""
    # Most stops follow a word of five or more letters, which no test below can be true for
    # (the abbreviations have at most four letters): answer those without slicing words.
    if stop >= 5 and text[stop - 5 : stop].isalpha():
        return False
    last = text[max(0, stop - 12) : stop + 1].split()[-1].lower().rstrip(".")
    return last in _ABBREVIATIONS or (len(last) <= 3 and "." in last)


def sentence_bounds(text: str, starts: Sequence[int], i: int) -> tuple[int, int]:
    """Bounds of the i-th sentence (of `starts`), trailing space excluded."""
    begin, end = starts[i], starts[i + 1] if i + 1 < len(starts) else len(text)
    return begin, begin + len(text[begin:end].rstrip())


def country_abbreviations(name: str) -> tuple[str, ...]:
    """How news copy abbreviates a country: "U.S.", "US", "USA" for United States."""
    forms = []
    for key, full in NEWS_ALIASES.items():
        if full == name:
            capitals = key.upper()
            forms += [capitals, ".".join(capitals) + "."]
    return tuple(forms)


def surface_forms(
    name: str,
    kind: EntityKind,
    registry: Registry,
    surnames: Counter[str],
    names: set[str],
    seen: Sequence[str] = (),
) -> tuple[str, ...]:
    """The strings that, written in an article, mean this entity there.

    Its name; the registry's aliases; for a country, its news abbreviations; for a place named
    with its state or country ("Washington, D.C.", "Springfield, Ill."), the name before the
    comma, as copy writes it after the first mention, unless that is another entity's name in
    the article; for an organization, its acronym ("National League for Democracy" → "NLD");
    for a person, the multi-word tail of the name ("Suu Kyi") and the surname alone — unless
    another person in the article shares it or it is another entity's name ("Jordan" the
    country beside Michael Jordan); and `seen`, the texts extraction resolved to this entity
    ("Fed").
    """
    forms = [name, *seen]
    entry = registry.lookup(name)
    if entry is not None:
        forms += entry.aliases
    if kind == EntityKind.PLACE:
        forms += country_abbreviations(name)
        head, comma, _ = name.partition(",")
        if comma and head.strip() and name_key(head) not in names:
            forms.append(head.strip())
    if kind == EntityKind.PERSON:
        surname = _surname(name)
        key = name_key(surname)
        # `names`: every entity name (key) in the article, this one's included
        if surname and surnames[key] == 1 and (key not in names or key == name_key(name)):
            forms.append(surname)
            words = name.split()
            forms += [" ".join(words[i:]) for i in range(1, len(words) - 1)]
    if kind == EntityKind.ORGANIZATION:
        forms.append(acronym(name))
    return tuple(dict.fromkeys(f for f in forms if f.strip()))


#: Small words an acronym skips ("National League for Democracy" → NLD).
_ACRONYM_SKIP = frozenset({"of", "for", "and", "the", "in", "on", "de", "du", "&"})


def _seen(mentions: Sequence[Mention]) -> tuple[str, ...]:
    """Distinct texts extraction tagged for one entity, capitalised ones only."""
    return tuple(dict.fromkeys(m.text for m in mentions if m.text[:1].isupper()))


def acronym(name: str) -> str:
    """Initials of a multi-word organization name, or "" when it has fewer than three."""
    initials = [w[0] for w in name.split() if w.lower() not in _ACRONYM_SKIP and w[:1].isupper()]
    return "".join(initials) if len(initials) >= 3 else ""


#: Name endings that are not the family name ("Martin Luther King Jr.").
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq", "qc", "kc"})


def _surname(name: str) -> str:
    """The family name of a multi-word person name ("Rand Paul" → "Paul"), or ""."""
    words = name.split()
    while len(words) > 2 and words[-1].lower().strip(".,") in _NAME_SUFFIXES:
        words.pop()
    last = words[-1].rstrip(",") if len(words) > 1 else ""
    return last if last[:1].isupper() and len(last) > 1 else ""


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _occurrences(text: str, words: Sequence[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of every whole-word occurrence of `words` in `text`, whitespace of any
    kind and length between them (what `(?<!\\w)Rand\\s+Paul(?!\\w)` would find, overlaps
    included). str.find, not a regex per article: compiling one was most of the build's time."""
    first, rest, n = words[0], words[1:], len(text)
    at = text.find(first)
    while at != -1:
        end = at + len(first)
        if at == 0 or not _is_word(text[at - 1]):
            for word in rest:
                gap = end
                while gap < n and text[gap].isspace():
                    gap += 1
                if gap == end or not text.startswith(word, gap):
                    end = -1
                    break
                end = gap + len(word)
            if end != -1 and (end == n or not _is_word(text[end])):
                yield at, end
        at = text.find(first, at + 1)


def mentions_by_name(
    text: str, entities: Sequence[tuple[str, EntityKind, tuple[str, ...]]]
) -> dict[str, list[Mention]]:
    """Every occurrence of every entity's surface forms, longest match first, by name_key.

    Links go to every place an article names an entity, whether or not the model tagged that
    occurrence; and the same text with the same entities always links the same way, however the
    entities were decided (front matter or extraction).
    """
    keys = {name: name_key(name) for name, _, _ in entities}  # computed once, not per mention
    found: dict[str, list[Mention]] = {key: [] for key in keys.values()}
    surfaces: dict[str, str] = {}
    for start, end, name, kind, s0, s1 in _longest_first(text, entities):
        # one string per surface text: an article names a person by surname again and again
        surface = text[start:end]
        surface = surfaces.setdefault(surface, surface)
        found[keys[name]].append(Mention(start, end, surface, name, kind, s0, s1))
    return found


def mention_spans_by_name(
    text: str, entities: Sequence[tuple[str, EntityKind, tuple[str, ...]]]
) -> dict[str, list[int]]:
    """What mentions_by_name finds as ArticleEntity.spans keep it: by name_key, each
    mention's start, end, sentence_start and sentence_end, one mention after the other. (No
    Mention is made: an article has ~55 mentions, and these are all article_entities keeps.)"""
    keys = {name: name_key(name) for name, _, _ in entities}
    found: dict[str, list[int]] = {key: [] for key in keys.values()}
    for start, end, name, _, s0, s1 in _longest_first(text, entities):
        found[keys[name]] += start, end, s0, s1
    return found


def _longest_first(
    text: str, entities: Sequence[tuple[str, EntityKind, tuple[str, ...]]]
) -> Iterator[tuple[int, int, str, EntityKind, int, int]]:
    """mentions_by_name's mentions in text order: (start, end, name, kind, sentence_start,
    sentence_end)."""
    owner: dict[str, tuple[str, EntityKind]] = {}
    for name, kind, forms in entities:
        for form in forms:
            owner.setdefault(" ".join(form.split()), (name, kind))
    if not owner or not text:
        return
    # At each offset the longest form wins, then scanning resumes after it (as a regex
    # alternation of the forms, longest first, would match).
    spans = sorted(
        (start, -len(form), form, end)
        for form in owner
        for start, end in _occurrences(text, form.split())
    )
    starts = sentence_starts(text)
    sentences: dict[int, tuple[int, int]] = {}  # sentence index → bounds; mentions share them
    resume = 0
    for start, _, form, end in spans:
        if start < resume:
            continue
        resume = end
        name, kind = owner[form]
        i = bisect.bisect_right(starts, start) - 1
        if i not in sentences:
            sentences[i] = sentence_bounds(text, starts, i)
        s0, s1 = sentences[i]
        yield start, end, name, kind, s0, s1


def _canonical(name: str, registry: Registry) -> tuple[str, EntityKind | None]:
    entry = registry.lookup(name)
    return (entry.name, entry.kind) if entry else (name, None)


def article_entities(
    article: Article, text: str, mentions: Sequence[Mention], registry: Registry
) -> tuple[ArticleEntity, ...]:
    """The entities one article names, with their mentions, in first-mention order.

    Precedence: registry (names, kinds, ignore) > front matter (which entities, their kinds)
    > extraction. A kind whose front-matter key is given is complete: extracted names of that
    kind that the editor did not list are dropped.
    """
    declared: dict[str, tuple[str, EntityKind]] = {}  # name_key → (name, kind)
    for key, names in article.declared.items():
        for raw in names:
            if registry.ignores(raw):
                continue
            name, reg_kind = _canonical(raw, registry)
            if (reg_kind or KIND_BY_KEY[key]) == EntityKind.PLACE and registry.lookup(raw) is None:
                name = normalize_place(name)  # "U.S." in front matter is United States too
            declared.setdefault(name_key(name), (name, reg_kind or KIND_BY_KEY[key]))
    declared_kinds = {KIND_BY_KEY[k] for k in article.declared}

    groups: dict[str, list[Mention]] = {}
    names: dict[str, tuple[str, EntityKind, bool]] = {}
    for mention in mentions:
        if registry.ignores(mention.name) or registry.ignores(mention.text):
            continue
        name, reg_kind = _canonical(mention.name, registry)
        key = name_key(name)
        if key in declared:
            name, kind = declared[key]
            is_declared = True
        else:
            owner = [
                d
                for d in declared.values()
                if d[1] == EntityKind.PERSON and is_short_form(name, d[0], d[1])
            ]
            if len(owner) == 1:
                (name, kind), is_declared = owner[0], True
                key = name_key(name)
            elif (reg_kind or mention.kind) in declared_kinds:
                continue  # the editor's list for this kind is complete
            else:
                kind, is_declared = reg_kind or mention.kind, False
        groups.setdefault(key, []).append(mention)
        names.setdefault(key, (name, kind, is_declared))

    for key, (name, kind) in declared.items():
        if key not in groups:
            groups[key] = []
            names[key] = (name, kind, True)
    _join_short_forms(groups, names, registry)

    people = [n for n, k, _ in names.values() if k == EntityKind.PERSON]
    surnames = Counter(name_key(_surname(n)) for n in people if _surname(n))
    all_names = {name_key(n) for n, _, _ in names.values()}
    found = mention_spans_by_name(
        text,
        [
            (n, k, surface_forms(n, k, registry, surnames, all_names, _seen(groups[key])))
            for key, (n, k, _) in sorted(names.items(), key=lambda kv: kv[1][0])
        ],
    )

    def first_offset(key: str) -> tuple[int, int, str]:
        spans = found[key]
        return (0, spans[0], key) if spans else (1, 0, key)

    ordered = sorted(names, key=first_offset)
    return tuple(
        ArticleEntity(
            names[k][0],
            names[k][1],
            names[k][2],
            packed(found[k]),
            tuple(m.kind for m in groups[k]),
        )
        for k in ordered
    )


def _join_short_forms(
    groups: dict[str, list[Mention]],
    names: dict[str, tuple[str, EntityKind, bool]],
    registry: Registry,
) -> None:
    """An extracted name that refers again to exactly one other entity of its kind in the
    article joins it (`names.refers_again`: "NFL" → National Football League); of several,
    only the one it most surely means, when there is a single one. Longest names first, so a
    short form of a short form ends at the full name.
    """
    order = sorted(names, key=lambda k: (-len(k.split()), -len(k), k))
    root: dict[str, str] = {}
    for key in order:
        name, kind, is_declared = names[key]
        root[key] = key
        if is_declared or registry.lookup(name) is not None:
            continue
        # the name as written, in any case ("NATO" for the name "Nato")
        texts = {name, *(t for t in _seen(groups[key]) if name_key(t) == key)}
        # A "person" no person of the article can be may be an organization's short name
        # ("Rotor" of "Rotor Volgograd"): the model often takes a one-word name for a person's.
        for owner_kind in (kind, EntityKind.ORGANIZATION if kind == EntityKind.PERSON else None):
            owners: dict[str, int] = {}  # root → how surely the name refers to it
            for other in root:
                if other != key and names[other][1] == owner_kind:
                    sure = max(refers_again(t, names[other][0], owner_kind) for t in texts)
                    owners[root[other]] = max(sure, owners.get(root[other], 0))
            best = max(owners.values(), default=0)
            surest = [other for other, sure in owners.items() if sure == best]
            if best:
                if len(surest) == 1:
                    root[key] = surest[0]
                break
    for key, to in root.items():
        if to != key:
            groups[to].extend(groups.pop(key))
            names.pop(key)


@dataclass
class _Tally:
    """What the archive says about one name (a builder; never leaves this module)."""

    forms: Counter[str]
    declared_forms: Counter[str]
    kinds: Counter[EntityKind]


def _pick_kind(tally: _Tally, registry_kind: EntityKind | None) -> EntityKind:
    if registry_kind is not None:
        return registry_kind
    return max(KIND_ORDER, key=lambda k: (tally.kinds[k], -KIND_ORDER.index(k)))


def _pick_name(tally: _Tally) -> str:
    forms = tally.declared_forms or tally.forms
    return max(forms, key=lambda f: (forms[f], len(f), f))


def _surname_owners(keys: dict[str, _Tally], kinds: dict[str, EntityKind]) -> dict[str, list[str]]:
    """Last name token → the multi-word person names ending with it."""
    owners: dict[str, list[str]] = defaultdict(list)
    for key in sorted(keys):
        if kinds[key] == EntityKind.PERSON and len(key.split()) > 1:
            owners[key.split()[-1]].append(key)
    return owners


def _linked(
    inputs: Sequence[ArticleInput], link: dict[str, int], linked_keys: Sequence[str]
) -> list[tuple[tuple[str, ...], bytes]]:
    """For each article: the archive entities it names, in first-mention order (the order of
    its ArticleEntity list, several of which may link to one entity), and its
    ResolvedArticle.spans: its linked entities' mentions merged in text order (by start, then
    end; a tie keeps entity order), each with the index of its entity in that order.

    `link`: each ArticleEntity name → the number of the entity it links to (its place in
    `linked_keys`), or -1. Done for the whole archive at once in arrays (about 14 entities and
    60 mentions an article), not a Python step per entity and per mention."""
    # imported here: a build with nothing to do never resolves, and starts faster without it
    import numpy as np

    sizes = np.fromiter((len(item.entities) for item in inputs), np.int64, count=len(inputs))
    number = np.fromiter(
        (link[ent.name] for item in inputs for ent in item.entities), np.int64, int(sizes.sum())
    )
    article = np.repeat(np.arange(len(inputs), dtype=np.int64), sizes)
    linked = np.flatnonzero(number >= 0)
    # each (article, entity) pair once, at its first ArticleEntity: ordered by that, the pairs
    # come article by article, each article's in first-mention order
    pair = article[linked] * max(len(linked_keys), 1) + number[linked]
    _, first, pair_of = np.unique(pair, return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")
    first_article = article[linked][first[by_first]]
    pairs_per_article = np.bincount(first_article, minlength=len(inputs))
    pair_starts = np.cumsum(pairs_per_article) - pairs_per_article
    # each pair's index among its article's entities
    rank = np.empty(len(first), dtype=np.int64)
    rank[by_first] = np.arange(len(first)) - pair_starts[first_article]
    keys = np.array(linked_keys, dtype=object)[number[linked][first[by_first]]].tolist()

    flat = [ent.spans for item in inputs for ent in item.entities]
    chunks = [flat[i] for i in linked.tolist()]
    counts = np.fromiter((len(data) // _SPAN_BYTES for data in chunks), np.int64, len(chunks))
    entity = np.repeat(rank[pair_of], counts)
    mention_article = np.repeat(article[linked], counts)
    found = np.frombuffer(b"".join(chunks), dtype=np.intc).reshape(-1, ENTITY_FIELDS)
    order = np.lexsort((found[:, 1], found[:, 0], mention_article))  # stable: ties keep order
    out = np.empty((len(order), LINKED_FIELDS), dtype=np.intc)
    out[:, 0] = found[order, 0]
    out[:, 1] = found[order, 1]
    out[:, 2] = entity[order]
    out[:, 3] = found[order, 2]
    out[:, 4] = found[order, 3]
    ends = np.cumsum(np.bincount(mention_article, minlength=len(inputs))).tolist()
    key_ends = np.cumsum(pairs_per_article).tolist()
    return [
        (tuple(keys[k0:k1]), out[m0:m1].tobytes())
        for k0, k1, m0, m1 in zip([0, *key_ends][:-1], key_ends, [0, *ends][:-1], ends, strict=True)
    ]


#: One article's links as resolution made them: the keys of the archive entities it names
#: (first-mention order), ResolvedArticle.spans, and its authors' slugs.
Links = tuple[tuple[str, ...], bytes, tuple[str, ...]]


def resolve_archive(
    inputs: Sequence[ArticleInput], registry: Registry
) -> tuple[Archive, list[Problem]]:
    """The archive: every article's entities resolved across the whole archive (one entity per
    person, organization or place, whatever the name each article gives it), and its authors."""
    archive, decisions, _ = resolve_with_links(inputs, registry)
    return archive, list(decisions.problems)


#: What articles' entities add up to: (name, kind, declared, the bytes of its spans) → how
#: many times. Resolution decides from these alone (`decide`).
Tallies = Counter[tuple[str, EntityKind, bool, int]]


def tallies_of(inputs: Iterable[ArticleInput]) -> Tallies:
    """The tallies of the articles' entities, in the order the articles come in (counted in
    C: the same ones recur)."""
    return Counter(
        (ent.name, ent.kind, ent.declared, len(ent.spans))
        for item in inputs
        for ent in item.entities
    )


def retallied(
    seen: Tallies,
    removed: Iterable[Sequence[ArticleEntity]],
    added: Iterable[Sequence[ArticleEntity]],
) -> Tallies:
    """`seen` with the tallies of some articles' entities (`removed`) taken out and others
    (`added`) put in: the tallies after an edit, without counting every article again (equal
    to tallies_of the edited archive; in another order, which `decide` does not depend on)."""
    out = Counter(seen)
    for entities in removed:
        out.subtract((e.name, e.kind, e.declared, len(e.spans)) for e in entities)
    for entities in added:
        out.update((e.name, e.kind, e.declared, len(e.spans)) for e in entities)
    return +out  # (without the names no article names any more)


def tallied(entities: Iterable[ArticleEntity]) -> list[tuple[str, str, bool, int]]:
    """What one article's entities add to the tallies, in a fixed order (for comparing)."""
    return sorted((e.name, e.kind.value, e.declared, len(e.spans)) for e in entities)


@dataclass(frozen=True)
class Decisions:
    """What resolution decides from the tallies: the entities, the problems it reports, and
    which entity each name links to (its number in `entities`; -1: none). `seen`: the tallies
    decided from (kept so that a later build can update them: retallied)."""

    entities: dict[str, Entity]
    problems: tuple[Problem, ...]
    link: dict[str, int]
    seen: Tallies = field(default_factory=Counter, compare=False)

    def same_for(self, other: Decisions) -> bool:
        """True when articles linked under `other` are linked alike under these: the same
        entities in the same order, the same problems, and every name both know linked to the
        same entity (a name only one knows is named only in articles linked again)."""
        if self.problems != other.problems or list(self.entities.items()) != list(
            other.entities.items()
        ):
            return False
        mine = self.link
        return all(mine.get(name, number) == number for name, number in other.link.items())


def resolve_with_links(
    inputs: Sequence[ArticleInput], registry: Registry
) -> tuple[Archive, Decisions, list[Links]]:
    """resolve_archive, with what a later build needs to link articles again without resolving
    the archive (relink_archive): the Decisions (with the problems), and each input article's
    Links."""
    decisions = decide(tallies_of(inputs), registry)
    archive, links = link_archive(inputs, decisions)
    return archive, decisions, links


def decide(seen: Tallies, registry: Registry) -> Decisions:
    """The archive's entities, and the entity each name links to, from the archive's tallies."""
    problems: list[Problem] = []
    # name → name_key, each name keyed once (an archive names the same entities again and again)
    keys = {name: name_key(name) for name in {name for name, _, _, _ in seen}}
    tallies: dict[str, _Tally] = {}
    for (name, kind, declared, size), times in seen.items():
        key = keys[name]
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally(Counter(), Counter(), Counter())
        weight = max(size // _SPAN_BYTES, 1)
        tally.forms[name] += weight * times
        if declared:
            tally.declared_forms[name] += times
            tally.kinds[kind] += DECLARED_WEIGHT * times
        else:
            tally.kinds[kind] += weight * times

    # each key's most used form and its registry entry, once (both are asked for again below)
    picked = {k: _pick_name(t) for k, t in tallies.items()}
    entries = {k: registry.lookup(name) for k, name in picked.items()}
    kinds = {k: _pick_kind(t, e.kind if (e := entries[k]) else None) for k, t in tallies.items()}

    # Lone surnames join the single full name that ends with them, if there is exactly one.
    owners = _surname_owners(tallies, kinds)
    target: dict[str, str | None] = {}
    for key in sorted(tallies):
        if kinds[key] == EntityKind.PERSON and len(key.split()) == 1 and entries[key] is None:
            candidates = owners.get(key, [])
            if len(candidates) == 1:
                target[key] = candidates[0]
                continue
            if len(candidates) > 1:
                target[key] = None
                problems.append(
                    Problem(
                        "(archive)",
                        f"'{picked[key]}' could be any of "
                        f"{', '.join(picked[c] for c in candidates)}; it is left "
                        "unlinked: give its full name in the article, or add it as an alias in "
                        "data/entities.yaml",
                        None,
                        None,
                        "info",
                    )
                )
                continue
        target[key] = key

    # One Entity per remaining key, with a slug unique within its kind.
    entities: dict[str, Entity] = {}
    key_to_entity: dict[str, str] = {}
    used: dict[tuple[EntityKind, str], str] = {}
    for key in sorted(k for k, t in target.items() if t == k):
        tally = tallies[key]
        name = picked[key]
        entry = entries[key]
        if entry is not None:
            name = entry.name
        kind = kinds[key]
        base = stable_slug(name, kind.value)
        slug, n = base, 1
        while (kind, slug) in used:
            n += 1
            slug = f"{base}-{n}"
        if slug != base:
            problems.append(
                Problem(
                    "(archive)",
                    f"'{name}' and '{used[(kind, base)]}' share the URL slug '{base}'; "
                    f"'{name}' is at '{slug}': merge them with an alias in data/entities.yaml "
                    "if they are one",
                    None,
                    None,
                    "warning",
                )
            )
        used[(kind, slug)] = name
        listed = set(entry.aliases) if entry else set()
        aliases = sorted({f for f in tally.forms if f != name} | listed)
        entity = Entity(
            kind,
            slug,
            name,
            tuple(aliases),
            entry.description if entry else "",
            entry.same_as if entry else (),
        )
        entities[entity.key] = entity
        key_to_entity[key] = entity.key
    for key, to in target.items():
        if to is not None and to != key:
            key_to_entity[key] = key_to_entity[to]

    number = {k: i for i, k in enumerate(entities)}
    link = {name: number.get(key_to_entity.get(key, ""), -1) for name, key in keys.items()}
    return Decisions(entities, tuple(problems), link, seen)


def link_archive(
    inputs: Sequence[ArticleInput], decisions: Decisions
) -> tuple[Archive, list[Links]]:
    """Every article linked to the entities decided, and the authors of each."""
    authors: dict[str, Author] = {}
    author_by_key: dict[str, str] = {}
    resolved: list[ResolvedArticle] = []
    links: list[Links] = []
    linked = _linked(inputs, decisions.link, list(decisions.entities))
    for item, (order, spans) in zip(inputs, linked, strict=True):
        slugs = []
        for byline in item.article.bylines:
            akey = name_key(byline)
            if akey not in author_by_key:
                slug = stable_slug(byline, "author")
                while slug in authors:
                    slug += "-2"
                authors[slug] = Author(byline, slug)
                author_by_key[akey] = slug
            if author_by_key[akey] not in slugs:
                slugs.append(author_by_key[akey])
        links.append((order, spans, tuple(slugs)))
        resolved.append(ResolvedArticle(item.article, item.text, spans, order, tuple(slugs)))

    resolved.sort(key=article_order)
    return Archive(tuple(resolved), decisions.entities, authors), links


def relink_archive(
    inputs: Sequence[ArticleInput],
    kept: Sequence[Links],
    again: Sequence[int],
    decisions: Decisions,
    authors: dict[str, Author],
) -> tuple[Archive, list[Links]]:
    """The archive resolve_with_links would make, and each article's Links, from the last
    build's resolution (`kept`: each input article's Links then), when it would decide the same.
    The caller has checked that the registry, the code, the articles, their order and their
    bylines are the same, every article but those at `again` being unchanged, and that the
    decisions from the tallies now (`decisions`) are the same for the articles kept
    (Decisions.same_for). The articles at `again` are linked again; the archive's entities,
    authors and every other article's links are the ones made last time. Linking a
    few articles instead of all of them is what makes an edit of one article fast."""
    links = list(kept)
    fresh = _linked([inputs[i] for i in again], decisions.link, list(decisions.entities))
    for i, (order, spans) in zip(again, fresh, strict=True):
        links[i] = (order, spans, kept[i][2])  # same bylines: the same author slugs
    resolved = [
        ResolvedArticle(item.article, item.text, spans, order, slugs)
        for item, (order, spans, slugs) in zip(inputs, links, strict=True)
    ]
    resolved.sort(key=article_order)
    return Archive(tuple(resolved), decisions.entities, authors), links


def article_order(item: ResolvedArticle) -> tuple[bool, int, float, str]:
    """Newest first; undated articles last; then by slug so the order is total."""
    a = item.article
    return (
        a.date is None,
        -(a.date.toordinal() if a.date else 0),
        -(a.published.timestamp() if a.published else 0.0),
        a.slug,
    )
