"""Slack: the real slack-bolt and slack-sdk against a fake Slack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
import yaml

from bot.adapters import slack
from bot.adapters.slack import SlackSettings
from bot.answers.answerer import Answerer
from bot.book.loader import load_book
from bot.errors import SettingsError
from tests.adapters.slack.bots import (
    assert_no_live_mention,
    socket_settings,
)
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    form_body,
    signed_headers,
)
from tests.fixtures import EDITING, GOOD_FILE, QUOTES, post_command, write

HOSTILE = ["<!channel>", "<!here>", "<!everyone>", "<@U0MEMBER2>", "@everyone", "a & b <c>"]


# ---- rendering -------------------------------------------------------------------------


def test_quote_renders_as_a_section_and_an_attribution_in_channel(answerer):
    payload = slack.render(answerer.answer("jonze", "editing"))
    assert payload["response_type"] == "in_channel"
    section, context = payload["blocks"]
    assert section["type"] == "section"
    assert section["text"]["text"] == f"“{EDITING}”"
    assert context["type"] == "context"
    assert context["elements"][0]["text"].startswith("— Spike Jonze, on the 14-month editing")
    assert EDITING in payload["text"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_topic_is_an_ephemeral_miss_with_no_live_mention(answerer, hostile):
    payload = slack.render(answerer.answer("jonze", hostile))
    assert payload["response_type"] == "ephemeral"
    assert_no_live_mention(payload)


def test_escape_handles_exactly_ampersand_and_angle_brackets():
    assert slack.escape("<!channel> & <@U1> *bold*") == "&lt;!channel&gt; &amp; &lt;@U1&gt; *bold*"


def test_topics_render_privately_within_slack_limits(answerer):
    payload = slack.render(answerer.answer("jonze", "topics"))
    assert payload["response_type"] == "ephemeral"
    text = payload["blocks"][0]["text"]["text"]
    assert "• *editing* (edit, cutting, cut, post-production, post)" in text
    assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"])


def test_long_topic_lists_are_split_into_sections():
    lines = [f"line {i} " + "x" * 90 for i in range(100)]
    chunks = slack.chunks(lines, 3000)
    assert len(chunks) > 3
    assert all(len(c) <= 3000 for c in chunks)
    assert "\n".join(chunks) == "\n".join(lines)


def test_manifest_has_every_command_and_the_scopes(answerer):
    data = slack.manifest(answerer.book)
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert set(commands) == {"/quote", "/qotd", "/jonze"}
    assert commands["/jonze"]["usage_hint"] == "[topic] or topics"
    assert all(1 <= len(c["description"]) <= 100 for c in commands.values())
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "channels:history", "groups:history"} <= scopes
    assert data["settings"]["socket_mode_enabled"] is True
    http = slack.manifest(answerer.book, url="https://bot.example/slack/events")
    assert http["settings"]["socket_mode_enabled"] is False
    assert all(
        c["url"] == "https://bot.example/slack/events" for c in http["features"]["slash_commands"]
    )


# ---- settings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token-secret"}, "SLACK_BOT_TOKEN does not look like"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_APP_TOKEN is not set"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-secret"},
            "SLACK_APP_TOKEN does not",
        ),
    ],
)
def test_missing_or_malformed_tokens_name_the_variable_not_the_value(env, message):
    with pytest.raises(SettingsError) as exc:
        SlackSettings.from_environ(env)
    assert message in str(exc.value)
    assert "secret" not in str(exc.value)


def test_settings_never_show_tokens_in_repr():
    settings = SlackSettings(BOT_TOKEN, app_token=APP_TOKEN, signing_secret=SIGNING_SECRET)
    assert BOT_TOKEN not in repr(settings)
    assert APP_TOKEN not in repr(settings)
    assert SIGNING_SECRET not in repr(settings)


def test_http_mode_needs_the_signing_secret():
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is not set"):
        SlackSettings.from_environ({"SLACK_BOT_TOKEN": BOT_TOKEN}, http=True)


async def test_a_rejected_bot_token_is_a_clear_error(fake):
    settings = SlackSettings("xoxb-wrong-token", app_token=APP_TOKEN, api_url=fake.api_url)
    with pytest.raises(SettingsError) as exc:
        await slack.check_tokens(settings, socket_mode=True)
    assert str(exc.value) == "Slack refused SLACK_BOT_TOKEN (invalid_auth)"


async def test_a_rejected_app_token_is_a_clear_error(fake):
    settings = SlackSettings(BOT_TOKEN, app_token="xapp-wrong", api_url=fake.api_url)
    with pytest.raises(SettingsError, match=r"Slack refused SLACK_APP_TOKEN \(invalid_auth\)"):
        await slack.check_tokens(settings, socket_mode=True)


# ---- Socket Mode -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["editing", "edting", "  Cutting "])
async def test_socket_mode_answers_jonze_editing_in_channel(socket_bot, text):
    ack = await socket_bot.slash_command("/jonze", text)
    payload = ack["payload"]
    assert payload["response_type"] == "in_channel"
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    assert EDITING in payload["text"]


async def test_socket_mode_opened_the_connection_with_the_app_token(socket_bot):
    [opened] = socket_bot.calls_to("apps.connections.open")
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert socket_bot.calls_to("auth.test")


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_socket_mode_hostile_text_is_ephemeral_and_pings_nobody(socket_bot, hostile):
    payload = (await socket_bot.slash_command("/jonze", hostile))["payload"]
    assert payload["response_type"] == "ephemeral"
    assert_no_live_mention(payload)


async def test_socket_mode_quote_and_topics(socket_bot):
    payload = (await socket_bot.slash_command("/quote", "jonze edit"))["payload"]
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"
    topics = (await socket_bot.slash_command("/jonze", "topics"))["payload"]
    assert topics["response_type"] == "ephemeral"
    assert "*editing*" in topics["blocks"][0]["text"]["text"]


async def test_socket_mode_unknown_command_is_a_helpful_miss(socket_bot):
    payload = (await socket_bot.slash_command("/nolan", "time"))["payload"]
    assert payload["response_type"] == "ephemeral"
    assert "There is no /nolan command here." in payload["text"]


async def test_a_hyphenated_director_command_answers_over_socket_mode(fake, tmp_path):
    write(tmp_path, "varda.yaml", GOOD_FILE.replace("command: varda", "command: agnes-varda"))
    stop = asyncio.Event()
    answerer = Answerer(load_book([tmp_path]).book)
    task = asyncio.create_task(slack.run(answerer, socket_settings(fake), stop))
    await fake.connected()
    payload = (await fake.slash_command("/agnes-varda", "cats"))["payload"]
    stop.set()
    await asyncio.wait_for(task, 10)
    assert payload["response_type"] == "in_channel"
    assert "cats" in payload["blocks"][0]["text"]["text"]


async def test_a_failing_answer_gets_an_apology_not_silence(fake):
    class Broken(Answerer):
        def answer(self, command: str, text: str = "") -> Any:
            raise RuntimeError("boom")

    stop = asyncio.Event()
    broken = Broken(load_book([QUOTES]).book)
    task = asyncio.create_task(slack.run(broken, socket_settings(fake), stop))
    await fake.connected()
    payload = (await fake.slash_command("/jonze", "editing"))["payload"]
    stop.set()
    await asyncio.wait_for(task, 10)
    assert payload == {"response_type": "ephemeral", "text": slack.APOLOGY}


# ---- HTTP mode -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["editing", "edting"])
async def test_http_mode_answers_a_signed_slash_command(http_bot, fake, text):
    status, payload = await post_command(http_bot, fake, text)
    assert status == 200
    assert payload["response_type"] == "in_channel"
    assert payload["blocks"][0]["text"]["text"] == f"“{EDITING}”"


async def test_http_mode_rejects_a_bad_signature(http_bot, fake):
    body = form_body(fake.command_payload("/jonze", "editing"))
    status, _ = await post_command(
        http_bot, fake, "", signed_headers(body, secret="not-the-secret"), body
    )
    assert status == 401


async def test_http_mode_rejects_a_stale_timestamp(http_bot, fake):
    body = form_body(fake.command_payload("/jonze", "editing"))
    stale = signed_headers(body, timestamp=int(time.time()) - 301)
    status, _ = await post_command(http_bot, fake, "", stale, body)
    assert status == 401


async def test_http_mode_rejects_a_replayed_request(http_bot, fake):
    body = form_body(fake.command_payload("/jonze", "editing"))
    headers = signed_headers(body)
    assert (await post_command(http_bot, fake, "", headers, body))[0] == 200
    assert (await post_command(http_bot, fake, "", headers, body))[0] == 401


async def test_http_mode_hostile_text_pings_nobody(http_bot, fake):
    status, payload = await post_command(http_bot, fake, "<!channel> hi")
    assert status == 200
    assert payload["response_type"] == "ephemeral"
    assert_no_live_mention(payload)


async def test_http_mode_health_check(http_bot):
    async with aiohttp.ClientSession() as session, session.get(f"{http_bot}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True}


def test_replay_guard_forgets_after_the_window():
    now = [1000.0]
    guard = slack.ReplayGuard(window_s=300, clock=lambda: now[0])
    assert guard.first_time("v0=a")
    assert not guard.first_time("v0=a")
    now[0] += 301
    assert guard.first_time("v0=a")


def test_manifest_is_valid_yaml_from_the_cli(capsys):
    from bot.cli import main

    assert main(["slack-manifest"], environ={}) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["features"]["slash_commands"][2]["command"] == "/jonze"
