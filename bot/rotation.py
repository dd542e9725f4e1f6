"""Rotation: repeated asks for one pool go through all its quotes before any repeats."""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Hashable, Sequence

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

# Pools remembered at once: one per distinct topic or search asked; the least recently
# asked is forgotten first, so a flood of distinct searches cannot grow memory.
MAX_POOLS = 4_096


class Rotation:
    """Hands out the items of each pool in a shuffled order, reshuffling when it runs out.

    A pool is known by a key (a director and topic, say). The caller builds the same items
    for the same key (in the same order) as long as the book is the same; a new book gets
    a new Rotation. A pool whose size changed starts afresh.
    """

    def __init__(self, rng: random.Random | None = None, max_pools: int = MAX_POOLS) -> None:
        self._rng = rng or random.Random()
        self._max = max_pools
        self._pools: OrderedDict[Hashable, tuple[int, list[int], int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pools)

    def pick(self, key: Hashable, items: Sequence[T]) -> T:
        """The next item of ``items`` for ``key``; never the one just given, if there are two."""
        if not items:
            raise ValueError("cannot pick from an empty pool")
        size, remaining, last = self._pools.pop(key, (len(items), [], -1))
        if size != len(items):
            size, remaining, last = len(items), [], -1
        if not remaining:
            remaining = list(range(size))
            self._rng.shuffle(remaining)
            # remaining is used from the end; don't start a new round with the last one given.
            if size > 1 and remaining[-1] == last:
                remaining[0], remaining[-1] = remaining[-1], remaining[0]
        index = remaining.pop()
        self._pools[key] = (size, remaining, index)
        if len(self._pools) > self._max:
            self._pools.popitem(last=False)
        return items[index]
