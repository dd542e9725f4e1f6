"""quotebot's HTTP server: an aiohttp application behind a guard against slow and idle
clients, so that connections that never finish a request cannot lock out one that does.

Every connection must send a whole request head within :data:`HEAD_TIMEOUT_S` of
connecting, and a body within ``body.BODY_TIMEOUT_S`` (read by a handler, or discarded by
aiohttp after the answer), idle keep-alive connections close after :data:`KEEPALIVE_S`,
and at most :data:`MAX_CONNECTIONS` are open at once: when a new one comes and all places
are taken, the connection quiet the longest gives up its place. (Under systemd's default
limit of 1,024 file descriptors a thousand half-open connections would otherwise leave no
room.) Requests aiohttp refuses unread are one log line a minute per kind (refusals.py).
The guard itself is guard.py's.

A platform still starting when the server listens is not said to listen until it serves:
its requests meanwhile are held for it (at most :data:`HOLD_S`), not refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.adapters.http import body
from bot.adapters.http.guard import HEAD_TIMEOUT_S, MAX_CONNECTIONS, ConnectionGuard, _Guarded
from bot.adapters.http.refusals import RefusalLog
from bot.errors import Fatal

log = logging.getLogger("quotebot.http")

__all__ = [
    "HEAD_TIMEOUT_S", "HOLD_S", "MAX_CONNECTIONS", "ConnectionGuard", "Handler", "HttpFront",
    "OnListening", "serve_app",
]  # fmt: skip

KEEPALIVE_S = 15.0
# A request to a platform that is still starting (Slack's auth.test, Discord's login) waits
# this long for it before its 503: Slack gives an answer 3 s.
HOLD_S = 2.0
OnListening = Callable[[str, int], Awaitable[None] | None]


async def serve_app(
    app: web.Application,
    host: str,
    port: int,
    stop: asyncio.Event,
    label: str | list[str],
    on_listening: OnListening | None = None,
    guard: ConnectionGuard | None = None,
    on_bound: Callable[[str, int], None] | None = None,
) -> None:
    """Serve ``app`` on ``host:port`` until ``stop`` is set; logs ``{name}: listening on
    http://host:port{path}`` for each label (``"slack /slack/events"``: who, and where),
    then calls ``on_bound`` with the address."""
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
        if on_bound is not None:
            on_bound(bound[0], bound[1])
        if on_listening is not None:
            result = on_listening(bound[0], bound[1])
            if result is not None:
                await result
        await stop.wait()
    finally:
        if server is not None:
            server.close()
        await runner.cleanup()
        log.info("%s: stopped listening", (labels or ["http"])[0].partition(" ")[0])


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpFront:
    """One HTTP server for every platform served over HTTP (``quotebot run --http PORT``):
    each mounts its paths; ``GET /healthz`` says the process is up and ``GET /readyz``
    whether it can serve (the state store answers).

    The server listens as soon as it starts, and says so for the paths that answer then;
    a platform mounted with ``serving`` is said to listen when it calls :meth:`serving_now`,
    and a request to it before then is held (at most :data:`HOLD_S`) rather than refused."""

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
        self._gates: dict[str, asyncio.Event] = {}
        self._bound: tuple[str, int] | None = None
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
        ``serving``, the server is ready only while it says ``who`` is, and a request that
        comes before ``who`` first serves waits for :meth:`serving_now`."""
        self.labels.append(f"{who} {path}")
        if serving is None:
            self.app.router.add_route(method, path, handler)
            return
        self._serving[who] = serving
        gate = self._gates.setdefault(who, asyncio.Event())

        async def held(request: web.Request) -> web.StreamResponse:
            if not gate.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(gate.wait(), HOLD_S)
            return await handler(request)

        self.app.router.add_route(method, path, held)

    def serving_now(self, who: str) -> None:
        """``who`` answers from now on: the requests held for it go on, and the log says
        where it listens (at once if the server is listening, else when it is)."""
        gate = self._gates.get(who)
        if gate is None or gate.is_set():
            return
        gate.set()
        if self._bound is not None:
            self._say_listening(self._bound, who)

    def not_serving(self, who: str) -> None:
        """``who`` stopped (it may start again): its requests wait for it again, up to
        :data:`HOLD_S`, then get the handler's own answer (a 503 while it is down)."""
        gate = self._gates.get(who)
        if gate is not None:
            gate.clear()

    def _say_listening(self, bound: tuple[str, int], who: str | None = None) -> None:
        for each in self.labels or ["http /healthz"]:
            where, _, path = each.partition(" ")
            gate = self._gates.get(where)
            if (who is None and (gate is None or gate.is_set())) or where == who:
                log.info("%s: listening on http://%s:%s%s", where, bound[0], bound[1], path)

    def _on_bound(self, host: str, port: int) -> None:
        self._bound = (host, port)
        self._say_listening(self._bound)

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
        try:
            await serve_app(
                self.app, self.host, self.port, stop, [], self.on_listening,
                on_bound=self._on_bound,
            )  # fmt: skip
        finally:
            self._bound = None

    async def refresh(self) -> None:
        """Nothing to do: the platforms' handlers read the current book."""

    async def close(self) -> None:
        """Nothing held between serves."""
