"""A fake Discord on 127.0.0.1: the REST API (v10) and a gateway websocket.

Real sockets, documented payload shapes: discord.py talks to it exactly as it talks to
discord.com, through ``DISCORD_API_BASE``; the gateway URL comes from ``GET /gateway/bot``.
Every JSON answer carries ``Content-Type: application/json`` exactly (discord.py refuses
``application/json; charset=utf-8``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

# Three dot-separated parts, as a real bot token has (the first is the bot's ID in base64).
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GfakeX.fake-discord-bot-token-for-tests"
APP_ID = "1000000000000000001"
GUILD_ID = "2000000000000000001"
CHANNEL_ID = "3000000000000000001"
USER_ID = "4000000000000000001"

# Gateway opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 9, 10, 11
# Interaction types and callback types.
APPLICATION_COMMAND, AUTOCOMPLETE = 2, 4
CHANNEL_MESSAGE, AUTOCOMPLETE_RESULT = 4, 8
EPHEMERAL = 1 << 6
# Chat-input commands an application may have, global or per server (message and user
# commands have caps of their own, of 5 each).
COMMANDS_MAX = 100
# How long the fake waits for the client before the test fails.
DEADLINE_S = 10.0


@dataclass
class Call:
    """One REST request that reached the fake."""

    method: str
    path: str
    headers: Mapping[str, str]
    data: Any


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def rate_limited(retry_after: float) -> web.Response:
    """A 429 as Discord sends it: Retry-After header and retry_after in the body."""
    return _json(
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
        429,
        # discord.py takes a 429 without Via for a Cloudflare ban and gives up at once.
        {"Retry-After": str(retry_after), "X-RateLimit-Scope": "user", "Via": "1.1 google"},
    )


def _user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = _user(APP_ID, "quotebot", bot=True)
MEMBER_USER = _user(USER_ID, "cinephile")
# A member's permissions in the channel, as interactions carry them: a plain member's
# (no Manage Channels, 1 << 4, nor Administrator, 1 << 3), and a channel manager's.
MEMBER_PERMISSIONS = "2248473465835073"
MANAGER_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | 1 << 4)
# A moderator's: Manage Messages (1 << 13) too. The plain member's lacks it (and 1 << 5).
MODERATOR_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | 1 << 13)
DM_CHANNEL_ID = "3000000000000000099"
MESSAGE_ID = "8000000000000000001"
# Application command types (data.type): a message command is 3.
MESSAGE_COMMAND = 3
# Where an interaction came from (its context): a server, the bot's DM, a private channel.
GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2


@dataclass
class FakeDiscord:
    """Start with ``await fake.start()``; ``fake.api_base`` is what ``DISCORD_API_BASE`` takes."""

    token: str = TOKEN
    shards: int = 1
    guilds: tuple[str, ...] = (GUILD_ID,)
    calls: list[Call] = field(default_factory=list)
    # Global commands under None, guild commands under the guild's ID.
    commands: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)
    identified: list[dict[str, Any]] = field(default_factory=list)
    # Channels messages can be posted to; others answer 404 Unknown Channel, and those in
    # forbidden 403 Missing Permissions.
    channels: set[str] = field(default_factory=lambda: {CHANNEL_ID})
    forbidden: set[str] = field(default_factory=set)
    # Messages created, oldest first; and answers to give instead, next first.
    messages: list[dict[str, Any]] = field(default_factory=list)
    # Files posted with messages (multipart): (filename, bytes, description), oldest first.
    uploads: list[tuple[str, bytes, str | None]] = field(default_factory=list)
    failures: list[web.Response] = field(default_factory=list)
    # Answers given for every request to (method, path), whatever else would be said.
    broken: dict[tuple[str, str], Callable[[], web.Response]] = field(default_factory=dict)
    # Seconds to wait before creating a message, asked of this per message; None: no wait.
    post_delay: Callable[[], float] | None = None
    _runner: web.AppRunner | None = None
    _port: int = 0
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _ready: asyncio.Event = field(default_factory=asyncio.Event)
    _callbacks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Follow-up messages to interactions (POST /webhooks/{app}/{token}), oldest first.
    followups: list[dict[str, Any]] = field(default_factory=list)
    # Discord's global rate limit (requests a second across the bot), enforced when set;
    # how many requests it refused.
    global_rate: float | None = None
    refused: int = 0
    _recent: list[float] = field(default_factory=list)
    _followed_up: asyncio.Condition = field(default_factory=asyncio.Condition)
    # DMs opened to users (their IDs), and message edits (PATCH bodies), oldest first.
    dms_opened: list[str] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base(self) -> str:
        return f"{self.base}/api/v10"

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_ready(self) -> None:
        """Until a client has identified and been sent READY and its guilds (10 s at most:
        a client that never comes fails the test instead of hanging it)."""
        await asyncio.wait_for(self._ready.wait(), DEADLINE_S)

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path == path]

    # ---- REST --------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body = await request.read()
        data: Any = _multipart(request.content_type, body) if body else None
        if data is None and body:
            data = json.loads(body)
        self.calls.append(Call(request.method, path, dict(request.headers), data))
        parts = path.strip("/").split("/")
        if parts[0] == "interactions" and len(parts) == 4 and parts[3] == "callback":
            # An interaction callback is authorised by its token in the URL, not a header.
            return self._callback(parts[1], parts[2], data)
        if parts[0] == "webhooks" and len(parts) == 3 and request.method == "POST":
            async with self._followed_up:
                answer = self._followup(parts[1], parts[2], data or {})
                self._followed_up.notify_all()
            return answer
        if (request.method, path) in self.broken:
            return self.broken[(request.method, path)]()
        if request.headers.get("Authorization") != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        if self.global_rate is not None and (wait := self._over_global_rate()):
            self.refused += 1
            return _json(
                {"message": "You are being rate limited.", "retry_after": wait, "global": True},
                429,
                {"Retry-After": f"{wait:.3f}", "X-RateLimit-Global": "true",
                 "X-RateLimit-Scope": "global", "Via": "1.1 google"},
            )  # fmt: skip
        if (more := self._suggestions_rest(request.method, parts, data or {})) is not None:
            return more
        route = (request.method, path)
        if route == ("GET", "/users/@me"):
            return _json(BOT_USER)
        if route == ("GET", "/oauth2/applications/@me"):
            return _json(self._application())
        if route == ("GET", "/gateway/bot"):
            return _json(
                {
                    "url": f"ws://127.0.0.1:{self._port}/gateway",
                    "shards": self.shards,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 14400000,
                        "max_concurrency": 1,
                    },
                }
            )
        if request.method == "POST" and parts[0] == "channels" and parts[2:] == ["messages"]:
            if self.post_delay is not None:  # the platform taking its time (benchmarks)
                await asyncio.sleep(self.post_delay())
            return self._create_message(parts[1], data or {})
        if request.method == "GET" and parts[0] == "channels" and parts[2:] == ["messages"]:
            return self._channel_messages(parts[1], request.query)
        if parts[0] == "applications" and parts[1] == APP_ID and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 and parts[2] == "guilds" else None
            chat_input = [c for c in data or [] if c.get("type", 1) == 1]
            if request.method == "PUT" and len(chat_input) > COMMANDS_MAX:
                # Discord refuses the whole upload past its cap.
                return _json(
                    {"message": "Maximum number of application commands reached (100)",
                     "code": 30032},
                    400,
                )  # fmt: skip
            if request.method == "PUT":
                self.commands[scope] = [
                    {
                        # A message command has no description: Discord answers "".
                        "description": "",
                        **command,
                        # Discord answers with the permissions as a string of the bit set.
                        "default_member_permissions": (
                            None
                            if command.get("default_member_permissions") is None
                            else str(command["default_member_permissions"])
                        ),
                        "id": str(9_000_000_000_000_000_000 + next(self._ids)),
                        "application_id": APP_ID,
                        "version": "1",
                        **({"guild_id": scope} if scope else {}),
                    }
                    for command in data or []
                ]
            return _json(self.commands.get(scope, []))
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _create_message(self, channel: str, data: dict[str, Any]) -> web.Response:
        if self.failures:
            return self.failures.pop(0)
        if channel in self.forbidden:
            return _json({"message": "Missing Permissions", "code": 50013}, 403)
        if channel not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            # Discord: the same nonce from the same author within minutes returns the
            # message already created instead of creating another.
            for message in self.messages:
                if message["channel_id"] == channel and message.get("nonce") == nonce:
                    return _json(message)
        message = {
            **data,
            "id": str(7_000_000_000_000_000_000 + next(self._ids)),
            "channel_id": channel,
            "author": BOT_USER,
            "timestamp": "2026-11-25T14:00:00.000000+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "type": 0,
        }
        for number, (filename, content_type, content) in enumerate(data.get("_files", [])):
            described = (data.get("attachments") or [{}] * (number + 1))[number]
            self.uploads.append((filename, content, described.get("description")))
            message["attachments"].append(
                {"id": str(8_000_000_000_000_000_000 + next(self._ids)), "filename": filename,
                 "description": described.get("description"), "content_type": content_type,
                 "size": len(content)}
            )  # fmt: skip
        message.pop("_files", None)
        self.messages.append(message)
        return _json(message)

    def _suggestions_rest(
        self, method: str, parts: list[str], data: dict[str, Any]
    ) -> web.Response | None:
        """A DM channel opened (POST /users/@me/channels), a message edited (PATCH
        /channels/{c}/messages/{m}: its fields replaced, kept in ``edits`` too)."""
        if method == "POST" and parts == ["users", "@me", "channels"]:
            self.channels.add(DM_CHANNEL_ID)
            self.dms_opened.append(str(data.get("recipient_id")))
            return _json({"id": DM_CHANNEL_ID, "type": 1, "recipients": [MEMBER_USER]})
        if method == "PATCH" and parts[0] == "channels" and len(parts) == 4:
            for message in self.messages:
                if message["channel_id"] == parts[1] and message["id"] == parts[3]:
                    message.update(data)
                    self.edits.append(data)
                    return _json(message)
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        return None

    def modal_submit(
        self, custom_id: str, values: dict[str, str], permissions: str = MEMBER_PERMISSIONS
    ) -> dict[str, Any]:
        """A MODAL_SUBMIT interaction (type 5): ``values`` by their inputs' custom_ids."""
        made = self._interaction(5, "", [])
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()]  # fmt: skip
        made["data"] = {"custom_id": custom_id, "components": rows}
        made["member"]["permissions"] = permissions
        return made

    def _over_global_rate(self) -> float:
        """Seconds to wait if this request would pass the global limit, else 0."""
        assert self.global_rate is not None
        now = time.monotonic()
        self._recent = [t for t in self._recent if t > now - 1.0]
        if len(self._recent) >= self.global_rate:
            return round(self._recent[0] + 1.0 - now, 3) or 0.001
        self._recent.append(now)
        return 0.0

    async def followed_up(self, count: int) -> list[dict[str, Any]]:
        """Wait until ``count`` follow-up messages have arrived; all of them."""
        async with self._followed_up:
            await asyncio.wait_for(
                self._followed_up.wait_for(lambda: len(self.followups) >= count), DEADLINE_S
            )
        return self.followups

    def _followup(self, application: str, token: str, data: dict[str, Any]) -> web.Response:
        # Tokens the fake gave out: for interactions sent on the gateway or over HTTP.
        if application != APP_ID or not token.startswith("token-"):
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        message = {
            **data, "id": str(7_000_000_000_000_000_000 + next(self._ids)),
            "channel_id": CHANNEL_ID, "author": BOT_USER, "webhook_id": APP_ID,
            "timestamp": "2026-11-25T14:00:00.000000+00:00", "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": data.get("embeds", []), "pinned": False, "type": 20,
            "flags": data.get("flags", 0),
        }  # fmt: skip
        self.followups.append(message)
        return _json(message)

    def _channel_messages(self, channel: str, query: Mapping[str, str]) -> web.Response:
        """GET /channels/{id}/messages: newest first, after a snowflake, as Discord answers
        (without the nonce, which only the create answer and the gateway carry)."""
        if channel in self.forbidden:
            return _json({"message": "Missing Access", "code": 50001}, 403)
        if channel not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        after = int(query.get("after", "0"))
        limit = int(query.get("limit", "50"))
        found = [
            {k: v for k, v in m.items() if k not in ("nonce", "enforce_nonce")}
            for m in reversed(self.messages)
            if m["channel_id"] == channel and int(m["id"]) > after
        ][:limit]
        return _json(found)

    def _application(self) -> dict[str, Any]:
        return {
            "id": APP_ID,
            "name": "quotebot",
            "icon": None,
            "description": "Film directors' own words",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": _user("5000000000000000001", "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
            "rpc_origins": [],
        }

    def _callback(self, interaction_id: str, token: str, data: Any) -> web.Response:
        future = self._callbacks.get(interaction_id)
        if future is None or token != f"token-{interaction_id}":
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if future.done():
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        future.set_result(data)
        response: dict[str, Any] = {"interaction": {"id": interaction_id, "type": 2}}
        if data.get("type") == CHANNEL_MESSAGE:
            flags = data.get("data", {}).get("flags", 0)
            response["interaction"]["response_message_ephemeral"] = bool(flags & EPHEMERAL)
        return _json(response)

    # ---- gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        sequence = itertools.count(1)
        # Heartbeats are due every 41.25 s, longer than any test: the client sends one
        # anyway when it connects, and the fake acknowledges each.
        await ws.send_json({"op": HELLO, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(message.data)
                if frame["op"] == HEARTBEAT:
                    await ws.send_json({"op": HEARTBEAT_ACK, "d": None})
                elif frame["op"] == IDENTIFY:
                    self.identified.append(frame["d"])
                    await self._send_ready(ws, frame["d"], sequence)
                elif frame["op"] == RESUME:
                    await ws.send_json({"op": INVALID_SESSION, "d": False})
        finally:
            self._sockets.remove(ws)
        return ws

    async def _send_ready(
        self, ws: web.WebSocketResponse, identify: dict[str, Any], sequence: itertools.count[int]
    ) -> None:
        shard = identify.get("shard", [0, 1])
        guilds = [g for g in self.guilds if (int(g) >> 22) % shard[1] == shard[0]]
        ready = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": g, "unavailable": True} for g in guilds],
            "session_id": f"session-{shard[0]}",
            "resume_gateway_url": f"ws://127.0.0.1:{self._port}/gateway",
            "shard": shard,
            "application": {"id": APP_ID, "flags": 0},
        }
        await ws.send_json({"op": DISPATCH, "t": "READY", "s": next(sequence), "d": ready})
        for guild in guilds:
            await ws.send_json(
                {"op": DISPATCH, "t": "GUILD_CREATE", "s": next(sequence), "d": _guild(guild)}
            )
        self._ready.set()

    async def interact(self, interaction: dict[str, Any]) -> dict[str, Any]:
        """Send an INTERACTION_CREATE to the client; the callback it posts back."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._callbacks[interaction["id"]] = future
        await self.send_interaction(interaction)
        return await asyncio.wait_for(future, DEADLINE_S)

    async def send_interaction(self, interaction: dict[str, Any]) -> None:
        await self.send_frame(
            {"op": DISPATCH, "t": "INTERACTION_CREATE", "s": None, "d": interaction}
        )

    async def send_frame(self, frame: dict[str, Any]) -> None:
        """Any frame, as it is, to the connected client (once it has identified)."""
        await self.wait_ready()
        await self._sockets[-1].send_json(frame)

    async def close_gateway(self, code: int) -> None:
        """Close the client's gateway connection with ``code`` (4004: authentication failed)."""
        await self._ready.wait()
        await self._sockets[-1].close(code=code)

    async def invalidate_session(self) -> None:
        """INVALID_SESSION, not resumable: the client must identify again, from scratch."""
        self._ready.clear()
        await self.send_frame_now({"op": INVALID_SESSION, "d": False, "s": None, "t": None})

    async def send_frame_now(self, frame: dict[str, Any]) -> None:
        await self._sockets[-1].send_json(frame)

    # ---- interaction payloads -----------------------------------------------------------

    def command(self, name: str, **options: str) -> dict[str, Any]:
        """An APPLICATION_COMMAND interaction for ``/name option:value ...``."""
        data_options = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
        return self._interaction(APPLICATION_COMMAND, name, data_options)

    def component(
        self, custom_id: str, message_flags: int = 0, values: list[str] | None = None
    ) -> dict[str, Any]:
        """A MESSAGE_COMPONENT interaction: a button with ``custom_id`` pressed on a message
        with ``message_flags`` (64: an ephemeral one); with ``values``, a string select
        (component type 3) with those options chosen."""
        made = self._interaction(3, "", [])
        made["data"] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            made["data"] = {"custom_id": custom_id, "component_type": 3, "values": values}
        made["message"] = {
            "id": str(7_000_000_000_000_000_000 + next(self._ids)),
            "channel_id": CHANNEL_ID, "author": BOT_USER, "content": "", "type": 0,
            "timestamp": "2024-01-01T00:00:00.000000+00:00", "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "flags": message_flags,
        }  # fmt: skip
        return made

    def autocomplete(self, name: str, focused: str, **options: str) -> dict[str, Any]:
        """An APPLICATION_COMMAND_AUTOCOMPLETE interaction, ``focused`` being typed."""
        data_options: list[dict[str, Any]] = [
            {"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
            for k, v in options.items()
        ]
        return self._interaction(AUTOCOMPLETE, name, data_options)

    def subcommand(
        self,
        name: str,
        sub: str,
        permissions: str = MEMBER_PERMISSIONS,
        dm: bool = False,
        focused: str | None = None,
        **options: str,
    ) -> dict[str, Any]:
        """``/name sub option:value ...`` (a command group's subcommand), as a member with
        ``permissions`` in the channel, or in a direct message; with ``focused``, the
        autocomplete interaction for that option."""
        data_options: list[dict[str, Any]] = [
            {"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
            for k, v in options.items()
        ]
        kind = AUTOCOMPLETE if focused else APPLICATION_COMMAND
        made = self._interaction(kind, name, [{"name": sub, "type": 1, "options": data_options}])
        made["member"]["permissions"] = permissions
        return in_dm(made, {"0": GUILD_ID}) if dm else made

    def message_command(
        self, content: str, name: str = "Find the source", message_id: str = MESSAGE_ID
    ) -> dict[str, Any]:
        """A message command (``data.type`` 3) pressed on a message holding ``content``,
        the message under ``data.resolved.messages[target_id]`` as Discord sends it."""
        made = self._interaction(APPLICATION_COMMAND, name, [])
        made["data"].pop("options")
        made["data"]["type"] = MESSAGE_COMMAND
        made["data"]["target_id"] = message_id
        made["data"]["resolved"] = {"messages": {message_id: _message(message_id, content)}}
        return made

    def _interaction(self, kind: int, name: str, options: list[dict[str, Any]]) -> dict[str, Any]:
        interaction_id = str(6_000_000_000_000_000_000 + next(self._ids))
        registered = self.commands.get(GUILD_ID, []) + self.commands.get(None, [])
        command_id = next((c["id"] for c in registered if c["name"] == name), "1")
        return {
            "id": interaction_id,
            "application_id": APP_ID,
            "type": kind,
            "token": f"token-{interaction_id}",
            "version": 1,
            "guild_id": GUILD_ID,
            "channel_id": CHANNEL_ID,
            "channel": _channel(),
            "member": {
                "user": MEMBER_USER,
                "roles": [],
                "joined_at": "2024-01-01T00:00:00.000000+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "permissions": MEMBER_PERMISSIONS,
            },
            "data": {
                "id": command_id,
                "name": name,
                "type": 1,
                "options": options,
                "guild_id": GUILD_ID,
            },
            "app_permissions": "2248473465835073",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD_ID},
            "context": 0,
            "attachment_size_limit": 10485760,
        }


def in_locale(made: dict[str, Any], locale: str) -> dict[str, Any]:
    """``made`` as a member whose Discord is set to ``locale`` sends it (``fr``, ``es-419``,
    ``pt-BR``…: Discord's own names); the server's locale stays as it was."""
    made["locale"] = locale
    return made


def localized(command: dict[str, Any], field: str = "description") -> dict[str, str]:
    """A registered command's (or option's) ``description_localizations`` or
    ``name_localizations`` as Discord keeps them: {} for none."""
    found = command.get(f"{field}_localizations")
    return dict(found) if isinstance(found, dict) else {}


def in_dm(
    made: dict[str, Any],
    owners: dict[str, str] | None = None,
    context: int = BOT_DM_CONTEXT,
) -> dict[str, Any]:
    """``made`` as it comes from a DM: no server, no member, the user alone; ``owners``
    the installs that authorised it (default: the user's own install, ``{"1": user}``)."""
    for key in ("guild_id", "member", "guild_locale"):
        made.pop(key, None)
    made["data"].pop("guild_id", None)
    made["user"] = MEMBER_USER
    made["channel_id"] = DM_CHANNEL_ID
    made["channel"] = {"id": DM_CHANNEL_ID, "type": 1, "last_message_id": None,
                       "flags": 0, "recipients": [MEMBER_USER]}  # fmt: skip
    made["context"] = context
    made["authorizing_integration_owners"] = owners or {"1": USER_ID}
    for message in made["data"].get("resolved", {}).get("messages", {}).values():
        message["channel_id"] = DM_CHANNEL_ID
    return made


def _message(message_id: str, content: str) -> dict[str, Any]:
    """A message someone posted, as ``resolved.messages`` carries it."""
    return {
        "id": message_id, "channel_id": CHANNEL_ID,
        "author": _user("5000000000000000002", "poster"), "content": content,
        "timestamp": "2026-11-25T13:00:00.000000+00:00",
        "edited_timestamp": None, "tts": False, "mention_everyone": "@everyone" in content,
        "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": False,
        "type": 0, "flags": 0, "components": [],
    }  # fmt: skip


def _channel() -> dict[str, Any]:
    return {
        "id": CHANNEL_ID,
        "type": 0,
        "guild_id": GUILD_ID,
        "name": "film-club",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def _guild(guild_id: str) -> dict[str, Any]:
    return {
        "id": guild_id,
        "name": "Film Club",
        "icon": None,
        "owner_id": "5000000000000000001",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [
            {
                "id": guild_id,
                "name": "@everyone",
                "color": 0,
                "hoist": False,
                "position": 0,
                "permissions": "2248473465835073",
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 2,
        "voice_states": [],
        "members": [],
        "channels": [_channel()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def _multipart(content_type: str, body: bytes) -> dict[str, Any] | None:
    """A multipart/form-data body as discord.py sends a message with files: its
    ``payload_json``, with the files under ``_files`` as (filename, type, bytes)."""
    if content_type != "multipart/form-data":
        return None
    import email.parser
    import email.policy

    boundary = body.split(b"\r\n", 1)[0][2:].decode()
    head = f'Content-Type: multipart/form-data; boundary="{boundary}"\r\n\r\n'.encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    data: dict[str, Any] = {}
    files: list[tuple[str, str, bytes]] = []
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        content = content if isinstance(content, bytes) else b""
        if name == "payload_json":
            data.update(json.loads(content))
        else:
            filename = part.get_filename() or ""
            files.append((filename, part.get_content_type(), content))
    data["_files"] = files
    return data
