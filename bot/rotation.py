"""Rotation: repeated asks for one topic go through all its quotes before any repeats."""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


class Rotation:
    """Hands out the items of each pool in a shuffled order, reshuffling when it runs out.

    A pool is known by a key (a director and topic, say); when the items behind a key
    change (the book was reloaded), its rotation starts afresh.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._pools: dict[Hashable, tuple[Sequence[object], list[int], int]] = {}

    def pick(self, key: Hashable, items: Sequence[T]) -> T:
        """The next item of ``items`` for ``key``; never the one just given, if there are two."""
        if not items:
            raise ValueError("cannot pick from an empty pool")
        pool = self._pools.get(key)
        if pool is None or pool[0] is not items:
            pool = (items, [], -1)
        _, remaining, last = pool
        if not remaining:
            remaining = list(range(len(items)))
            self._rng.shuffle(remaining)
            # remaining is used from the end; don't start a new round with the last one given.
            if len(remaining) > 1 and remaining[-1] == last:
                remaining[0], remaining[-1] = remaining[-1], remaining[0]
        index = remaining.pop()
        self._pools[key] = (items, remaining, index)
        return items[index]
