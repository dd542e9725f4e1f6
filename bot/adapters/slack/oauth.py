"""Slack for many workspaces: the installations and OAuth states bolt's OAuth flow keeps,
in quotebot's state store (SQLite or PostgreSQL) through slack-sdk's store interfaces, so
any instance can answer any workspace with that workspace's own token. (The flow itself:
:mod:`bot.adapters.slack.install_flow`; uninstalls: :mod:`bot.adapters.slack.workspaces`.)

An installation is kept under (organisation, workspace): a workspace's under its own ID
(and its organisation's, in an Enterprise Grid), an organisation-wide one under the
organisation's alone."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

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
