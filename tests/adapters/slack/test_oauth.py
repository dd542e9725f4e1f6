"""Slack for many workspaces, in this process: the manifest names the OAuth redirect and the
events, and a workspace already served keeps its token while the state store is down.
(The OAuth flow through `quotebot run`: tests/system/test_slack_oauth.py.)"""

from __future__ import annotations

import pytest

from tests.fixtures import QUOTES


def test_the_manifest_for_many_workspaces_has_the_redirect_and_the_events():
    from bot.adapters.slack.manifest import manifest
    from bot.book.loader import load_book

    data = manifest(load_book([QUOTES]).book, url="https://bot.example.org")
    assert data["oauth_config"]["redirect_urls"] == ["https://bot.example.org/slack/oauth_redirect"]
    events = data["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://bot.example.org/slack/events"
    assert set(events["bot_events"]) == {
        "app_uninstalled",
        "tokens_revoked",
        "message.im",
        "app_home_opened",
    }
    assert all(c["url"] == "https://bot.example.org/slack/events"
               for c in data["features"]["slash_commands"])  # fmt: skip
    same = manifest(load_book([QUOTES]).book, url="https://bot.example.org/slack/events")
    assert same["oauth_config"] == data["oauth_config"]


async def test_a_workspace_already_served_keeps_its_token_while_the_store_is_down(tmp_path):
    import sqlite3

    from slack_sdk.oauth.installation_store import Installation

    from bot.adapters.slack.oauth import StoreInstallations
    from bot.store.shared import SharedStore
    from bot.store.sqlite import SQLiteStore

    class Flaky(SQLiteStore):
        down = False

        def installation(self, enterprise_id: str, team_id: str) -> str | None:
            if self.down:
                raise sqlite3.OperationalError("disk I/O error")
            return super().installation(enterprise_id, team_id)

    flaky = Flaky(tmp_path / "state.db")
    installations = StoreInstallations(SharedStore(lambda: flaky))
    await installations.async_save(Installation(
        team_id="T0ALPHA01", bot_token="xoxb-alpha", bot_id="B1", bot_user_id="U1",
        user_id="U0ADMIN01", installed_at=1_700_000_000.0,
    ))  # fmt: skip
    assert await installations.token_for("T0ALPHA01") == "xoxb-alpha"
    Flaky.down = True
    assert await installations.token_for("T0ALPHA01") == "xoxb-alpha"  # the last one read
    with pytest.raises(sqlite3.OperationalError):
        await installations.token_for("T0BRAVO01")  # never read: nothing to fall back on
    Flaky.down = False
    flaky.close()
