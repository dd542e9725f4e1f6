"""Slack's Find the source shortcut and direct messages: the real slack-bolt against the
fake Slack, over Socket Mode and over HTTP (Events API JSON, interactivity forms)."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from bot import limits
from bot.adapters import slack
from bot.adapters.slack import SlackSettings
from bot.adapters.slack.messages import read_dm
from bot.adapters.slack.render import render_source
from bot.answers import buttons as ids
from bot.answers import check_source
from bot.answers.answerer import Answerer, QuoteAnswer
from bot.book import Quote, Source, quote_id
from bot.book.model import quote_key
from bot.daily.desk import QotdDesk
from bot.store.records import SubscriptionRecord
from tests.adapters.slack.bots import (
    CONFIG_ADMIN,
    assert_no_live_mention,
    button_values,
)
from tests.fakes.slack import (
    ADMIN,
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    MEMBER,
    OWNER,
    FakeSlack,
    person,
)
from tests.fixtures import EDITING

# The shipped quote as someone would re-type it: straight quote marks and apostrophe.
RETYPED = '"' + EDITING.replace("’", "'") + '"'
SOURCE = {
    "Source: In Conversation",
    "Venue: TIFF Bell Lightbox, Toronto",
    "Date: 2013-09",
    "Document: seeds/2013-09-tiff-in-conversation-spike-jonze.txt",
    "Status: attributed",
    # The quote's stable ID, its permalink's (bot.book.quote_id).
    f"ID: #{quote_id(Quote('Spike Jonze', '', EDITING, '', Source('', '')))}",
}


def assert_within_slack_limits(payload: dict[str, Any]) -> None:
    assert len(payload["text"]) <= limits.SLACK_SECTION_MAX
    assert len(payload["blocks"]) <= limits.SLACK_BLOCKS_MAX
    for block in payload["blocks"]:
        texts = [block["text"]] if "text" in block else block["elements"]
        assert all(len(t["text"]) <= limits.SLACK_SECTION_MAX for t in texts)


def posted_to(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages if m.get("channel") == channel]


# ---- direct messages ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["jonze editing", "/jonze editing", "quote cutting"])
async def test_a_dm_is_answered_in_the_dm_like_the_command(bot, text):
    await bot.event(bot.fake.dm_event(text))
    [message] = posted_to(bot.fake, "D0MEMBER01")
    assert message["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert EDITING in message["text"]
    [call] = bot.fake.calls_to("chat.postMessage")
    assert call.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


async def test_a_dm_saying_topics_lists_the_topics(bot):
    await bot.event(bot.fake.dm_event("topics"))
    [message] = posted_to(bot.fake, "D0MEMBER01")
    assert "*editing*" in message["blocks"][0]["text"]["text"]


async def test_a_dm_with_hostile_text_is_a_miss_that_pings_nobody(bot):
    await bot.event(bot.fake.dm_event("jonze <!everyone> <@U0MEMBER2> <!channel>"))
    [message] = posted_to(bot.fake, "D0MEMBER01")
    assert_no_live_mention(message)


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "bot_message", "bot_id": "B0OTHERBOT", "username": "otherbot"},
        {"bot_id": "B0OTHERBOT", "app_id": "A0OTHERAPP", "user": "U0OTHERBOT"},
        {"bot_id": BOT_ID, "user": "U0QUOTEBOT"},  # the bot's own answer: no loop
        {
            "subtype": "message_changed", "hidden": True,
            "message": {"type": "message", "user": "U0MEMBER1", "text": "jonze editing"},
            "previous_message": {"type": "message", "user": "U0MEMBER1", "text": "jonze"},
        },
        {"subtype": "message_deleted", "hidden": True},
        {"channel_type": "channel", "channel": "C0FILMCLUB"},  # not a DM
    ],
)  # fmt: skip
async def test_bot_messages_subtypes_and_other_channels_are_left_alone(bot, extra):
    await bot.event(bot.fake.dm_event("jonze editing", **extra))
    assert bot.fake.calls_to("chat.postMessage") == []


def test_read_dm_reads_the_forms_people_type():
    assert read_dm("  Jonze   editing ") == ("jonze", "editing")
    assert read_dm("/quote jonze cut") == ("quote", "jonze cut")
    assert read_dm("TOPICS") == ("quote", "topics")
    assert read_dm("   ") is None
    assert read_dm("/") is None


# ---- Find the source ----------------------------------------------------------------------


async def test_find_the_source_on_a_retyped_quote_answers_privately_with_its_source(bot):
    await bot.interactive(bot.fake.message_action(RETYPED))
    call = await bot.fake.next_response_post()
    payload = call.data
    assert payload["response_type"] == "ephemeral"
    assert payload["replace_original"] is False
    heading, quote, *context = payload["blocks"]
    assert heading["text"]["text"] == "*In the book: Spike Jonze.*"
    assert quote["text"]["text"] == f"“{EDITING}”"
    lines = context[0]["elements"][0]["text"].split("\n")
    assert lines[0] == "— Spike Jonze"
    assert set(lines[1:]) == SOURCE
    assert bot.fake.calls_to("chat.postMessage") == []  # nothing public


async def test_find_the_source_on_text_not_in_the_book_says_so_privately(bot):
    await bot.interactive(bot.fake.message_action("Cinema is truth 24 times a second."))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral"
    assert payload["text"] == "Not in the book."
    assert len(payload["blocks"]) == 1


@pytest.mark.parametrize(
    "posted",
    [
        "<!everyone> " + "x" * 10_000,
        "<!everyone> <!channel> <!here> <@U0MEMBER2> " + RETYPED + " y" * 5_000,
        "<!everyone> <@U0MEMBER2> " * 400,
    ],
)
async def test_hostile_messages_ping_no_one_and_fit_slacks_limits(bot, posted):
    assert len(posted) >= 10_000
    await bot.interactive(bot.fake.message_action(posted))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral"
    assert_no_live_mention(payload)
    assert_within_slack_limits(payload)
    assert "x" * 50 not in json.dumps(payload)  # the message is never echoed
    if RETYPED in posted:  # the quote is still found
        assert payload["blocks"][0]["text"]["text"] == "*In the book: Spike Jonze.*"


def test_a_source_answer_renders_escaped_and_within_limits(answerer):
    answer = check_source(answerer.book, RETYPED)
    payload = render_source(answer)
    assert payload["text"].startswith("In the book: Spike Jonze. “I didn’t know")
    assert_no_live_mention(payload)
    assert_within_slack_limits(payload)


# ---- the manifest ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["", "https://bot.example/slack/events"])
def test_the_manifest_has_the_shortcut_the_dm_event_and_the_scope(answerer, url):
    data = slack.manifest(answerer.book, url=url)
    shortcuts = data["features"]["shortcuts"]
    assert [s["callback_id"] for s in shortcuts] == ["find_the_source", "suggest_quote"]
    shortcut = shortcuts[0]
    assert shortcut == {
        "name": "Find the source",
        "type": "message",
        "callback_id": "find_the_source",
        "description": shortcut["description"],
    }
    assert 1 <= len(shortcut["description"]) <= 80
    assert data["features"]["app_home"]["messages_tab_enabled"] is True
    assert "im:history" in data["oauth_config"]["scopes"]["bot"]
    assert "message.im" in data["settings"]["event_subscriptions"]["bot_events"]
    interactivity = data["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity.get("request_url", "") == url


# ---- App Home -------------------------------------------------------------------------------


def subscribe(desk: QotdDesk, channel: str, workspace: str = "T0FILMCLB") -> None:
    record = SubscriptionRecord(
        platform="slack", workspace=workspace, channel=channel, at_time="09:00",
        zone="Europe/Paris", days="weekdays", director="jonze", owner="chat",
        set_by=ADMIN, paused=None, next_due=0.0, updated_at=0.0,
    )  # fmt: skip
    desk.store.call(lambda store: store.subscribe(record))


def home_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def buttons(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def test_the_home_tab_shows_each_director_with_their_topics_as_buttons(bot, answerer):
    await bot.event(bot.fake.home_opened(MEMBER))
    view = bot.fake.views[MEMBER]
    assert view["type"] == "home"
    assert len(view["blocks"]) <= 100
    shown = home_text(view)
    for director in answerer.book:
        assert f"*{director.name}* · /{director.command}" in shown
    pressed = {b["value"] for b in buttons(view)}
    assert "jonze editing" in pressed
    assert all(b["type"] == "button" and len(b["text"]["text"]) <= 75 for b in buttons(view))
    assert len({b["action_id"] for b in buttons(view)}) == len(buttons(view))  # unique
    assert "Quote of the day" not in shown  # a member sees no channels


async def test_the_messages_tab_opening_publishes_nothing(bot):
    await bot.event(bot.fake.home_opened(MEMBER, tab="messages"))
    assert bot.fake.views == {} and bot.fake.calls_to("views.publish") == []


@pytest.mark.parametrize("user", [ADMIN, OWNER, CONFIG_ADMIN])
async def test_an_admin_sees_the_workspaces_quote_of_the_day_channels(bot, desk, user):
    bot.fake.users[CONFIG_ADMIN] = person(CONFIG_ADMIN, "Dee", "UTC")
    subscribe(desk, "C0FILMCLUB")
    subscribe(desk, "C0ELSEWHERE", workspace="T0OTHERWS")  # another workspace's
    await bot.event(bot.fake.home_opened(user))
    shown = home_text(bot.fake.views[user])
    assert "<#C0FILMCLUB>: weekdays at 09:00 Europe/Paris, from /jonze only" in shown
    assert "C0ELSEWHERE" not in shown


async def test_a_member_does_not_see_the_channels(bot, desk):
    subscribe(desk, "C0FILMCLUB")
    await bot.event(bot.fake.home_opened(MEMBER))
    shown = home_text(bot.fake.views[MEMBER])
    assert "C0FILMCLUB" not in shown and "Quote of the day" not in shown


async def test_a_topic_button_answers_with_a_quote_in_the_dm(bot):
    await bot.interactive(bot.fake.button_press("topic:jonze:editing", "jonze editing"))
    [message] = bot.fake.messages
    assert message["channel"] == MEMBER  # the user's DM with the app
    assert message["blocks"][0]["text"]["text"] == f"“{EDITING}”"


@pytest.mark.parametrize(
    "value",
    ["jonze nothing-such", "nolan time", "<!everyone> editing", "jonze", "", "x" * 5_000],
)
async def test_a_forged_button_is_told_privately_it_is_not_ours(bot, value):
    await bot.interactive(bot.fake.button_press("topic:forged", value))
    [message] = bot.fake.messages
    assert message["channel"] == MEMBER
    assert message["text"] == "That button is not one of mine."
    assert "<!" not in home_text(message)


# ---- buttons under a quote: Another, Source, Post to channel ------------------------


async def test_a_slash_command_quote_carries_another_and_source(fake, answerer):
    stop = asyncio.Event()
    settings = SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, api_url=fake.api_url)
    task = asyncio.create_task(slack.run(answerer, settings, stop))
    await fake.connected()
    ack = await fake.slash_command("/jonze", "")
    values = button_values(ack["payload"])
    assert set(values) == {"q1:another", "q1:source"}  # public: nothing to post
    assert all(len(v) <= 100 for v in values.values())
    await fake.send_envelope("interactive", fake.message_button("q1:another", values["q1:another"]))
    pressed = (await fake.next_response_post()).data
    assert pressed["response_type"] == "ephemeral" and "q1:post" in button_values(pressed)
    assert pressed["blocks"][0] != ack["payload"]["blocks"][0]
    stop.set()
    await asyncio.wait_for(task, 10)


def first_another(answerer: Answerer) -> tuple[str, str]:
    """Another's value under an answer to /jonze, as a second instance made it."""
    other = Answerer(answerer.book, random.Random(9))
    answer = other.answer("jonze", "")
    assert isinstance(answer, QuoteAnswer)
    another = ids.another_after(other, "jonze", "", answer)
    assert another is not None
    value = ids.encode(another)
    assert value is not None
    return answer.quote.text, value


