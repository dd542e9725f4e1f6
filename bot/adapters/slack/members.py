"""Who a Slack member is, from ``users.info``: their role, time zone and name (for
``/qotd`` and the Home tab's admin part, asked afresh each time), and their language
(``include_locale``), remembered briefly so that answers follow it without a call each.

Slack sends no locale with a command, a press or a message: ``users.info`` is the one
place it is. A member's first answer waits for it (at most :data:`LOOKUP_TIMEOUT`, and
once however many of their requests arrive together); later ones read it from memory
for :data:`TTL` seconds. A lookup that fails (no ``users:read`` scope, Slack slow or
down) answers in English and is not tried again for :data:`RETRY_AFTER` seconds: a
member's language is a courtesy, never a reason to be late.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import ENGLISH

log = logging.getLogger("quotebot.slack")

TTL = 600.0  # seconds a member's language is remembered
RETRY_AFTER = 60.0  # seconds before a failed lookup is tried again
LOOKUP_TIMEOUT = 1.0  # seconds a first answer waits for users.info (Slack allows 3)
REMEMBERED_MAX = 10_000  # members remembered at once; the oldest are forgotten first


@dataclass(frozen=True)
class Person:
    """What users.info says of a member (or could not say)."""

    is_admin: bool = False
    zone: str | None = None
    name: str = ""
    problem: str = ""  # why users.info failed, for a refusal
    locale: str = ""  # as Slack writes it: en-US, fr-FR, ja-JP; "" when unknown


async def look_up(client: AsyncWebClient, user: str) -> Person:
    """A member's role, time zone, name and locale from users.info, asked now."""
    try:
        found = await client.users_info(user=user, include_locale=True)
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.warning("users.info failed (%s)", error)
        return Person(problem=error)
    except (TimeoutError, aiohttp.ClientError) as exc:
        log.warning("users.info failed (%s)", exc.__class__.__name__)
        return Person(problem=exc.__class__.__name__)
    person: dict[str, Any] = found.get("user") or {}
    profile: dict[str, Any] = person.get("profile") or {}
    name = str(profile.get("display_name") or person.get("real_name") or person.get("name") or "")
    admin = any(bool(person.get(k)) for k in ("is_admin", "is_owner", "is_primary_owner"))
    zone, locale = person.get("tz"), person.get("locale")
    return Person(
        admin, str(zone) if zone else None, name, locale=locale if isinstance(locale, str) else ""
    )


class Locales:
    """Members' languages by (workspace, member), remembered for :data:`TTL` seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[str, float]] = {}
        self._asking: dict[tuple[str, str], asyncio.Future[str]] = {}

    def remember(self, team: str, user: str, person: Person) -> None:
        """Keep what a lookup made for another reason (``/qotd``) said of the language."""
        if not person.problem:
            self._keep((team, user), person.locale, TTL)

    async def person(self, client: AsyncWebClient, team: str, user: str) -> tuple[Person, str]:
        """The member as users.info says now (their role: never from memory), and their
        language: the one it gave, remembered, else the one known from before, else
        English."""
        found = await look_up(client, user)
        self.remember(team, user, found)
        return found, found.locale or self.known(team, user) or ENGLISH

    def known(self, team: str, user: str) -> str | None:
        """The member's language if it is remembered and fresh; None to look it up."""
        found = self._known.get((team, user))
        if found is None or found[1] <= self._clock():
            return None
        return found[0]

    async def of(self, client: AsyncWebClient, team: str, user: object) -> str:
        """The member's language: remembered, or asked of users.info (once for all who
        wait on the same member); English when it cannot be known."""
        if not isinstance(user, str) or not user:
            return ENGLISH
        if (found := self.known(team, user)) is not None:
            return found
        key = (team, user)
        if (asking := self._asking.get(key)) is not None:
            return await _shared(asking)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._asking[key] = future
        try:
            locale = await self._ask(client, key)
            future.set_result(locale)
            return locale
        finally:
            del self._asking[key]
            if not future.done():  # the first asker was cancelled: the others go on
                future.cancel()

    async def _ask(self, client: AsyncWebClient, key: tuple[str, str]) -> str:
        try:
            person = await asyncio.wait_for(look_up(client, key[1]), LOOKUP_TIMEOUT)
        except TimeoutError:
            person = Person(problem="timeout")
        except Exception:
            log.exception("users.info failed")
            person = Person(problem="error")
        if person.problem:
            self._keep(key, ENGLISH, RETRY_AFTER)
            return ENGLISH
        self._keep(key, person.locale, TTL)
        return person.locale

    def _keep(self, key: tuple[str, str], locale: str, seconds: float) -> None:
        self._known.pop(key, None)
        while len(self._known) >= REMEMBERED_MAX:
            del self._known[next(iter(self._known))]  # the oldest kept
        self._known[key] = (locale, self._clock() + seconds)


async def _shared(asking: asyncio.Future[str]) -> str:
    """Another request's lookup of the same member, awaited; English if it was dropped."""
    try:
        return await asyncio.shield(asking)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if asking.cancelled() and not (task is not None and task.cancelling()):
            return ENGLISH
        raise


__all__ = ["LOOKUP_TIMEOUT", "RETRY_AFTER", "TTL", "Locales", "Person", "look_up"]
