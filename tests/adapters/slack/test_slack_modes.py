"""quotebot, not bolt, decides how Slack is served: a variable set to nothing (or spaces)
is a variable not set, in quotebot's settings and in the process environment bolt would
read on its own; the one workspace's commands are answered with its bot token."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.adapters.contract import ServeOptions
from bot.adapters.registry import configured
from bot.adapters.slack import PLATFORM, SlackService, SlackSettings
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from bot.daily.desk import QotdDesk
from bot.daily.settings_file import DailyConfig
from bot.store.sqlite import SQLiteStore
from tests.fakes.slack import ADMIN, APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.fixtures import EDITING, QUOTES, post_command

BOOK = load_book([QUOTES]).book
BLANKS = ["", "   ", "\t"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def blank_oauth(monkeypatch: pytest.MonkeyPatch, blank: str, **variables: str) -> os._Environ[str]:
    """The process environment of a one-workspace set-up that also has SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET, set to ``blank`` (a template's leftovers)."""
    for name, value in {
        **variables,
        "SLACK_CLIENT_ID": blank,
        "SLACK_CLIENT_SECRET": blank,
    }.items():
        monkeypatch.setenv(name, value)
    return os.environ


@asynccontextmanager
async def served(service: SlackService) -> AsyncIterator[None]:
    stop = asyncio.Event()
    await service.start()
    task = asyncio.create_task(service.serve(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await service.close()


@pytest.mark.parametrize("blank", BLANKS)
async def test_blank_client_variables_beside_a_bot_token_serve_that_workspace_in_socket_mode(
    fake, tmp_path: Path, monkeypatch, caplog, blank
):
    env = blank_oauth(monkeypatch, blank, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                      SLACK_API_URL=fake.api_url)  # fmt: skip
    desk = QotdDesk(lambda: SQLiteStore(tmp_path / "state.db"), DailyConfig(), lambda: BOOK)
    service = PLATFORM.service(Answerer(BOOK), env, ServeOptions(desk=desk))
    async with served(service):
        await fake.connected()
        answer = (await fake.slash_command("/jonze", "editing"))["payload"]
        qotd = (await fake.slash_command("/qotd", "09:00 Europe/Paris", user_id=ADMIN))["payload"]
    desk.close()
    assert answer["response_type"] == "in_channel"
    assert answer["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    # /qotd asked users.info who typed it: with the one workspace's own token.
    assert qotd["text"].startswith("Quote of the day set:"), qotd
    asked = fake.calls_to("users.info")
    assert asked and {c.headers["Authorization"] for c in asked} == {f"Bearer {BOT_TOKEN}"}
    assert not [r for r in caplog.records if r.name.startswith("slack_bolt")]


@pytest.mark.parametrize("blank", BLANKS)
async def test_blank_client_variables_beside_a_bot_token_serve_that_workspace_over_http(
    fake, monkeypatch, caplog, blank
):
    env = blank_oauth(monkeypatch, blank, SLACK_BOT_TOKEN=BOT_TOKEN,
                      SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url)  # fmt: skip
    settings = SlackSettings.from_environ(env, http=True)
    assert not settings.oauth
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def on_listening(host: str, port: int) -> None:
        listening.set_result(f"http://{host}:{port}")

    service = SlackService(Answerer(BOOK), settings, ("127.0.0.1", 0), on_listening)
    async with served(service):
        status, payload = await post_command(await asyncio.wait_for(listening, 10), fake, "editing")
    assert (status, payload["response_type"]) == (200, "in_channel"), payload
    # Nothing said through the response_url ("installation no longer available").
    assert not [c for c in fake.calls if c.path.startswith("/response/")]
    # bolt asked who it is with the one workspace's token, and said nothing of its own.
    assert {c.headers["Authorization"] for c in fake.calls_to("auth.test")} == {
        f"Bearer {BOT_TOKEN}"
    }
    assert not [r for r in caplog.records if r.name.startswith("slack_bolt")]


async def test_a_blank_bot_token_beside_oauth_leaves_bolt_nothing_to_warn_of(
    fake, tmp_path: Path, monkeypatch, caplog
):
    for name, value in (("SLACK_BOT_TOKEN", ""), ("SLACK_CLIENT_ID", "1111.2222"),
                        ("SLACK_CLIENT_SECRET", "s3cret"), ("SLACK_SIGNING_SECRET", "x"),
                        ("SLACK_API_URL", fake.api_url)):  # fmt: skip
        monkeypatch.setenv(name, value)
    desk = QotdDesk(lambda: SQLiteStore(tmp_path / "state.db"), DailyConfig(), lambda: BOOK)
    service = PLATFORM.service(
        Answerer(BOOK), os.environ, ServeOptions(http=("127.0.0.1", 0), desk=desk)
    )
    async with served(service):
        pass
    desk.close()
    assert service.settings.oauth
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warned == []


@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_variable_is_an_unset_one_for_quotebot(blank):
    from bot.environment import setting, unset_blank

    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_CLIENT_ID": blank,
           "DISCORD_TOKEN": blank, "SLACK_API_URL": blank}  # fmt: skip
    settings = SlackSettings.from_environ(env)
    assert (settings.oauth, settings.api_url) == (False, "https://slack.com/api/")
    assert [entry.name for entry in configured(env)] == ["slack"]
    assert setting(env, "SLACK_CLIENT_ID") == "" and setting(env, "UNSET") == ""
    removed = unset_blank(env, ["SLACK_CLIENT_ID", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "UNSET"])
    assert removed == ["SLACK_CLIENT_ID", "DISCORD_TOKEN"]
    assert "SLACK_CLIENT_ID" not in env and env["SLACK_BOT_TOKEN"] == BOT_TOKEN
