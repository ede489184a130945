"""related.py: the entities most often named alongside each entity, counted in arrays."""

import random
from collections import Counter

import numpy as np
import pytest

from broadsheet.related import BLOCK_PAIRS, most_named_with_arrays


def most_named_with(named, places, limit, block_pairs=BLOCK_PAIRS):  # type: ignore[no-untyped-def]
    """most_named_with_arrays, each article given as its row of entity positions."""
    rows = [list(row) for row in named]
    flat = np.fromiter((p for row in rows for p in row), dtype=np.int64)
    lengths = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    return most_named_with_arrays(flat, lengths, places, limit, block_pairs)


def naive(named: list[list[int]], limit: int) -> dict[int, list[tuple[int, int]]]:
    """Count every pair of every article and sort: what most_named_with must agree with."""
    together: dict[int, Counter[int]] = {}
    for row in named:
        for key in row:
            together.setdefault(key, Counter()).update(k for k in row if k != key)
    out = {}
    for key, counts in together.items():
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        if ranked:
            out[key] = ranked
    return out


def test_a_small_archive_by_hand():
    # 0 and 1 are named together twice, 0 and 2 once; 3 alone (no list)
    named = [[0, 1, 2], [1, 0], [3]]
    assert most_named_with(named, 4, 10) == {
        0: [(1, 2), (2, 1)],
        1: [(0, 2), (2, 1)],
        2: [(0, 1), (1, 1)],
    }
    assert most_named_with(named, 4, 1) == {0: [(1, 2)], 1: [(0, 2)], 2: [(0, 1)]}


def test_ties_go_to_the_lower_position():
    named = [[5, 9], [5, 2], [5, 7]]
    assert most_named_with(named, 10, 2) == {
        5: [(2, 1), (7, 1)],
        9: [(5, 1)],
        2: [(5, 1)],
        7: [(5, 1)],
    }


def test_nothing_named_together_gives_no_lists():
    assert most_named_with([[1], [], [2]], 3, 10) == {}
    assert most_named_with([], 0, 10) == {}


@pytest.mark.parametrize("block_pairs", [1, 7, 100, 10**9])
@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_counting_every_pair_in_blocks_of_any_size(seed, block_pairs):
    rng = random.Random(seed)
    places = rng.randint(2, 60)
    # skewed like news: a few entities are in many articles
    weights = [1 / (i + 1) for i in range(places)]
    named = []
    for _ in range(rng.randint(1, 80)):
        row = list(dict.fromkeys(rng.choices(range(places), weights, k=rng.randint(0, 12))))
        named.append(row)
    limit = rng.randint(1, 8)
    assert most_named_with(named, places, limit, block_pairs) == naive(named, limit)


@pytest.mark.parametrize("places", [46_340, 46_341, 3_000_000])
def test_positions_too_many_for_32_bit_pair_codes(places):
    """Pair codes (key * places + other) are counted in 32 bits while places² fits, in 64
    above: the lists agree either side of the switch."""
    rng = random.Random(places)
    top = places - 1
    named = [
        list(
            dict.fromkeys(rng.choice([top, top - 1, 0, 1, rng.randrange(places)]) for _ in range(6))
        )
        for _ in range(200)
    ]
    assert most_named_with(named, places, 5) == naive(named, 5)
