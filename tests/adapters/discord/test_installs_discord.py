"""Discord as a user-installed app and the message command Find the source: the real
discord.py over the gateway against the fake Discord (REST and gateway) on 127.0.0.1."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot import limits
from bot.adapters import discord as adapter
from bot.adapters.discord.sync import comparable
from bot.answers import SourceAnswer, source_lines
from bot.book import Quote, Source, quote_id
from tests.fakes.discord import (
    APP_ID,
    CHANNEL_MESSAGE,
    EPHEMERAL,
    GUILD_CONTEXT,
    MESSAGE_COMMAND,
    PRIVATE_CHANNEL_CONTEXT,
    FakeDiscord,
    in_dm,
)
from tests.fixtures import connect_discord

EDITING = "I didn’t know exactly what I was making. I was trying to find it along the way."
RETYPED = "I didn't know  exactly what I was making.   I was trying to find it along the way."
SOURCE = limits.SOURCE_COMMAND


@pytest.fixture
def fake(discord_gateway: FakeDiscord) -> FakeDiscord:
    """The fake Discord, quotebot's client connected to it (tests/fixtures.py)."""
    return discord_gateway


async def answered(fake: FakeDiscord, interaction: dict[str, Any]) -> dict[str, Any]:
    """The interaction's answer: a message (never a deferral), mentioning no one."""
    callback = await fake.interact(interaction)
    assert callback["type"] == CHANNEL_MESSAGE, callback
    data: dict[str, Any] = callback["data"]
    assert data["allowed_mentions"] == {"parse": []}
    return data


def private(data: dict[str, Any]) -> bool:
    return bool(data.get("flags", 0) & EPHEMERAL)


def registered(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in fake.commands[None]}


async def test_the_quote_commands_may_be_installed_by_users_and_used_anywhere(fake):
    commands = registered(fake)
    assert set(commands) == {"quote", "qotd", "jonze", SOURCE}
    for name in ("quote", "jonze", SOURCE):
        assert commands[name]["integration_types"] == [0, 1], name
        assert commands[name]["contexts"] == [0, 1, 2], name
    assert commands["qotd"]["integration_types"] == [0]
    assert commands["qotd"]["contexts"] == [0]
    assert commands["qotd"]["dm_permission"] is False


async def test_find_the_source_is_a_message_command(fake):
    menu = registered(fake)[SOURCE]
    assert menu["type"] == MESSAGE_COMMAND
    assert menu["description"] == ""  # as Discord has it: message commands have none
    assert "options" not in menu


def test_commands_registered_before_installs_existed_are_synced_again():
    # What an older quotebot registered: no integration_types or contexts (null).
    now = {"name": "jonze", "description": "Spike Jonze", "type": 1,
           "integration_types": [0, 1], "contexts": [0, 1, 2]}  # fmt: skip
    before = {**now, "integration_types": None, "contexts": None}
    assert comparable([now]) != comparable([before])
    assert comparable([now]) == comparable([{**now, "contexts": [2, 0, 1]}])


async def test_a_restart_with_the_same_commands_does_not_sync_them_again(fake):
    assert len(fake.calls_to("PUT", f"/applications/{APP_ID}/commands")) == 1
    stop, task = await connect_discord(fake)  # a restart with the same book
    stop.set()
    await task
    # The installs and contexts read back from Discord compare equal: one GET, no PUT.
    assert len(fake.calls_to("GET", f"/applications/{APP_ID}/commands")) == 2
    assert len(fake.calls_to("PUT", f"/applications/{APP_ID}/commands")) == 1


