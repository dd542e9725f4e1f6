"""``/qotd`` on Slack: one command, text forms (``/qotd 09:00 Europe/Paris weekdays jonze``,
``/qotd off``, ``/qotd list``, ``/qotd`` alone), for workspace admins and owners or the
user IDs listed in ``quotebot.toml``'s ``[daily] admins``. ``users.info`` (asked afresh:
a demoted admin is refused at once) says who is an admin, gives the asker's own time zone
when they name none, and their language, which every line of the answer is said in."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters.slack.members import Locales
from bot.adapters.slack.render import escape
from bot.answers import N_, say
from bot.daily import Asker, QotdDesk, QotdError, QotdReply, QotdRequest, Wording, read_request

log = logging.getLogger("quotebot.slack")

# users.info errors that mean the app lacks the scope (a reinstall cures them).
SCOPE_PROBLEMS = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})
SET_USAGE = "`/qotd 09:00 Europe/Paris` (add `weekdays`, or a director's command like `jonze`)"
NO_SCOPE = N_(
    "I could not check who may set up the quote of the day ({problem}): the app needs the "
    "users:read scope. Ask whoever runs the bot to reinstall it."
)
NOT_NOW = N_(
    "I could not check who may set up the quote of the day just now ({problem}). "
    "Please try again in a minute."
)
USAGE = N_("Usage: {usage}")
NOT_POSTED = N_(
    "(I could not post in this channel: {problem}. For a private channel, invite me "
    "first: {invite}.)"
)
WHO_MAY = N_("workspace admins and owners")
WHO_ELSE = N_("workspace admins and owners (and the people the bot's settings name)")


def wording(desk: QotdDesk) -> Wording:
    return Wording(
        set_usage=SET_USAGE,
        who_may=WHO_ELSE if desk.config.admins else WHO_MAY,
        channel=lambda channel: f"<#{channel}>",
        user=lambda user: f"<@{user}>",
        budget=limits.SLACK_SECTION_MAX,
    )


async def answer_qotd(
    desk: QotdDesk, client: AsyncWebClient, command: dict[str, Any], locales: Locales
) -> dict[str, Any]:
    """The ack for one /qotd: private text; the public line, if any, posted meanwhile."""
    user = str(command.get("user_id", ""))
    channel = str(command.get("channel_id", ""))
    team = str(command.get("team_id", ""))
    person, locale = await locales.person(client, team, user)
    may = person.is_admin or user in desk.config.admins
    if not may and person.problem:
        why = NO_SCOPE if person.problem in SCOPE_PROBLEMS else NOT_NOW
        return _private(say(why, locale, problem=escape(person.problem)))
    asker = Asker(
        platform="slack",
        workspace=team,
        channel=channel,
        user=user,
        name=person.name or str(command.get("user_name", "")) or user,
        may_manage=may,
        zone=person.zone,
        in_channel=not channel.startswith("D"),
    )
    words = wording(desk)
    if may and asker.in_channel:
        try:
            request = read_request(str(command.get("text", "")), desk.directors(), person.zone)
        except QotdError as exc:
            said = escape(exc.said(locale))
            usage = say(USAGE, locale, usage=f"{SET_USAGE}, `/qotd off`, `/qotd list`")
            return _private(f"{said}\n{usage}")
    else:
        request = QotdRequest("show")  # refused (or a DM) whatever was asked
    reply: QotdReply = await asyncio.to_thread(desk.handle, request, asker, words, locale)
    text = reply.private
    if reply.public is not None:
        problem = await _announce(client, channel, reply.public)
        if problem:
            note = say(NOT_POSTED, locale, problem=escape(problem), invite="`/invite @quotebot`")
            text += f"\n{note}"
    return _private(text)


async def _announce(client: AsyncWebClient, channel: str, line: str) -> str:
    """Post the public line; "" when it went, else why not."""
    try:
        await client.chat_postMessage(channel=channel, text=escape(line), unfurl_links=False)
    except SlackApiError as exc:
        return str(exc.response.get("error"))
    except (TimeoutError, aiohttp.ClientError) as exc:
        return exc.__class__.__name__
    return ""


def _private(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text[: limits.SLACK_SECTION_MAX]}
