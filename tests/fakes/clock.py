"""A clock the tests move: ``sleep`` advances time at once instead of waiting."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class FakeClock:
    """Starts at ``now``; ``sleep(s)`` moves it s seconds on. Past ``until`` it sets
    ``stop`` (the scheduler's stop event), so a run covers a stretch of simulated time."""

    def __init__(
        self, now: datetime, until: datetime | None = None, stop: asyncio.Event | None = None
    ) -> None:
        self.time = now
        self.until = until
        self.stop = stop
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += timedelta(seconds=seconds)
        if self.until is not None and self.time >= self.until and self.stop is not None:
            self.stop.set()
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
