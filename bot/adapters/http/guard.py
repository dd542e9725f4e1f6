"""The guard against slow and idle clients: every connection must send a whole request
head within :data:`HEAD_TIMEOUT_S` of connecting, and at most :data:`MAX_CONNECTIONS` are
open at once (when a new one comes and all places are taken, the connection quiet the
longest gives up its place)."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from bot import metrics
from bot.adapters.http.throttle import Throttle

log = logging.getLogger("quotebot.http")

MAX_CONNECTIONS = 512
HEAD_TIMEOUT_S = 10.0


class ConnectionGuard:
    """The open connections, least recently heard from first."""

    def __init__(
        self, max_connections: int = MAX_CONNECTIONS, throttle: Throttle | None = None
    ) -> None:
        self.max_connections = max_connections
        self._open: OrderedDict[_Guarded, None] = OrderedDict()
        # Its log lines, and those of the requests aiohttp refuses on these connections.
        self.throttle = throttle if throttle is not None else Throttle()

    def __len__(self) -> int:
        return len(self._open)

    def admit(self, connection: _Guarded) -> None:
        while len(self._open) >= self.max_connections:
            quiet, _ = self._open.popitem(last=False)
            metrics.HTTP_OPEN.dec()
            quiet.close("too many open connections; this one was the quietest")
        self._open[connection] = None
        metrics.HTTP_OPEN.inc()

    def heard(self, connection: _Guarded) -> None:
        if connection in self._open:
            self._open.move_to_end(connection)

    def gone(self, connection: _Guarded) -> None:
        if self._open.pop(connection, False) is None:  # was open (its value is None)
            metrics.HTTP_OPEN.dec()

    def closed(self, why: str) -> None:
        """Count a connection closed by the guard; one log line a minute says how many."""
        metrics.HTTP_REFUSALS.inc("slow_or_idle")
        count = self.throttle.due("closed")
        if count:
            log.warning("HTTP: closed %d slow or idle connection(s) (latest: %s)", count, why)


class _Guarded(asyncio.Protocol):
    """Stands between the event loop and aiohttp's protocol for one connection."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.Transport | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._tail = b""  # the last bytes seen, to find the end of the first head

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._guard.admit(self)
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(HEAD_TIMEOUT_S, self.close, "no request head in time")
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self._guard.heard(self)
        if self._deadline is not None:
            seen = self._tail + data
            if b"\r\n\r\n" in seen:
                self._deadline.cancel()
                self._deadline = None
            self._tail = seen[-3:]
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._guard.gone(self)
        self._inner.connection_lost(exc)

    def close(self, why: str) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._guard.closed(why)
            self._transport.abort()
