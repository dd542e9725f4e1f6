"""Slack beyond slash commands: the "Find the source" message shortcut, answered
privately through the shortcut's response_url, and direct messages to the bot
(``jonze editing``, ``/quote cutting``, ``topics``) answered in the DM like the commands.

A shortcut's message is hostile: it is cut and checked (``check_source``), never echoed.
A DM is answered only when a person wrote it: messages from bots (the bot's own among
them, so no loops) and every subtype (edits, deletions, joins) are left alone.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters.slack.manifest import SOURCE_CALLBACK
from bot.adapters.slack.render import render, render_source
from bot.answers import APOLOGY, Answerer, check_source

log = logging.getLogger("quotebot.slack")

# Words that, alone or first in a DM, ask for the topics of every director.
LIST_WORDS = frozenset({"topics", "help", "?"})


def read_dm(text: str) -> tuple[str, str] | None:
    """A DM as the command and text it stands for: ``jonze editing`` and
    ``/jonze editing`` as ``/jonze editing``, ``topics`` as ``/quote topics``; None when
    there is nothing to answer."""
    words = text[: limits.MESSAGE_TEXT_MAX].strip().split(maxsplit=1)
    if not words:
        return None
    first = words[0].removeprefix("/").casefold()
    rest = words[1] if len(words) > 1 else ""
    if not first:
        return None
    if first in LIST_WORDS:
        return "quote", "topics"
    return first, rest


def is_from_a_person(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Whether a message event is a person's own new message in a DM with the bot."""
    if event.get("channel_type") != "im" or event.get("subtype"):
        return False
    if event.get("bot_id") or event.get("bot_profile") or event.get("app_id"):
        return False
    user = event.get("user")
    return isinstance(user, str) and bool(user) and user != bot_user_id


def add_message_listeners(app: AsyncApp, answerer: Answerer) -> None:
    """The shortcut and DM listeners, on ``app``."""

    @app.message_shortcut(SOURCE_CALLBACK)
    async def find_the_source(
        ack: AsyncAck, shortcut: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        message = shortcut.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        try:
            body = render_source(
                check_source(
                    answerer.book, text[: limits.MESSAGE_TEXT_MAX] if isinstance(text, str) else ""
                )
            )
        except Exception:
            log.exception("Find the source failed")
            body = {"response_type": "ephemeral", "text": APOLOGY}
        await respond(**body, replace_original=False)

    @app.event("message")
    async def direct_message(
        event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
    ) -> None:
        if not is_from_a_person(event, context.get("bot_user_id")):
            return
        text, channel = event.get("text"), event.get("channel")
        asked = read_dm(text) if isinstance(text, str) else None
        if asked is None or not isinstance(channel, str):
            return
        try:
            body = render(answerer.answer(*asked))
        except Exception:
            log.exception("answering a direct message failed")
            body = {"text": APOLOGY}
        await client.chat_postMessage(channel=channel, text=body["text"], blocks=body.get("blocks"))
