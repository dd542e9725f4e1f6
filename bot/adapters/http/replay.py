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
locked just then); under load, the requests whose handlers run in one turn of the loop
are remembered in one statement at its end (a write's cost is mostly SQLite's locking,
the same for one row as for dozens), a request alone at once.

Fallback: if the store fails or does not answer within a fraction of a second
(bot.store.shared.ANSWER_S), the guard remembers in this process meanwhile: answers go on
(one log line a minute says so).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial

from bot import metrics
from bot.adapters.http.throttle import Throttle
from bot.daily import QotdDesk
from bot.grouped import Grouped
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
        # Requests asked of the store together, one statement for all that came in one turn
        # of the loop or while one was out: on the loop (a SQLite file), else in a thread.
        self._together: Grouped[str, bool] | None = None
        if shared is not None:
            self._together = Grouped(
                partial(_answers, shared.call, window_s),
                partial(_answers, shared.call_here, window_s),
            )

    async def first_time_anywhere(self, key: str) -> bool:
        """Like :meth:`first_time`, across every instance sharing the state store."""
        if self._shared is None:
            return self.first_time(key)
        stored, window, kind = stored_key(self._kind, key), self._window, self._kind

        def remember(store: Store) -> bool:
            return store.first_time(stored, window) or _refused(kind)

        try:
            if not _others_ready():  # alone in this turn: nothing to wait for
                try:
                    return self._shared.call_here(remember)
                except BlockingIOError:  # not a file on this machine, or locked just now
                    pass
            assert self._together is not None
            return await self._together(stored) or _refused(kind)
        except Exception as exc:  # noqa: BLE001 - a dead store must not stop the answers
            if self._throttle.due("store"):
                log.warning(
                    "replay guard: the state store failed (%s); remembering in this process "
                    "meanwhile", exc.__class__.__name__,
                )  # fmt: skip
            return self.first_time(key)

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


def stored_key(kind: str, key: str) -> str:
    """What the store keeps of a verified request: 128 bits of a hash of its platform and
    signature, 22 characters where the signature alone is 67 (Slack's) or 128 (Discord's):
    the seen requests' index a third the size, a write 7 us cheaper (a collision needs
    2^64 verified requests, which only the platform can sign)."""
    digest = hashlib.blake2b(f"{kind}:{key}".encode(), digest_size=16).digest()
    return base64.b64encode(digest).rstrip(b"=").decode()


def _others_ready() -> bool:
    """Whether other callbacks wait in this turn of the event loop (other requests' handlers,
    under load): then a request's store call waits for theirs, to go in one statement. The
    loop's ready queue is asyncio's own (a loop without one is taken as busy)."""
    ready = getattr(asyncio.get_running_loop(), "_ready", None)
    return ready is None or len(ready) > 0


def _answers(
    ask: Callable[[Callable[[Store], set[str]]], set[str]], window: float, keys: Sequence[str]
) -> list[bool]:
    """Whether each of ``keys`` is offered the first time, in one statement (``ask``: the
    shared store's call in a thread, or on the loop): a request given twice among them is
    first-time once."""
    firsts = ask(lambda store: store.first_times(keys, window))
    answers = []
    for key in keys:
        answers.append(key in firsts)
        firsts.discard(key)
    return answers


def _refused(kind: str) -> bool:
    """Count a replay refused (bot.metrics); False, the answer to "first time?"."""
    metrics.REPLAYS.inc(kind or "other")
    return False


def shared_memory(desk: QotdDesk | None) -> SharedStore | None:
    """The store a replay guard should remember in: the desk's, whichever the back end
    (other processes and machines use it too); None without a desk (this process's
    memory)."""
    return None if desk is None else desk.store
