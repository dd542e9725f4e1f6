"""One `quotebot run` serving Discord (gateway) and Slack (HTTP): a fault on one platform,
or a reload, stops nothing else; the process ends non-zero only when nothing is left.
(The supervisor's restarts in this process: tests/app/test_supervisor.py.)"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord import TOKEN as DISCORD_TOKEN
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.fixtures import EDITING, QUOTES, Bot, post_command, start_bot, write


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


def both(discord: FakeDiscord, slack: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "DISCORD_TOKEN": DISCORD_TOKEN,
        "DISCORD_API_BASE": discord.api_base,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        **extra,
    }


async def start_both(env: dict[str, str]) -> tuple[Bot, str]:
    bot = await start_bot("run", "--http", "0", env=env)
    base = await bot.slack_http()
    return bot, base


async def slack_answers(base: str, slack: FakeSlack) -> None:
    status, payload = await post_command(base, slack, "editing")
    assert (status, payload["blocks"][0]["text"]["text"]) == (200, f"“{EDITING}”")


async def test_a_malformed_discord_frame_stops_nothing(discord, slack):
    bot, base = await start_both(both(discord, slack))
    await bot.wait_for_line(r"Discord: shard 0 connected")
    broken = {"id": "6000000000000000999", "type": 2, "version": 1}
    await discord.send_frame({"op": 0, "t": "INTERACTION_CREATE", "s": None, "d": broken})
    await bot.wait_for_line(r"Discord: dropped 1 INTERACTION_CREATE frame")
    await slack_answers(base, slack)
    callback = await discord.interact(discord.command("jonze", topic="edting"))
    assert callback["data"]["embeds"][0]["description"] == f"“{EDITING}”"
    assert await bot.stop() == 0
    assert "Traceback" not in bot.log


async def test_discord_closed_for_good_stops_alone_and_slack_goes_on(discord, slack):
    bot, base = await start_both(both(discord, slack))
    await bot.wait_for_line(r"Discord: shard 0 connected")
    await discord.close_gateway(4004)
    await bot.wait_for_line(r"discord stopped: Discord refused DISCORD_TOKEN on the gateway")
    await slack_answers(base, slack)
    assert await bot.stop() == 0
    assert DISCORD_TOKEN not in bot.log
    assert "Traceback" not in bot.log


async def test_a_refused_discord_token_at_start_leaves_slack_serving(discord, slack):
    env = both(discord, slack, DISCORD_TOKEN="MTAw.revoked.secret-token-value")
    bot, base = await start_both(env)
    await bot.wait_for_log(r"discord stopped: Discord refused DISCORD_TOKEN \(401")
    await slack_answers(base, slack)
    assert await bot.stop() == 0
    assert "secret-token-value" not in bot.log


async def test_run_exits_2_only_when_every_platform_has_stopped(discord, slack):
    env = both(discord, slack, SLACK_BOT_TOKEN="xoxb-revoked-secret")
    bot = await start_bot("run", "--http", "0", env=env)
    await bot.wait_for_log(r"slack stopped: Slack refused SLACK_BOT_TOKEN")
    await bot.wait_for_log(r"Discord: shard 0 connected")  # Discord still serves
    await discord.close_gateway(4004)
    err = await bot.exit_with(2)
    assert "error: Discord refused DISCORD_TOKEN on the gateway" in err
    assert "error: Slack refused SLACK_BOT_TOKEN (invalid_auth)" in err
    assert "revoked-secret" not in bot.log + err


async def test_a_sighup_during_start_up_is_a_reload_not_a_death(slack, tmp_path: Path):
    quotes = tmp_path / "quotes"
    quotes.mkdir()
    write(quotes, "jonze.yaml", (QUOTES / "jonze.yaml").read_text("utf-8"))
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "QUOTEBOT_QUOTES": str(quotes),
    }
    slack.hold_method("auth.test")  # start-up waits here, past loading the book
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    await slack.arrived("auth.test")
    bot.process.send_signal(signal.SIGHUP)
    slack.release("auth.test")
    base = await bot.slack_http()
    await bot.wait_for_log(r"reload: 9 quotes from 1 file")
    await slack_answers(base, slack)
    assert await bot.stop() == 0


async def test_a_sighup_before_serving_is_remembered_and_done_once_serving(slack, tmp_path):
    # The settings file is a FIFO, so start-up waits in it (before any event loop runs)
    # until the test writes it: a SIGHUP there must not kill the process.
    config = tmp_path / "quotebot.toml"
    os.mkfifo(config)
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "QUOTEBOT_CONFIG": str(config),
    }
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    writer = await asyncio.to_thread(os.open, config, os.O_WRONLY)  # the bot has it open
    bot.process.send_signal(signal.SIGHUP)
    os.write(writer, b"[daily]\n")
    os.close(writer)
    base = await bot.slack_http()
    await bot.wait_for_log(r"reload: 9 quotes from 1 file")
    await slack_answers(base, slack)
    assert await bot.stop() == 0


async def test_a_port_in_use_stops_that_platform_with_one_line(slack):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url}  # fmt: skip
    try:
        bot = await start_bot("run", "slack", "--http", str(port), env=env)
        err = await bot.exit_with(2)
    finally:
        taken.close()
    assert f"error: cannot listen on 127.0.0.1:{port} (address already in use)" in err
    assert "Traceback" not in err
