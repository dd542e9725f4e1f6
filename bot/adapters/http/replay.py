"""Refusing a signed request seen before (Slack's and Discord's alike): a captured request
could otherwise be sent again while its timestamp is still within the window.

The memory is the state store's, so a request replayed to another instance (or another
process on the same SQLite file) is refused just the same, and it is kept by the
database's clock, not the instances' own (one running ahead must not forget what the
others still need). On PostgreSQL a worker thread asks the store, one statement (one
round trip) for every request that came while the previous one was out: under load the
hop and the round trip are shared (bench/store_throughput.py), alone a request waits for
no other. A SQLite file is written from the event loop itself, a write costing tens of
microseconds where the hop to a thread cost more (a worker thread only when the file is
locked just then).

Fallback: if the store fails or does not answer within a fraction of a second
(bot.store.shared.ANSWER_S), the guard remembers in this process meanwhile: answers go on
(one log line a minute says so).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

from bot import metrics
from bot.adapters.http.throttle import Throttle
from bot.daily import QotdDesk
from bot.store import SharedStore, Store

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
        # Requests waiting for the store in a worker thread, and the task that asks it for
        # them together: one call (one statement) for all that came while one was out.
        self._waiting: list[tuple[str, asyncio.Future[bool]]] = []
        self._asking: asyncio.Task[None] | None = None

    async def first_time_anywhere(self, key: str) -> bool:
        """Like :meth:`first_time`, across every instance sharing the state store."""
        if self._shared is None:
            return self.first_time(key)
        stored, window, kind = f"{self._kind}:{key}", self._window, self._kind

        def remember(store: Store) -> bool:
            return store.first_time(stored, window) or _refused(kind)

        try:
            try:
                return self._shared.call_here(remember)
            except BlockingIOError:  # not a file on this machine, or locked just now
                return await self._together(stored)
        except Exception as exc:  # noqa: BLE001 - a dead store must not stop the answers
            if self._throttle.due("store"):
                log.warning(
                    "replay guard: the state store failed (%s); remembering in this process "
                    "meanwhile", exc.__class__.__name__,
                )  # fmt: skip
            return self.first_time(key)

    async def _together(self, stored: str) -> bool:
        """``stored`` asked of the store in a worker thread, with whatever else is waiting
        (a request given twice is first-time once)."""
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((stored, waiter))
        if self._asking is None:
            self._asking = asyncio.create_task(self._ask())
        return await waiter

    async def _ask(self) -> None:
        assert self._shared is not None
        shared, window = self._shared, self._window
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                keys = [key for key, _ in batch]
                try:
                    firsts = await asyncio.to_thread(shared.call, partial(_firsts, keys, window))
                except Exception as exc:  # noqa: BLE001 - each waiter falls back on its own
                    for _, waiter in batch:
                        if not waiter.done():
                            waiter.set_exception(exc)
                    continue
                for key, waiter in batch:
                    first = key in firsts
                    firsts.discard(key)  # the same request again in this batch: seen
                    if not waiter.done():
                        waiter.set_result(first or _refused(self._kind))
        finally:
            self._asking = None

    def first_time(self, signature: str) -> bool:
        """True the first time ``signature`` is offered within the window (only verified
        signatures are offered, so the memory holds only what Slack sent)."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._window:
            self._seen.popitem(last=False)
        if signature in self._seen:
            return _refused(self._kind)
        self._seen[signature] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)


def _firsts(keys: list[str], window: float, store: Store) -> set[str]:
    return store.first_times(keys, window)


def _refused(kind: str) -> bool:
    """Count a replay refused (bot.metrics); False, the answer to "first time?"."""
    metrics.REPLAYS.inc(kind or "other")
    return False


def shared_memory(desk: QotdDesk | None) -> SharedStore | None:
    """The store a replay guard should remember in: the desk's, whichever the back end
    (other processes and machines use it too); None without a desk (this process's
    memory)."""
    return None if desk is None else desk.store
