"""Slack's topic menu: a static_select under ``/jonze topics`` and a miss, over Socket Mode
and HTTP; a topic chosen answers privately with a quote of it; past 100 topics the most
quoted first and a note of how many more; forged choices refused politely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.buttons import pressed, with_buttons
from bot.answers import Answerer, decode
from bot.answers import buttons as ids
from bot.book.loader import load_book
from tests.adapters.discord.test_discord_topic_menu import JONZE_TOPICS, many_topics
from tests.adapters.slack.bots import (
    Bot,
    assert_no_live_mention,
)
from tests.fakes.slack import FakeSlack
from tests.fixtures import EDITING, QUOTES, post_command

NOT_MINE = "That button is not one of mine."


def menu_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The one static_select under a message."""
    blocks = [b for b in payload["blocks"] if b["type"] == "actions"]
    [select] = [e for b in blocks for e in b["elements"] if e["type"] == "static_select"]
    found: dict[str, Any] = select
    return found


async def test_topics_carry_the_menu_over_socket_mode(socket_bot: FakeSlack) -> None:
    payload = (await socket_bot.slash_command("/jonze", "topics"))["payload"]
    select = menu_of(payload)
    assert decode(select["action_id"]) == ids.Menu("jonze")
    assert {o["value"] for o in select["options"]} == JONZE_TOPICS
    assert "placeholder" not in select
    assert_no_live_mention(payload)


async def test_a_miss_carries_the_menu_over_http(http_bot: str, fake: FakeSlack) -> None:
    status, payload = await post_command(http_bot, fake, "<!channel> xyzzy")
    assert status == 200 and payload["response_type"] == "ephemeral"
    assert len(menu_of(payload)["options"]) == 9
    assert_no_live_mention(payload)


async def test_a_choice_answers_privately_with_a_quote_of_it(bot: Bot) -> None:
    await bot.interactive(bot.fake.menu_choice("q1|m|jonze", "editing"))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral" and payload["replace_original"] is False
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    [actions] = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert {e["action_id"] for e in actions["elements"]} >= {"q1:source", "q1:post"}


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        ("q1|m|jonze", "no-such-topic"),
        ("q1|m|jonze", "e" * 10_000),
        ("q1:source", "editing"),  # a button's action_id on a menu
        ("q1|m|jonze|editing", "editing"),
        ("q1|m|" + "j" * 40, "editing"),
    ],
)
async def test_a_forged_choice_is_not_one_of_mine(bot: Bot, action_id: str, value: str) -> None:
    await bot.interactive(bot.fake.menu_choice(action_id, value))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral" and payload["text"] == NOT_MINE


def test_a_menu_id_pressed_as_a_button_or_of_a_removed_director(fake: FakeSlack) -> None:
    answerer = Answerer(load_book([QUOTES]).book)
    as_button = pressed(answerer, fake.message_button("q1:meant:0", "q1|m|jonze"))
    assert as_button["text"] == NOT_MINE
    gone = pressed(answerer, fake.menu_choice("q1|m|nobody", "editing"))
    assert gone["text"].startswith("That button has expired")


def test_a_hundred_and_twenty_topics_show_a_hundred_with_the_note(
    tmp_path: Path, fake: FakeSlack
) -> None:
    answerer = many_topics(tmp_path / "book", 120, busy=3)
    listed = answerer.answer("many", "topics")
    select = menu_of(with_buttons(listed, None, "many", answerer))
    values = [o["value"] for o in select["options"]]
    assert len(values) == 100 and values[:3] == ["t117", "t118", "t119"]
    assert values[3:] == [f"t{n:03}" for n in range(97)]
    assert select["placeholder"]["text"] == "…and 20 more"
    assert all(len(o["text"]["text"]) <= 75 for o in select["options"])
    chosen = pressed(answerer, fake.menu_choice(select["action_id"], "t110"))
    assert chosen["blocks"][0]["text"]["text"] == "“Quote 110 0.”"
