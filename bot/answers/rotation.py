"""Rotation: repeated asks for one pool go through all its quotes before any repeats.

A pool's order is a random permutation computed one step at a time (a small Feistel
network over the pool's indices, walked until it lands inside the pool), so a pool of a
million quotes costs the same few microseconds a pick as a pool of ten: nothing is
shuffled, nothing the size of the pool is kept.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
    C = TypeVar("C")

# Pools remembered at once: one per distinct topic or search asked; the least recently
# asked is forgotten first, so a flood of distinct searches cannot grow memory.
MAX_POOLS = 4_096
_ROUNDS = 4


class Permutation:
    """A random bijection of ``range(size)``, evaluated at one index at a time."""

    def __init__(self, size: int, rng: random.Random) -> None:
        bits = max(2, (size - 1).bit_length())
        bits += bits % 2
        self._half = bits // 2
        self._mask = (1 << self._half) - 1
        self._keys = [rng.getrandbits(32) for _ in range(_ROUNDS)]
        self.size = size

    def __call__(self, index: int) -> int:
        value = index
        while True:  # cycle-walking: the domain is under four times the pool's size
            left, right = value >> self._half, value & self._mask
            for key in self._keys:
                mixed = ((right ^ key) * 0x9E3779B1 + key) & 0xFFFFFFFF
                left, right = right, left ^ ((mixed ^ (mixed >> 15)) & self._mask)
            value = (left << self._half) | right
            if value < self.size:
                return value


class Rotation:
    """Hands out the items of each pool in a random order, a new order each time round.

    A pool is known by a key (a director and topic, say). The caller builds the same items
    for the same key (in the same order) as long as the book is the same; a new book gets
    a new Rotation. A pool whose size changed starts afresh.
    """

    def __init__(self, rng: random.Random | None = None, max_pools: int = MAX_POOLS) -> None:
        self._rng = rng or random.Random()
        self._max = max_pools
        self._pools: OrderedDict[Hashable, object] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pools)

    def pick(self, key: Hashable, items: Sequence[T]) -> T:
        """The next item of ``items`` for ``key``; never the one just given, if there are two."""
        return items[self.pick_index(key, len(items))]

    def pick_index(self, key: Hashable, size: int) -> int:
        """Where the next item of ``key``'s pool of ``size`` items is (see :meth:`pick`)."""
        if size == 1:
            return 0
        if not size:
            raise ValueError("cannot pick from an empty pool")
        state = self._pools.pop(key, None)
        if isinstance(state, _Round) and state.order.size == size and state.step < size:
            current = state
        else:
            last = state.last if isinstance(state, _Round) and state.order.size == size else -1
            current = _Round(Permutation(size, self._rng), last)
        index = current.next()
        self._remember(key, current)
        return index

    def walk(
        self, key: Hashable, step: Callable[[C | None], tuple[T, C] | None]
    ) -> tuple[T, C] | None:
        """The next item of an ordered pool walked by ``step``, and where it is: given where
        the last ask stopped (None: the start). At the end the walk starts again; None when
        the pool is empty."""
        cursor = self._pools.pop(key, None)
        found = step(cursor) if cursor is not None else None  # type: ignore[arg-type]
        if found is None:
            found = step(None)
        if found is None:
            return None
        self._remember(key, found[1])
        return found

    def _remember(self, key: Hashable, state: object) -> None:
        self._pools[key] = state
        if len(self._pools) > self._max:
            self._pools.popitem(last=False)


class _Round:
    """One time round a pool: its order and how far it has gone."""

    __slots__ = ("last", "offset", "order", "step")

    def __init__(self, order: Permutation, last: int) -> None:
        self.order = order
        self.step = 0
        # A new round does not start with the item the last one ended on: that one goes last.
        self.offset = 1 if order.size > 1 and order(0) == last else 0
        self.last = last

    def next(self) -> int:
        self.last = self.order((self.step + self.offset) % self.order.size)
        self.step += 1
        return self.last
