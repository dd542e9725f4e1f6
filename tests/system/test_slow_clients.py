"""Slow and idle clients cannot lock out a valid request: a `quotebot run` limited to
systemd's default 1,024 file descriptors, held by 1,100 connections that never finish a
request head, still answers a signed Slack command. (The guard's closing of slow and idle
connections in this process: tests/adapters/http/test_connection_guard.py.)"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.fixtures import EDITING, Bot, post_command

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
