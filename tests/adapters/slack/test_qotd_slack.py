"""/qotd on Slack: the real slack-bolt over Socket Mode against the fake Slack, the
subscriptions in a real SQLite store. Who may is users.info's word (admins and owners)
or quotebot.toml's [daily] admins; the asker's time zone comes from users.info too."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters import slack
from bot.adapters.slack import SlackSettings
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from bot.daily.desk import UNREACHABLE, QotdDesk
from bot.daily.rounds import sync_operator
from bot.daily.settings_file import DailyConfig, Target
from bot.store.sqlite import SQLiteStore
from tests.fakes.slack import ADMIN, APP_TOKEN, BOT_TOKEN, MEMBER, OWNER, FakeSlack, person
from tests.fixtures import QUOTES

BOOK = load_book([QUOTES]).book
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
CHANNEL = "C0FILMCLUB"  # where the fake's slash commands come from


class Bot:
    def __init__(self, fake: FakeSlack, desk: QotdDesk) -> None:
        self.fake = fake
        self.desk = desk

    async def qotd(self, text: str = "", user: str = ADMIN, **extra: str) -> str:
        """Type /qotd TEXT as ``user``; the private answer's text (it must be private)."""
        ack = await self.fake.slash_command("/qotd", text, user_id=user, **extra)
        payload: dict[str, Any] = ack["payload"]
        assert payload["response_type"] == "ephemeral", payload
        return str(payload["text"])

    def public(self) -> list[str]:
        return [m["text"] for m in self.fake.messages]


@pytest.fixture
async def bot(tmp_path: Path, store: SQLiteStore) -> AsyncIterator[Bot]:
    async for made in running(tmp_path, DailyConfig()):
        yield made


async def running(tmp_path: Path, config: DailyConfig) -> AsyncIterator[Bot]:
    fake = await FakeSlack().start()
    desk = QotdDesk(lambda: SQLiteStore(tmp_path / "state.db"), config, lambda: BOOK, lambda: NOW)
    settings = SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, api_url=fake.api_url)
    stop = asyncio.Event()
    task = asyncio.create_task(slack.run(Answerer(BOOK), settings, stop, desk=desk))
    await fake.connected()
    try:
        yield Bot(fake, desk)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        desk.close()
        await fake.stop()


async def test_an_admin_switches_it_on_with_a_private_answer_and_one_public_line(bot, store):
    said = await bot.qotd("09:00 Europe/Paris weekdays jonze")
    assert said.startswith(
        "Quote of the day set: weekdays at 09:00 Europe/Paris, from /jonze only. "
        "Next post: Thursday 26 November 2026 at 09:00."
    )
    assert bot.public() == [
        "Quote of the day: weekdays at 09:00 Europe/Paris, from /jonze only, set by Bea."
    ]
    assert bot.fake.messages[0]["channel"] == CHANNEL
    record = store.subscription("slack", "T0FILMCLB", CHANNEL)
    assert record is not None
    assert (record.cron, record.zone, record.director, record.set_by, record.owner) == (
        "0 9 * * 1-5", "Europe/Paris", "jonze", ADMIN, "chat"
    )  # fmt: skip
    # Thursday 09:00 in Paris is 08:00 UTC.
    assert record.next_due == datetime(2026, 11, 26, 8, 0, tzinfo=UTC).timestamp()


async def test_show_says_when_and_who_privately(bot):
    assert (await bot.qotd()).startswith("There is no quote of the day in this channel. Start")
    await bot.qotd("21:30 Europe/Paris")
    shown = await bot.qotd("")
    assert shown == (
        "Quote of the day here: every day at 21:30 Europe/Paris. Next post: Wednesday 25 "
        f"November 2026 at 21:30. Set by <@{ADMIN}>."
    )
    assert len(bot.public()) == 1  # only the set posted publicly


@pytest.mark.parametrize("text", ["", "09:00 Europe/Paris", "off", "list"])
async def test_a_member_who_is_not_an_admin_is_refused_whatever_they_ask(bot, store, text):
    said = await bot.qotd(text, user=MEMBER)
    assert said.startswith("Only workspace admins and owners can set up the quote of the day")
    assert store.subscriptions() == [] and bot.public() == []


async def test_an_owner_may_and_the_zone_defaults_to_their_own(bot, store):
    said = await bot.qotd("9am", user=OWNER)
    assert "every day at 09:00 Asia/Tokyo" in said
    record = store.subscription("slack", "T0FILMCLB", CHANNEL)
    assert record is not None and record.zone == "Asia/Tokyo"


async def test_people_named_in_the_settings_file_may(tmp_path, store):
    async for bot in running(tmp_path, DailyConfig(admins=frozenset({MEMBER}))):
        said = await bot.qotd("21:30", user=MEMBER)
        assert "every day at 21:30 America/Toronto" in said
        assert bot.public() == ["Quote of the day: every day at 21:30 America/Toronto, set by Ana."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00 Europe/Pariss", "There is no time zone “europe/pariss”. Did you mean Europe/Paris"),
        ("09:00 Pari", "is not a time"),
        ("25:00 Europe/Paris", "is not a time"),
        ("Europe/Paris", "Say when: /qotd 09:00 Europe/Paris"),
        ("09:00 Europe/Paris nolan", "“nolan” is not a time"),
    ],
)
async def test_what_cannot_be_read_says_why_and_changes_nothing(bot, store, text, expected):
    said = await bot.qotd(text)
    assert expected in said and "Usage: `/qotd 09:00 Europe/Paris`" in said
    assert store.subscriptions() == [] and bot.public() == []


