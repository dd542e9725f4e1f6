"""Slow and idle clients cannot lock out a valid request: a `quotebot run` limited to
systemd's default 1,024 file descriptors, held by 1,100 connections that never finish a
request head, still answers a signed Slack command."""

from __future__ import annotations

import asyncio
import os
import resource
import sys
from collections.abc import AsyncIterator

import pytest

from bot.adapters.http.server import ConnectionGuard, serve_app

from .fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from .test_run import Bot
from .test_slack import EDITING, post_command

HALF_OPEN = 1_100


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def at_most_1024_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


async def half_open(host: str, port: int) -> asyncio.StreamWriter | None:
    try:
        _reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        return None
    writer.write(b"POST /slack/events HTTP/1.1\r\nHost: quotebot\r\nX-Slow: ")
    return writer


async def test_a_thousand_half_open_connections_do_not_lock_out_a_valid_request(slack, tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "QUOTEBOT_DB": str(tmp_path / "state.db"),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "slack", "--http", "0", env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, preexec_fn=at_most_1024_files,
    )  # fmt: skip
    bot = Bot(process)
    base = await bot.slack_http()
    host, port = base.removeprefix("http://").split(":")
    writers = [
        w
        for w in await asyncio.gather(*(half_open(host, int(port)) for _ in range(HALF_OPEN)))
        if w
    ]
    try:
        await asyncio.gather(*(w.drain() for w in writers), return_exceptions=True)
        status, payload = await asyncio.wait_for(post_command(base, slack, "editing"), 10)
        assert status == 200
        assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    finally:
        for writer in writers:
            writer.close()
    await bot.wait_for_log(r"HTTP: closed \d+ slow or idle connection")
    assert await bot.stop() == 0
    assert "Traceback" not in bot.log


async def test_a_connection_that_never_sends_a_head_is_closed(monkeypatch):
    from aiohttp import web

    import bot.adapters.http.server as http_server

    monkeypatch.setattr(http_server, "HEAD_TIMEOUT_S", 0.2)
    stop = asyncio.Event()
    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    guard = ConnectionGuard(max_connections=3)
    task = asyncio.create_task(
        serve_app(
            web.Application(),
            "127.0.0.1",
            0,
            stop,
            "Test /",
            lambda _h, p: listening.set_result(p),
            guard,
        )
    )
    port = await asyncio.wait_for(listening, 10)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\n")  # never finished
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
    # A fourth connection into three places: the quietest one gives up its place.
    pairs = [await asyncio.open_connection("127.0.0.1", port) for _ in range(4)]
    assert await asyncio.wait_for(pairs[0][0].read(), 5) == b""
    assert len(guard) == 3
    for _reader, w in pairs:
        w.close()
    writer.close()
    stop.set()
    await task
