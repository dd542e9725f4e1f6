"""Slack over HTTP: POST /slack/events verified before anything parses it, then to bolt;
GET /healthz.

Verification is quotebot's own, in front of bolt: exactly one signature and one timestamp
header, the timestamp an integer within five minutes, the v0 HMAC-SHA256 of the raw
bytes compared in constant time, and a signature never seen before (bolt remembers
nothing, so a captured request could be replayed). Anything else gets 401 and one log
line (at most one a minute), and is never decoded, parsed or remembered.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.adapters.http.replay import ReplayGuard
from bot.adapters.http.server import Handler, OnListening, serve_app
from bot.adapters.http.throttle import Throttle

log = logging.getLogger("quotebot.slack")

# Slack signs each request with the time it was sent; older than this is refused.
SIGNATURE_WINDOW_S = 300
# The largest request Slack sends is a few kilobytes.
MAX_BODY_BYTES = 1 << 20


class SlackSignature:
    """Checks Slack's request signature over the raw bytes, before anything reads them."""

    def __init__(
        self,
        secret: str,
        clock: Callable[[], float] = time.time,
        window_s: float = SIGNATURE_WINDOW_S,
    ) -> None:
        self._secret = secret.encode()
        self._clock = clock
        self._window = window_s

    def refusal(self, all_of: Callable[[str], list[str]], body: bytes) -> str | None:
        """Why the request is not Slack's, or None when its signature verifies.
        ``all_of(name)`` gives every value of a header (so a doubled header is seen)."""
        signatures = all_of("X-Slack-Signature")
        stamps = all_of("X-Slack-Request-Timestamp")
        if len(signatures) != 1 or len(stamps) != 1:
            return "not exactly one signature and one timestamp header"
        stamp, signature = stamps[0].strip(), signatures[0].strip()
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            return "timestamp is not a number of seconds"
        if abs(self._clock() - int(stamp)) > self._window:
            return "timestamp is more than five minutes off"
        digest = hmac.new(self._secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
        if not hmac.compare_digest(f"v0={digest.hexdigest()}".encode(), signature.encode()):
            return "signature does not match"
        return None


class _Refusals:
    """One log line per reason a minute, with how many were left unsaid."""

    def __init__(self) -> None:
        self._throttle = Throttle()

    def warn(self, reason: str) -> None:
        count = self._throttle.due(reason)
        if count:
            also = f" (and {count - 1} more since the last line)" if count > 1 else ""
            log.warning("Slack: refused a request to /slack/events: %s%s", reason, also)


def http_app(
    app: AsyncApp,
    secret: str,
    guard: ReplayGuard | None = None,
    clock: Callable[[], float] = time.time,
) -> web.Application:
    """An aiohttp application: POST /slack/events (verified) to bolt, GET /healthz."""

    async def healthz(_: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post("/slack/events", events_handler(app, secret, guard, clock))
    web_app.router.add_get("/healthz", healthz)
    return web_app


def events_handler(
    app: AsyncApp,
    secret: str,
    guard: ReplayGuard | None = None,
    clock: Callable[[], float] = time.time,
) -> Handler:
    """``POST /slack/events``: verified before anything reads it, then handed to bolt."""
    replay = guard if guard is not None else ReplayGuard()
    signature = SlackSignature(secret, clock)
    refused = _Refusals()

    def refuse(reason: str) -> web.Response:
        refused.warn(reason)
        return web.Response(status=401, text="unverified request")

    async def events(request: web.Request) -> web.StreamResponse:
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return refuse("body too large")
        body = await request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return refuse("body too large")
        reason = signature.refusal(lambda name: request.headers.getall(name, []), body)
        if reason is not None:
            return refuse(reason)
        if not await replay.first_time_anywhere(request.headers["X-Slack-Signature"].strip()):
            return refuse("replayed (the same signed request was seen in the last five minutes)")
        return await _dispatch(app, request, body, refused)

    return events


async def _dispatch(
    app: AsyncApp, request: web.Request, body: bytes, refused: _Refusals
) -> web.StreamResponse:
    """Hand a verified request to bolt. Slack sends UTF-8 forms or JSON; a signed body
    that is neither (only someone holding the secret can send one) is a 400."""
    try:
        bolt_request = AsyncBoltRequest(
            body=body.decode("utf-8"),
            query=request.query_string,
            # One value a name: the signature headers were checked to be single already.
            headers=dict(request.headers),
        )
    # bolt parses the body as it is built: JSON that is not an object fails there.
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        refused.warn(f"signed but unreadable ({exc.__class__.__name__})")
        return web.Response(status=400, text="unreadable request")
    try:
        response = await app.async_dispatch(bolt_request)
    except Exception as exc:  # noqa: BLE001 - bolt could not read a signed body: refuse it
        refused.warn(f"signed but unreadable ({exc.__class__.__name__})")
        return web.Response(status=400, text="unreadable request")
    return await to_aiohttp_response(response)


def oauth_handler(app: AsyncApp, step: str) -> Handler:
    """``GET /slack/install`` (step "install": the Add to Slack page, which issues an OAuth
    state) or ``GET /slack/oauth_redirect`` (step "redirect": Slack sends the installer
    back with a code, exchanged for the workspace's token), through bolt's OAuth flow."""

    async def handle(request: web.Request) -> web.StreamResponse:
        flow = app.oauth_flow
        if flow is None:
            return web.Response(status=404, text="not installable in other workspaces")
        bolt_request = AsyncBoltRequest(
            body="",
            query=request.query_string,
            headers={k: request.headers.getall(k) for k in request.headers},
        )
        if step == "install":
            response = await flow.handle_installation(bolt_request)
        else:
            response = await flow.handle_callback(bolt_request)
        return await to_aiohttp_response(response)

    return handle


async def serve_http(
    app: AsyncApp,
    secret: str,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_listening: OnListening | None = None,
) -> None:
    """Serve bolt over HTTP on ``host:port`` until ``stop`` is set."""
    await serve_app(http_app(app, secret), host, port, stop, "slack /slack/events", on_listening)
