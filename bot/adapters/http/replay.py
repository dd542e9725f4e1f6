"""Refusing a signed request seen before (Slack's and Discord's alike): a captured request
could otherwise be sent again while its timestamp is still within the window.

With a state store other machines share (PostgreSQL: instances behind a load balancer)
the memory is the store's, so a request replayed to another instance is refused just the
same; it costs each request one round trip (bench/slack_http.py). With a SQLite file the
memory stays in the process (the round trip through a worker thread doubled the cost of
a request). If the store fails, the guard remembers in this process meanwhile: answers
go on (one log line a minute says so).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.adapters.http.throttle import Throttle
from bot.daily import QotdDesk
from bot.store import SharedStore

log = logging.getLogger("quotebot.http")

# Signed requests older than this are refused anyway: remembered only this long.
WINDOW_S = 300


class ReplayGuard:
    """Refuses a signed request seen before, while its signature could still be valid."""

    def __init__(
        self,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedStore | None = None,
        kind: str = "",
    ) -> None:
        self._window = window_s
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._shared = shared
        self._kind = kind
        self._throttle = Throttle()

    async def first_time_anywhere(self, signature: str) -> bool:
        """Like :meth:`first_time`, across every instance sharing the state store."""
        if self._shared is None:
            return self.first_time(signature)
        key, now = f"{self._kind}:{signature}", time.time()
        try:
            return await asyncio.to_thread(
                self._shared.call, lambda store: store.first_time(key, now, self._window)
            )
        except Exception as exc:  # noqa: BLE001 - a dead store must not stop the answers
            if self._throttle.due("store"):
                log.warning(
                    "replay guard: the state store failed (%s); remembering in this process "
                    "meanwhile", exc.__class__.__name__,
                )  # fmt: skip
            return self.first_time(signature)

    def first_time(self, signature: str) -> bool:
        """True the first time ``signature`` is offered within the window (only verified
        signatures are offered, so the memory holds only what Slack sent)."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._window:
            self._seen.popitem(last=False)
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)


def shared_memory(desk: QotdDesk | None) -> SharedStore | None:
    """The store a replay guard should remember in: the desk's, when it is shared by
    other machines; else None (this process's memory)."""
    if desk is None or not desk.store.networked:
        return None
    return desk.store
