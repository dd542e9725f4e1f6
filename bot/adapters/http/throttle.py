"""Log lines that could come thousands at a time (junk requests, unreadable frames, slow
clients) said at most once a minute per kind, with how many there were."""

from __future__ import annotations

import time
from collections.abc import Callable

EVERY_S = 60.0


class Throttle:
    """Counts events per key, and says when a key's line is due: at most once a minute."""

    def __init__(
        self, every_s: float = EVERY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._every = every_s
        self._clock = clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def due(self, key: str) -> int:
        """Count one event of ``key``; when its line is due, how many events it covers
        (this one included), else 0."""
        self._count[key] = self._count.get(key, 0) + 1
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self._every:
            return 0
        self._last[key] = now
        return self._count.pop(key)
