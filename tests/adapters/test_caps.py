"""Platform caps: Slack takes 50 slash commands, Discord 100; /quote always, then as many
directors as fit, in file order; the rest are reached through /quote, and nothing crashes."""

from __future__ import annotations

import asyncio
import io
import json
import random
from collections.abc import AsyncIterator
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import cli
from bot.adapters import discord as discord_adapter
from bot.adapters import slack
from bot.adapters.discord import DiscordSettings
from bot.answers.answerer import Answerer, QuoteAnswer
from bot.answers.catalogue import list_commands
from bot.book.loader import load_book
from bot.book.model import Director, Quote, Source, Topic
from bot.book.quote_book import QuoteBook
from bot.errors import SettingsError
from tests.fakes.discord import GUILD_ID, TOKEN, FakeDiscord
from tests.fixtures import ROOT, book_file

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "slack_manifest_v1.json").read_text())
SOURCE = Source("s", "A Source")


def director(n: int, name: str | None = None) -> Director:
    name = name or f"Director {n}"
    quote = Quote(name, "craft", f"Quote {n}.", "On craft", SOURCE)
    return Director(name, f"d{n:03d}", (Topic("craft"),), (quote,))


def many(count: int, folder: Path) -> Path:
    for n in range(count):
        (folder / f"d{n:03d}.yaml").write_text(book_file(f"d{n:03d}", 1), "utf-8")
    return folder


names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=256).filter(
    lambda s: s.strip() != ""
)


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=120),
    director_names=st.lists(names, min_size=0, max_size=5),
    app_name=st.text(max_size=60),
    url=st.sampled_from(["", "https://bot.example.org/slack/events", "ftp://x", "h" * 10]),
)
def test_the_manifest_is_always_valid_or_a_clear_error(count, director_names, app_name, url):
    directors = [
        director(n, director_names[n] if n < len(director_names) else None) for n in range(count)
    ]
    book = QuoteBook(directors)
    try:
        data = slack.manifest(book, name=app_name, url=url)
    except SettingsError as exc:
        assert "--name" in str(exc) or "--url" in str(exc)
        return
    jsonschema.validate(data, SCHEMA)
    commands = [c["command"] for c in data["features"]["slash_commands"]]
    assert commands[:2] == ["/quote", "/qotd"]
    assert commands[2:] == [f"/{d.command}" for d in directors[:48]]


def test_check_warns_of_each_platforms_cap(tmp_path):
    out = io.StringIO()
    assert cli.main(["check", str(many(120, tmp_path))], stdout=out) == 0
    text = out.getvalue()
    assert (
        "warning: Slack allows 50 commands: 72 director(s) are reached through /quote only" in text
    )
    assert "warning: Discord allows 100 commands: 22 director(s)" in text
    assert "ok: 120 file(s), 120 director(s), 120 quotes" in text


def test_a_small_book_has_no_cap_warning(tmp_path):
    out = io.StringIO()
    assert cli.main(["check", str(many(48, tmp_path))], stdout=out) == 0
    assert "warning" not in out.getvalue()


def test_the_catalogue_keeps_file_order_and_names_who_is_left_out():
    book = QuoteBook([director(n) for n in range(60)])
    listed = list_commands(book, 50)
    assert [c.name for c in listed.commands][:4] == ["quote", "qotd", "d000", "d001"]
    assert len(listed.commands) == 50
    assert listed.left_out[0] == "Director 48"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


async def test_discord_registers_what_fits_and_reaches_the_rest_through_quote(fake, tmp_path):
    answerer = Answerer(load_book([many(120, tmp_path)]).book, random.Random(1))
    stop = asyncio.Event()
    ready = asyncio.Event()
    settings_ = DiscordSettings(TOKEN, api_base=fake.api_base, guild_id=int(GUILD_ID))
    task = asyncio.create_task(
        discord_adapter.run(answerer, settings_, stop, lambda _c: ready.set())
    )
    await asyncio.wait_for(ready.wait(), 10)
    registered = [c["name"] for c in fake.commands[GUILD_ID] if c.get("type", 1) == 1]
    assert len(registered) == 100  # chat input: message commands have a cap of their own
    assert [c["name"] for c in fake.commands[GUILD_ID] if c.get("type") == 3] == ["Find the source"]
    assert registered[:3] == ["quote", "qotd", "d000"] and "d098" not in registered
    callback = await fake.interact(fake.command("quote", director="d119", topic="craft"))
    assert callback["data"]["embeds"][0]["description"] == "“Quote d119 0 about light.”"
    stop.set()
    await asyncio.wait_for(task, 10)


def test_the_direct_answer_for_a_left_out_director_still_works(tmp_path):
    answerer = Answerer(load_book([many(120, tmp_path)]).book)
    answer = answerer.answer("quote", "d110 craft")
    assert isinstance(answer, QuoteAnswer) and answer.quote.director == "Director d110"
