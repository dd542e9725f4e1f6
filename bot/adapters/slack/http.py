"""Slack over HTTP: POST /slack/events verified before anything parses it, then to bolt;
GET /healthz.

Verification is quotebot's own, in front of bolt: exactly one signature and one timestamp
header, each in its one form (``v0=`` and 64 lowercase hex digits, as Slack sends it; the
timestamp digits alone), the timestamp within five minutes, the v0 HMAC-SHA256 of the raw
bytes compared in constant time, and a signature never seen before (bolt remembers
nothing, so a captured request could be replayed). Anything else gets 401 and one log
line (at most one a minute), and is never decoded, parsed or remembered. A body not all
there within its deadline, too large or broken in transit is refused unread (408, 413,
400: body.py); a verified body bolt cannot read is a 400. A slash command the book
answers is answered without bolt when it can be (direct.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.adapters.http.body import MAX_BODY_BYTES, Unread, read_body, well_formed
from bot.adapters.http.replay import ReplayGuard
from bot.adapters.http.server import Handler, OnListening, serve_app
from bot.adapters.http.throttle import Throttle
from bot.adapters.slack.direct import DirectCommands, form_fields

log = logging.getLogger("quotebot.slack")

# Slack signs each request with the time it was sent; older than this is refused.
SIGNATURE_WINDOW_S = 300
# The headers' one form each ([0-9] rather than \d, which takes other scripts' digits too).
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
SECONDS = re.compile(r"[0-9]{1,12}")
# Headers bolt reads as its own instructions (lazy listeners it runs in-process), never
# taken from outside.
BOLT_ONLY = "x-slack-bolt-"


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

    def check(self, all_of: Callable[[str], list[str]], body: bytes) -> tuple[str | None, str]:
        """Why the request is not Slack's (None when its signature verifies), and the
        signature verified, as the replay guard's key. ``all_of(name)`` gives every value
        of a header (so a doubled header is seen)."""
        signatures = all_of("X-Slack-Signature")
        stamps = all_of("X-Slack-Request-Timestamp")
        if len(signatures) != 1 or len(stamps) != 1:
            return "not exactly one signature and one timestamp header", ""
        stamp, signature = stamps[0], signatures[0]
        if not SECONDS.fullmatch(stamp):
            return "timestamp is not a number of seconds", ""
        if abs(self._clock() - int(stamp)) > self._window:
            return "timestamp is more than five minutes off", ""
        if not SIGNATURE.fullmatch(signature):
            return "signature is not v0= and 64 lowercase hex digits", ""
        digest = hmac.new(self._secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
        expected = f"v0={digest.hexdigest()}"
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return "signature does not match", ""
        return None, expected

    def refusal(self, all_of: Callable[[str], list[str]], body: bytes) -> str | None:
        """Why the request is not Slack's, or None when its signature verifies."""
        return self.check(all_of, body)[0]


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
    direct: DirectCommands | None = None,
) -> web.Application:
    """An aiohttp application: POST /slack/events (verified) to ``direct`` or bolt, GET
    /healthz."""

    async def healthz(_: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post("/slack/events", events_handler(app, secret, guard, clock, direct))
    web_app.router.add_get("/healthz", healthz)
    return web_app


def events_handler(
    app: AsyncApp,
    secret: str,
    guard: ReplayGuard | None = None,
    clock: Callable[[], float] = time.time,
    direct: DirectCommands | None = None,
) -> Handler:
    """``POST /slack/events``: verified before anything reads it, then answered by
    ``direct`` where it can (bot.adapters.slack.direct), else handed to bolt."""
    replay = guard if guard is not None else ReplayGuard()
    signature = SlackSignature(secret, clock)
    refused = _Refusals()

    def refuse(reason: str) -> web.Response:
        refused.warn(reason)
        return web.Response(status=401, text="unverified request")

    async def events(request: web.Request) -> web.StreamResponse:
        try:
            body = await read_body(request)
        except Unread as unread:
            refused.warn(unread.reason)
            return await unread.answer(request)
        headers = request.headers
        reason, key = signature.check(lambda name: headers.getall(name, []), body)
        if reason is not None:
            return refuse(reason)
        if not await replay.first_time_anywhere(key):
            return refuse("replayed (the same signed request was seen in the last five minutes)")
        if direct is not None:
            made = await direct.answer(request.content_type, body)
            if made is not None:  # as bolt's ack of a JSON body is sent
                return web.Response(text=made, content_type="application/json")
        return await _dispatch(app, request, body, refused)

    return events


async def _dispatch(
    app: AsyncApp, request: web.Request, body: bytes, refused: _Refusals
) -> web.StreamResponse:
    """Hand a verified request to bolt. Slack sends UTF-8 forms or JSON (interactivity:
    a form whose ``payload`` field is JSON); a signed body bolt cannot read as an object
    of Unicode text nested at most MAX_DEPTH deep (only someone holding the secret can
    send one) is a 400."""
    # One value a name (the first); bolt's own instructions to itself never from outside.
    headers: dict[str, str | Sequence[str]] = {
        k: request.headers[k] for k in request.headers if not k.lower().startswith(BOLT_ONLY)
    }
    try:
        # bolt parses the body as it builds the request (JSON that is not an object, or
        # is nested deep enough for a RecursionError, fails there).
        bolt_request = AsyncBoltRequest(
            body=_as_bolt_reads(body.decode("utf-8"), request.content_type),
            query=request.query_string,
            headers=headers,
        )
    except Exception as exc:  # noqa: BLE001 - whatever bolt's parse raised, the body is at fault
        refused.warn(f"signed but unreadable ({exc.__class__.__name__})")
        return web.Response(status=400, text="unreadable request")
    if not isinstance(bolt_request.body, dict) or not well_formed(bolt_request.body):
        refused.warn("signed but unreadable (nested too deep, or not Unicode text)")
        return web.Response(status=400, text="unreadable request")
    try:
        response = await app.async_dispatch(bolt_request)
    except Exception as exc:  # noqa: BLE001 - bolt could not read a signed body: refuse it
        refused.warn(f"signed but unreadable ({exc.__class__.__name__})")
        return web.Response(status=400, text="unreadable request")
    return await to_aiohttp_response(response)


def _as_bolt_reads(text: str, content_type: str) -> str:
    """A form as bolt should read it. bolt takes any form with the letters "payload" in it
    for interactivity and, finding no ``payload`` field, reads it as nothing (so
    ``/jonze payload`` was bolt's 404): there, one letter of each is escaped, which
    decodes to the same fields."""
    if "payload" not in text or content_type == "application/json" or text.startswith("{"):
        return text
    if "payload" in form_fields(text, frozenset({"payload"})):  # interactivity: as it came
        return text
    return text.replace("payload", "p%61yload")


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
