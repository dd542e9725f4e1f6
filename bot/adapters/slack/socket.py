"""Socket Mode: commands over a websocket Slack opens to us, no public URL needed."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from bot.adapters.slack.settings import SlackSettings

log = logging.getLogger("quotebot.slack")


async def serve_socket_mode(
    app: AsyncApp, settings: SlackSettings, stop: asyncio.Event, first_url: str | None = None
) -> None:
    """Hold a Socket Mode connection open until ``stop`` is set."""
    # slack-sdk's connection chatter ("A new session (s_…) has been established") under
    # its own name, which quotebot keeps at WARNING; bolt would log it as the app at INFO.
    # quotebot's own lines say connected and disconnected.
    chatter = logging.getLogger("slack_sdk.socket_mode")
    handler = AsyncSocketModeHandler(app, settings.app_token, logger=chatter)
    if first_url:
        handler.client.wss_uri = first_url  # issued by check_tokens; saves a round trip
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("Slack: connected in Socket Mode")
    try:
        await stop.wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        log.info("Slack: disconnected")
