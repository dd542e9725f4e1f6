"""The Discord tests' shared helpers and fixtures: interactions POSTed to the real endpoint
on a loopback socket (``send``) and the buttons under an answer (``ids``); quotebot's client
on the gateway (``gateway``); and /qotd over the gateway with its desk in a real SQLite
store (``bot``, a ``Bot``). The fixtures reach test modules through conftest.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters import discord as adapter
from bot.adapters.discord import DiscordSettings
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from bot.daily.desk import QotdDesk
from bot.daily.settings_file import DailyConfig
from bot.store.sqlite import SQLiteStore
from tests.adapters.http.loopback import exchange, front, post, signed_discord
from tests.fakes.discord import EPHEMERAL, MANAGER_PERMISSIONS, TOKEN, FakeDiscord
from tests.fixtures import QUOTES

NOT_MINE = "That button is not one of mine."


async def send(*interactions: dict[str, Any]) -> list[dict[str, Any]]:
    """Each interaction POSTed to one fresh instance; the responses, parsed."""
    out = []
    async with front() as instance:
        for interaction in interactions:
            body = json.dumps(interaction).encode()
            status, answer = await exchange(
                instance.port, post("/discord/interactions", body, signed_discord(body))
            )
            assert status == 200, answer
            out.append(json.loads(answer))
    return out


def ids(data: dict[str, Any]) -> dict[str, str]:
    """The buttons under a message (not its topic menu): label → custom_id."""
    rows = data["components"]
    return {b["label"]: b["custom_id"] for row in rows for b in row["components"] if b["type"] == 2}


@pytest.fixture
def gateway(discord_gateway: FakeDiscord) -> FakeDiscord:
    """quotebot's Discord client connected to a fake Discord (tests/fixtures.py)."""
    return discord_gateway


# ---- /qotd on the gateway --------------------------------------------------------------

BOOK = load_book([QUOTES]).book
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday: the desk's clock in ``bot``


class Bot:
    """quotebot with its /qotd desk, serving ``fake`` over the gateway."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    async def qotd(self, sub: str, permissions: str = MANAGER_PERMISSIONS, **options: Any) -> str:
        """``/qotd sub option:value…``; the private answer's content (it must be private)."""
        callback = await self.fake.interact(
            self.fake.subcommand("qotd", sub, permissions=permissions, **options)
        )
        data: dict[str, Any] = callback["data"]
        assert data.get("flags", 0) & EPHEMERAL, data
        assert data["allowed_mentions"] == {"parse": []}
        return str(data["content"])

    async def choices(self, focused: str, **options: Any) -> list[dict[str, str]]:
        callback = await self.fake.interact(
            self.fake.subcommand("qotd", "set", MANAGER_PERMISSIONS, focused=focused, **options)
        )
        found: list[dict[str, str]] = callback["data"]["choices"]
        return found

    def public(self) -> list[str]:
        return [m["content"] for m in self.fake.followups]

    async def public_lines(self, count: int) -> list[str]:
        """The public lines, once ``count`` have arrived (each follows its answer)."""
        return [m["content"] for m in await self.fake.followed_up(count)]


@pytest.fixture
async def bot(tmp_path: Path, store: SQLiteStore) -> AsyncIterator[Bot]:
    """quotebot on the gateway with its /qotd desk in ``store``'s database, at ``NOW``."""
    fake = await FakeDiscord().start()
    desk = QotdDesk(
        lambda: SQLiteStore(tmp_path / "state.db"), DailyConfig(), lambda: BOOK, lambda: NOW
    )
    settings = DiscordSettings(TOKEN, api_base=fake.api_base)
    stop = asyncio.Event()
    ready = asyncio.Event()
    task = asyncio.create_task(
        adapter.run(Answerer(BOOK), settings, stop, lambda _c: ready.set(), desk=desk)
    )
    await asyncio.wait_for(ready.wait(), 10)
    try:
        yield Bot(fake)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        desk.close()
        await fake.stop()
