"""quotebot's HTTP server: an aiohttp application behind a guard against slow and idle
clients, so that connections that never finish a request cannot lock out one that does.

Every connection must send a whole request head within :data:`HEAD_TIMEOUT_S` of
connecting, and a body within ``body.BODY_TIMEOUT_S`` (read by a handler, or discarded by
aiohttp after the answer), idle keep-alive connections close after :data:`KEEPALIVE_S`,
and at most :data:`MAX_CONNECTIONS` are open at once: when a new one comes and all places
are taken, the connection quiet the longest gives up its place. (Under systemd's default
limit of 1,024 file descriptors a thousand half-open connections would otherwise leave no
room.) Requests aiohttp refuses unread are one log line a minute per kind (refusals.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import metrics
from bot.adapters.http import body
from bot.adapters.http.refusals import RefusalLog
from bot.adapters.http.throttle import Throttle
from bot.errors import Fatal

log = logging.getLogger("quotebot.http")

MAX_CONNECTIONS = 512
HEAD_TIMEOUT_S = 10.0
KEEPALIVE_S = 15.0
OnListening = Callable[[str, int], Awaitable[None] | None]


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


async def serve_app(
    app: web.Application,
    host: str,
    port: int,
    stop: asyncio.Event,
    label: str | list[str],
    on_listening: OnListening | None = None,
    guard: ConnectionGuard | None = None,
) -> None:
    """Serve ``app`` on ``host:port`` until ``stop`` is set; logs ``{name}: listening on
    http://host:port{path}`` for each label (``"slack /slack/events"``: who, and where)."""
    labels = [label] if isinstance(label, str) else label
    connections = guard if guard is not None else ConnectionGuard()
    runner = web.AppRunner(
        app, handle_signals=False, access_log=None, keepalive_timeout=KEEPALIVE_S,
        # A body no handler reads is discarded for no longer than one a handler reads.
        lingering_time=body.BODY_TIMEOUT_S, logger=RefusalLog(connections.throttle),
    )  # fmt: skip
    await runner.setup()
    server: asyncio.Server | None = None
    try:
        factory = runner.server
        assert factory is not None
        try:
            server = await asyncio.get_running_loop().create_server(
                lambda: _Guarded(factory(), connections), host, port, reuse_address=True
            )
        except OSError as exc:  # in use, or not an address of this machine: settings
            why = (exc.strerror or str(exc)).rsplit(": ", 1)[-1]  # asyncio wraps the words
            raise Fatal(f"cannot listen on {host}:{port} ({why.lower()})") from None
        bound = server.sockets[0].getsockname()
        for each in labels:
            where, _, path = each.partition(" ")
            log.info("%s: listening on http://%s:%s%s", where, bound[0], bound[1], path)
        if on_listening is not None:
            result = on_listening(bound[0], bound[1])
            if result is not None:
                await result
        await stop.wait()
    finally:
        if server is not None:
            server.close()
        await runner.cleanup()
        log.info("%s: stopped listening", labels[0].partition(" ")[0])


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpFront:
    """One HTTP server for every platform served over HTTP (``quotebot run --http PORT``):
    each mounts its paths; ``GET /healthz`` says the process is up and ``GET /readyz``
    whether it can serve (the state store answers)."""

    name = "http"

    def __init__(
        self,
        host: str,
        port: int,
        ready: Callable[[], Awaitable[str | None]] | None = None,
        on_listening: OnListening | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.on_listening = on_listening
        self.app = web.Application(client_max_size=body.MAX_BODY_BYTES)
        self.labels: list[str] = []
        self._ready = ready
        self._serving: dict[str, Callable[[], bool]] = {}
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/readyz", self._readyz)
        self.app.on_response_prepare.append(self._say_who)
        # Which instance answered, for whoever runs several behind a load balancer.
        self.instance = f"{socket.gethostname()}:{os.getpid()}"

    async def _say_who(self, _: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Quotebot-Instance"] = self.instance

    def mount(
        self,
        who: str,
        method: str,
        path: str,
        handler: Handler,
        serving: Callable[[], bool] | None = None,
    ) -> None:
        """Serve ``method path`` with ``handler`` (``who`` names it in the log); with
        ``serving``, the server is ready only while it says ``who`` is."""
        self.app.router.add_route(method, path, handler)
        self.labels.append(f"{who} {path}")
        if serving is not None:
            self._serving[who] = serving

    async def _healthz(self, _: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    async def _readyz(self, _: web.Request) -> web.StreamResponse:
        waiting = [who for who, serving in self._serving.items() if not serving()]
        problem = f"not serving yet: {', '.join(waiting)}" if waiting else None
        if problem is None and self._ready is not None:
            problem = await self._ready()
        if problem is not None:
            return web.json_response({"ok": False, "problem": problem}, status=503)
        return web.json_response({"ok": True})

    async def start(self) -> None:
        """Nothing to check before listening."""

    async def serve(self, stop: asyncio.Event) -> None:
        await serve_app(
            self.app, self.host, self.port, stop, self.labels or ["http /healthz"],
            self.on_listening,
        )  # fmt: skip

    async def refresh(self) -> None:
        """Nothing to do: the platforms' handlers read the current book."""

    async def close(self) -> None:
        """Nothing held between serves."""
