"""Suggestions and their review on Discord, the same on the gateway and over HTTP: an
interaction's payload in, its response out (a modal, a private line, a review post updated
in place), through :mod:`bot.community` over the desk's store; ``/review publish:`` says
whether the server's approved quotes are on the web. What follows a response runs in the
background, kept in :attr:`ReviewDesk.tasks` (errors logged): checking a new suggestion
against its source, then posting it for review; after a decision, the post edited and the
suggester told by DM; after an edit (review_edit.py), the post edited and, if the quote or
source changed, checked again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import discord

from bot import community
from bot.adapters.discord import review_post
from bot.adapters.discord import suggest as words
from bot.adapters.discord.payload import as_object, locale_of, private, target_text_of
from bot.adapters.discord.render import safe
from bot.adapters.discord.review_edit import Editing, verified
from bot.answers import APOLOGY, NOT_MINE, Answerer, say, translate
from bot.daily import QotdDesk
from bot.store import Store, SuggestionRecord, SuggestionRefused

log = logging.getLogger("quotebot.discord")
COMMAND, COMPONENT = 2, 3
NEW_MESSAGE, UPDATE_MESSAGE = 4, 7
SLASH = ("suggest", "review", "review-channel")
QUEUE_SHOWN = 5
Http = Callable[[], discord.http.HTTPClient | None]
Clock = Callable[[], float]


def _private(text: str) -> dict[str, Any]:
    return {"type": NEW_MESSAGE, "data": private(text)}


async def answerer_of(
    review: ReviewDesk | None, shipped: Answerer, payload: dict[str, Any]
) -> Answerer:
    """The answerer of the interaction's server (``shipped`` without a desk)."""
    return await review.answerer(words.guild_of(payload)) if review is not None else shipped


