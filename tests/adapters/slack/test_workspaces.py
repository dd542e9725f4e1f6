"""Workspaces coming and going, through the real slack-bolt against the fake Slack: an
organisation-wide (Enterprise Grid) install answers its workspaces and its uninstall
removes the installation it saved, in every shape Slack sends it; a workspace-level
install in an organisation is kept apart; a workspace that never installed is told so
with one log line, not a bolt error per command."""

from __future__ import annotations

import json
import logging
import re
import sqlite3

import pytest

from bot.book.loader import load_book
from bot.store.sqlite import SQLiteStore
from tests.adapters.slack.installing import event_body, serving
from tests.fixtures import QUOTES

BOOK = load_book([QUOTES]).book
ORG = "E0GRID001"
WORKSPACE = "T0GRIDWS1"  # a workspace of the organisation
IN_ORG = {"team_id": WORKSPACE, "enterprise_id": ORG, "is_enterprise_install": "true"}
ORG_BOT = {"enterprise_id": ORG, "team_id": None, "user_id": "U0QUOTEBOT", "is_bot": True,
           "is_enterprise_install": True}  # fmt: skip

# The envelopes an organisation-wide app_uninstalled or tokens_revoked comes in: the
# authorizations naming the organisation and no workspace, the envelope naming another
# workspace (or none), and the older form with no authorizations at all.
ORG_WIDE = [
    {"enterprise_id": ORG, "authorizations": [ORG_BOT]},
    {"enterprise_id": ORG, "team_id": WORKSPACE, "authorizations": [ORG_BOT]},
    {"enterprise_id": ORG, "team_id": "T0OTHER01", "is_enterprise_install": True},
    {"enterprise_id": ORG, "is_enterprise_install": True},
]
EVENTS = [
    {"type": "app_uninstalled"},
    {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0QUOTEBOT"]}},
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e["type"])
@pytest.mark.parametrize("envelope", ORG_WIDE, ids=["no-team", "other-team", "legacy", "bare"])
async def test_an_org_wide_uninstall_removes_the_installation_it_saved(
    tmp_path, caplog, envelope, event
):
    caplog.set_level(logging.INFO, "quotebot")
    async with serving(tmp_path, BOOK) as many:
        async with many.browser() as browser:
            installed = await browser.install(org=ORG)
        assert installed.status == 200, installed.html
        assert many.installation(ORG, "") is not None
        status, body = await many.command(**IN_ORG)  # a workspace of the organisation
        assert status == 200 and json.loads(body)["response_type"] == "in_channel", body
        assert (await many.event(event_body(event, **envelope)))[0] == 200
        gone = many.installation(ORG, "")
        status, body = await many.command(**IN_ORG)
        said = await many.slack.next_response_post()  # told through it, privately
    assert gone is None
    assert f"Slack: organisation {ORG} uninstalled quotebot" in caplog.text
    assert (status, body) == (200, "")
    assert "not installed in this workspace" in said.data["text"]


async def test_a_workspace_install_in_an_organisation_is_its_own(tmp_path):
    async with serving(tmp_path, BOOK) as many:
        async with many.browser() as browser:
            await browser.install(org=ORG)
            await browser.install("T0ALPHA01")
        # A workspace (not org-wide) uninstalling leaves the organisation's install be.
        lone = {
            "team_id": "T0ALPHA01",
            "authorizations": [
                {"enterprise_id": None, "team_id": "T0ALPHA01", "is_enterprise_install": False}
            ],
        }
        assert (await many.event(event_body({"type": "app_uninstalled"}, **lone)))[0] == 200
        kept, gone = many.installation(ORG, ""), many.installation("", "T0ALPHA01")
    assert kept is not None and gone is None


async def test_a_workspace_that_never_installed_is_one_line_not_an_error_per_command(
    tmp_path, caplog
):
    async with serving(tmp_path, BOOK) as many:
        answers = [await many.command(team_id="T0NOBODY1") for _ in range(3)]
        told = [await many.slack.next_response_post() for _ in answers]
    assert answers == [(200, "")] * 3
    assert all("reinstall this app" in t.data["text"] for t in told)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.getMessage()) for r in lines] == [
        ("quotebot.slack", "Slack: a command from workspace T0NOBODY1, which has not "
         "installed quotebot (or removed it): told so"),
    ]  # fmt: skip


class InstallationsDown(SQLiteStore):
    def installation(self, enterprise_id: str, team_id: str) -> str | None:
        raise sqlite3.OperationalError("disk I/O error")


async def test_a_state_store_out_of_reach_is_an_apology_not_reinstall_this_app(tmp_path, caplog):
    async with serving(tmp_path, BOOK, store=InstallationsDown) as many:
        answers = [await many.command(team_id="T0ALPHA01") for _ in range(2)]
        told = [await many.slack.next_response_post() for _ in answers]
    assert answers == [(200, "")] * 2
    assert all("try again in a minute" in t.data["text"] for t in told)
    assert not any("reinstall" in t.data["text"] for t in told)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in lines] == ["quotebot.slack"]  # one line, and not bolt's
    assert re.fullmatch(
        r"Slack: the state store failed \(\w+\): a command from workspace T0ALPHA01 was "
        r"answered with an apology", lines[0].getMessage(),
    )  # fmt: skip
    assert "disk I/O" not in caplog.text
