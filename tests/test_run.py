"""`quotebot run` as a real process: start-up errors, serving, reload and shutdown."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from .conftest import GOOD_FILE, QUOTES, write
from .fakes.discord import TOKEN as DISCORD_TOKEN
from .fakes.discord import FakeDiscord
from .fakes.slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers
from .test_slack import EDITING, post_command


class Bot:
    """A `quotebot` process whose log lines the test reads as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def wait_for_line(self, pattern: str) -> re.Match[str]:
        """Read the log until a line matches ``pattern`` (no sleeping: the line is the sync)."""
        assert self.process.stderr is not None
        while True:
            raw = await asyncio.wait_for(self.process.stderr.readline(), 20)
            if not raw:
                raise AssertionError(f"exited before {pattern!r}:\n" + "".join(self.lines))
            line = raw.decode()
            self.lines.append(line)
            found = re.search(pattern, line)
            if found:
                return found

    async def slack_http(self) -> str:
        """The base URL, once Slack is answering over HTTP (the server listens first)."""
        found = await self.wait_for_log(r"slack: listening on (http://[\d.:]+)/slack/events")
        await self.wait_for_log(r"Slack: answering over HTTP")
        return found.group(1)

    async def wait_for_log(self, pattern: str) -> re.Match[str]:
        """Like wait_for_line, but a line already read counts too (order does not matter)."""
        for line in self.lines:
            found = re.search(pattern, line)
            if found:
                return found
        return await self.wait_for_line(pattern)

    async def exit_with(self, code: int) -> str:
        """Wait for the process to exit on its own with ``code``; its stderr."""
        assert await asyncio.wait_for(self.process.wait(), 20) == code
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        assert self.process.stderr is not None
        rest = await asyncio.wait_for(self.process.stderr.read(), 20)
        self.lines.append(rest.decode())
        return await asyncio.wait_for(self.process.wait(), 20)

    @property
    def log(self) -> str:
        return "".join(self.lines)


async def start_bot(*args: str, env: dict[str, str]) -> Bot:
    if "QUOTEBOT_DB" not in env:  # the scheduler always runs: keep its store out of the repo
        env = {**env, "QUOTEBOT_DB": str(Path(tempfile.mkdtemp(prefix="quotebot-")) / "state.db")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return Bot(process)


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


def test_signed_headers_match_slacks_documented_example():
    # api.slack.com/authentication/verifying-requests-from-slack: this body, this
    # timestamp and this secret give this signature.
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        "channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        "command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
        "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629"
        "121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = signed_headers(body, secret=SIGNING_SECRET, timestamp=1531420618)
    assert headers["X-Slack-Signature"] == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )
    assert form_body({"a": "b c"}) == "a=b+c"


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
    await bot.wait_for_line(r"Discord: synced 4 commands")
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