class ReviewDesk:
    """Answers ``/suggest``, *Suggest as quote*, ``/review``, ``/review-channel``, the
    modals they open and the review buttons (Edit's: :class:`Editing`); and the answerer
    of each server."""

    def __init__(self, shipped: Answerer, desk: QotdDesk | None, http: Http, clock: Clock) -> None:
        self.shipped, self.desk, self._http, self._clock = shipped, desk, http, clock
        self.tasks: set[asyncio.Task[None]] = set()
        self.books: community.CommunityBooks | None = None
        if desk is not None:
            self.books = community.CommunityBooks.over(shipped, desk.store)
        self.editing = Editing(self._call, self._spawn, http, clock, shipped.book)

    async def answerer(self, guild: str) -> Answerer:
        """The answerer of ``guild`` (the shipped one outside a server, or with no store)."""
        if self.books is None or not guild:
            return self.shipped
        return await self.books.answerer("discord", guild)

    async def settle(self) -> None:
        """Wait for the background work started so far (tests, and shutting down)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def handle(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """The response to ``payload`` if it is one of these interactions, else None (a
        failure, the store's included, is logged and apologised for privately)."""
        try:
            return await self._handle(payload)
        except Exception:
            log.exception("Discord: answering a suggestion or a review failed")
            return _private(translate(APOLOGY, locale_of(payload)))

    async def _handle(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        kind, data = payload.get("type"), as_object(payload.get("data"))
        locale = locale_of(payload)
        if kind == COMMAND and data.get("type") == 3 and data.get("name") == words.SUGGEST_COMMAND:
            return self._opened(payload, target_text_of(data) or "")
        if kind == COMMAND and data.get("type", 1) == 1 and data.get("name") in SLASH:
            if data["name"] == "suggest":
                return self._opened(payload, "")
            return await self._moderate(payload, str(data["name"]))
        pressed = community.read_press(data.get("custom_id")) if kind == COMPONENT else None
        if pressed is not None:
            return await self._press(payload, pressed)
        if kind != words.MODAL_SUBMIT:
            return None
        if (rejected := words.rejected_id(data.get("custom_id"))) is not None:
            return await self._reject(payload, rejected)
        if (edited := words.edited_id(data.get("custom_id"))) is not None:
            found = await self._found(payload, edited) if self.desk is not None else None
            return self._refused(payload) or await self.editing.submitted(payload, found)
        form = words.suggestion_form(data)
        if form is None:
            return _private(translate(NOT_MINE, locale))
        if self.desk is None or not words.guild_of(payload):
            return _private(translate(words.NEEDS_STORE, locale))
        guild, user, book = words.guild_of(payload), words.user_of(payload), self.shipped.book
        try:
            new = community.checked(form, book, "discord", guild, user, locale)
        except community.FormProblems as problems:
            return _private("\n".join(f"• {safe(p)}" for p in problems.problems))
        now = self._clock()
        try:
            record = await self._call(lambda s: s.suggest(new, now))
        except SuggestionRefused as exc:
            return _private(community.refusal(exc, locale))
        self._spawn(self._check_and_post(record, locale))
        return _private(translate(community.RECEIPT, locale))

    def _opened(self, payload: dict[str, Any], text: str) -> dict[str, Any]:
        locale = locale_of(payload)
        if self.desk is None or not words.guild_of(payload):
            return _private(translate(words.NEEDS_STORE, locale))
        return words.suggest_modal(locale, text)

    async def _call(self, use: Callable[[Store], Any]) -> Any:  # noqa: ANN401 - use's own
        assert self.desk is not None
        return await asyncio.to_thread(self.desk.store.call, use)

    def _refused(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        locale = locale_of(payload)
        if self.desk is None:
            return _private(translate(words.NEEDS_STORE, locale))
        if not words.is_moderator(payload):
            return _private(translate(community.NOT_A_MODERATOR, locale))
        return None

    async def _moderate(self, payload: dict[str, Any], name: str) -> dict[str, Any]:
        if (refused := self._refused(payload)) is not None:
            return refused
        locale, guild, user = locale_of(payload), words.guild_of(payload), words.user_of(payload)
        if name == "review-channel":
            channel, now = str(payload.get("channel_id") or ""), self._clock()
            await self._call(lambda s: s.set_review_channel("discord", guild, channel, user, now))
            return _private(say(community.REVIEW_CHANNEL_SET, locale, channel=f"<#{channel}>"))
        if (on := words.publish_of(payload)) is not None:  # /review publish: True or False
            now = self._clock()
            await self._call(lambda s: s.set_published("discord", guild, on, user, now))
            return _private(translate(community.PUBLISHED if on else community.UNPUBLISHED, locale))
        queue: list[SuggestionRecord] = await self._call(
            lambda s: s.suggestions("discord", guild, "open", limit=QUEUE_SHOWN)
        )
        if not queue:
            return _private(translate(community.QUEUE_EMPTY, locale))
        return {"type": NEW_MESSAGE, "data": review_post.queue_message(queue, locale)}

    async def _found(self, payload: dict[str, Any], id: str) -> SuggestionRecord | None:
        record: SuggestionRecord | None = await self._call(lambda s: s.suggestion(id))
        if (
            record is None
            or record.platform != "discord"
            or record.community != words.guild_of(payload)
        ):
            return None  # another server's: not to be decided here
        return record

    async def _press(self, payload: dict[str, Any], pressed: community.Press) -> dict[str, Any]:
        if (refused := self._refused(payload)) is not None:
            return refused
        locale = locale_of(payload)
        record = await self._found(payload, pressed.id)
        if record is None:
            return _private(translate(community.GONE, locale))
        if pressed.verb == "ed":
            return self.editing.opened(record, locale)
        if pressed.verb == "rj":
            if record.status != "open":
                return _private(say(community.ALREADY, locale, status=record.status))
            return words.reject_modal(record.id, locale)
        moved, now = await self._decide(payload, pressed)
        if not moved or now is None:
            return self._not_moved(now, locale)
        shown = str(as_object(payload.get("message")).get("id") or "")
        self._spawn(self._told(now, locale, edit=shown != now.review_message))
        return {"type": UPDATE_MESSAGE, "data": review_post.review_message(now, locale)}

    async def _reject(self, payload: dict[str, Any], id: str) -> dict[str, Any]:
        if (refused := self._refused(payload)) is not None:
            return refused
        locale = locale_of(payload)
        read = words.modal_fields(as_object(payload.get("data")), {"reason": words.REASON_MAX})
        if read is None:
            return _private(translate(NOT_MINE, locale))
        if await self._found(payload, id) is None:
            return _private(translate(community.GONE, locale))
        moved, now = await self._decide(
            payload, community.Press("rj", id), community.clean(read["reason"])
        )
        if not moved or now is None:
            return self._not_moved(now, locale)
        self._spawn(self._told(now, locale, edit=True))
        return _private(community.decision_line(now, f"<@{words.user_of(payload)}>", locale))

    async def _decide(
        self, payload: dict[str, Any], pressed: community.Press, reason: str = ""
    ) -> tuple[bool, SuggestionRecord | None]:
        assert self.desk is not None and self.books is not None
        review = community.Review(self.desk.store, self._clock)
        made = await asyncio.to_thread(review.decide, pressed, words.user_of(payload), reason)
        self.books.forget("discord", words.guild_of(payload))
        return made

    def _not_moved(self, now: SuggestionRecord | None, locale: str) -> dict[str, Any]:
        if now is None:
            return _private(translate(community.GONE, locale))
        return _private(say(community.ALREADY, locale, status=now.status))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._logged(work))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _logged(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Discord: a suggestion's background step failed")

    async def _check_and_post(self, record: SuggestionRecord, locale: str) -> None:
        current = await verified(record, self._call, self._clock)
        settings = await self._call(lambda s: s.review_settings("discord", record.community))
        http = self._http()
        if settings is None or not settings.review_channel or current is None or http is None:
            return
        channel = str(settings.review_channel)
        message = await review_post.post(http, channel, review_post.review_message(current))
        await self._call(lambda s: s.set_review_message(record.id, channel, message))

    async def _told(self, record: SuggestionRecord, locale: str, edit: bool) -> None:
        if (http := self._http()) is None:
            return
        if edit:
            await review_post.edit(http, record)
        await review_post.tell(http, record)  # the suggester's language is not known


__all__ = ["ReviewDesk", "answerer_of"]
