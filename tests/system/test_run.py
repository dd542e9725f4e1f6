"""`quotebot run` as a real process: start-up errors, serving, reload and shutdown."""

from __future__ import annotations

import re
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord import TOKEN as DISCORD_TOKEN
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.fixtures import EDITING, GOOD_FILE, QUOTES, post_command, start_bot, write


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def slack_env(fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake.api_url, **extra}


async def test_run_slack_socket_mode_answers_and_stops_on_sigterm(fake):
    bot = await start_bot("run", "slack", env=slack_env(fake, SLACK_APP_TOKEN=APP_TOKEN))
    await fake.connected()
    ack = await fake.slash_command("/jonze", "edting")
    assert ack["payload"]["response_type"] == "in_channel"
    assert ack["payload"]["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert await bot.stop() == 0
    assert "connected in Socket Mode" in bot.log
    assert "stopped" in bot.log
    assert BOT_TOKEN not in bot.log and APP_TOKEN not in bot.log


async def test_a_state_store_out_of_reach_stops_neither_answers_nor_qotd_answers(fake):
    # Nothing listens on port 9: the daily keeps trying, /jonze and /qotd still answer.
    url = "postgresql://quotebot:s3cret-pw@127.0.0.1:9/quotebot"
    bot = await start_bot("run", "slack", env=slack_env(fake, SLACK_APP_TOKEN=APP_TOKEN,
                                                        QUOTEBOT_DB=url))  # fmt: skip
    await fake.connected()
    await bot.wait_for_log(
        r"daily: the state store postgresql://quotebot:\*\*\*@127\.0\.0\.1:9/quotebot is out "
        r"of reach \(OperationalError\); trying again in 1 s"
    )
    ack = await fake.slash_command("/jonze", "edting")
    assert ack["payload"]["response_type"] == "in_channel"
    ack = await fake.slash_command("/qotd", "09:00 Europe/Paris", user_id="U0ADMIN01")
    assert ack["payload"]["text"].startswith("The quote of the day's settings cannot be reached")
    assert await bot.stop() == 0
    assert "s3cret-pw" not in bot.log


async def test_run_with_slack_credentials_starts_slack_without_naming_it(fake):
    bot = await start_bot("run", env=slack_env(fake, SLACK_APP_TOKEN=APP_TOKEN))
    await fake.connected()
    assert (await fake.slash_command("/jonze", "editing"))["payload"][
        "response_type"
    ] == "in_channel"
    assert await bot.stop(signal.SIGINT) == 0


async def test_run_slack_http_mode_answers_signed_requests(fake):
    env = slack_env(fake, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    base = await bot.slack_http()
    assert base.startswith("http://127.0.0.1:")
    status, payload = await post_command(base, fake, "editing")
    assert (status, payload["response_type"]) == (200, "in_channel")
    assert await bot.stop() == 0


async def test_reload_keeps_the_last_good_book_when_a_file_breaks(fake, tmp_path: Path):
    quotes = tmp_path / "quotes"
    quotes.mkdir()
    shutil.copy(QUOTES / "jonze.yaml", quotes / "jonze.yaml")
    env = slack_env(fake, SLACK_SIGNING_SECRET=SIGNING_SECRET, QUOTEBOT_QUOTES=str(quotes))
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    base = await bot.slack_http()

    good = (quotes / "jonze.yaml").read_text("utf-8")
    (quotes / "jonze.yaml").write_text(good.replace("quotes:\n", "quotes: [\n"), "utf-8")
    bot.process.send_signal(signal.SIGHUP)
    await bot.wait_for_line(r"reload: kept the last good quote book \(9 quotes\)")
    assert re.search(r"reload: .*jonze\.yaml:\d+: malformed YAML", bot.log)
    status, payload = await post_command(base, fake, "editing")
    assert (status, payload["response_type"]) == (200, "in_channel")

    (quotes / "jonze.yaml").write_text(
        good.replace("[edit, cutting,", "[montage, edit, cutting,"), "utf-8"
    )
    bot.process.send_signal(signal.SIGHUP)
    await bot.wait_for_line(r"reload: 9 quotes from 1 file")
    _status, payload = await post_command(base, fake, "montage")
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert await bot.stop() == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-secret-value"}, "error: SLACK_APP_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "not-a-token-secret"}, "error: SLACK_BOT_TOKEN does not look like"),
    ],
)
async def test_run_slack_with_bad_settings_exits_2_naming_the_variable(env, message):
    bot = await start_bot("run", "slack", env=env)
    err = await bot.exit_with(2)
    assert message in err
    assert "secret" not in err


