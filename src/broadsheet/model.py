"""The plain data that flows between the build stages.

load → Source; parse → Article; extract → Mention; resolve → Entity + Archive;
plan → Page. Every stage takes and returns these frozen dataclasses, nothing else.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from itertools import compress, repeat
from typing import Literal, NamedTuple


class EntityKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"

    # Hashed as the string it equals, in C (Enum's own __hash__ is a Python call): kinds key
    # dicts and counters once per mention of the archive.
    __hash__ = str.__hash__

    @property
    def plural(self) -> str:
        """The front-matter key and URL section for this kind."""
        return {"person": "people", "organization": "organizations", "place": "places"}[self]


#: front-matter key → kind, in the order pages list them.
KIND_BY_KEY: dict[str, EntityKind] = {k.plural: k for k in EntityKind}


Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input, said so an editor can fix it."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.severity}: {self.message}"


def of_severity(problems: Iterable[Problem], severity: Severity) -> list[Problem]:
    """The problems of one severity, in order ("error", "warning" or "info")."""
    return [p for p in problems if p.severity == severity]


class SourceError(Exception):
    """An input that cannot be used; carries the Problem to report."""

    def __init__(
        self, path: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.problem = Problem(path=path, message=message, line=line, column=column)
        super().__init__(str(self.problem))


@dataclass(frozen=True)
class Source:
    """One content file, read and decoded."""

    path: str  #: relative to the project root, POSIX separators, e.g. "content/a/b.md"
    format: Literal["markdown", "text"]
    text: str  #: decoded; BOM removed; line ends normalised to "\n"
    content_hash: str  #: sha256 hex of the raw bytes


@dataclass(frozen=True)
class RawText:
    """What rawtext.parse finds in a pasted article (headline, byline, date lines, paragraphs)."""

    headline: str
    bylines: tuple[str, ...]  #: author names only: no "By", no outlet
    date: date | None
    published: datetime | None  #: set when the date line had a time of day
    paragraphs: tuple[str, ...]  #: body paragraphs, <u> marks removed, text kept
    body_line: int  #: 1-based line where the body starts


@dataclass(frozen=True)
class Article:
    """One article, parsed, before extraction. body_html is safe (sanitised) HTML."""

    source_path: str
    content_hash: str
    slug: str
    headline: str
    bylines: tuple[str, ...]
    date: date | None
    published: datetime | None
    summary: str  #: plain text; front matter's, else the first paragraph
    draft: bool
    body_html: str
    #: editor-declared names per front-matter key ("people", ...); a key absent = not declared
    declared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the body as plain text (bodytext.body_text(body_html).text), kept from parsing so it is
    #: computed once; None when whoever built the Article did not fill it
    text: str | None = None
    #: where links can go in body_html (bodytext.body_text_and_map), kept from parsing so the
    #: page is linked without reading the HTML again; empty when unknown
    body_map: bytes = b""


class Mention(NamedTuple):
    """A named entity found in an article's body text (char offsets into bodytext.text).

    A NamedTuple, not a dataclass, as LinkedMention: an archive has hundreds of thousands, and
    tuples are several times cheaper to create, pickle and load (incremental builds store them).
    """

    start: int
    end: int
    text: str  #: the surface text, titles and possessives already trimmed off the span
    name: str  #: the full name it refers to within this article ("Paul" → "Rand Paul")
    kind: EntityKind
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    same_as: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Unique id across kinds, e.g. "person/rand-paul"."""
        return f"{self.kind.value}/{self.slug}"


@dataclass(frozen=True)
class Author:
    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    same_as: tuple[str, ...] = ()


class LinkedMention(NamedTuple):
    """A mention resolved to an archive entity (a NamedTuple: see Mention)."""

    start: int
    end: int
    entity: str  #: Entity.key
    sentence_start: int
    sentence_end: int


#: Ints per mention in ResolvedArticle.spans: start, end, entity (index into `entities`),
#: sentence_start, sentence_end.
LINKED_FIELDS = 5


def packed(values: Iterable[int]) -> bytes:
    """Ints as the bytes of a C int array: how mentions are kept (see ResolvedArticle.spans)."""
    return array("i", values).tobytes()


def unpacked(data: bytes) -> list[int]:
    """The ints of `packed` bytes."""
    return memoryview(data).cast("i").tolist()


@dataclass(frozen=True)
class ResolvedArticle:
    article: Article
    text: str  #: plain body text that mention offsets point into
    #: every mention in text order, LINKED_FIELDS ints each, packed (`packed`). An archive has
    #: about 60 mentions per article: as bytes they take 20 bytes each, not ~190 as tuples of
    #: int objects, and they pickle and load as one string. `mentions` gives them as tuples.
    spans: bytes
    #: Entity.key of every entity the article names, in first-mention order
    entities: tuple[str, ...]
    authors: tuple[str, ...]  #: Author.slug, byline order

    @property
    def mentions(self) -> tuple[LinkedMention, ...]:
        """Every mention, in text order (made from `spans` on each call)."""
        return self.mentions_of(None)

    def mentions_of(self, keys: Container[str] | None) -> tuple[LinkedMention, ...]:
        """The mentions of the entities in `keys` (None: of every entity), in text order,
        without making a tuple of any other mention (filtered in C)."""
        v, n, entities = unpacked(self.spans), LINKED_FIELDS, self.entities
        columns = [v[i::n] for i in range(n)]
        if keys is not None:
            chosen = [key in keys for key in entities]
            keep = list(map(chosen.__getitem__, columns[2]))
            columns = [list(compress(column, keep)) for column in columns]
        start, end, entity, sentence_start, sentence_end = columns
        fields = zip(
            start, end, map(entities.__getitem__, entity), sentence_start, sentence_end, strict=True
        )
        # tuple.__new__ makes each LinkedMention in C (no Python call per mention)
        return tuple(map(tuple.__new__, repeat(LinkedMention), fields))

    def mention_counts(self) -> Counter[str]:
        """Entity key → how many times the article mentions it."""
        keys = self.entities
        return Counter(map(keys.__getitem__, unpacked(self.spans)[2::LINKED_FIELDS]))


@dataclass(frozen=True)
class Archive:
    """Everything the planner needs: the whole archive, read and resolved."""

    articles: tuple[ResolvedArticle, ...]  #: newest first, then by slug
    entities: dict[str, Entity]  #: by Entity.key
    authors: dict[str, Author]  #: by Author.slug
