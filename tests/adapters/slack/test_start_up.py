"""`quotebot run` with Slack, as a process: start-up says what it does in quotebot's own
words, with a template's leftovers (variables set to nothing) in its environment: no
bolt warning that a token "will be unused", no bolt connection chatter, no bolt line at
all; and the one workspace is answered."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    FakeSlack,
)
from tests.fixtures import EDITING, post_command, start_bot

pytestmark = pytest.mark.system

LEFTOVERS = {"SLACK_CLIENT_ID": "", "SLACK_CLIENT_SECRET": " ", "SLACK_SCOPES": "",
             "SLACK_REDIRECT_URI": "", "SLACK_VERIFICATION_TOKEN": ""}  # fmt: skip


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def assert_quotebots_words(log: str) -> None:
    assert " slack_bolt" not in log and " slack_sdk" not in log, log
    assert "will be unused" not in log and "will be ignored" not in log
    assert "ERROR" not in log and "Traceback" not in log
    # No quotebot.toml here: nothing said of the operator's targets, none being set.
    assert "no targets" not in log and "quotebot.toml:" not in log
    assert "daily: subscriptions on slack" in log
    assert BOT_TOKEN not in log and APP_TOKEN not in log and CLIENT_SECRET not in log


async def test_socket_mode_with_blank_oauth_variables_answers_and_says_so_itself(fake):
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN,
           "SLACK_API_URL": fake.api_url, **LEFTOVERS}  # fmt: skip
    bot = await start_bot("run", env=env)
    await fake.connected()
    ack = await fake.slash_command("/jonze", "editing")
    assert await bot.stop() == 0
    assert ack["payload"]["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert "Slack: connected in Socket Mode" in bot.log
    assert "A new session" not in bot.log
    assert_quotebots_words(bot.log)


async def test_http_for_one_workspace_with_blank_oauth_variables_answers(fake):
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url, **LEFTOVERS}  # fmt: skip
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    status, payload = await post_command(await bot.slack_http(), fake, "editing")
    assert await bot.stop() == 0
    assert (status, payload["response_type"]) == (200, "in_channel"), payload
    assert "Slack: answering over HTTP" in bot.log and "every workspace" not in bot.log
    assert_quotebots_words(bot.log)


async def test_oauth_with_a_blank_bot_token_starts_without_a_bolt_warning(fake, tmp_path):
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url,
           "SLACK_BOT_TOKEN": "", "QUOTEBOT_DB": str(tmp_path / "state.db")}  # fmt: skip
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    await bot.slack_http()
    assert await bot.stop() == 0
    assert "Slack: answering over HTTP for every workspace that installs it" in bot.log
    assert_quotebots_words(bot.log)
