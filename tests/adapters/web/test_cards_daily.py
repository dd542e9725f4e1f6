"""The quote of the day with its card (``[daily] card = true``): on Discord an attachment
with its description (the alt text) and the embed's image pointing at it; on Slack an
image block with the card's public URL and its alt text, or no card (said once) without
a public URL, or when Slack cannot fetch it; still one post per target."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from aiohttp import web

from bot import limits
from bot.adapters.web.cards import CardPost, alt_text, card_url, render_card
from bot.app.wiring import posters_for
from bot.book import quote_id
from bot.book.loader import load_book
from bot.daily.selection import quote_of_the_day
from bot.daily.settings_file import ConfigError, DailyConfig, Target, parse_daily
from tests.fakes.clock import FakeClock
from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.fixtures import QUOTES, daily_to_fakes

BOOK = load_book([QUOTES]).book
SLACK_CHANNEL = "C0FILMCLB1"
CONFIG = DailyConfig(
    targets=(Target("discord", CHANNEL_ID), Target("slack", SLACK_CHANNEL)), card=True
)
DAY = date(2026, 11, 25)
PUBLIC = "https://quotes.example.org"


def commands(name: str) -> str | None:
    found = BOOK.director(name)
    return found.command if found else None


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def carded(store, discord_fake, slack_fake, public: str = PUBLIC):
    daily = daily_to_fakes(
        store, FakeClock(datetime(2026, 11, 25, 9, tzinfo=UTC)), discord_fake, slack_fake,
        CONFIG, BOOK,
    )  # fmt: skip
    for poster in daily.posters.values():
        poster.use_card(CardPost(public, commands))  # type: ignore[attr-defined]
    return daily


async def close(daily) -> None:
    for poster in daily.posters.values():
        await poster.close()


def test_card_is_a_daily_setting_true_or_false():
    assert parse_daily({"card": True}, {}).card is True
    assert parse_daily({}, {}).card is False
    with pytest.raises(ConfigError, match=r"\[daily\] card: must be true or false"):
        parse_daily({"card": "yes"}, {})


async def test_the_discord_post_carries_the_card_as_an_attachment_with_alt_text(
    store, discord_fake, slack_fake
):
    daily = carded(store, discord_fake, slack_fake)
    results = await daily.post(DAY)
    again = await daily.post(DAY)
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "posted"]
    assert [r.outcome for r in again] == ["already posted", "already posted"]
    quote = quote_of_the_day(DAY, BOOK, store, 0)
    (message,) = discord_fake.messages
    (attachment,) = message["attachments"]
    assert attachment["filename"] == "card.png"
    assert attachment["description"] == alt_text(quote)
    assert len(attachment["description"]) <= limits.DISCORD_ALT_TEXT_MAX
    (embed,) = message["embeds"]
    assert embed["image"]["url"] == "attachment://card.png"
    assert embed["footer"]["text"].endswith(f"· #{quote_id(quote)}")
    ((_filename, content, description),) = discord_fake.uploads
    assert content == render_card(quote) and description == alt_text(quote)


async def test_the_slack_post_carries_an_image_block_with_the_public_url_and_alt_text(
    store, discord_fake, slack_fake
):
    daily = carded(store, discord_fake, slack_fake)
    await daily.post(DAY)
    await close(daily)
    quote = quote_of_the_day(DAY, BOOK, store, 0)
    (message,) = slack_fake.messages
    image = message["blocks"][-1]
    assert image == {
        "type": "image",
        "image_url": card_url(PUBLIC, "jonze", quote),
        "alt_text": alt_text(quote, limits.SLACK_ALT_TEXT_MAX),
    }
    assert image["image_url"] == f"{PUBLIC}/jonze/{quote_id(quote)}.png"
    assert message["blocks"][-2]["elements"][0]["text"].endswith(f"· #{quote_id(quote)}")


async def test_without_a_public_url_slack_posts_without_the_card_and_says_so_once(
    store, discord_fake, slack_fake, caplog
):
    caplog.set_level(logging.WARNING, "quotebot.daily")
    daily = carded(store, discord_fake, slack_fake, public="")
    await daily.post(DAY)
    await daily.post(date(2026, 11, 26))
    await close(daily)
    assert len(slack_fake.messages) == 2
    assert all(b["type"] != "image" for m in slack_fake.messages for b in m["blocks"])
    assert caplog.text.count("QUOTEBOT_PUBLIC_URL") == 1
    assert all(m["attachments"] for m in discord_fake.messages)  # Discord needs no URL


async def test_a_card_slack_cannot_fetch_is_left_out_and_the_quote_posted_once(
    store, discord_fake, slack_fake
):
    refused = web.json_response({"ok": False, "error": "invalid_blocks"})
    slack_fake.responses["chat.postMessage"] = [refused]
    daily = carded(store, discord_fake, slack_fake)
    results = await daily.post(DAY)
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "posted"]
    (message,) = slack_fake.messages
    assert all(b["type"] != "image" for b in message["blocks"])


def test_posters_take_the_card_only_when_the_setting_says_so():
    env = {"DISCORD_TOKEN": "x.y.z", "SLACK_BOT_TOKEN": "xoxb-1"}
    on = posters_for(CONFIG, env, (), lambda: BOOK)
    off = posters_for(DailyConfig(targets=CONFIG.targets), env, (), lambda: BOOK)
    assert all(getattr(p, "card", None) is not None for p in on.values())
    assert all(getattr(p, "card", None) is None for p in off.values())
