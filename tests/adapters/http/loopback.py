"""What the hostile-request tests share: the HTTP front of one quotebot instance in this
process (Discord's /discord/interactions and Slack's /slack/events mounted on it, served
by serve_app on a real loopback socket, bolt asking the fake Slack who it is), requests
written byte for byte on a raw socket (so that a header can be doubled, spaced or broken
as no HTTP client would), and Discord's and Slack's signatures over any bytes."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from bot.adapters import slack
from bot.adapters.discord.interactions import InteractionsEndpoint
from bot.adapters.http.replay import ReplayGuard
from bot.adapters.http.server import ConnectionGuard, HttpFront, serve_app
from bot.adapters.slack.http import events_handler
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from tests.fakes.discord import APP_ID
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body
from tests.fixtures import DISCORD_PUBLIC_KEY, QUOTES, discord_signed

FORM = "application/x-www-form-urlencoded"
GUARD_S = 10.0  # only against a hang: nothing a test asserts waits this long
PING = b'{"type": 1}'
Headers = Sequence[tuple[str, str]]


@dataclass
class Front:
    port: int
    discord: InteractionsEndpoint
    slack_replays: ReplayGuard
    guard: ConnectionGuard


@asynccontextmanager
async def front(guard: ConnectionGuard | None = None) -> AsyncIterator[Front]:
    """One instance's HTTP front, listening on 127.0.0.1 until the block ends."""
    answerer = Answerer(load_book([QUOTES]).book)
    http = HttpFront("127.0.0.1", 0)
    discord = InteractionsEndpoint(answerer, DISCORD_PUBLIC_KEY, int(APP_ID))

    async def interactions(request: web.Request) -> web.StreamResponse:
        return await discord(request)  # as DiscordService mounts it

    http.mount("discord", "POST", "/discord/interactions", interactions)
    fake = await FakeSlack().start()
    settings = slack.SlackSettings(BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url)
    replays = ReplayGuard(kind="slack")
    built = slack.build_app(answerer, settings)
    events = events_handler(built.bolt, SIGNING_SECRET, replays, direct=built.direct)
    http.mount("slack", "POST", "/slack/events", events)
    connections = guard if guard is not None else ConnectionGuard()
    stop = asyncio.Event()
    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    serving = asyncio.create_task(
        serve_app(http.app, "127.0.0.1", 0, stop, http.labels,
                  lambda _h, port: listening.set_result(port), connections)
    )  # fmt: skip
    try:
        port = await asyncio.wait_for(listening, GUARD_S)
        yield Front(port, discord, replays, connections)
    finally:
        stop.set()
        await asyncio.wait_for(serving, GUARD_S)
        await discord.close()
        await fake.stop()


def post(path: str, body: bytes, headers: Headers, length: int | None = None) -> bytes:
    """A POST as bytes: the headers exactly as given (doubled, spaced, broken alike)."""
    size = len(body) if length is None else length
    lines = [f"POST {path} HTTP/1.1", "Host: quotebot", f"Content-Length: {size}",
             "Connection: close", *(f"{k}: {v}" for k, v in headers)]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body


async def exchange(port: int, request: bytes) -> tuple[int | None, bytes]:
    """Send ``request`` on a connection of its own; the status and body of the answer
    (None: the server closed the connection without one)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), GUARD_S)
    except ConnectionResetError:  # refused before it had read all we sent
        return None, b""
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        return None, raw
    return int(head.split(b" ", 2)[1]), body


def signed_discord(body: bytes, stamp: int | None = None) -> list[tuple[str, str]]:
    return list(discord_signed(body, stamp).items())


def signed_slack(
    body: bytes, content_type: str = FORM, stamp: str | None = None
) -> list[tuple[str, str]]:
    ts = str(int(time.time())) if stamp is None else stamp
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256)
    return [("X-Slack-Request-Timestamp", ts), ("X-Slack-Signature", f"v0={digest.hexdigest()}"),
            ("Content-Type", content_type)]  # fmt: skip


def slash_command(text: str = "editing", n: int = 0) -> bytes:
    """A slash command's form, as Slack sends it (``n`` makes each one a new request)."""
    return form_body(
        {"command": "/jonze", "text": text, "team_id": "T0FILMCLB", "user_id": "U0CINEPHILE",
         "channel_id": "C0FILMCLUB", "response_url": "http://127.0.0.1:9/r",
         "trigger_id": f"1.2.{n}"}
    ).encode()  # fmt: skip
