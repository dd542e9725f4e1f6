"""``/qotd`` on Slack: one command, text forms (``/qotd 09:00 Europe/Paris weekdays jonze``,
``/qotd off``, ``/qotd list``, ``/qotd`` alone), for workspace admins and owners or the
user IDs listed in ``quotebot.toml``'s ``[daily] admins``. ``users.info`` says who is an
admin and gives the asker's own time zone when they name none.

Answers are English for now: the member's language (users.info's ``locale``, asked for with
``include_locale``) is a later slice, and one argument away: ``locale`` below is what
:meth:`QotdDesk.handle` and :meth:`QotdError.said` say things in. Until then Slack's own
lines here (the users:read refusals, "Usage") stay plain English."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import limits
from bot.adapters.slack.render import escape
from bot.answers import ENGLISH
from bot.daily import Asker, QotdDesk, QotdError, QotdReply, QotdRequest, Wording, read_request

log = logging.getLogger("quotebot.slack")

# users.info errors that mean the app lacks the scope (a reinstall cures them).
SCOPE_PROBLEMS = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})
SET_USAGE = "`/qotd 09:00 Europe/Paris` (add `weekdays`, or a director's command like `jonze`)"


@dataclass(frozen=True)
class Person:
    """What users.info says of the asker (or could not say)."""

    is_admin: bool = False
    zone: str | None = None
    name: str = ""
    problem: str = ""  # why users.info failed, for the refusal


async def look_up(client: AsyncWebClient, user: str) -> Person:
    """The asker's role, time zone and name from users.info."""
    try:
        found = await client.users_info(user=user)
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.warning("/qotd: users.info failed (%s)", error)
        return Person(problem=error)
    except (TimeoutError, aiohttp.ClientError) as exc:
        log.warning("/qotd: users.info failed (%s)", exc.__class__.__name__)
        return Person(problem=exc.__class__.__name__)
    person: dict[str, Any] = found.get("user") or {}
    profile: dict[str, Any] = person.get("profile") or {}
    name = str(profile.get("display_name") or person.get("real_name") or person.get("name") or "")
    admin = any(bool(person.get(k)) for k in ("is_admin", "is_owner", "is_primary_owner"))
    zone = person.get("tz")
    return Person(admin, str(zone) if zone else None, name)


def wording(desk: QotdDesk) -> Wording:
    who = "workspace admins and owners"
    if desk.config.admins:
        who += " (and the people the bot's settings name)"
    return Wording(
        set_usage=SET_USAGE,
        who_may=who,
        channel=lambda channel: f"<#{channel}>",
        user=lambda user: f"<@{user}>",
        budget=limits.SLACK_SECTION_MAX,
    )


async def answer_qotd(
    desk: QotdDesk, client: AsyncWebClient, command: dict[str, Any]
) -> dict[str, Any]:
    """The ack for one /qotd: private text; the public line, if any, posted meanwhile."""
    locale = ENGLISH  # the member's language from users.info: a later slice
    user = str(command.get("user_id", ""))
    channel = str(command.get("channel_id", ""))
    person = await look_up(client, user)
    may = person.is_admin or user in desk.config.admins
    if not may and person.problem in SCOPE_PROBLEMS:
        return _private(
            f"I could not check who may set up the quote of the day ({person.problem}): the "
            "app needs the users:read scope. Ask whoever runs the bot to reinstall it."
        )
    if not may and person.problem:
        return _private(
            f"I could not check who may set up the quote of the day just now "
            f"({person.problem}). Please try again in a minute."
        )
    asker = Asker(
        platform="slack",
        workspace=str(command.get("team_id", "")),
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
            return _private(f"{said}\nUsage: {SET_USAGE}, `/qotd off`, `/qotd list`")
    else:
        request = QotdRequest("show")  # refused (or a DM) whatever was asked
    reply: QotdReply = await asyncio.to_thread(desk.handle, request, asker, words, locale)
    text = reply.private
    if reply.public is not None:
        problem = await _announce(client, channel, reply.public)
        if problem:
            text += (
                f"\n(I could not post in this channel: {problem}. For a private channel, "
                "invite me first: `/invite @quotebot`.)"
            )
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