async def test_off_stops_it_with_a_public_line_and_off_again_says_there_is_none(bot, store):
    await bot.qotd("09:00 Europe/Paris")
    assert await bot.qotd("off") == "Switched off: no more quote of the day here."
    assert bot.public()[-1] == "Quote of the day: switched off by Bea."
    assert store.subscriptions() == []
    assert (await bot.qotd("off")).startswith("There is no quote of the day here.")
    assert len(bot.public()) == 2


async def test_list_shows_every_channel_of_this_workspace(bot, store):
    await bot.qotd("09:00 Europe/Paris")
    await bot.qotd("07:15 Asia/Tokyo weekdays", channel_id="C0SECOND1")
    store.pause("slack", "T0FILMCLB", "C0SECOND1", "channel_not_found", 0.0)
    await bot.qotd("08:00 Europe/Paris", team_id="T0OTHERWS", channel_id="C0ELSEWHR")
    listed = await bot.qotd("list")
    lines = listed.splitlines()
    assert lines[0] == "Quote of the day in 2 channel(s):"
    assert f"• <#{CHANNEL}>: every day at 09:00 Europe/Paris, next Thursday 26" in listed
    assert "• <#C0SECOND1>: weekdays at 07:15 Asia/Tokyo (paused: channel_not_found)" in listed
    assert "C0ELSEWHR" not in listed


async def test_a_channel_set_in_quotebot_toml_is_shown_but_changed_only_there(bot, store):
    config = DailyConfig("30 8 * * *", targets=(Target("slack", CHANNEL),))
    sync_operator(store, config, NOW)
    shown = await bot.qotd("")
    assert "on the schedule “30 8 * * *” (UTC)" in shown
    assert "the operator, in quotebot.toml (it can only be changed there)" in shown
    for text in ("09:00 Europe/Paris", "off"):
        assert "can only be changed there" in await bot.qotd(text)
    assert bot.public() == []
    (kept,) = store.subscriptions()
    assert kept.owner == "operator"


async def test_a_paused_channel_is_resumed_by_setting_it_again(bot, store):
    await bot.qotd("09:00 Europe/Paris")
    store.pause("slack", "T0FILMCLB", CHANNEL, "is_archived", 0.0)
    assert "Paused: is_archived." in await bot.qotd("")
    said = await bot.qotd("09:00 Europe/Paris")
    assert "It was paused (is_archived); it is back on." in said
    record = store.subscription("slack", "T0FILMCLB", CHANNEL)
    assert record is not None and record.paused is None


async def test_a_direct_message_is_told_it_needs_a_channel(bot, store):
    said = await bot.qotd(
        "09:00 Europe/Paris", channel_id="D0DIRECT1", channel_name="directmessage"
    )
    assert said == "The quote of the day goes to a channel: use /qotd in one."
    assert store.subscriptions() == []


async def test_a_name_that_looks_like_a_mention_pings_nobody(bot):
    bot.fake.users[ADMIN] = person(ADMIN, "<!everyone> & <@U0MEMBER1>", "Europe/Paris", admin=True)
    await bot.qotd("09:00 Europe/Paris")
    (line,) = bot.public()
    assert "&lt;!everyone&gt; &amp; &lt;@U0MEMBER1&gt;" in line
    assert "<!" not in line and "<@" not in line


async def test_without_users_read_it_says_what_the_app_needs(bot, store):
    from aiohttp import web

    bot.fake.responses["users.info"] = [
        web.json_response({"ok": False, "error": "missing_scope", "needed": "users:read"})
    ]
    said = await bot.qotd("09:00 Europe/Paris")
    assert "(missing_scope)" in said and "users:read" in said
    assert store.subscriptions() == []


async def test_a_private_channel_it_cannot_post_in_is_said_at_once(bot):
    bot.fake.missing_channels.add(CHANNEL)
    said = await bot.qotd("09:00 Europe/Paris")
    assert said.startswith("Quote of the day set:")
    assert "(I could not post in this channel: channel_not_found." in said


async def test_a_store_that_is_down_gets_a_polite_answer_and_quotes_still_flow(tmp_path):
    def broken() -> SQLiteStore:
        return SQLiteStore(tmp_path / "no" / "such" / "folder" / "state.db")

    fake = await FakeSlack().start()
    desk = QotdDesk(broken, DailyConfig(), lambda: BOOK, lambda: NOW)
    settings = SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, api_url=fake.api_url)
    stop = asyncio.Event()
    task = asyncio.create_task(slack.run(Answerer(BOOK), settings, stop, desk=desk))
    await fake.connected()
    bot = Bot(fake, desk)
    assert await bot.qotd("09:00 Europe/Paris") == UNREACHABLE
    ack = await fake.slash_command("/jonze", "editing")
    assert ack["payload"]["response_type"] == "in_channel"
    stop.set()
    await asyncio.wait_for(task, 10)
    await fake.stop()


def test_the_manifest_has_qotd_and_the_users_read_scope():
    data = slack.manifest(BOOK)
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert "/qotd" in commands
    hint = commands["/qotd"]["usage_hint"]
    assert hint == "[09:00 Europe/Paris [weekdays] [director] | off | list]"
    assert "users:read" in data["oauth_config"]["scopes"]["bot"]
    assert json.dumps(data)  # still one JSON document


async def test_users_info_rate_limited_says_try_again_not_reinstall(bot, store):
    from aiohttp import web

    bot.fake.responses["users.info"] = [
        web.json_response(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "20"}
        )
    ]
    said = await bot.qotd("09:00 Europe/Paris")
    assert "just now (ratelimited). Please try again in a minute." in said
    assert "users:read" not in said and store.subscriptions() == []
