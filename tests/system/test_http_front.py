"""``quotebot run --http PORT``: one HTTP server for every platform served over HTTP, with
``/healthz`` (the process is up) and ``/readyz`` (the state store answers). (The front in
this process: tests/adapters/http/test_front.py; the store's replay window on both back
ends: tests/store/test_backends.py.)"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers
from tests.fixtures import post_command, start_bot


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


async def get(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


@pytest.mark.parametrize("store", ["sqlite", "unreachable"])
async def test_health_and_readiness(slack, tmp_path, store):
    db = (
        str(tmp_path / "state.db")
        if store == "sqlite"
        else "postgresql://quotebot:s3cret@127.0.0.1:9/quotebot"
    )
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "QUOTEBOT_DB": db}  # fmt: skip
    bot = await start_bot("run", "--http", "0", env=env)
    base = await bot.slack_http()
    assert await get(f"{base}/healthz") == (200, {"ok": True})
    status, ready = await get(f"{base}/readyz")
    if store == "sqlite":
        assert (status, ready) == (200, {"ok": True})
    else:
        assert status == 503
        assert ready["problem"] == (
            "cannot open the state store QUOTEBOT_DB "
            "(postgresql://quotebot:***@127.0.0.1:9/quotebot): OperationalError"
        )
    # Either way the commands are answered, and a replay is refused (remembered in the
    # store, or in the process while the store is out of reach).
    body = form_body(slack.command_payload("/jonze", "editing"))
    headers = signed_headers(body)
    status, payload = await post_command(base, slack, "", headers=headers, body=body)
    assert (status, payload["response_type"]) == (200, "in_channel")
    assert (await post_command(base, slack, "", headers=headers, body=body))[0] == 401
    assert await bot.stop() == 0
    assert "s3cret" not in bot.log


async def test_a_request_replayed_to_another_instance_is_refused(slack, postgres_url):
    # Instances sharing PostgreSQL share the replay guard's memory (with a SQLite file
    # each process remembers its own: a worker-thread round trip per request doubled it).
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "QUOTEBOT_DB": postgres_url}  # fmt: skip
    bots = [await start_bot("run", "--http", "0", env=env) for _ in range(2)]
    bases = [await bot.slack_http() for bot in bots]
    body = form_body(slack.command_payload("/jonze", "editing"))
    headers = signed_headers(body)
    first = await post_command(bases[0], slack, "", headers=headers, body=body)
    again = await post_command(bases[1], slack, "", headers=headers, body=body)
    assert (first[0], again[0]) == (200, 401)
    for bot in bots:
        assert await bot.stop() == 0


async def test_http_with_no_platform_set_up_is_a_usage_error(tmp_path):
    bot = await start_bot("run", "--http", "0", env={"QUOTEBOT_DB": str(tmp_path / "s.db")})
    err = await bot.exit_with(2)
    assert "--http serves Slack and Discord, and neither is set up" in err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("slack_slow", [False, True])
async def test_a_request_the_moment_the_port_accepts_gets_its_answer(slack, tmp_path, slack_slow):
    """The server listens before Slack has started (auth.test): a command sent on the
    first connection accepted is held until Slack serves, then answered; and the log says
    Slack listens only once it does."""
    if slack_slow:  # auth.test answered only once the command is in
        slack.hold_method("auth.test")
    port = free_port()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "QUOTEBOT_DB": str(tmp_path / "state.db")}  # fmt: skip
    bot = await start_bot("run", "slack", "--http", str(port), env=env)
    while True:  # until the port accepts: the first connection is the one the command goes on
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except ConnectionRefusedError:
            assert bot.process.returncode is None, bot.log
            await asyncio.sleep(0.005)  # a poll's pace, not a wait for anything
    body = form_body(slack.command_payload("/jonze", "editing")).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in signed_headers(body.decode()).items())
    writer.write(
        f"POST /slack/events HTTP/1.1\r\nHost: quotebot\r\nConnection: close\r\n{head}"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    if slack_slow:
        await slack.arrived("auth.test")
        slack.release("auth.test")
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 200 OK", answer
    assert b'"response_type": "in_channel"' in rest
    assert await bot.stop() == 0
    said = bot.log
    assert said.index("Slack: answering over HTTP") < said.index("slack: listening on")
