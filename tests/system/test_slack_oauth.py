"""Slack for many workspaces: bolt's OAuth flow round trip against the fake Slack
(oauth.v2.access), the installations and OAuth states in the state store, each workspace
answered with its own token, and an uninstall leaving nothing behind; `quotebot run` as
a process. (The manifest and the installations in this process:
tests/adapters/slack/test_oauth.py.)"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.store import open_store
from bot.store.records import SubscriptionRecord
from tests.fakes.slack import (
    ADMIN,
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    FakeSlack,
    signed_headers,
)
from tests.fixtures import Bot, post_command, start_bot
from tests.fixtures import run_daily as daily


def oauth_env(slack: FakeSlack, db: str) -> dict[str, str]:
    return {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
            "QUOTEBOT_DB": db}  # fmt: skip


class Running:
    def __init__(self, bot: Bot, base: str, slack: FakeSlack, db: str) -> None:
        self.bot, self.base, self.slack, self.db = bot, base, slack, db

    async def install(self, team: str) -> int:
        """Add to Slack from /slack/install, then Slack's redirect back with a code."""
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{self.base}/slack/install") as page:
                html = await page.text()
                assert page.status == 200, html
                # The state cookie is Secure (the public URL is https): a browser sends it
                # back there; here, by hand.
                cookie = page.headers["Set-Cookie"].split(";")[0]
            found = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', html)
            assert found is not None, html
            query = parse_qs(urlsplit(found.group(1).replace("&amp;", "&")).query)
            assert query["client_id"] == [CLIENT_ID]
            assert "users:read" in query["scope"][0].split(",")
            code = self.slack.authorize(team)
            redirect = f"{self.base}/slack/oauth_redirect?code={code}&state={query['state'][0]}"
            async with session.get(redirect, headers={"Cookie": cookie}) as done:
                return done.status

    async def command(self, team: str, text: str, user: str = ADMIN) -> tuple[int, Any]:
        from tests.fakes.slack import form_body

        payload = self.slack.command_payload("/qotd", text, team_id=team, user_id=user,
                                             channel_id=f"C0{team[1:]}01")  # fmt: skip
        body = form_body(payload)
        return await post_command(self.base, self.slack, "", signed_headers(body), body)

    async def event(self, team: str, event: dict[str, Any]) -> int:
        body = json.dumps({
            "token": "gIkuvaNzQIHg97ATvDxqgjtO", "team_id": team, "api_app_id": "A0QUOTEBOT",
            "event": event, "type": "event_callback", "event_id": f"Ev{time.time_ns()}",
            "event_time": int(time.time()), "authorizations": [], "is_ext_shared_channel": False,
        })  # fmt: skip
        headers = {**signed_headers(body), "Content-Type": "application/json"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.base}/slack/events", data=body, headers=headers) as response,
        ):
            return response.status


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    slack = await FakeSlack().start()
    db = str(tmp_path / "state.db")
    bot = await start_bot("run", "--http", "0", env=oauth_env(slack, db))
    base = await bot.slack_http()
    try:
        yield Running(bot, base, slack, db)
    finally:
        assert await bot.stop() == 0
        assert CLIENT_SECRET not in bot.log
        await slack.stop()


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(running):
    assert await running.install("T0ALPHA01") == 200
    assert await running.install("T0BRAVO01") == 200
    for team in ("T0ALPHA01", "T0BRAVO01"):
        status, payload = await running.command(team, "09:00 Europe/Paris")
        assert status == 200 and payload["text"].startswith("Quote of the day set:"), payload
    tokens = [c.headers["Authorization"] for c in running.slack.calls_to("users.info")]
    assert [t.split("-")[1] for t in tokens] == ["T0ALPHA01", "T0BRAVO01"]
    posted = running.slack.calls_to("chat.postMessage")
    assert [c.headers["Authorization"].split("-")[1] for c in posted] == ["T0ALPHA01", "T0BRAVO01"]
    store = open_store(running.db)
    try:
        assert {s.workspace for s in store.subscriptions()} == {"T0ALPHA01", "T0BRAVO01"}
        assert store.installation("", "T0ALPHA01") is not None
    finally:
        store.close()


async def test_a_state_is_good_once_and_a_forged_one_is_refused(running):
    async with aiohttp.ClientSession() as session:
        code = running.slack.authorize("T0ALPHA01")
        url = f"{running.base}/slack/oauth_redirect?code={code}&state=forged"
        async with session.get(url) as response:
            assert response.status != 200
    assert not running.slack.calls_to("oauth.v2.access")


async def test_uninstalling_removes_the_token_and_the_subscriptions(running):
    assert await running.install("T0ALPHA01") == 200
    assert (await running.command("T0ALPHA01", "09:00 Europe/Paris"))[0] == 200
    assert await running.event("T0ALPHA01", {"type": "app_uninstalled"}) == 200
    await running.bot.wait_for_log(r"Slack: workspace T0ALPHA01 uninstalled quotebot: its "
                                   r"installation and 1 quote of the day subscription")  # fmt: skip
    store = open_store(running.db)
    try:
        assert store.installation("", "T0ALPHA01") is None
        assert store.subscriptions() == []
    finally:
        store.close()


async def test_the_daily_post_uses_each_workspaces_token(running, tmp_path):
    assert await running.install("T0BRAVO01") == 200
    store = open_store(running.db)
    store.subscribe(SubscriptionRecord("slack", "T0BRAVO01", "C0BRAVO99", "09:00", "UTC",
                                       "daily", None, "chat", ADMIN, None, 0.0, 0.0))  # fmt: skip
    store.close()
    env = {**oauth_env(running.slack, running.db), "QUOTEBOT_CONFIG": str(tmp_path / "none")}
    code, out, err = await daily("--post", "--now", "2026-12-01T09:05:00+00:00", env=env)
    assert code == 0, err + out
    (post,) = [c for c in running.slack.calls_to("chat.postMessage")
               if c.data["channel"] == "C0BRAVO99"]  # fmt: skip
    assert post.headers["Authorization"].split("-")[1] == "T0BRAVO01"


@pytest.mark.parametrize(
    ("extra", "args", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1-2-secretish"}, ["--http", "0"],
         "SLACK_CLIENT_ID and SLACK_BOT_TOKEN are both set"),
        ({}, [], "SLACK_CLIENT_ID is set: installing in many workspaces needs quotebot run --http"),
        ({"SLACK_CLIENT_SECRET": ""}, ["--http", "0"], "SLACK_CLIENT_SECRET not set"),
    ],
)  # fmt: skip
async def test_oauth_settings_that_cannot_work_exit_2_naming_them(tmp_path, extra, args, message):
    env = {**oauth_env(FakeSlack(), str(tmp_path / "state.db")), **extra}
    env["SLACK_API_URL"] = "http://127.0.0.1:9/api/"
    bot = await start_bot("run", "slack", *args, env=env)
    err = await bot.exit_with(2)
    assert message in err
    assert "secretish" not in err and CLIENT_SECRET not in err


async def test_a_workspace_that_never_installed_is_told_so_not_a_500(running):
    status, _ = await running.command("T0NOBODY1", "09:00 Europe/Paris")
    assert status == 200
    # bolt says so through the command's response_url, privately.
    said = await running.slack.next_response_post()
    assert "reinstall this app" in said.data["text"]
    store = open_store(running.db)
    try:
        assert store.subscriptions() == []
    finally:
        store.close()
