"""Things made once and kept: a table of at most a few thousand, emptied when full (it then
fills again with what is asked for most), so a flood of distinct asks cannot grow it."""

from __future__ import annotations

from collections.abc import Callable, Hashable

# Not `from typing import TYPE_CHECKING`: importing typing was a tenth of `quotebot ask`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    K = TypeVar("K", bound=Hashable)
    V = TypeVar("V")

LIMIT = 4_096


def memo(table: dict[K, V], key: K, make: Callable[[], V], limit: int = LIMIT) -> V:
    """``table[key]``, made by ``make()`` and kept if it is not there yet."""
    found = table.get(key)
    if found is None:
        found = make()
        if len(table) >= limit:
            table.clear()
        table[key] = found
    return found
