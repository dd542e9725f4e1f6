"""Editing a suggestion on Slack, from its review post: a reviewer's **Edit** opens the
suggestion's form filled with its fields (``q1_edit``, its id the view's
private_metadata); the submission is checked as a new suggestion's is (each problem under
its field), kept by the store only while the suggestion is still open, the review post
updated in place (chat.update), and the quote checked against its source again when its
text or source changed. The presser and the suggestion's workspace are checked before
(review_listeners.py), at the press and again at the submission.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.reviewing import ALREADY, GONE, Reviewing, background
from bot.adapters.slack.suggest import edit_view, form_errors, form_of
from bot.answers import say
from bot.community import FormProblems, apply_edit, checked, clean
from bot.store import SuggestionRecord

log = logging.getLogger("quotebot.slack")


async def open_edit(
    reviewing: Reviewing, client: AsyncWebClient, trigger: str, id: str, locale: str
) -> str:
    """Open the edit form of suggestion ``id`` (this workspace's, pressed by a reviewer):
    "" once open, else why not."""
    record: SuggestionRecord | None = await reviewing.call(lambda s: s.suggestion(id))
    if record is None:
        return say(GONE, locale)
    if record.status != "open":
        return say(ALREADY, locale, status=record.status)
    await client.views_open(trigger_id=trigger, view=edit_view(record, locale))
    return ""


async def edited(
    reviewing: Reviewing, client: AsyncWebClient, id: str, view: object, user: str, locale: str
) -> dict[str, Any]:
    """An edit form of suggestion ``id`` submitted by reviewer ``user``: the ack's
    arguments (errors, or none to close); once kept, the review post updated and, if its
    quote or source changed, the quote checked again in the background."""
    record: SuggestionRecord | None = await reviewing.call(lambda s: s.suggestion(id))
    if record is None:
        return {"response_action": "errors", "errors": {"quote": say(GONE, locale)}}
    if record.status != "open":
        said = say(ALREADY, locale, status=record.status)
        return {"response_action": "errors", "errors": {"quote": said}}
    form, book = form_of(view), reviewing.books.shipped.book
    same = clean(form.director) == record.director  # a new director's command kept
    form = replace(form, command=record.command if same else "")
    try:
        new = checked(form, book, "slack", record.community, record.suggester, locale)
    except FormProblems as exc:
        return {"response_action": "errors", "errors": form_errors(form, exc, book, locale)}
    now = time.time()
    made, changed, current = await reviewing.call(lambda s: apply_edit(s, id, new, user, now))
    if not made or current is None:
        said = say(ALREADY, locale, status=current.status) if current else say(GONE, locale)
        return {"response_action": "errors", "errors": {"quote": said}}
    background(_shown(reviewing, client, current, changed, locale))
    return {}


async def _shown(
    reviewing: Reviewing, client: AsyncWebClient, record: SuggestionRecord, check: bool, locale: str
) -> None:
    """The review post updated to ``record``; then, if ``check``, its quote checked again
    and the post updated to what was found."""
    await reviewing.show(client, record, locale)
    try:
        current = await reviewing.verified(record) if check else None
    except Exception:
        log.exception("checking an edited suggestion failed")
        return
    if current is not None:
        await reviewing.show(client, current, locale)


__all__ = ["edited", "open_edit"]
