"""Suggestions on Slack, from the form to the decision: ``/quote suggest`` and the Suggest
as quote shortcut open the form; a submission is checked and kept (the member gets the
receipt by DM), then checked against its source in the background and posted in the
workspace's review channel; a reviewer's press decides it (compare-and-set in the
store), the post is updated and the suggester told; an open one may be edited first
(review_edit.py), and checked again. ``/quote review-channel``, ``/quote review`` and
``/quote publish on|off`` (the approved quotes on the web) are the reviewers' own.

Reviewers are the workspace's admins and owners (users.info, asked afresh) and the user
IDs in ``quotebot.toml``'s ``[review] reviewers`` and ``[daily] admins``. A press names a
suggestion, never a right: the presser is checked, and the suggestion must be this
workspace's.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Coroutine
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.members import Locales, look_up
from bot.adapters.slack.render import fitted
from bot.adapters.slack.review import CHANNEL, USER, queue_blocks, review_post, told
from bot.adapters.slack.suggest import form_errors, form_of, suggest_view
from bot.answers import say
from bot.community import (
    ALREADY,
    GONE,
    NEEDS_REVIEWER,
    NOT_A_MODERATOR,
    PUBLISH_USAGE,
    PUBLISHED,
    QUEUE_EMPTY,
    REVIEW_CHANNEL_SET,
    UNPUBLISHED,
    CommunityBooks,
    FormProblems,
    Press,
    Review,
    checked,
    refusal,
    verify,
)
from bot.curation import FetchPolicy
from bot.daily import QotdDesk
from bot.store import Outcome, Store, SuggestionRecord, SuggestionRefused

log = logging.getLogger("quotebot.slack")

# The core's messages (bot.community.review), by their msgid: translated as they are there.
RECEIPT = (
    "Thanks! Your suggestion is kept: quotebot checks it against its source now, then this "
    "community's moderators review it. You will be told what they decide."
)
WORDS = frozenset({"suggest", "review", "review-channel", "publish"})
SWITCH = {"on": True, "off": False}
OUTCOMES: dict[str, Outcome] = {
    "found": "found",
    "not_found": "not_found",
    "unfetched": "unfetched",
}


# The background checks of every app in the process, kept referenced until done.
_TASKS: set[asyncio.Task[None]] = set()


async def settled() -> None:
    """Until every background check and review post started so far is done (for tests)."""
    while _TASKS:
        await asyncio.gather(*_TASKS, return_exceptions=True)


def background(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work`` after the answer, kept referenced until done (see :func:`settled`)."""
    task = asyncio.create_task(work)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


