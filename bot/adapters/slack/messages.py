"""Slack beyond slash commands: the "Find the source" message shortcut, answered
privately through the shortcut's response_url, and direct messages to the bot
(``jonze editing``, ``/quote cutting``, ``topics``) answered in the DM like the commands.

A shortcut's message is hostile: it is cut and checked (``check_source``), never echoed.
A DM is answered only when a person wrote it: messages from bots (the bot's own among
them, so no loops) and every subtype (edits, deletions, joins) are left alone.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters.slack.buttons import team_of, with_buttons
from bot.adapters.slack.manifest import SOURCE_CALLBACK
from bot.adapters.slack.members import Locales
from bot.adapters.slack.render import render_source
from bot.adapters.slack.respond import Responder
from bot.answers import APOLOGY, Answerer, another_after, check_source, say
from bot.community import CommunityBooks

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


def dm_answer(answerer: Answerer, command: str, text: str, locale: str) -> dict[str, Any]:
    """A DM's answer as the command's would be: a quote with its buttons, a miss with its
    "did you mean" and the director's topics, in ``locale``'s language."""
    answer = answerer.answer(command, text)
    another = another_after(answerer, command, text, answer)
    return with_buttons(answer, another, command, answerer, locale)


def is_from_a_person(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Whether a message event is a person's own new message in a DM with the bot."""
    if event.get("channel_type") != "im" or event.get("subtype"):
        return False
    if event.get("bot_id") or event.get("bot_profile") or event.get("app_id"):
        return False
    user = event.get("user")
    return isinstance(user, str) and bool(user) and user != bot_user_id


def add_message_listeners(
    app: AsyncApp, books: CommunityBooks, locales: Locales, responder: Responder
) -> None:
    """The shortcut and DM listeners, on ``app``: each answers in the member's language,
    from the workspace's book (``books``: with its approved quotes)."""

    @app.message_shortcut(SOURCE_CALLBACK)
    async def find_the_source(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        url = shortcut.get("response_url")
        if not isinstance(url, str):
            return
        user = shortcut.get("user")
        who = user.get("id") if isinstance(user, dict) else None
        locale = await locales.of(client, team_of(shortcut), who)
        message = shortcut.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        shown = text[: limits.MESSAGE_TEXT_MAX] if isinstance(text, str) else ""
        try:
            here = await books.answerer("slack", team_of(shortcut))
            body = render_source(check_source(here.book, shown, locale=locale))
        except Exception:
            log.exception("Find the source failed")
            body = {"response_type": "ephemeral", "text": say(APOLOGY, locale)}
        await responder.post(
            url, json.dumps(body | {"replace_original": False}, ensure_ascii=False)
        )

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
        team = context.get("team_id") or event.get("team")
        locale = await locales.of(client, str(team or ""), event.get("user"))
        try:
            body = dm_answer(await books.answerer("slack", str(team or "")), *asked, locale)
        except Exception:
            log.exception("answering a direct message failed")
            body = {"text": say(APOLOGY, locale)}
        await client.chat_postMessage(channel=channel, text=body["text"], blocks=body.get("blocks"))
