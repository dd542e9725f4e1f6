"""Slack: a miss's "did you mean" as buttons under the slash command's answer, over Socket
Mode and HTTP, each asking afresh for the presser alone; hostile words ping no one."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters import slack
from bot.answers import Answerer, decode
from bot.answers import buttons as ids
from tests.adapters.slack.bots import (
    Bot,
    assert_no_live_mention,
    button_values,
)
from tests.fakes.slack import FakeSlack
from tests.fixtures import EDITING, post_command


def meant(payload: dict[str, Any]) -> dict[str, str]:
    """A miss's buttons (not its topic menu): label → value."""
    [actions] = [b for b in payload["blocks"] if b["type"] == "actions"]
    return {e["text"]["text"]: e["value"] for e in actions["elements"] if e["type"] == "button"}


async def test_a_miss_carries_its_did_you_mean_over_socket_mode(
    socket_bot: FakeSlack, answerer: Answerer
) -> None:
    payload = (await socket_bot.slash_command("/jonze", "xyzzy editing"))["payload"]
    assert payload["response_type"] == "ephemeral"
    rendered = slack.render(answerer.answer("jonze", "xyzzy editing"))
    assert payload["blocks"][:-1] == rendered["blocks"]  # the miss as before, then buttons
    buttons = meant(payload)
    assert list(buttons) == ["editing"]
    assert decode(buttons["editing"]) == ids.Ask("jonze", "editing")
    assert_no_live_mention(payload)


async def test_a_miss_carries_its_did_you_mean_over_http(http_bot: str, fake: FakeSlack) -> None:
    status, payload = await post_command(http_bot, fake, "<!channel> xyzzy editing")
    assert status == 200 and payload["response_type"] == "ephemeral"
    assert decode(meant(payload)["editing"]) == ids.Ask("jonze", "editing")
    assert_no_live_mention(payload)


async def test_quote_s_miss_offers_the_directors_commands(socket_bot: FakeSlack) -> None:
    payload = (await socket_bot.slash_command("/quote", "jonz"))["payload"]
    assert decode(meant(payload)["/jonze"]) == ids.Ask("jonze", "")


@pytest.mark.parametrize("hostile", ["<!channel> xyzzy editing", "<@U0MEMBER2> xyzzy editing"])
async def test_hostile_words_beside_a_suggestion_ping_no_one(
    socket_bot: FakeSlack, hostile: str
) -> None:
    payload = (await socket_bot.slash_command("/jonze", hostile))["payload"]
    assert "editing" in meant(payload)
    assert_no_live_mention(payload)


async def test_a_miss_with_no_suggestion_has_no_buttons(socket_bot: FakeSlack) -> None:
    payload = (await socket_bot.slash_command("/jonze", "<!channel>"))["payload"]
    assert payload["response_type"] == "ephemeral"
    [actions] = [b for b in payload["blocks"] if b["type"] == "actions"]
    assert [e["type"] for e in actions["elements"]] == ["static_select"]  # the menu alone


async def test_a_did_you_mean_press_answers_privately_on_both_transports(bot: Bot) -> None:
    value = ids.encode(ids.Ask("jonze", "editing"))
    assert value is not None
    await bot.interactive(bot.fake.message_button("q1:meant:0", value, ephemeral=True))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral" and payload["replace_original"] is False
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert set(button_values(payload)) == {"q1:source", "q1:post"}


async def test_a_press_that_misses_again_carries_its_own_did_you_mean(bot: Bot) -> None:
    value = ids.encode(ids.Ask("jonze", "xyzzy editing"))
    assert value is not None
    await bot.interactive(bot.fake.message_button("q1:meant:0", value))
    payload = (await bot.fake.next_response_post()).data
    assert payload["response_type"] == "ephemeral"
    assert decode(meant(payload)["editing"]) == ids.Ask("jonze", "editing")
    assert_no_live_mention(payload)


def test_assert_no_live_mention_still_catches_what_slack_would_parse() -> None:
    live = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    odd = {"blocks": [{"type": "actions", "elements": [{"type": "users_select"}]}]}
    for payload in (live, odd, {"text": "<!channel>"}):
        with pytest.raises(AssertionError):
            assert_no_live_mention(payload)