async def test_run_slack_with_a_rejected_token_exits_2(fake):
    env = {"SLACK_BOT_TOKEN": "xoxb-revoked-secret", "SLACK_APP_TOKEN": APP_TOKEN}
    bot = await start_bot("run", "slack", env={**env, "SLACK_API_URL": fake.api_url})
    err = await bot.exit_with(2)
    assert "error: Slack refused SLACK_BOT_TOKEN (invalid_auth)" in err
    assert "revoked-secret" not in err
    assert "Traceback" not in err


# ---- Discord -------------------------------------------------------------------------------


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


async def test_run_discord_answers_and_stops_on_sigterm(discord_fake):
    env = {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_BASE": discord_fake.api_base}
    bot = await start_bot("run", env=env)  # DISCORD_TOKEN alone picks Discord
    callback = await discord_fake.interact(discord_fake.command("jonze", topic="edting"))
    assert callback["data"]["embeds"][0]["description"] == f"“{EDITING}”"
    assert callback["data"]["allowed_mentions"] == {"parse": []}
    await bot.wait_for_line(r"Discord: shard 0 connected")
    assert await bot.stop() == 0
    assert "Discord: disconnected" in bot.log
    assert DISCORD_TOKEN not in bot.log
    assert "Traceback" not in bot.log


async def test_run_discord_sighup_registers_a_new_directors_command(discord_fake, tmp_path):
    quotes = tmp_path / "quotes"
    quotes.mkdir()
    shutil.copy(QUOTES / "jonze.yaml", quotes / "jonze.yaml")
    env = {
        "DISCORD_TOKEN": DISCORD_TOKEN,
        "DISCORD_API_BASE": discord_fake.api_base,
        "QUOTEBOT_QUOTES": str(quotes),
    }
    bot = await start_bot("run", "discord", env=env)
    await bot.wait_for_line(r"Discord: shard 0 connected")
    write(quotes, "varda.yaml", GOOD_FILE)
    bot.process.send_signal(signal.SIGHUP)
    # quote, jonze, varda, qotd, suggest, review, review-channel and two message commands
    await bot.wait_for_line(r"Discord: synced 9 commands")
    callback = await discord_fake.interact(discord_fake.command("varda", topic="cat"))
    assert "about cats" in callback["data"]["embeds"][0]["description"]
    assert await bot.stop() == 0


async def test_run_discord_with_a_rejected_token_exits_2(discord_fake):
    token = "MTAw.revoked.secret-token-value"
    bot = await start_bot(
        "run", "discord", env={"DISCORD_TOKEN": token, "DISCORD_API_BASE": discord_fake.api_base}
    )
    err = await bot.exit_with(2)
    assert "error: Discord refused DISCORD_TOKEN" in err
    assert "secret-token-value" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("platform", "env", "message"),
    [
        (
            "slack",
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN,
             "SLACK_API_URL": "http://127.0.0.1:9/api/"},
            "error: cannot reach Slack at http://127.0.0.1:9/api/",
        ),
        (
            "discord",
            {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"},
            "error: cannot reach Discord at http://127.0.0.1:9/api/v10",
        ),
    ],
)  # fmt: skip
async def test_an_unreachable_platform_is_a_clear_error_not_a_traceback(platform, env, message):
    bot = await start_bot("run", platform, env=env)
    err = await bot.exit_with(2)
    assert message in err
    assert "Traceback" not in err
