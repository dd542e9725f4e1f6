"""The Slack tests' shared fixtures and checks: the fake Slack, quotebot serving it over
Socket Mode and over HTTP (``socket_bot``, ``http_bot``, and ``bot`` in both modes with the
daily desk), and what every answer must be (no live mention, buttons' values)."""

from __future__ import annotations

import asyncio
import json
import random
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters import slack
from bot.adapters.slack import SlackSettings
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from bot.daily.desk import QotdDesk
from bot.daily.settings_file import DailyConfig
from bot.store.sqlite import SQLiteStore
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    form_body,
    json_headers,
    signed_headers,
)
from tests.fixtures import QUOTES, post_command

CONFIG_ADMIN = "U0CONFADM"  # not a workspace admin; named in [daily] admins


@pytest.fixture
def answerer() -> Answerer:
    return Answerer(load_book([QUOTES]).book, random.Random(3))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def socket_settings(fake: FakeSlack) -> SlackSettings:
    return SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, api_url=fake.api_url)


def http_settings(fake: FakeSlack) -> SlackSettings:
    return SlackSettings(BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url)


def all_text(payload: dict[str, Any]) -> str:
    """Every string Slack would show or parse from a response."""
    return json.dumps(payload, ensure_ascii=False)


def assert_no_live_mention(payload: dict[str, Any]) -> None:
    """No mention written out, and none Slack could make: every mrkdwn text verbatim (no
    auto-linking), every other text plain (never parsed), and no element but those and
    buttons labelled in plain text (a miss's "did you mean", a quote's Another…) and the
    topic menu, its options and placeholder in plain text."""
    shown = all_text(payload)
    assert "<!" not in shown and "<@" not in shown, shown
    for block in payload.get("blocks", []):
        if block["type"] == "actions":
            elements = block["elements"]
            assert all(e["type"] in {"button", "static_select"} for e in elements), block
            texts = [e["text"] for e in elements if e["type"] == "button"]
            for menu in (e for e in elements if e["type"] == "static_select"):
                texts += [o["text"] for o in menu["options"]]
                texts += [menu["placeholder"]] if "placeholder" in menu else []
        else:
            texts = [block["text"]] if "text" in block else block.get("elements", [])
        for text in texts:
            assert text["type"] in {"mrkdwn", "plain_text"}, block
            assert text["type"] == "plain_text" or text.get("verbatim") is True, block


@pytest.fixture
async def socket_bot(fake, answerer) -> AsyncIterator[FakeSlack]:
    stop = asyncio.Event()
    task = asyncio.create_task(slack.run(answerer, socket_settings(fake), stop))
    await fake.connected()
    yield fake
    stop.set()
    await asyncio.wait_for(task, 10)


@pytest.fixture
async def http_bot(fake, answerer) -> AsyncIterator[str]:
    stop = asyncio.Event()
    listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def on_listening(host: str, port: int) -> None:
        listening.set_result(f"http://{host}:{port}")

    task = asyncio.create_task(
        slack.run(answerer, http_settings(fake), stop, ("127.0.0.1", 0), on_listening)
    )
    yield await asyncio.wait_for(listening, 10)
    stop.set()
    await asyncio.wait_for(task, 10)


@dataclass
class Bot:
    """quotebot serving ``fake`` in one mode, and how Slack sends it events and shortcuts
    in that mode; each send returns once bolt has answered it (listener run)."""

    fake: FakeSlack
    event: Callable[[dict[str, Any]], Awaitable[None]]
    interactive: Callable[[dict[str, Any]], Awaitable[None]]
    # A slash command (``/jonze``, ``editing``, fields to change): the response's payload.
    command: Callable[..., Awaitable[dict[str, Any]]]


async def _post(url: str, body: str, headers: dict[str, str]) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=headers) as response,
    ):
        assert response.status == 200, await response.text()


@pytest.fixture
def desk(tmp_path: Path, answerer: Answerer) -> Iterator[QotdDesk]:
    made = QotdDesk(
        lambda: SQLiteStore(tmp_path / "state.db"),
        DailyConfig(admins=frozenset({CONFIG_ADMIN})),
        lambda: answerer.book,
    )
    yield made
    made.close()


@pytest.fixture(params=["socket", "http"])
async def bot(
    request: pytest.FixtureRequest, fake: FakeSlack, answerer: Answerer, desk: QotdDesk
) -> AsyncIterator[Bot]:
    stop = asyncio.Event()
    if request.param == "socket":
        settings = SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, api_url=fake.api_url)
        task = asyncio.create_task(slack.run(answerer, settings, stop, desk=desk))
        await fake.connected()

        async def event(payload: dict[str, Any]) -> None:
            await fake.send_envelope("events_api", fake.event_callback(payload))

        async def interactive(payload: dict[str, Any]) -> None:
            await fake.send_envelope("interactive", payload)

        async def command(name: str, text: str, **extra: str) -> dict[str, Any]:
            payload: dict[str, Any] = (await fake.slash_command(name, text, **extra))["payload"]
            return payload

        yield Bot(fake, event, interactive, command)
    else:
        settings = SlackSettings(BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=fake.api_url)
        listening: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            slack.run(
                answerer, settings, stop, ("127.0.0.1", 0),
                lambda host, port: listening.set_result(f"http://{host}:{port}/slack/events"),
                desk=desk,
            )
        )  # fmt: skip
        url = await asyncio.wait_for(listening, 10)

        async def event(payload: dict[str, Any]) -> None:
            body = json.dumps(fake.event_callback(payload))
            await _post(url, body, json_headers(body))

        async def interactive(payload: dict[str, Any]) -> None:
            body = urllib.parse.urlencode({"payload": json.dumps(payload)})
            await _post(url, body, signed_headers(body))

        async def command(name: str, text: str, **extra: str) -> dict[str, Any]:
            body = form_body(fake.command_payload(name, text, **extra))
            status, payload = await post_command(
                url.removesuffix("/slack/events"), fake, "", body=body
            )
            assert status == 200, payload
            return dict(payload)

        yield Bot(fake, event, interactive, command)
    stop.set()
    await asyncio.wait_for(task, 10)


def button_values(payload: dict[str, Any]) -> dict[str, str]:
    """The buttons under a message: action_id → value."""
    [actions] = [b for b in payload["blocks"] if b["type"] == "actions"]
    return {e["action_id"]: e["value"] for e in actions["elements"]}
