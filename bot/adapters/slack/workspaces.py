"""Workspaces coming and going, when quotebot serves many (OAuth): an uninstall or a revoked
bot token forgets the installation it saved (an organisation-wide one included) and the
workspace's quote of the day subscriptions; a command from a workspace with no
installation is told so, in quotebot's words and one log line a minute per workspace,
before bolt's own authorization (which would log an error per request). A workspace found
installed is remembered briefly for the direct path (bot.adapters.slack.direct)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.adapters.http.throttle import Throttle
from bot.adapters.slack.direct import Installed, installation_key
from bot.adapters.slack.oauth import StoreInstallations
from bot.daily import QotdDesk

log = logging.getLogger("quotebot.slack")

# The reply to a command from a workspace that has not installed quotebot (or removed it).
NOT_INSTALLED = (
    "quotebot is not installed in this workspace (or it was removed). A workspace admin "
    "can reinstall this app from quotebot's install page (/slack/install on its server)."
)
STORE_DOWN = "quotebot cannot reach its state store just now: please try again in a minute."


def where(context: AsyncBoltContext) -> str:
    """The workspace (or, for an organisation-wide install, the organisation) a request
    is from, as the log names it."""
    if context.is_enterprise_install and context.enterprise_id:
        return f"organisation {context.enterprise_id}"
    return f"workspace {context.team_id or context.enterprise_id or '(none)'}"


class InstalledOnly(AsyncMiddleware):
    """Runs before bolt's authorization: a slash command from a workspace that has no
    installation gets quotebot's answer (through its response_url, privately) and one
    log line a minute for that workspace, instead of bolt's error line every time."""

    def __init__(self, installations: StoreInstallations, installed: Installed) -> None:
        self.installations = installations
        self.installed = installed
        self._throttle = Throttle()

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],  # bolt's name for it
    ) -> BoltResponse | None:
        context = req.context
        if "command" not in req.body:  # events: the two quotebot takes need no token
            return await next()
        try:
            found = await self.installations.async_find_bot(
                enterprise_id=context.enterprise_id,
                team_id=context.team_id,
                is_enterprise_install=context.is_enterprise_install,
            )
        except Exception as exc:  # noqa: BLE001 - the store out of reach, the workspace new
            failed = exc.__class__.__name__
            self._say("store", "Slack: the state store failed (%s): a command from %s was "
                      "answered with an apology", failed, where(context))  # fmt: skip
            return await self._reply(context, STORE_DOWN)
        if found is not None:
            self.installed.found(installation_key(req.body))  # for the direct path
            return await next()
        self._say(where(context), "Slack: a command from %s, which has not installed quotebot "
                  "(or removed it): told so", where(context))  # fmt: skip
        return await self._reply(context, NOT_INSTALLED)

    def _say(self, key: str, message: str, *args: object) -> None:
        count = self._throttle.due(key)
        if count:
            also = f" (and {count - 1} more since the last line)" if count > 1 else ""
            log.warning(message + "%s", *args, also)

    @staticmethod
    async def _reply(context: AsyncBoltContext, text: str) -> BoltResponse:
        """Privately, through the command's response_url (as bolt would), else in the ack."""
        if context.respond is not None:
            await context.respond(text=text, response_type="ephemeral")
            return BoltResponse(status=200, body="")
        return BoltResponse(
            status=200, body=json.dumps({"response_type": "ephemeral", "text": text})
        )


def add_uninstall_listeners(
    app: AsyncApp, installations: StoreInstallations, desk: QotdDesk, installed: Installed
) -> None:
    """A workspace that uninstalls the app (or revokes its bot token) leaves nothing
    behind: its installation, and its channels' quote of the day subscriptions.

    The IDs are bolt's reading of the event (``authorizations[0]`` first, as Slack
    advises): an organisation-wide install is saved under its organisation alone, so it
    is deleted under that key whatever workspace, if any, the event also names."""

    async def forget(context: AsyncBoltContext, body: dict[str, Any]) -> None:
        whole_org = bool(context.is_enterprise_install)
        team = context.team_id or ""
        gone = {
            "enterprise_id": context.enterprise_id or None,
            "team_id": None if whole_org else team,
        }
        installed.forget(**gone)  # this instance's direct path asks the store again
        await installations.async_delete_all(**gone)
        # An organisation-wide event may name no workspace in its authorizations; the
        # one in its envelope (if any) loses its subscriptions too.
        team = team or str(body.get("team_id") or "")
        removed = 0
        if team:
            removed = await asyncio.to_thread(
                desk.store.call, lambda s: s.unsubscribe_workspace("slack", team)
            )
        log.info(
            "Slack: %s uninstalled quotebot: its installation and %d quote of the day "
            "subscription(s) removed", where(context), removed,
        )  # fmt: skip

    @app.event("app_uninstalled")
    async def uninstalled(context: AsyncBoltContext, body: dict[str, Any]) -> None:
        await forget(context, body)

    @app.event("tokens_revoked")
    async def revoked(
        context: AsyncBoltContext, body: dict[str, Any], event: dict[str, Any]
    ) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await forget(context, body)
