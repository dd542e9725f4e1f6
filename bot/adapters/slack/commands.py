"""The bolt app: one listener answers every slash command through the core."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters.slack.oauth import StoreInstallations, add_uninstall_listeners, oauth_settings
from bot.adapters.slack.qotd import answer_qotd
from bot.adapters.slack.render import rendered_json
from bot.adapters.slack.settings import SlackSettings
from bot.answers import APOLOGY, Answerer
from bot.daily import NO_DESK, QotdDesk
from bot.errors import SettingsError

log = logging.getLogger("quotebot.slack")


async def _qotd(
    desk: QotdDesk | None, client: AsyncWebClient, command: dict[str, Any]
) -> dict[str, Any]:
    if desk is None:
        return {"response_type": "ephemeral", "text": NO_DESK}
    return await answer_qotd(desk, client, command)


def build_app(
    answerer: Answerer, settings: SlackSettings, desk: QotdDesk | None = None
) -> AsyncApp:
    """A bolt app answering every slash command through ``answerer``, and ``/qotd``
    through ``desk``.

    One listener serves the book's commands, so a director file added needs no code.
    """
    client = AsyncWebClient(token=settings.bot_token or None, base_url=settings.api_url)
    installations = oauth = None
    if settings.oauth:
        if desk is None:
            raise SettingsError("installing in many workspaces needs the state store")
        installations = StoreInstallations(desk.store)
        oauth = oauth_settings(settings, installations, desk)
    app = AsyncApp(
        name="quotebot",
        client=client,
        # Many workspaces: bolt's OAuth flow, each request answered with its workspace's
        # token from the state store (installations and OAuth states live there).
        oauth_settings=oauth,
        # Passed even when empty so bolt never reads the environment itself.
        signing_secret=settings.signing_secret,
        # HTTP requests are verified before bolt sees them (bot.adapters.slack.http), and
        # Socket Mode requests are not signed: bolt need not check again.
        request_verification_enabled=False,
        # The listener acks with the answer and then has nothing left to do. Without this,
        # bolt runs it in the background and polls for the ack every 10 ms: measured
        # 10.7 ms median per request against 1-2 ms (bench/slack_http.py).
        process_before_response=True,
        # bolt logs under its own name (slack_bolt.AsyncApp); passing ours cost 2.5 µs a request.
    )

    if installations is not None:
        assert desk is not None
        add_uninstall_listeners(app, installations, desk)

    qotd = f"/{limits.QOTD_COMMAND}"

    # One listener for every command, /qotd included: bolt builds each listener's
    # arguments to see whether it matches, so a second listener in front cost every
    # command about 0.1 ms (measured with bench/slack_http.py).
    @app.command(re.compile(r"^/"))
    async def answer_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        name = str(command.get("command", ""))
        try:
            if name == qotd:
                await ack(**await _qotd(desk, client, command))
                return
            answer = answerer.answer(name, str(command.get("text", "")))
            # A str body that starts with "{" is sent as JSON by bolt, over HTTP and
            # Socket Mode alike: the body is serialised once per distinct answer.
            body = rendered_json(answer)
        except Exception:
            log.exception("answering %s failed", name)
            body = json.dumps({"response_type": "ephemeral", "text": APOLOGY})
        await ack(body)

    return app
