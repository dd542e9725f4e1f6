"""Slack for many workspaces: bolt's OAuth flow, its installations and OAuth states kept in
quotebot's state store (SQLite or PostgreSQL) through slack-sdk's store interfaces, so any
instance can answer any workspace with that workspace's own token."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from datetime import datetime
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.adapters.slack.manifest import BOT_SCOPES, REDIRECT_PATH
from bot.adapters.slack.settings import SlackSettings
from bot.daily import QotdDesk
from bot.store import SharedStore

STATE_EXPIRES_S = 600
log = logging.getLogger("quotebot.slack")


def _key(enterprise_id: str | None, team_id: str | None) -> tuple[str, str]:
    return enterprise_id or "", team_id or ""


def _plain(value: Any) -> Any:  # noqa: ANN401 - one field of slack-sdk's installation
    return value.timestamp() if isinstance(value, datetime) else value


class StoreInstallations(AsyncInstallationStore):
    """Installations in the state store: one per workspace (the bot's; quotebot asks for
    no user scopes), replaced when the app is installed again."""

    def __init__(self, store: SharedStore) -> None:
        self.store = store
        # The last installation read per workspace: while the store is out of reach, the
        # workspaces already served keep being answered with the token they had.
        self._known: dict[tuple[str, str], str] = {}

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        data = {k: _plain(v) for k, v in installation.to_dict_for_copying().items()}
        enterprise, team = _key(installation.enterprise_id, installation.team_id)
        if installation.is_enterprise_install:
            team = ""
        text, now = json.dumps(data), time.time()
        await asyncio.to_thread(
            self.store.call, lambda s: s.save_installation(enterprise, team, text, now)
        )

    async def async_save_bot(self, bot: Bot) -> None:
        """Kept with the installation (async_save): nothing more to do."""

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        enterprise, team = _key(enterprise_id, None if is_enterprise_install else team_id)
        try:
            text = await asyncio.to_thread(
                self.store.call, lambda s: s.installation(enterprise, team)
            )
        except Exception as exc:
            text = self._known.get((enterprise, team))
            if text is None:
                raise
            log.warning("Slack: the state store failed (%s); answering %s with the token it "
                        "had", exc.__class__.__name__, team or enterprise)  # fmt: skip
        if text is None:
            self._known.pop((enterprise, team), None)
            return None
        self._known[(enterprise, team)] = text
        data = json.loads(text)
        custom = data.pop("custom_values", None) or {}
        return Installation(**data, custom_values=custom)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )  # fmt: skip
        return found.to_bot() if found is not None and found.bot_token else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        enterprise, team = _key(enterprise_id, team_id)
        self._known.pop((enterprise, team), None)
        await asyncio.to_thread(self.store.call, lambda s: s.delete_installation(enterprise, team))

    async def token_for(self, team_id: str) -> str | None:
        """The bot token of workspace ``team_id``, if it installed the app."""
        found = await self.async_find_bot(enterprise_id=None, team_id=team_id)
        return found.bot_token if found is not None else None


class StoreStates(AsyncOAuthStateStore):
    """OAuth state parameters in the state store: issued on /slack/install, good once
    within ten minutes on /slack/oauth_redirect, on any instance."""

    def __init__(self, store: SharedStore, expires_s: float = STATE_EXPIRES_S) -> None:
        self.store = store
        self.expires_s = expires_s

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        expires = time.time() + self.expires_s
        await asyncio.to_thread(self.store.call, lambda s: s.issue_state(state, expires))
        return state

    async def async_consume(self, state: str) -> bool:
        now = time.time()
        return await asyncio.to_thread(self.store.call, lambda s: s.consume_state(state, now))


INSTALL_PATH = "/slack/install"


def oauth_settings(
    settings: SlackSettings, installations: StoreInstallations, desk: QotdDesk
) -> AsyncOAuthSettings:
    """bolt's OAuth flow with the manifest's scopes, its stores in the state store."""
    return AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=StoreStates(desk.store),
    )


def add_uninstall_listeners(
    app: AsyncApp, installations: StoreInstallations, desk: QotdDesk
) -> None:
    """A workspace that uninstalls the app (or revokes its bot token) leaves nothing
    behind: its installation, and its channels' quote of the day subscriptions."""

    async def forget(body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        enterprise = body.get("enterprise_id") or None
        await installations.async_delete_all(enterprise_id=enterprise, team_id=team)
        removed = await asyncio.to_thread(
            desk.store.call, lambda s: s.unsubscribe_workspace("slack", team)
        )
        log.info(
            "Slack: workspace %s uninstalled quotebot: its installation and %d quote of the "
            "day subscription(s) removed", team, removed,
        )  # fmt: skip

    @app.event("app_uninstalled")
    async def uninstalled(body: dict[str, Any]) -> None:
        await forget(body)

    @app.event("tokens_revoked")
    async def revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await forget(body)
