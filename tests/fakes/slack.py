"""A fake Slack on 127.0.0.1: the Web API, the Socket Mode websocket and response_urls.

Real sockets, documented payload shapes: slack-bolt and slack-sdk talk to it exactly as
they talk to slack.com, through ``SLACK_API_URL`` (``base_url``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-111-222-fakebottoken"
APP_TOKEN = "xapp-1-A111-222-fakeapptoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "fake-client-secret-3333"
BOT_ID = "B0QUOTEBOT"


def person(
    user: str, name: str, tz: str, admin: bool = False, owner: bool = False, locale: str = "en-US"
) -> dict[str, Any]:
    """A user as users.info documents it (the fields quotebot reads, and their neighbours);
    ``locale`` is given only when the call asks ``include_locale``, as Slack does."""
    return {
        "locale": locale,
        "id": user, "team_id": "T0FILMCLB", "name": name.lower(), "deleted": False,
        "color": "9f69e7", "real_name": name, "tz": tz, "tz_label": "", "tz_offset": 0,
        "profile": {"real_name": name, "display_name": name, "team": "T0FILMCLB"},
        "is_admin": admin, "is_owner": owner, "is_primary_owner": owner,
        "is_restricted": False, "is_ultra_restricted": False, "is_bot": False,
        "is_app_user": False, "updated": 1_700_000_000, "has_2fa": False,
    }  # fmt: skip


MEMBER = "U0MEMBER1"
ADMIN = "U0ADMIN01"
OWNER = "U0OWNER01"
PEOPLE = {
    MEMBER: person(MEMBER, "Ana", "America/Toronto"),
    ADMIN: person(ADMIN, "Bea", "Europe/Paris", admin=True),
    OWNER: person(OWNER, "Cy", "Asia/Tokyo", owner=True),
}


@dataclass
class Call:
    """One request that reached the fake."""

    path: str
    headers: Mapping[str, str]
    data: dict[str, Any]


@dataclass
class FakeSlack:
    """Start with ``await fake.start()``; ``fake.api_url`` is what ``SLACK_API_URL`` takes."""

    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    calls: list[Call] = field(default_factory=list)
    responses: dict[str, list[web.Response]] = field(default_factory=dict)
    # Channels chat.postMessage refuses with channel_not_found (deleted, or never there).
    missing_channels: set[str] = field(default_factory=set)
    # Messages chat.postMessage accepted, oldest first.
    messages: list[dict[str, Any]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _acks: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    _responses_posted: asyncio.Queue[Call] = field(default_factory=asyncio.Queue)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    # Set by hold_method(): requests to that method wait until release() is called.
    _held: dict[str, asyncio.Event] = field(default_factory=dict)
    _last_ts: float = 0.0
    # Channels the bot is a member of (history needs it); None: every channel.
    joined: set[str] | None = None
    # Slack's clock, for message timestamps (a benchmark moves it with quotebot's --now).
    clock: Callable[[], float] = time.time
    # Seconds to wait before accepting a message, asked of this per message; None: no wait.
    post_delay: Callable[[], float] | None = None
    _arrived: dict[str, asyncio.Event] = field(default_factory=dict)
    # Slack's limit for chat.postMessage, one message a second per channel, enforced when
    # set; how many posts it refused.
    per_channel_interval: float | None = None
    refused: int = 0
    _last_post: dict[str, float] = field(default_factory=dict)
    # Bot tokens Slack knows, and the workspace each is for; OAuth codes it has handed out
    # (code -> workspace), and the app's client credentials.
    tokens: dict[str, str] = field(default_factory=lambda: {BOT_TOKEN: "T0FILMCLB"})
    codes: dict[str, str] = field(default_factory=dict)
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    # users.info's answers: the people of the workspace, by ID.
    users: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(PEOPLE))
    # views.publish: the Home tab view last published for each user.
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    # views.open: every modal opened, oldest first.
    modals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        # slack-sdk reads some methods (conversations.history) with GET and a query string.
        app.router.add_get("/api/{method}", self._web_api)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/response/{id}", self._response_url)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.base_events.Server)
        self._port = server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.path == f"/api/{method}"]

    # ---- Web API ---------------------------------------------------------------------

    async def _web_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        call = Call(request.path, dict(request.headers), await _request_data(request))
        self.calls.append(call)
        if method in self._held:
            self._arrived[method].set()
            await self._held[method].wait()
        queued = self.responses.get(method)
        if queued:
            return queued.pop(0)
        if method == "oauth.v2.access":
            return self._oauth_access(request, call.data)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        known = (
            token == self.app_token if method == "apps.connections.open" else token in self.tokens
        )
        if not known:
            return _slack_json({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return _slack_json(
                {
                    "ok": True,
                    "url": "https://film-club.slack.com/",
                    "team": "Film Club",
                    "user": "quotebot",
                    "team_id": self.tokens.get(token, "T0FILMCLB"),
                    "user_id": "U0QUOTEBOT",
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            )
        if method == "apps.connections.open":
            return _slack_json({"ok": True, "url": f"ws://127.0.0.1:{self._port}/link"})
        if method == "chat.postMessage":
            if self.post_delay is not None:  # the platform taking its time (benchmarks)
                await asyncio.sleep(self.post_delay())
            if call.data.get("channel") in self.missing_channels:
                return _slack_json({"ok": False, "error": "channel_not_found"})
            if self.per_channel_interval is not None:
                channel, now = str(call.data.get("channel")), time.monotonic()
                if now - self._last_post.get(channel, -1e9) < self.per_channel_interval:
                    self.refused += 1
                    return web.json_response(
                        {"ok": False, "error": "ratelimited"}, status=429,
                        headers={"Retry-After": "1"},
                    )  # fmt: skip
                self._last_post[channel] = now
            # Unique and increasing, as Slack's are within a channel.
            ts = f"{max(self.clock(), self._last_ts + 0.000001):.6f}"
            self._last_ts = float(ts)
            metadata = call.data.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            message = {**call.data, "ts": ts, "bot_id": BOT_ID, "type": "message"}
            if metadata:
                message["metadata"] = metadata
            self.messages.append(message)
            return _slack_json(
                {"ok": True, "channel": call.data.get("channel"), "ts": ts, "message": message}
            )
        if method == "conversations.history":
            return self._history(call.data)
        if method == "users.info":
            person = self.users.get(str(call.data.get("user")))
            if person is None:
                return _slack_json({"ok": False, "error": "user_not_found"})
            if str(call.data.get("include_locale")).lower() not in ("true", "1"):
                person = {k: v for k, v in person.items() if k != "locale"}
            return _slack_json({"ok": True, "user": person})
        if method == "conversations.join":
            if self.joined is not None:
                self.joined.add(str(call.data.get("channel")))
            return _slack_json({"ok": True, "channel": {"id": call.data.get("channel")}})
        if method == "views.publish":
            return self._publish(call.data)
        if method == "views.open":
            return self._open(call.data)
        if method == "chat.update":
            return self._update(call.data)
        return _slack_json({"ok": False, "error": "unknown_method"})

    def _open(self, data: dict[str, Any]) -> web.Response:
        """views.open: a modal for a trigger_id, at most 100 blocks, kept in ``modals``."""
        view = data.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not data.get("trigger_id") or not isinstance(view, dict) or view.get("type") != "modal":
            return _slack_json({"ok": False, "error": "invalid_arguments"})
        if len(view.get("blocks", [])) > 100 or len(view.get("title", {}).get("text", "")) > 24:
            return _slack_json({"ok": False, "error": "invalid_arguments"})
        self.modals.append(view)
        n = next(self._ids)
        return _slack_json({"ok": True, "view": {**view, "id": f"V0MODAL{n:05d}"}})

    def _update(self, data: dict[str, Any]) -> web.Response:
        """chat.update: a message the bot posted, changed in place in ``messages``."""
        channel, ts = data.get("channel"), data.get("ts")
        for message in self.messages:
            if message.get("channel") == channel and message.get("ts") == ts:
                message.update({k: v for k, v in data.items() if k in ("text", "blocks")})
                return _slack_json({"ok": True, "channel": channel, "ts": ts})
        return _slack_json({"ok": False, "error": "message_not_found"})

    def _publish(self, data: dict[str, Any]) -> web.Response:
        """views.publish: a home view for a user, at most 100 blocks, kept as published."""
        view = data.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        user = str(data.get("user_id", ""))
        if not user or not isinstance(view, dict) or view.get("type") != "home":
            return _slack_json({"ok": False, "error": "invalid_arguments"})
        if len(view.get("blocks", [])) > 100:
            return _slack_json({"ok": False, "error": "invalid_blocks"})
        self.views[user] = view
        n = next(self._ids)
        return _slack_json({"ok": True, "view": {**view, "id": f"V0HOME{n:05d}"}})

    def authorize(self, team: str) -> str:
        """Someone in ``team`` agreed to install the app: the code Slack redirects with."""
        code = f"code-{team}-{next(self._ids)}"
        self.codes[code] = team
        return code

    def _oauth_access(self, request: web.Request, data: dict[str, Any]) -> web.Response:
        """oauth.v2.access: the app's credentials (HTTP Basic, or in the form) and a code
        Slack handed out, once, for a bot token of that workspace."""
        import base64

        basic = request.headers.get("Authorization", "").removeprefix("Basic ")
        try:
            client_id, _, secret = base64.b64decode(basic).decode().partition(":")
        except ValueError:
            client_id = secret = ""
        client_id = client_id or str(data.get("client_id", ""))
        secret = secret or str(data.get("client_secret", ""))
        if (client_id, secret) != (self.client_id, self.client_secret):
            return _slack_json({"ok": False, "error": "invalid_client_id"})
        team = self.codes.pop(str(data.get("code")), None)
        if team is None:
            return _slack_json({"ok": False, "error": "invalid_code"})
        token = f"xoxb-{team}-{next(self._ids)}-fake"
        self.tokens[token] = team
        return _slack_json({
            "ok": True, "app_id": "A0QUOTEBOT", "authed_user": {"id": "U0ADMIN01"},
            "scope": "commands,chat:write,users:read", "token_type": "bot",
            "access_token": token, "bot_user_id": "U0QUOTEBOT",
            "team": {"id": team, "name": f"Team {team}"}, "enterprise": None,
            "is_enterprise_install": False,
        })  # fmt: skip

    def _history(self, data: dict[str, Any]) -> web.Response:
        """conversations.history: newest first, after ``oldest``; metadata only when asked
        for with include_all_metadata, as Slack does."""
        channel = data.get("channel")
        if channel in self.missing_channels:
            return _slack_json({"ok": False, "error": "channel_not_found"})
        if self.joined is not None and channel not in self.joined:
            return _slack_json({"ok": False, "error": "not_in_channel"})
        oldest = float(data.get("oldest") or 0)
        limit = int(data.get("limit") or 100)
        with_metadata = str(data.get("include_all_metadata")).lower() in ("1", "true")
        found = [
            {k: v for k, v in m.items() if k != "metadata" or with_metadata}
            for m in reversed(self.messages)
            if m.get("channel") == channel and float(m["ts"]) > oldest
        ][:limit]
        return _slack_json({"ok": True, "messages": found, "has_more": False})

    def hold_method(self, method: str) -> None:
        """Keep requests to ``method`` waiting (a slow Slack) until ``release(method)``."""
        self._held[method] = asyncio.Event()
        self._arrived[method] = asyncio.Event()

    async def arrived(self, method: str) -> None:
        """Until a held request to ``method`` has come in."""
        await asyncio.wait_for(self._arrived[method].wait(), 10)

    def release(self, method: str) -> None:
        self._held.pop(method).set()

    # ---- Socket Mode -----------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0QUOTEBOT"},
            }
        )
        self._connected.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self._acks.put(json.loads(message.data))
        return ws

    async def connected(self) -> None:
        """Wait until a Socket Mode client has connected and been greeted."""
        await asyncio.wait_for(self._connected.wait(), 10)

    async def slash_command(self, command: str, text: str, **extra: str) -> dict[str, Any]:
        """Send a ``slash_commands`` envelope and return the client's ack for it."""
        envelope_id = f"env-{next(self._ids)}"
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "payload": self.command_payload(command, text, **extra),
                "type": "slash_commands",
                "accepts_response_payload": True,
            }
        )
        ack = await asyncio.wait_for(self._acks.get(), 10)
        assert ack["envelope_id"] == envelope_id, ack
        return ack

    def command_payload(self, command: str, text: str, **extra: str) -> dict[str, str]:
        """The fields Slack sends with a slash command (its documented form)."""
        n = next(self._ids)
        return {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": "T0FILMCLB",
            "team_domain": "film-club",
            "enterprise_id": "",
            "channel_id": "C0FILMCLUB",
            "channel_name": "general",
            "user_id": "U0MEMBER1",
            "user_name": "ana",
            "command": command,
            "text": text,
            "api_app_id": "A0QUOTEBOT",
            "is_enterprise_install": "false",
            "response_url": f"{self.base}/response/{n}",
            "trigger_id": f"1234.5678.{n}",
            **extra,
        }

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send ``payload`` in a Socket Mode envelope of ``kind`` (``events_api``,
        ``interactive``) and return the client's ack, which bolt sends once its listener
        has run (quotebot processes before it responds)."""
        envelope_id = f"env-{next(self._ids)}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope |= {"retry_attempt": 0, "retry_reason": ""}
        await self._sockets[-1].send_json(envelope)
        ack = await asyncio.wait_for(self._acks.get(), 10)
        assert ack["envelope_id"] == envelope_id, ack
        return ack

    def event_callback(self, event: dict[str, Any], team: str = "T0FILMCLB") -> dict[str, Any]:
        """The Events API envelope Slack wraps an event in (its documented form)."""
        n = next(self._ids)
        return {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": team, "context_team_id": team,
            "context_enterprise_id": None, "api_app_id": "A0QUOTEBOT", "event": event,
            "type": "event_callback", "event_id": f"Ev0FAKE{n:06d}",
            "event_time": int(self.clock()),
            "authorizations": [{
                "enterprise_id": None, "team_id": team, "user_id": "U0QUOTEBOT",
                "is_bot": True, "is_enterprise_install": False,
            }],
            "is_ext_shared_channel": False,
            "event_context": f"4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJ{n:06d}",
        }  # fmt: skip

    def dm_event(self, text: str, user: str = MEMBER, **extra: Any) -> dict[str, Any]:
        """A ``message`` event for a DM to the bot (``message.im``); ``extra`` for a bot's
        message or a subtype."""
        n = next(self._ids)
        ts = f"{self.clock():.6f}"
        return {
            "type": "message", "channel": "D0MEMBER01", "user": user, "text": text,
            "ts": ts, "event_ts": ts, "channel_type": "im", "team": "T0FILMCLB",
            "client_msg_id": f"5b1a3c9e-0000-4000-8000-{n:012d}",
            "blocks": [{"type": "rich_text", "block_id": f"b{n}", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]},
            ]}],
            **extra,
        }  # fmt: skip

    def message_action(
        self, text: str, callback_id: str = "find_the_source", user: str = MEMBER
    ) -> dict[str, Any]:
        """A message shortcut's payload (``message_action``) on a message with ``text``."""
        n = next(self._ids)
        ts = f"{self.clock():.6f}"
        return {
            "type": "message_action", "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "action_ts": ts, "callback_id": callback_id, "trigger_id": f"1234.5678.{n}",
            "message_ts": ts, "response_url": f"{self.base}/response/{n}",
            "team": {"id": "T0FILMCLB", "domain": "film-club"},
            "user": {"id": user, "username": "ana", "name": "ana", "team_id": "T0FILMCLB"},
            "channel": {"id": "C0FILMCLUB", "name": "general"},
            "message": {
                "type": "message", "user": "U0POSTER1", "ts": ts, "text": text,
                "client_msg_id": f"7c2d4e6f-0000-4000-8000-{n:012d}", "team": "T0FILMCLB",
            },
            "api_app_id": "A0QUOTEBOT", "enterprise": None, "is_enterprise_install": False,
        }  # fmt: skip

    def home_opened(self, user: str = MEMBER, tab: str = "home") -> dict[str, Any]:
        """An ``app_home_opened`` event (a user opened the Home or Messages tab)."""
        ts = f"{self.clock():.6f}"
        return {"type": "app_home_opened", "user": user, "channel": "D0MEMBER01",
                "tab": tab, "event_ts": ts}  # fmt: skip

    def button_press(self, action_id: str, value: str, user: str = MEMBER) -> dict[str, Any]:
        """A ``block_actions`` payload: a button pressed in the user's Home tab view."""
        n = next(self._ids)
        ts = f"{self.clock():.6f}"
        return {
            "type": "block_actions", "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "user": {"id": user, "username": "ana", "name": "ana", "team_id": "T0FILMCLB"},
            "api_app_id": "A0QUOTEBOT", "trigger_id": f"1234.5678.{n}",
            "team": {"id": "T0FILMCLB", "domain": "film-club"},
            "enterprise": None, "is_enterprise_install": False,
            "container": {"type": "view", "view_id": "V0HOME00001"},
            "view": {"id": "V0HOME00001", "type": "home", "team_id": "T0FILMCLB",
                     "blocks": [], "app_id": "A0QUOTEBOT", "bot_id": BOT_ID},
            "actions": [{
                "type": "button", "action_id": action_id, "block_id": f"b{n}",
                "text": {"type": "plain_text", "text": value, "emoji": False},
                "value": value, "action_ts": ts,
            }],
        }  # fmt: skip

    def message_button(
        self, action_id: str, value: str, ephemeral: bool = False, user: str = MEMBER
    ) -> dict[str, Any]:
        """A ``block_actions`` payload: a button pressed under a message in a channel (an
        ephemeral one: only the presser sees it), with the response_url to answer on."""
        made = self.button_press(action_id, value, user)
        n = next(self._ids)
        del made["view"]
        made["container"] = {
            "type": "message",
            "message_ts": f"{self.clock():.6f}",
            "channel_id": "C0FILMCLUB",
            "is_ephemeral": ephemeral,
        }
        made["channel"] = {"id": "C0FILMCLUB", "name": "general"}
        made["response_url"] = f"{self.base}/response/{n}"
        return made  # fmt: skip

    def menu_choice(self, action_id: str, value: str, ephemeral: bool = True) -> dict[str, Any]:
        """A ``block_actions`` payload: an option of a ``static_select`` (``action_id``)
        chosen under a message, its ``selected_option.value`` being ``value``."""
        made = self.message_button(action_id, value, ephemeral)
        [pressed] = made["actions"]
        option = {"text": {"type": "plain_text", "text": value[:75]}, "value": value}
        made["actions"] = [{
            "type": "static_select", "action_id": action_id, "block_id": pressed["block_id"],
            "selected_option": option, "action_ts": pressed["action_ts"],
        }]  # fmt: skip
        return made

    # ---- response_url ----------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        call = Call(request.path, dict(request.headers), await _request_data(request))
        self.calls.append(call)
        await self._responses_posted.put(call)
        return web.Response(text="ok")

    async def next_response_post(self) -> Call:
        return await asyncio.wait_for(self._responses_posted.get(), 10)


def signed_headers(
    body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """The headers Slack signs a request with: v0 HMAC-SHA256 of ``v0:{ts}:{body}``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def json_headers(body: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Signed headers for an Events API request, which Slack sends as JSON."""
    return {**signed_headers(body, secret), "Content-Type": "application/json"}


def form_body(fields: Mapping[str, str]) -> str:
    return urllib.parse.urlencode(fields)


async def _request_data(request: web.Request) -> dict[str, Any]:
    # slack-sdk sends some methods' arguments in the query string, even with POST
    # (conversations.join), others as a form or JSON body.
    data: dict[str, Any] = dict(request.query)
    raw = await request.text()
    if request.content_type == "application/json":
        data.update(json.loads(raw) if raw else {})
    else:
        data.update(urllib.parse.parse_qsl(raw))
    return data


def _slack_json(data: dict[str, Any]) -> web.Response:
    return web.json_response(data)
