"""``quotebot run --http PORT``: one HTTP server for every platform served over HTTP, with
``/healthz`` (the process is up) and ``/readyz`` (the state store answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from .fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
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
    base = (await bot.wait_for_log(r"slack: listening on (http://[\d.:]+)/slack/events")).group(1)
    assert await get(f"{base}/healthz") == (200, {"ok": True})
    status, body = await get(f"{base}/readyz")
    if store == "sqlite":
        assert (status, body) == (200, {"ok": True})
    else:
        assert status == 503
        assert body["problem"] == (
            "cannot open the state store QUOTEBOT_DB "
            "(postgresql://quotebot:***@127.0.0.1:9/quotebot): OperationalError"
        )
    # Either way the commands are answered.
    status, payload = await post_command(base, slack, "editing")
    assert (status, payload["response_type"]) == (200, "in_channel")
    assert await bot.stop() == 0
    assert "s3cret" not in bot.log