async def test_another_goes_on_with_the_rotation_in_place_on_a_private_answer(bot, answerer):
    first, value = first_another(answerer)
    seen = [first]
    for _ in range(3):
        await bot.interactive(bot.fake.message_button("q1:another", value, ephemeral=True))
        payload = (await bot.fake.next_response_post()).data
        assert payload["replace_original"] is True
        seen.append(payload["blocks"][0]["text"]["text"])
        value = button_values(payload)["q1:another"]
        assert "q1:post" in button_values(payload)
    assert len(set(seen)) == 4


async def test_another_on_a_public_answer_answers_the_presser_privately(bot, answerer):
    _, value = first_another(answerer)
    await bot.interactive(bot.fake.message_button("q1:another", value, ephemeral=False))
    payload = (await bot.fake.next_response_post()).data
    assert payload["replace_original"] is False and payload["response_type"] == "ephemeral"


async def test_source_is_private_and_post_shares_it_shared_by_the_presser(bot, answerer):
    [quote] = answerer.book.by_command("jonze").by_topic["editing"]
    key = quote_key(quote)
    await bot.interactive(bot.fake.message_button("q1:source", ids.encode(ids.Cite(key))))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral" and payload["replace_original"] is False
    _heading, said, *context = payload["blocks"]
    assert said["text"]["text"] == f"“{EDITING}”"
    assert set(context[0]["elements"][0]["text"].split("\n")[1:]) == SOURCE
    post = ids.encode(ids.Cite(key, post=True))
    await bot.interactive(bot.fake.message_button("q1:post", post, ephemeral=True))
    shared = (await bot.fake.next_response_post()).data
    assert shared["response_type"] == "in_channel"
    assert shared["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert shared["blocks"][-1]["elements"][0]["text"] == f"Shared by <@{MEMBER}>"


@pytest.mark.parametrize(
    "value",
    ["garbage", "q2|t|jonze|editing", "q1|a|jonze|z|0|9|", "q1|s|x", "x" * 10_000, ""],
)
async def test_a_forged_button_value_is_not_one_of_mine(bot, value):
    await bot.interactive(bot.fake.message_button("q1:another", value))
    payload = (await bot.fake.next_response_post()).data
    assert payload == {"response_type": "ephemeral", "text": "That button is not one of mine.",
                       "replace_original": False}  # fmt: skip


async def test_a_button_of_a_director_no_longer_in_the_book_has_expired(bot):
    for value in ("q1|a|nobody|0|0|9|", "q1|s|Nobody At All:0123456789abcdef"):
        await bot.interactive(bot.fake.message_button("q1:another", value))
        payload = (await bot.fake.next_response_post()).data
        assert payload["response_type"] == "ephemeral"
        assert payload["text"].startswith("That button has expired")


async def test_an_ask_button_answers_the_presser_privately_with_buttons(bot):
    value = ids.encode(ids.Ask("jonze", "editing"))
    await bot.interactive(bot.fake.message_button("q1:meant:0", value))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral" and payload["replace_original"] is False
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert set(button_values(payload)) == {"q1:source", "q1:post"}


async def test_another_under_a_word_search_gives_the_next_match(bot):
    first = await bot.command("/jonze", "movie")
    shown = first["blocks"][0]["text"]["text"]
    await bot.interactive(bot.fake.message_button("q1:another", button_values(first)["q1:another"]))
    pressed = (await bot.fake.next_response_post()).data
    other = pressed["blocks"][0]["text"]["text"]
    assert other != shown and "movie" in other.casefold() and "movie" in shown.casefold()
