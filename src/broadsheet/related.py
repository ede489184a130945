"""Which entities are most often named alongside each entity ("Often named with" on its page).

Two entities are named together in an article when both are among the article's first
`scan` entities (plan.RELATED_SCAN). For each entity the others are ranked by how many articles
name them together with it, then by their rank across the archive (most mentioned first).

Every entity's list is asked for on every build (an entity page's inputs include it), and an
archive of 10,000 articles has about two million (entity, entity, article) pairs: they are
counted with numpy in a few array operations, not one Python step per pair, and in blocks of
at most `BLOCK_PAIRS` pairs so that a large archive never holds them all at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Pairs counted at once: bounds the temporary arrays (~6 arrays of 8 bytes per pair).
BLOCK_PAIRS = 2_000_000


def most_named_with_arrays(
    flat: np.ndarray,
    lengths: np.ndarray,
    places: int,
    limit: int,
    block_pairs: int = BLOCK_PAIRS,
) -> dict[int, list[tuple[int, int]]]:
    """For every entity (by its rank position, 0 … places-1) that is named together with
    another, its first `limit` co-named entities as (position, articles naming both), most
    articles first, then lowest position first.

    `flat`: every article's entity positions (each at most once, already cut to the scanned
    ones), one article after the other; `lengths`: how many each article has. `block_pairs`:
    how many pairs are counted at once (the answer does not depend on it)."""
    import numpy as np

    if not len(flat) or limit <= 0:
        return {}
    # Pair codes (key * places + other) in 32 bits while they fit: half the memory to sort and
    # to fault in as in 64 (the sort is most of the time; 10,000 articles: 0.23 → 0.16 s).
    wide = np.int64 if places * places >= 2**31 else np.int32
    flat = flat.astype(wide, copy=False)
    lengths = lengths.astype(np.int64, copy=False)
    starts = np.cumsum(lengths) - lengths
    # For each entity occurrence: its article's length and where the article's row starts.
    # (An article naming one entity pairs it only with itself, which is not counted.)
    pairs_of = np.repeat(lengths, lengths)
    row_start = np.repeat(starts, lengths)
    most = len(lengths) + 1  # more than any count: (most - count) stays positive

    result: dict[int, list[tuple[int, int]]] = {}
    # Occurrences of the same entity must be counted in one block: blocks split the positions.
    per_position = np.bincount(flat, weights=pairs_of, minlength=places)
    cumulative = np.cumsum(per_position)
    low = 0
    while low < places:
        done = cumulative[low - 1] if low else 0.0
        high = max(int(np.searchsorted(cumulative, done + block_pairs, side="right")), low + 1)
        _count_block(flat, pairs_of, row_start, low, high, places, most, limit, result)
        low = high
    return result


def _count_block(
    flat: np.ndarray,
    pairs_of: np.ndarray,
    row_start: np.ndarray,
    low: int,
    high: int,
    places: int,
    most: int,
    limit: int,
    result: dict[int, list[tuple[int, int]]],
) -> None:
    """Count the pairs (key, other) with key in [low, high) and keep each key's best `limit`."""
    import numpy as np

    chosen = np.flatnonzero((flat >= low) & (flat < high))
    if not len(chosen):
        return
    repeats = pairs_of[chosen]
    total = int(repeats.sum())
    keys = np.repeat(flat[chosen], repeats)
    # The other end of each pair: every entity of the key's article, in row order.
    first = np.cumsum(repeats) - repeats
    others = flat[np.repeat(row_start[chosen] - first, repeats) + np.arange(total)]
    keep = keys != others
    codes, counts = np.unique(keys[keep] * places + others[keep], return_counts=True)
    key_of, other_of = np.divmod(codes, places)
    # The pairs come from np.unique sorted by (key, other): a stable sort on (key, -count) ranks
    # every key's list, ties by other. Timsort uses the runs already sorted (most pairs are
    # named together once): 3-5x faster than sorting (key, -count, other) as one int.
    order = np.argsort(key_of.astype(np.int64) * most + (most - counts), kind="stable")
    key_of, other_of, counts = key_of[order], other_of[order], counts[order]
    segment = np.flatnonzero(np.r_[True, key_of[1:] != key_of[:-1]])
    rank = np.arange(len(key_of)) - np.repeat(segment, np.diff(np.r_[segment, len(key_of)]))
    top = rank < limit
    for key, other, count in zip(
        key_of[top].tolist(), other_of[top].tolist(), counts[top].tolist(), strict=True
    ):
        result.setdefault(key, []).append((other, count))
