"""``quotebot run --http PORT``: one HTTP server for every platform served over HTTP, with
``/healthz`` (the process is up) and ``/readyz`` (the state store answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from .fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers
from .test_run import start_bot
from .test_slack import post_command


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


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_store_remembers_a_request_for_its_window(tmp_path, request, backend):
    from bot.store import open_store

    where = (
        str(tmp_path / "state.db")
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    store = open_store(where)
    try:
        assert store.first_time("slack:v0=abc", 1000.0, 300.0)
        assert not store.first_time("slack:v0=abc", 1100.0, 300.0)
        assert store.first_time("discord:abc", 1100.0, 300.0)  # another platform's
        assert store.first_time("slack:v0=abc", 1301.0, 300.0)  # forgotten after the window
    finally:
        store.close()


async def test_http_with_no_platform_set_up_is_a_usage_error(tmp_path):
    bot = await start_bot("run", "--http", "0", env={"QUOTEBOT_DB": str(tmp_path / "s.db")})
    err = await bot.exit_with(2)
    assert "--http serves Slack and Discord, and neither is set up" in err


async def test_readyz_waits_for_every_platform_whatever_else_it_mounts():
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.adapters.http.server import HttpFront

    async def nothing(_: web.Request) -> web.StreamResponse:
        return web.Response()

    started = [False]
    front = HttpFront("127.0.0.1", 0)
    front.mount("slack", "POST", "/slack/events", nothing, lambda: started[0])
    front.mount("slack", "GET", "/slack/install", nothing)  # says nothing of readiness
    async with TestClient(TestServer(front.app)) as client:
        waiting = await client.get("/readyz")
        assert (waiting.status, await waiting.json()) == (
            503, {"ok": False, "problem": "not serving yet: slack"}
        )  # fmt: skip
        started[0] = True
        assert (await client.get("/readyz")).status == 200
