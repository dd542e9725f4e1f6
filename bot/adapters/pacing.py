"""Keeping to a platform's request rate before it has to say so: requests start at most
``rate`` a second, evenly spaced, however many tasks ask at once. A burst of posts (ten
thousand channels due in the same minute) then meets no 429s instead of a storm of them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pace:
    """Evenly spaced starts, at most ``rate`` per second, shared by every caller."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.gap = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def wait(self) -> None:
        """Return when this caller's turn has come (its place is taken at once: callers
        go in the order they asked)."""
        now = self._clock()
        turn = max(self._next, now)
        self._next = turn + self.gap
        if turn > now:
            await self._sleep(turn - now)
