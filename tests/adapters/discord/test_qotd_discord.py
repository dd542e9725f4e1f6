"""/qotd on Discord: the real discord.py over the gateway against the fake Discord, the
subscriptions in a real SQLite store. Who may is the member's permissions in the channel
as the interaction carries them (Manage Channels, or Administrator)."""

from __future__ import annotations

import pytest

from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    USER_ID,
)

ADMINISTRATOR = str(1 << 3 | 1 << 10 | 1 << 11)


async def test_qotd_is_registered_for_channel_managers_in_servers_only(bot):
    (qotd,) = [c for c in bot.fake.commands[None] if c["name"] == "qotd"]
    assert qotd["default_member_permissions"] == "16"  # Manage Channels
    assert qotd.get("dm_permission") is False or qotd.get("contexts") == [0]
    subs = {o["name"]: o for o in qotd["options"]}
    assert set(subs) == {"show", "set", "off", "list"}
    options = {o["name"]: o for o in subs["set"]["options"]}
    assert options["time"]["required"] and options["timezone"]["required"]
    assert options["timezone"]["autocomplete"] and options["director"]["autocomplete"]
    assert [c["value"] for c in options["days"]["choices"]] == ["daily", "weekdays"]


async def test_a_manager_sets_it_privately_with_one_public_line(bot, store):
    said = await bot.qotd("set", time="09:00", timezone="Europe/Paris", days="weekdays",
                          director="jonze")  # fmt: skip
    assert said.startswith(
        "Quote of the day set: weekdays at 09:00 Europe/Paris, from /jonze only. "
        "Next post: Thursday 26 November 2026 at 09:00."
    )
    assert await bot.public_lines(1) == [
        "Quote of the day: weekdays at 09:00 Europe/Paris, from /jonze only, set by cinephile."
    ]
    assert bot.fake.followups[0]["allowed_mentions"] == {"parse": []}
    record = store.subscription("discord", GUILD_ID, CHANNEL_ID)
    assert record is not None and (record.cron, record.set_by) == ("0 9 * * 1-5", USER_ID)


async def test_show_off_and_list(bot, store):
    assert (await bot.qotd("show")).startswith("There is no quote of the day in this channel.")
    await bot.qotd("set", time="9pm", timezone="america/toronto")
    shown = await bot.qotd("show")
    assert shown.startswith("Quote of the day here: every day at 21:00 America/Toronto.")
    assert f"Set by <@{USER_ID}>." in shown
    listed = await bot.qotd("list")
    assert listed.startswith("Quote of the day in 1 channel(s):")
    assert f"• <#{CHANNEL_ID}>: every day at 21:00 America/Toronto, next Wednesday 25" in listed
    assert await bot.qotd("off") == "Switched off: no more quote of the day here."
    assert (await bot.public_lines(2))[-1] == "Quote of the day: switched off by cinephile."
    assert store.subscriptions() == []


@pytest.mark.parametrize("sub", ["show", "set", "off", "list"])
async def test_a_member_without_manage_channels_is_refused(bot, store, sub):
    options = {"time": "09:00", "timezone": "Europe/Paris"} if sub == "set" else {}
    said = await bot.qotd(sub, permissions="2248473465835073", **options)
    assert said.startswith("Only members who may manage this channel (Manage Channels)")
    assert store.subscriptions() == [] and bot.public() == []


async def test_an_administrator_may(bot, store):
    await bot.qotd("set", permissions=ADMINISTRATOR, time="09:00", timezone="Asia/Tokyo")
    assert len(store.subscriptions()) == 1


async def test_a_zone_by_typo_suggests_the_real_one_and_changes_nothing(bot, store):
    said = await bot.qotd("set", time="09:00", timezone="Europe/Pariss")
    assert "There is no time zone “Europe/Pariss”. Did you mean Europe/Paris" in said
    assert "Usage: `/qotd set time:09:00 timezone:Europe/Paris`" in said
    assert store.subscriptions() == [] and bot.public() == []


@pytest.mark.parametrize(
    ("typed", "first"),
    [("", "America/Los_Angeles"), ("paris", "Europe/Paris"), ("Europe/Pariss", "Europe/Paris"),
     ("tokio", "Asia/Tokyo"), ("new york", "America/New_York")],
)  # fmt: skip
async def test_timezone_autocomplete_is_typo_tolerant(bot, typed, first):
    choices = await bot.choices("timezone", time="09:00", timezone=typed)
    assert choices[0]["value"] == first
    assert 1 <= len(choices) <= 25


async def test_director_autocomplete_offers_the_books_directors(bot):
    choices = await bot.choices("director", time="09:00", timezone="UTC", director="jon")
    assert choices[0] == {"name": "Spike Jonze (/jonze)", "value": "jonze"}


async def test_an_unknown_director_is_refused(bot, store):
    said = await bot.qotd("set", time="09:00", timezone="UTC", director="nolan")
    assert "There is no director /nolan here." in said
    assert store.subscriptions() == []


async def test_in_a_direct_message_it_says_it_needs_a_channel(bot, store):
    callback = await bot.fake.interact(
        bot.fake.subcommand("qotd", "set", dm=True, time="09:00", timezone="UTC")
    )
    said = callback["data"]["content"]
    assert said == "The quote of the day goes to a channel: use /qotd in one."
    assert store.subscriptions() == []


async def test_a_channel_the_bot_cannot_post_in_is_said_at_once(bot):
    interaction = bot.fake.subcommand(
        "qotd", "set", MANAGER_PERMISSIONS, time="09:00", timezone="UTC"
    )
    interaction["app_permissions"] = str(1 << 10)  # View Channel only
    callback = await bot.fake.interact(interaction)
    content = callback["data"]["content"]
    assert "(I cannot post here yet: give me Send Messages, Embed Links, Read Message History" in (
        content
    )


async def test_a_name_that_looks_like_a_mention_pings_nobody(bot):
    interaction = bot.fake.subcommand(
        "qotd", "set", MANAGER_PERMISSIONS, time="09:00", timezone="UTC"
    )
    interaction["member"]["nick"] = "@everyone **boss**"
    await bot.fake.interact(interaction)
    (line,) = await bot.public_lines(1)
    assert "set by @everyone \\*\\*boss\\*\\*" in line
    assert bot.fake.followups[0]["allowed_mentions"] == {"parse": []}
