"""The Discord suggestion tests' shared helpers and fixtures: a page on 127.0.0.1 to verify
against (``page``), the interactions endpoint over a loopback socket with its review desk
and the fake Discord behind it (``http``, an ``Http``), and a suggestion made through it
(``suggest``). The fixtures reach test modules through conftest.py."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.discord.gateway import use_api_base
from bot.adapters.discord.interactions import InteractionsEndpoint
from bot.adapters.discord.review import ReviewDesk
from bot.answers import Answerer
from bot.book.loader import load_book
from bot.daily import DailyConfig, QotdDesk
from bot.store import SharedStore
from bot.store.sqlite import SQLiteStore
from tests.fakes.discord import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MODERATOR_PERMISSIONS,
    TOKEN,
    USER_ID,
    FakeDiscord,
)
from tests.fixtures import DISCORD_PUBLIC_KEY, QUOTES, discord_signed

SAID = "The camera should be a curious friend who wanders in without asking first."
OTHER_GUILD = "2000000000000000002"


@dataclass
class Http:
    """The endpoint over a loopback socket, its desk, and the fake Discord behind it."""

    client: TestClient[Any, Any]
    fake: FakeDiscord
    review: ReviewDesk
    page: str

    async def send(self, interaction: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(interaction).encode()
        answer = await self.client.post(
            "/discord/interactions", data=body, headers=discord_signed(body)
        )
        assert answer.status == 200, await answer.text()
        made: dict[str, Any] = await answer.json()
        return made


def as_moderator(made: dict[str, Any], guild: str = GUILD_ID) -> dict[str, Any]:
    made["member"]["permissions"] = MODERATOR_PERMISSIONS
    made["guild_id"] = guild
    return made


def fields(url: str, director: str = "Agnès Varda", text: str = SAID) -> dict[str, str]:
    return {"director": director, "text": text, "url": url, "context": "", "topic": "camera"}


def labels(data: dict[str, Any]) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for r in data.get("components", []) for b in r["components"]}


@pytest.fixture
async def page() -> AsyncIterator[str]:
    """A page on 127.0.0.1 that says SAID (at /said) and something else (at /other)."""
    html = "<html><head><title>Talk</title></head><body><p>{}</p></body></html>"

    async def said(_request: web.Request) -> web.Response:
        return web.Response(text=html.format(SAID), content_type="text/html")

    async def other(_request: web.Request) -> web.Response:
        words = "Nothing of the kind was said there, ever, at all."
        return web.Response(text=html.format(words), content_type="text/html")

    app = web.Application()
    app.router.add_get("/said", said)
    app.router.add_get("/other", other)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}"
    await server.close()


def make_desk(tmp_path: Path, answerer: Answerer) -> QotdDesk:
    shared = SharedStore(lambda: SQLiteStore(tmp_path / "state.db"))
    return QotdDesk(shared, DailyConfig(), lambda: answerer.book)


@pytest.fixture
async def http(tmp_path: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Http]:
    monkeypatch.setenv("QUOTEBOT_FETCH_ALLOW", "127.0.0.1")
    fake = await FakeDiscord().start()
    use_api_base(fake.api_base)
    rest = discord.http.HTTPClient(asyncio.get_running_loop())
    await rest.static_login(TOKEN)
    answerer = Answerer(load_book([QUOTES]).book, random.Random(3))
    desk = make_desk(tmp_path, answerer)
    review = ReviewDesk(answerer, desk, lambda: rest, time.time)
    endpoint = InteractionsEndpoint(answerer, DISCORD_PUBLIC_KEY, int(APP_ID), desk, review=review)
    app = web.Application()

    async def interactions(request: web.Request) -> web.StreamResponse:
        return await endpoint(request)

    app.router.add_post("/discord/interactions", interactions)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield Http(client, fake, review, page)
    await review.settle()
    await client.close()
    await endpoint.close()
    await rest.close()
    await fake.stop()


async def suggest(http: Http, path: str) -> dict[str, Any]:
    """/review-channel, then a suggestion of SAID sourced at ``path``: its review post."""
    set_here = await http.send(as_moderator(http.fake.command("review-channel")))
    assert f"<#{CHANNEL_ID}>" in set_here["data"]["content"]
    receipt = await http.send(http.fake.modal_submit("q1|sg", fields(http.page + path)))
    assert receipt["data"]["content"].startswith("Thanks! Your suggestion is kept")
    await http.review.settle()
    [posted] = [m for m in http.fake.messages if m["channel_id"] == CHANNEL_ID]
    assert posted["allowed_mentions"]["parse"] == []
    assert f"<@{USER_ID}>" in json.dumps(posted["embeds"])
    return posted