def private(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {"response_type": "ephemeral", "text": text[:3_000]}
    return made | ({"blocks": blocks} if blocks else {})


class Reviewing:
    """The suggestion steps of one app: its store (through the desk), the workspaces'
    books to refresh after a decision, and the background checks, kept referenced."""

    def __init__(self, desk: QotdDesk, books: CommunityBooks, locales: Locales) -> None:
        self.desk, self.books, self.locales = desk, books, locales
        self.review = Review(desk.store)

    async def call(self, step: Any) -> Any:  # noqa: ANN401 - the store's own results
        return await asyncio.to_thread(self.desk.store.call, step)

    async def is_reviewer(self, client: AsyncWebClient, user: str) -> bool:
        if not USER.fullmatch(user):
            return False
        config = self.desk.config
        if user in config.reviewers or user in config.admins:
            return True
        return (await look_up(client, user)).is_admin

    async def command(
        self, client: AsyncWebClient, command: dict[str, Any], locale: str
    ) -> dict[str, Any] | None:
        """The ack of ``/quote suggest``, ``review``, ``review-channel`` or ``publish
        on|off``; None for any other text (answered as a quote)."""
        words = str(command.get("text", "")).split(maxsplit=1)
        word = words[0].casefold() if words else ""
        if word not in WORDS:
            return None
        team, user = str(command.get("team_id", "")), str(command.get("user_id", ""))
        channel = str(command.get("channel_id", ""))
        if word == "suggest":
            view = suggest_view(channel, team, locale)
            await client.views_open(trigger_id=str(command.get("trigger_id", "")), view=view)
            return {}
        if not await self.is_reviewer(client, user):
            return private(say(NOT_A_MODERATOR, locale))
        if word == "review-channel":
            if not CHANNEL.fullmatch(channel):
                return private(say(GONE, locale))
            now = time.time()
            await self.call(lambda s: s.set_review_channel("slack", team, channel, user, now))
            return private(say(REVIEW_CHANNEL_SET, locale, channel=f"<#{channel}>"))
        if word == "publish":
            return await self.publish(team, user, words[1:], locale)
        open_: list[SuggestionRecord] = await self.call(
            lambda s: s.suggestions("slack", team, "open", limit=5)
        )
        settings = await self.call(lambda s: s.review_settings("slack", team))
        note = "" if settings and settings.review_channel else say(
            NEEDS_REVIEWER, locale, usage="`/quote review-channel`"
        )  # fmt: skip
        if not open_:
            return private(" ".join(filter(None, [say(QUEUE_EMPTY, locale), note])))
        blocks = queue_blocks(open_, locale)
        if note:
            note_block = {"type": "mrkdwn", "text": note, "verbatim": True}
            blocks.insert(0, {"type": "context", "elements": [note_block]})
        return private(fitted(f"{open_[0].director}: {open_[0].text}"), blocks)

    async def publish(self, team: str, user: str, said: list[str], locale: str) -> dict[str, Any]:
        """``/quote publish on|off``: the workspace's approved quotes on the web, or not."""
        published = SWITCH.get(said[0].strip().casefold()) if said else None
        if published is None:
            return private(say(PUBLISH_USAGE, locale, on="`/quote publish on`", off="`off`"))
        now = time.time()
        await self.call(lambda s: s.set_published("slack", team, published, user, now))
        return private(say(PUBLISHED if published else UNPUBLISHED, locale))

    async def submit(
        self, client: AsyncWebClient, view: object, team: str, user: str, locale: str
    ) -> dict[str, Any]:
        """A suggestion view submitted: the ack's arguments (errors, or none to close)."""
        form = form_of(view)
        book = self.books.shipped.book
        try:
            new = checked(form, book, "slack", team, user, locale)
        except FormProblems as exc:
            return {"response_action": "errors", "errors": form_errors(form, exc, book, locale)}
        try:
            record = await asyncio.to_thread(self.review.submit, new)
        except SuggestionRefused as exc:
            return {"response_action": "errors", "errors": {"quote": refusal(exc, locale)[:150]}}
        await self.tell(client, user, say(RECEIPT, locale))
        background(self._check(client, record, locale))
        return {}

    async def verified(self, record: SuggestionRecord) -> SuggestionRecord | None:
        """Check ``record`` against its source and record what was found, unless its quote
        or source was edited meanwhile (that edit's own check records it): it now."""
        found = await verify(record.text, record.source_url, FetchPolicy.from_env(os.environ))
        outcome = OUTCOMES.get(found.outcome, "unfetched")

        def keep(store: Store) -> SuggestionRecord | None:
            now = store.suggestion(record.id)
            if now is not None and (now.text, now.source_url) == (record.text, record.source_url):
                store.set_verification(record.id, outcome, found.detail, time.time())
            return store.suggestion(record.id)

        current: SuggestionRecord | None = await self.call(keep)
        return current

    async def _check(self, client: AsyncWebClient, record: SuggestionRecord, locale: str) -> None:
        try:
            found = await self.verified(record)
            settings = await self.call(lambda s: s.review_settings("slack", record.community))
            channel = settings.review_channel if settings is not None else None
            if not channel or found is None:
                return
            posted = await client.chat_postMessage(
                channel=channel,
                unfurl_links=False,
                unfurl_media=False,
                **review_post(found, locale),
            )
            ts = str(posted.get("ts", ""))
            await self.call(lambda s: s.set_review_message(record.id, channel, ts))
        except Exception:
            log.exception("checking or posting a suggestion failed")

    async def tell(self, client: AsyncWebClient, user: str, text: str) -> None:
        """A DM to ``user`` (escaped text already); a failure logged, never raised."""
        try:
            await client.chat_postMessage(channel=user, text=text, unfurl_links=False)
        except Exception:
            log.exception("a DM to a member failed")

    async def show(self, client: AsyncWebClient, record: SuggestionRecord, locale: str) -> None:
        """Update ``record``'s review post to its state now, if it has one."""
        if not (record.review_channel and record.review_message):
            return
        try:
            await client.chat_update(
                channel=record.review_channel,
                ts=record.review_message,
                **review_post(record, locale),
            )
        except Exception:
            log.exception("updating a review post failed")

    async def decide(
        self, press: Press, by: str, reason: str = ""
    ) -> tuple[bool, SuggestionRecord | None]:
        """:meth:`Review.decide`, in a worker thread."""
        return await asyncio.to_thread(self.review.decide, press, by, reason)

    async def after(self, client: AsyncWebClient, record: SuggestionRecord, locale: str) -> None:
        """A decision made: the workspace's book looked at afresh, the post updated, the
        suggester told of an approval or rejection (in their language)."""
        self.books.forget("slack", record.community)
        await self.show(client, record, locale)
        if record.status in ("approved", "rejected"):
            theirs = await self.locales.of(client, record.community, record.suggester)
            await self.tell(client, record.suggester, told(record, theirs))


__all__ = [
    "ALREADY", "GONE", "NOT_A_MODERATOR", "Reviewing", "background", "private", "settled", "told",
]  # fmt: skip
