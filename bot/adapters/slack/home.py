"""The App Home tab: every director with their topics as buttons (a press answers with a
quote in the DM), and for admins the channels of the workspace that get the quote of the
day. Published with views.publish when someone opens the tab (``app_home_opened``).

A button's ``value`` is ``command topic`` and is believed only when the book has that
director and topic: anything else (a forged or stale button) is told, privately, that the
button is not one of quotebot's. A home view holds at most 100 blocks; past that, a note
says how many directors are left out.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters.slack.buttons import team_of
from bot.adapters.slack.members import Locales
from bot.adapters.slack.messages import dm_answer
from bot.adapters.slack.render import escape, fitted
from bot.answers import APOLOGY, ENGLISH, N_, NOT_MINE, say
from bot.book import QuoteBook
from bot.community import CommunityBooks
from bot.daily import QotdDesk, describe
from bot.store import SubscriptionRecord

log = logging.getLogger("quotebot.slack")

HOME_BLOCKS_MAX = 100  # blocks in a Home tab view
BUTTONS_MAX = 25  # elements in one actions block
BUTTON_TEXT_MAX = 75  # a button's plain_text
VALUE_MAX = 2_000  # a button's value
TOPIC_ACTION = re.compile(r"^topic:")
HEADING = N_("*Directors and their topics* (press one for a quote)")
MORE_DIRECTORS = N_("…and {n} more directors: DM me `topics`.")
UNREADABLE = N_("The quote-of-the-day channels cannot be read just now.")
NO_CHANNEL = N_("*Quote of the day* (admins see this): no channel yet. Use /qotd.")
CHANNELS = N_("*Quote of the day* (admins see this):")
PAUSED_LINE = N_("{schedule} (paused: {why})")
MORE_CHANNELS = N_("…and {n} more channels: /qotd list")
# Blocks kept back for the admins' part and the "more" note.
RESERVED = 4


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _note(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}


def _button(command: str, topic: str) -> dict[str, Any]:
    label = topic if len(topic) <= BUTTON_TEXT_MAX else topic[: BUTTON_TEXT_MAX - 1] + "…"
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": False},
        "action_id": f"topic:{command}:{topic}"[:255],
        "value": f"{command} {topic}"[:VALUE_MAX],
    }


def director_blocks(book: QuoteBook, locale: str | None = ENGLISH) -> list[dict[str, Any]]:
    """Each director's heading and topic buttons, within the home view's block limit, the
    headings in ``locale``'s language (names and topics as they are)."""
    blocks: list[dict[str, Any]] = [_mrkdwn(say(HEADING, locale))]
    directors = list(book)
    budget = HOME_BLOCKS_MAX - RESERVED
    for index, director in enumerate(directors):
        topics = [t.name for t in director.topics if director.by_topic.get(t.name)]
        rows = [topics[i : i + BUTTONS_MAX] for i in range(0, len(topics), BUTTONS_MAX)]
        if len(blocks) + 1 + len(rows) > budget:
            blocks.append(_note(say(MORE_DIRECTORS, locale, n=len(directors) - index)))
            break
        blocks.append(_mrkdwn(fitted(f"*{director.name}* · /{director.command}")))
        blocks += [
            {"type": "actions", "elements": [_button(director.command, t) for t in row]}
            for row in rows
        ]
    return blocks


def read_button(book: QuoteBook, value: object) -> tuple[str, str] | None:
    """A topic button's ``(command, topic)``, only when the book has both; else None."""
    if not isinstance(value, str) or len(value) > VALUE_MAX:
        return None
    command, _, topic = value.partition(" ")
    director = next((d for d in book if d.command == command), None)
    if director is None or not director.by_topic.get(topic):
        return None
    return command, topic


def _channel_line(record: SubscriptionRecord, locale: str) -> str:
    line = describe(record, locale)
    if record.paused:
        line = say(PAUSED_LINE, locale, schedule=line, why=record.paused)
    return escape(line)


async def admin_blocks(
    desk: QotdDesk | None, client: AsyncWebClient, user: str, team: str, locales: Locales
) -> tuple[list[dict[str, Any]], str]:
    """For an admin, the workspace's quote-of-the-day channels; for anyone else, nothing;
    and the member's language, which the lookup of their role says too."""
    if desk is None:
        return [], await locales.of(client, team, user)
    person, locale = await locales.person(client, team, user)
    if not (person.is_admin or user in desk.config.admins):
        return [], locale
    return await _channels(desk, team, locale), locale


async def _channels(desk: QotdDesk, team: str, locale: str) -> list[dict[str, Any]]:
    try:
        found = await asyncio.to_thread(
            desk.store.call, lambda store: store.subscriptions("slack", team)
        )
    except Exception:  # noqa: BLE001 - the store is down: say so, the rest still shows
        return [_note(say(UNREADABLE, locale))]
    if not found:
        return [_mrkdwn(say(NO_CHANNEL, locale))]
    text = say(CHANNELS, locale)
    for index, record in enumerate(found):
        line = f"\n• <#{escape(record.channel)}>: {_channel_line(record, locale)}"
        if len(text) + len(line) > limits.SLACK_SECTION_MAX - 40:
            text += "\n" + say(MORE_CHANNELS, locale, n=len(found) - index)
            break
        text += line
    return [_mrkdwn(text)]


def add_home_listeners(
    app: AsyncApp, books: CommunityBooks, desk: QotdDesk | None, locales: Locales
) -> None:
    """The Home tab's listeners, on ``app``: the workspace's book (with ``books``, its
    approved quotes too)."""

    @app.event("app_home_opened")
    async def home_opened(
        event: dict[str, Any], client: AsyncWebClient, context: dict[str, Any]
    ) -> None:
        user = event.get("user")
        if event.get("tab") != "home" or not isinstance(user, str):
            return
        team = str(context.get("team_id") or "")
        admins, locale = await admin_blocks(desk, client, user, team, locales)
        blocks = director_blocks((await books.answerer("slack", team)).book, locale) + admins
        await client.views_publish(
            user_id=user, view={"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}
        )

    @app.action(TOPIC_ACTION)
    async def topic_pressed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = (body.get("user") or {}).get("id")
        actions = body.get("actions") or [{}]
        if not isinstance(user, str):
            return
        here = await books.answerer("slack", team_of(body))
        asked = read_button(here.book, actions[0].get("value"))
        locale = await locales.of(client, team_of(body), user)
        try:
            if asked is None:
                message: dict[str, Any] = {"text": say(NOT_MINE, locale)}
            else:
                message = dm_answer(here, *asked, locale)
        except Exception:
            log.exception("answering a Home tab button failed")
            message = {"text": say(APOLOGY, locale)}
        # To the user's DM with the app: only they see it.
        await client.chat_postMessage(
            channel=user, text=message["text"], blocks=message.get("blocks")
        )
