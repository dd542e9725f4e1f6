"""A PostgreSQL that stops answering never stalls an answer: the replay guard, /qotd,
Slack's installations and readiness give up within a fraction of a second and fall back
as documented (the guard remembers in the process, /qotd says the store cannot be
reached, a workspace already served keeps its token, /readyz says 503), and the store is
used again once the database is back.

The database is real: a port that accepts connections and never answers, or the test
PostgreSQL behind a relay that goes dark (a frozen server, a network partition: nothing
answered, nothing closed) or away (a stopped server: every connection closed, the port
refusing). The time bounds are the requirement itself ("within a fraction of a second"),
asserted with a generous ceiling of 2 s: before, these calls took 10 s (a connection time
-out, per call), 30 s (the pool's wait) or never returned."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.oauth.installation_store import Installation

from bot.adapters.http.replay import ReplayGuard, shared_memory
from bot.adapters.slack.oauth import StoreInstallations
from bot.app.wiring import make_desk, make_front
from bot.daily.desk import UNREACHABLE, Asker, QotdDesk, Wording
from bot.daily.requests import QotdRequest
from bot.daily.settings_file import DailyConfig
from tests.store.relay import Relay, blackhole

T = TypeVar("T")
CEILING_S = 2.0  # "a fraction of a second", generously
ASKER = Asker("slack", "T0FILMCLB", "C0FILMCLB", "U0ADMIN", "Ann", may_manage=True)
WORDING = Wording("/qotd 09:00 Europe/Paris", "admins", lambda c: f"#{c}", lambda u: f"@{u}")


async def quickly(call: Awaitable[T]) -> T:
    """``call``'s result, asserting it came within CEILING_S (and not waiting for ever
    for one that does not: the harness gives up after 30 s)."""
    began = time.monotonic()
    result = await asyncio.wait_for(call, 30)
    took = time.monotonic() - began
    assert took < CEILING_S, f"took {took:.1f} s"
    return result


async def qotd(desk: QotdDesk, request: QotdRequest) -> str:
    return (await asyncio.to_thread(desk.handle, request, ASKER, WORDING)).private


async def readyz(desk: QotdDesk) -> tuple[int, dict[str, object]]:
    async with TestClient(TestServer(make_front("127.0.0.1", 0, desk).app)) as client:
        response = await client.get("/readyz")
        return response.status, await response.json()


def desk_on(url: str) -> QotdDesk:
    return make_desk(DailyConfig(), {"QUOTEBOT_DB": url}, None)  # type: ignore[arg-type]


@pytest.mark.system  # waits out the half-second deadline, as the test's subject
async def test_a_port_that_never_answers_costs_each_answer_a_fraction_of_a_second(caplog):
    caplog.set_level(logging.DEBUG)
    sock, url = blackhole()
    desk = desk_on(url)  # opening it starts now, as `quotebot run` starts it
    try:
        guard = ReplayGuard(shared=shared_memory(desk), kind="slack")
        for _ in range(3):  # the first, and those after it alike
            assert await quickly(guard.first_time_anywhere("v0=first"))
            assert not await quickly(guard.first_time_anywhere("v0=first"))  # in the process
            assert await quickly(qotd(desk, QotdRequest("show"))) == UNREACHABLE
            status, said = await quickly(readyz(desk))
            assert status == 503 and said["ok"] is False
            guard = ReplayGuard(shared=shared_memory(desk), kind="slack")  # (another process)
    finally:
        desk.close()
        sock.close()
    assert "s3cret-pw" not in caplog.text and "s3cret-pw" not in str(said)


@pytest.fixture
async def serving(postgres_url: str) -> AsyncIterator[tuple[Relay, QotdDesk]]:
    """A desk (and so a replay guard's memory) on the test PostgreSQL through a relay,
    used once while all is well: a channel's quote of the day set, a request seen, a
    workspace's installation read."""
    relay = Relay(postgres_url)
    desk = desk_on(relay.url)
    desk.store.open_soon().result(timeout=30)
    set_up = await qotd(desk, QotdRequest("set", at=dt.time(9, 0), zone="Europe/Paris"))
    assert set_up.startswith("Quote of the day set")
    assert await ReplayGuard(shared=shared_memory(desk), kind="slack").first_time_anywhere("v0=a")
    yield relay, desk
    desk.close()
    relay.close()


@pytest.mark.parametrize("outage", ["dark", "away"])
async def test_a_postgres_gone_dark_or_away_costs_each_answer_a_fraction_of_a_second(
    serving, outage
):
    relay, desk = serving
    installations = StoreInstallations(desk.store)
    await installations.async_save(
        Installation(team_id="T0FILMCLB", bot_token="xoxb-film", bot_id="B1", bot_user_id="U1",
                     user_id="U0ADMIN", installed_at=1_700_000_000.0)
    )  # fmt: skip
    assert await installations.token_for("T0FILMCLB") == "xoxb-film"
    relay.go_dark() if outage == "dark" else relay.go_away()
    guard = ReplayGuard(shared=shared_memory(desk), kind="slack")
    for n in range(3):  # the call that finds it out, and those after it
        assert await quickly(guard.first_time_anywhere(f"v0=b{n}"))  # kept in the process
        assert not await quickly(guard.first_time_anywhere(f"v0=b{n}"))
        assert await quickly(qotd(desk, QotdRequest("show"))) == UNREACHABLE
        assert await quickly(installations.token_for("T0FILMCLB")) == "xoxb-film"
        status, said = await quickly(readyz(desk))
        assert status == 503 and said["ok"] is False


async def test_the_store_is_used_again_once_postgres_answers_again(serving):
    relay, desk = serving
    relay.go_dark()
    guard = ReplayGuard(shared=shared_memory(desk), kind="slack")
    assert await quickly(guard.first_time_anywhere("v0=during"))  # in the process
    relay.come_back()
    desk.store.open_soon().result(timeout=30)  # what the next calls would start
    assert await readyz(desk) == (200, {"ok": True})
    # The store's memory again: what was seen before the outage is refused by a guard
    # that never saw it, and the channel's quote of the day is there.
    assert not await ReplayGuard(shared=shared_memory(desk), kind="slack").first_time_anywhere(
        "v0=a"
    )
    assert (await qotd(desk, QotdRequest("show"))).startswith("Quote of the day here")
