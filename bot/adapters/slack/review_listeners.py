"""The suggestion listeners on a bolt app: the Suggest as quote shortcut, the three
modals' submissions (a suggestion, an edit, a rejection's reason), and the review buttons
(``q1|r|…``), every press and edit checked: the presser a reviewer, the suggestion this
workspace's, the decision (or edit) compare-and-set."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.buttons import team_of
from bot.adapters.slack.manifest import SUGGEST_CALLBACK as SHORTCUT
from bot.adapters.slack.respond import Responder
from bot.adapters.slack.review_edit import edited, open_edit
from bot.adapters.slack.reviewing import ALREADY, GONE, NOT_A_MODERATOR, Reviewing
from bot.adapters.slack.suggest import (
    EDIT_CALLBACK,
    REJECT_CALLBACK,
    SUGGEST_CALLBACK,
    metadata_of,
    reject_view,
    suggest_view,
    value_of,
)
from bot.answers import APOLOGY, NOT_MINE, say
from bot.community import Press, clean, read_press
from bot.store import SuggestionRecord

log = logging.getLogger("quotebot.slack")

REVIEW_ACTION = re.compile(r"^q1\|r")  # q1|r|…, and what passes for it (q1|re|…): read strictly


def _user(body: dict[str, Any]) -> str:
    user = body.get("user")
    found = user.get("id") if isinstance(user, dict) else None
    return found if isinstance(found, str) else ""


def add_review_listeners(app: AsyncApp, reviewing: Reviewing, responder: Responder) -> None:
    """The shortcut, the modals and the review buttons, on ``app``."""
    locales = reviewing.locales

    @app.message_shortcut(SHORTCUT)
    async def suggest_as_quote(
        ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        team = team_of(shortcut)
        locale = await locales.of(client, team, _user(shortcut))
        message, channel = shortcut.get("message"), shortcut.get("channel")
        text = message.get("text") if isinstance(message, dict) else None
        where = channel.get("id") if isinstance(channel, dict) else None
        view = suggest_view(
            where if isinstance(where, str) else "", team, locale,
            text[:1_500] if isinstance(text, str) else "",
        )  # fmt: skip
        await client.views_open(trigger_id=str(shortcut.get("trigger_id", "")), view=view)

    @app.view(SUGGEST_CALLBACK)
    async def suggestion_submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        view = body.get("view")
        team = team_of(body) or metadata_of(view)[1]
        user = _user(body)
        locale = await locales.of(client, team, user)
        try:
            answer = await reviewing.submit(client, view, team, user, locale)
        except Exception:
            log.exception("keeping a suggestion failed")
            answer = {}
        await ack(**answer)

    @app.view(REJECT_CALLBACK)
    async def reason_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body.get("view")
        meta = view.get("private_metadata") if isinstance(view, dict) else None
        press = read_press(f"q1|r|rj|{meta}") if isinstance(meta, str) else None
        team, user = team_of(body), _user(body)
        locale = await locales.of(client, team, user)
        reason = clean(value_of(view, "reason"))[:300]
        refused = await _refused(reviewing, client, press, team, user, locale)
        if refused or press is None:
            await ack(response_action="errors", errors={"reason": refused or say(GONE, locale)})
            return
        moved, record = await reviewing.decide(press, user, reason)
        if not moved or record is None:
            said = say(ALREADY, locale, status=record.status) if record else say(GONE, locale)
            await ack(response_action="errors", errors={"reason": said})
            return
        await ack()
        await reviewing.after(client, record, locale)

    @app.view(EDIT_CALLBACK)
    async def edit_submitted(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body.get("view")
        meta = view.get("private_metadata") if isinstance(view, dict) else None
        press = read_press(f"q1|r|ed|{meta}") if isinstance(meta, str) else None
        team, user = team_of(body), _user(body)
        locale = await locales.of(client, team, user)
        refused = await _refused(reviewing, client, press, team, user, locale)
        if refused or press is None:
            await ack(response_action="errors", errors={"quote": refused or say(NOT_MINE, locale)})
            return
        try:
            answer = await edited(reviewing, client, press.id, view, user, locale)
        except Exception:
            log.exception("editing a suggestion failed")
            answer = {"response_action": "errors", "errors": {"quote": say(APOLOGY, locale)}}
        await ack(**answer)

    @app.action(REVIEW_ACTION)
    async def review_pressed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions else {}
        press = read_press(first.get("action_id")) if isinstance(first, dict) else None
        team, user = team_of(body), _user(body)
        locale = await locales.of(client, team, user)
        url = body.get("response_url")

        async def answer(text: str) -> None:
            if isinstance(url, str):
                reply = {"response_type": "ephemeral", "text": text, "replace_original": False}
                await responder.post(url, json.dumps(reply, ensure_ascii=False))

        if press is None:
            await answer(say(NOT_MINE, locale))
            return
        if refused := await _refused(reviewing, client, press, team, user, locale):
            await answer(refused)
            return
        if press.verb == "rj":
            trigger = str(body.get("trigger_id", ""))
            await client.views_open(trigger_id=trigger, view=reject_view(press.id, locale))
            return
        if press.verb == "ed":
            trigger = str(body.get("trigger_id", ""))
            if refused := await open_edit(reviewing, client, trigger, press.id, locale):
                await answer(refused)
            return
        moved, record = await reviewing.decide(press, user)
        if not moved or record is None:
            await answer(
                say(ALREADY, locale, status=record.status) if record else say(GONE, locale)
            )
            return
        await reviewing.after(client, record, locale)


async def _refused(
    reviewing: Reviewing,
    client: AsyncWebClient,
    press: Press | None,
    team: str,
    user: str,
    locale: str,
) -> str:
    """Why ``user`` may not make ``press`` in ``team``; "" when they may."""
    if press is None:
        return ""
    if not await reviewing.is_reviewer(client, user):
        return say(NOT_A_MODERATOR, locale)
    found: SuggestionRecord | None = await reviewing.call(lambda s: s.suggestion(press.id))
    if found is None or found.platform != "slack" or found.community != team:
        return say(GONE, locale)  # another workspace's: as if it did not exist
    return ""


__all__ = ["REVIEW_ACTION", "add_review_listeners"]