async def test_find_the_source_on_a_retyped_quote_answers_privately_with_its_full_source(fake):
    data = await answered(fake, fake.message_command(RETYPED))
    assert private(data)
    (embed,) = data["embeds"]
    assert embed["title"] == "In the book: Spike Jonze."
    assert embed["description"] == f"“{EDITING}”"
    assert embed["author"]["name"] == "Spike Jonze"
    ident = re.fullmatch(r"On the 14-month editing period for HER · #([a-z2-7]{10})",
                         embed["footer"]["text"])  # fmt: skip
    assert ident is not None
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields == {
        "Source": "In Conversation",
        "Venue": "TIFF Bell Lightbox, Toronto",
        "Date": "2013-09",
        "Document": "seeds/2013-09-tiff-in-conversation-spike-jonze.txt",
        "Status": "attributed",
        "ID": f"#{ident[1]}",
    }


async def test_find_the_source_on_a_message_not_in_the_book_says_so_privately(fake):
    data = await answered(fake, fake.message_command("Cinema is truth 24 times a second."))
    assert private(data)
    assert data["content"] == "Not in the book."
    assert "embeds" not in data or not data["embeds"]


@pytest.mark.parametrize(
    "posted",
    [
        "x" * 10_000,
        "word " * 2_000,
        "@everyone @here <@123> <@&456> " + RETYPED,
        "@everyone <@123> " * 500,
    ],
)
async def test_hostile_messages_ping_no_one_and_fit_discords_limits(fake, posted):
    data = await answered(fake, fake.message_command(posted))
    assert private(data)
    content = data.get("content") or ""
    shown = content + str(data.get("embeds", ""))
    assert "@everyone" not in shown and "@here" not in shown
    assert not re.search(r"<@[!&]?\d+>", shown), shown
    assert len(content) <= limits.DISCORD_CONTENT_MAX
    for embed in data.get("embeds", []):
        size = len(embed.get("title", "")) + len(embed.get("description", ""))
        size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        assert size + len(embed.get("footer", {}).get("text", "")) <= 6_000
    if "@everyone @here" in posted and RETYPED in posted:  # the quote is still found
        assert data["embeds"][0]["title"] == "In the book: Spike Jonze."


async def test_a_user_install_answers_jonze_editing_in_a_dm(fake):
    interaction = in_dm(fake.command("jonze", topic="editing"))
    assert "guild_id" not in interaction and interaction["context"] == 1
    data = await answered(fake, interaction)
    (embed,) = data["embeds"]
    assert embed["description"] == f"“{EDITING}”"
    assert not private(data)


async def test_find_the_source_works_in_a_private_channel_of_a_user_install(fake):
    interaction = in_dm(fake.message_command(RETYPED), context=PRIVATE_CHANNEL_CONTEXT)
    data = await answered(fake, interaction)
    assert private(data)
    assert data["embeds"][0]["title"] == "In the book: Spike Jonze."


async def test_a_guild_interaction_still_carries_its_context(fake):
    interaction = fake.command("quote", director="jonze", topic="editing")
    assert interaction["context"] == GUILD_CONTEXT
    data = await answered(fake, interaction)
    assert data["embeds"][0]["description"] == f"“{EDITING}”"


def test_a_source_answer_of_the_longest_fields_fits_one_embed():
    source = Source(
        "s", "T" * 3_000, "V" * 3_000, "2020", "d" * 3_000, "https://x.org/" + "u" * 3_000
    )
    quote = Quote(
        "D" * 256, "t", "q" * limits.QUOTE_TEXT_MAX, "c" * 2_000, source, locator="p" * 900
    )
    answer = SourceAnswer(quote, True, "In the book: " + "D" * 256 + ".", source_lines(quote))
    embed = adapter.render_source(answer)["embed"]
    assert len(embed) <= limits.DISCORD_EMBEDS_TOTAL_MAX
    assert embed.fields and embed.fields[0].name == "Source"
    assert all(len(f.value or "") <= 1_024 for f in embed.fields)
    # The source is in the fields, not the footer: what it is about, and its ID kept whole.
    assert embed.footer.text is not None and len(embed.footer.text) <= limits.DISCORD_FOOTER_MAX
    assert embed.footer.text == "c" * 2_000 + f" · #{quote_id(quote)}"
