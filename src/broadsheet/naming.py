"""Which articles name which entities, for the whole archive, as arrays.

Every build asks this of every entity: an entity page's inputs are the digests of the articles
naming it, the A-Z indexes count them, the related lists count entities named together. An
archive of 10,000 articles names ~140,000 (article, entity) pairs; held as arrays they are
grouped by entity in one sort, and an entity's articles are a slice, not a Python list built
pair by pair. Lists of articles are made only for the entities whose pages are planned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from broadsheet.model import ResolvedArticle

if TYPE_CHECKING:
    import numpy as np


class NamedIn:
    """The (article, entity) pairs of an archive: `articles` in archive order, each naming
    `item.entities`, the entities numbered by their place in `keys`."""

    def __init__(self, articles: Sequence[ResolvedArticle], keys: Sequence[str]) -> None:
        # imported here: a build with nothing to do never plans, and starts faster without it
        import numpy as np

        self.articles = articles
        self.keys = keys
        self.number = {k: i for i, k in enumerate(keys)}
        number = self.number
        #: per pair, in archive order (each article's entities in its own order): the entity
        self.entity = np.fromiter(
            (number[k] for it in articles for k in it.entities), dtype=np.int32
        )
        #: per article: how many entities it names, and where its pairs start
        self.sizes = np.fromiter(
            (len(it.entities) for it in articles), dtype=np.int64, count=len(articles)
        )
        self.starts = np.cumsum(self.sizes) - self.sizes
        article = np.repeat(np.arange(len(articles), dtype=np.int32), self.sizes)
        #: per pair: the entity's index within its article's entities
        self.index = (np.arange(len(self.entity)) - np.repeat(self.starts, self.sizes)).astype(
            np.int32
        )
        # grouped by entity; a stable sort keeps each entity's articles in archive order
        order = np.argsort(self.entity, kind="stable")
        self._article = article[order]
        self._index = self.index[order]
        counts = np.bincount(self.entity, minlength=len(keys))
        self._ends = np.cumsum(counts).tolist()
        self._counts = counts.tolist()

    def count(self, key: str) -> int:
        """How many articles name the entity."""
        n = self.number.get(key)
        return self._counts[n] if n is not None else 0

    def numbers(self, key: str) -> np.ndarray:
        """The places in `articles` of the articles naming the entity, in archive order."""
        n = self.number[key]
        return self._article[self._ends[n] - self._counts[n] : self._ends[n]]

    def indexes(self, key: str) -> list[int]:
        """For each article naming the entity (as in `numbers`), the entity's index in that
        article's entities."""
        n = self.number[key]
        return self._index[self._ends[n] - self._counts[n] : self._ends[n]].tolist()


class ArticlesNaming(Mapping[str, list[ResolvedArticle]]):
    """Entity key → the articles naming it, newest first (archive order), as a mapping over
    the entities named at least once. Each list is made when asked for."""

    def __init__(self, named: NamedIn) -> None:
        self.named = named

    def __getitem__(self, key: str) -> list[ResolvedArticle]:
        if not self.named.count(key):
            raise KeyError(key)
        articles = self.named.articles
        return [articles[i] for i in self.named.numbers(key).tolist()]

    def __iter__(self) -> Iterator[str]:
        return (k for k in self.named.keys if self.named.count(k))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.named.count(key) > 0
