"""Slack over HTTP: POST /slack/events to bolt, behind a replay guard; GET /healthz."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp

log = logging.getLogger("quotebot.slack")

# Slack rejects requests signed more than five minutes ago (bolt checks this); a replay
# inside those five minutes is refused by ReplayGuard.
SIGNATURE_WINDOW_S = 300
OnListening = Callable[[str, int], Awaitable[None] | None]


class ReplayGuard:
    """Refuses a signed request seen before, while its signature could still be valid.

    Bolt checks the signature and its age; it does not remember what it has seen, so a
    captured request could be played again within the five minutes.
    """

    def __init__(
        self, window_s: float = SIGNATURE_WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window = window_s
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, signature: str) -> bool:
        """True the first time ``signature`` is offered within the window."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._window:
            self._seen.popitem(last=False)
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True

    def forget(self, signature: str) -> None:
        """Let ``signature`` through again (its request failed verification)."""
        self._seen.pop(signature, None)


def http_app(app: AsyncApp, guard: ReplayGuard | None = None) -> web.Application:
    """An aiohttp application: POST /slack/events to bolt, GET /healthz."""
    replay = guard or ReplayGuard()

    async def events(request: web.Request) -> web.StreamResponse:
        signature = request.headers.get("X-Slack-Signature", "")
        if signature and not replay.first_time(signature):
            return web.Response(status=401, text="replayed request")
        response = await app.async_dispatch(await to_bolt_request(request))
        if response.status == 401:
            replay.forget(signature)
        return await to_aiohttp_response(response)

    async def healthz(_: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/healthz", healthz)
    return web_app


async def serve_http(
    app: AsyncApp,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_listening: OnListening | None = None,
) -> None:
    """Serve bolt over HTTP on ``host:port`` until ``stop`` is set."""
    runner = web.AppRunner(http_app(app), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        log.info("Slack: listening on http://%s:%s/slack/events", bound[0], bound[1])
        if on_listening is not None:
            result = on_listening(bound[0], bound[1])
            if result is not None:
                await result
        await stop.wait()
    finally:
        await runner.cleanup()
        log.info("Slack: stopped listening")
