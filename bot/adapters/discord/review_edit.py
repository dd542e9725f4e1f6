"""Editing a suggestion on Discord, from its review post: a moderator's **Edit** opens the
suggestion's modal pre-filled (suggest.py, ``q1|re|<id>``); its submit is checked as a
new suggestion is, kept by the store only while the suggestion is still open, the review
post updated in place, and the quote checked against its source again when its text or
source changed. Also what both a new and an edited suggestion's check records.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any, cast

import discord

from bot import community
from bot.adapters.discord import review_post
from bot.adapters.discord import suggest as words
from bot.adapters.discord.payload import as_object, locale_of, private
from bot.adapters.discord.render import safe
from bot.answers import NOT_MINE, say, translate
from bot.book import QuoteBook
from bot.curation import FetchPolicy
from bot.store import Outcome, Store, SuggestionRecord

NEW_MESSAGE, UPDATE_MESSAGE = 4, 7
Call = Callable[[Callable[[Store], Any]], Awaitable[Any]]
Spawn = Callable[[Coroutine[Any, Any, None]], None]
Http = Callable[[], discord.http.HTTPClient | None]
Clock = Callable[[], float]


def _private(text: str) -> dict[str, Any]:
    return {"type": NEW_MESSAGE, "data": private(text)}


async def verified(record: SuggestionRecord, call: Call, clock: Clock) -> SuggestionRecord | None:
    """Check ``record`` against its source and record what was found, unless its quote or
    source was edited meanwhile (that edit's own check records it): the suggestion now."""
    found = await community.verify(record.text, record.source_url, FetchPolicy.from_env(os.environ))
    outcome = cast(Outcome, found.outcome)

    def keep(store: Store) -> SuggestionRecord | None:
        now = store.suggestion(record.id)
        if now is not None and (now.text, now.source_url) == (record.text, record.source_url):
            store.set_verification(record.id, outcome, found.detail, clock())
        return store.suggestion(record.id)

    current: SuggestionRecord | None = await call(keep)
    return current


class Editing:
    """The Edit button's modal and its submit, over the desk's store, background tasks,
    REST client and clock."""

    def __init__(self, call: Call, spawn: Spawn, http: Http, clock: Clock, book: QuoteBook) -> None:
        self._call, self._spawn, self._http, self._clock, self._book = (
            call,
            spawn,
            http,
            clock,
            book,
        )

    def opened(self, record: SuggestionRecord, locale: str) -> dict[str, Any]:
        """The response to Edit pressed on ``record`` (this server's, by a moderator)."""
        if record.status != "open":
            return _private(say(community.ALREADY, locale, status=record.status))
        return words.edit_modal(record, locale)

    async def submitted(
        self, payload: dict[str, Any], record: SuggestionRecord | None
    ) -> dict[str, Any]:
        """The response to an edit's submit (a moderator's; ``record``: the suggestion it
        names, if this server's)."""
        locale = locale_of(payload)
        form = words.suggestion_form(as_object(payload.get("data")))
        if form is None:
            return _private(translate(NOT_MINE, locale))
        if record is None:
            return _private(translate(community.GONE, locale))
        if record.status != "open":
            return _private(say(community.ALREADY, locale, status=record.status))
        same = community.clean(form.director) == record.director  # a new director's command kept
        form = replace(form, command=record.command if same else "")
        try:
            new = community.checked(
                form, self._book, "discord", record.community, record.suggester, locale
            )
        except community.FormProblems as problems:
            return _private("\n".join(f"• {safe(p)}" for p in problems.problems))
        by, now = words.user_of(payload), self._clock()
        made, changed, current = await self._call(
            lambda s: community.apply_edit(s, record.id, new, by, now)
        )
        if current is None:
            return _private(translate(community.GONE, locale))
        if not made:
            return _private(say(community.ALREADY, locale, status=current.status))
        shown = str(as_object(payload.get("message")).get("id") or "")
        self._spawn(self._updated(current, shown != current.review_message, changed))
        if not shown:
            return _private(translate(words.EDITED, locale))
        return {"type": UPDATE_MESSAGE, "data": review_post.review_message(current, locale)}

    async def _updated(self, record: SuggestionRecord, show: bool, check: bool) -> None:
        """The review post edited to ``record`` (unless the answer just did), then, if
        ``check``, its quote checked again and the post edited to what was found."""
        if show:
            await self._shown(record)
        if check and (current := await verified(record, self._call, self._clock)) is not None:
            await self._shown(current)

    async def _shown(self, record: SuggestionRecord) -> None:
        if (http := self._http()) is not None:
            await review_post.edit(http, record)


__all__ = ["Editing", "verified"]
