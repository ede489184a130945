"""naming.py: which articles name which entities, as arrays, agrees with building the lists."""

import random
from types import SimpleNamespace

import pytest

from broadsheet.naming import ArticlesNaming, NamedIn


def _articles(rng: random.Random, n: int, keys: list[str]) -> list[SimpleNamespace]:
    # NamedIn reads only each article's `entities` (keys, each at most once, first-mention order)
    return [SimpleNamespace(entities=tuple(rng.sample(keys, rng.randint(0, 5)))) for _ in range(n)]


def test_each_entity_s_articles_and_indexes_are_those_of_a_pass_over_the_archive():
    rng = random.Random(3)
    keys = [f"person:p{i}" for i in range(12)]  # some never named
    articles = _articles(rng, 60, keys)
    named = NamedIn(articles, keys)
    for key in keys:
        expected = [
            (n, it.entities.index(key)) for n, it in enumerate(articles) if key in it.entities
        ]
        assert named.count(key) == len(expected)
        assert named.numbers(key).tolist() == [n for n, _ in expected]
        assert named.indexes(key) == [i for _, i in expected]
    assert named.count("person:not-in-the-archive") == 0


def test_articles_naming_is_a_mapping_over_the_entities_named():
    keys = ["a", "b", "c"]
    articles = [SimpleNamespace(entities=("b", "a")), SimpleNamespace(entities=("b",))]
    mapping = ArticlesNaming(NamedIn(articles, keys))
    assert list(mapping) == ["a", "b"] and len(mapping) == 2
    assert mapping["b"] == articles and mapping["a"] == [articles[0]]
    assert "c" not in mapping and mapping.get("c") is None
    with pytest.raises(KeyError):
        mapping["c"]


def test_an_empty_archive():
    named = NamedIn([], ["a"])
    assert named.count("a") == 0 and list(ArticlesNaming(named)) == []
