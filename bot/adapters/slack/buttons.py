"""Slack's buttons under a quote: Another, Source, and Post to channel under a private one;
a press (``block_actions``) answered from its ``value`` alone, through the response_url.

The value is the core's id (:mod:`bot.answers`: ``encode``/``decode``), read strictly: a
forged or garbled one is told privately that the button is not one of quotebot's, one
that fits the book no more that it has expired. Another replaces a private answer in
place (``replace_original``); pressed on a public one it answers the presser privately.
Post to channel posts the quote in the channel, shared by the presser: the one mention
allowed, theirs.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import observed
from bot.adapters.slack.members import Locales
from bot.adapters.slack.menus import choice_of, menu_element
from bot.adapters.slack.render import render, render_source
from bot.adapters.slack.respond import Responder
from bot.answers import (
    APOLOGY,
    ENGLISH,
    EXPIRED,
    LABEL_ANOTHER,
    LABEL_POST,
    LABEL_SOURCE,
    NOT_MINE,
    SHARED_BY,
    Another,
    Answer,
    Answerer,
    Ask,
    Menu,
    Next,
    Onward,
    QuoteAnswer,
    SourceAnswer,
    another_after,
    decode,
    encode,
    language_of,
    meant,
    next_quote,
    quote_of,
    say,
    source_lines,
    translate,
)
from bot.answers import Cite as CiteAction
from bot.book import quote_key
from bot.community import CommunityBooks
from bot.memo import memo

log = logging.getLogger("quotebot.slack")

BUTTON_ACTION = re.compile(r"^q1(:|\|m\|)")  # a button's action_id, or a topic menu's
_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


def actions_block(
    answer: QuoteAnswer, another: Next | None, locale: str | None = ENGLISH
) -> dict[str, Any]:
    """The buttons under ``answer``, labelled in ``locale``'s language: each action_id
    names the button, its value the id."""
    key = quote_key(answer.quote)
    wanted = [
        ("q1:another", LABEL_ANOTHER, encode(another) if another is not None else None),
        ("q1:source", LABEL_SOURCE, encode(CiteAction(key))),
    ]
    if answer.private:
        wanted.append(("q1:post", LABEL_POST, encode(CiteAction(key, post=True))))
    elements = [
        {"type": "button", "action_id": action_id, "value": value,
         "text": {"type": "plain_text", "text": translate(label, locale), "emoji": False}}
        for action_id, label, value in wanted
        if value is not None
    ]  # fmt: skip
    return {"type": "actions", "elements": elements}


def with_buttons(
    answer: Answer,
    another: Next | None,
    command: str = "",
    answerer: Answerer | None = None,
    locale: str | None = ENGLISH,
) -> dict[str, Any]:
    """:func:`render` of ``answer`` in ``locale``'s language, with its buttons if it is a
    quote, or its "did you mean" if it is a miss of ``command`` that has some, and (with
    ``answerer``) the topic menu after them, in the same actions block."""
    made = render(answer, locale)
    if isinstance(answer, QuoteAnswer):
        made["blocks"] = [*made["blocks"], actions_block(answer, another, locale)]
        return made
    block = did_you_mean(command, answer) or {"type": "actions", "elements": []}
    if (menu := menu_element(answerer, command, answer, locale)) is not None:
        block["elements"] = [*block["elements"], menu]
    if block["elements"]:
        made["blocks"] = [*made["blocks"], block]
    return made


def did_you_mean(command: str, answer: Answer) -> dict[str, Any] | None:
    """A miss's suggestions as buttons (plain text: a label can mention no one), each
    asking afresh; None when it has none."""
    elements = [
        {"type": "button", "action_id": f"q1:meant:{n}", "value": encode(ask),
         "text": {"type": "plain_text", "text": label, "emoji": False}}
        for n, (label, ask) in enumerate(meant(command, answer))
    ]  # fmt: skip
    return {"type": "actions", "elements": elements} if elements else None


def pressed(
    answerer: Answerer, body: dict[str, Any], locale: str | None = ENGLISH
) -> dict[str, Any]:
    """What a press answers, in ``locale``'s language, as keyword arguments for
    ``respond``; never an exception."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else {}
    first = first if isinstance(first, dict) else {}
    action = decode(first.get("action_id") if "selected_option" in first else first.get("value"))
    observed.pressed("slack", action)
    if isinstance(action, Menu):  # a topic chosen: asked afresh, as a "did you mean"
        if answerer.book.by_command(action.command) is None:
            return _private(EXPIRED, locale)
        action = choice_of(answerer, action, first)
    elif "selected_option" in first:
        action = None  # a menu that names no menu of quotebot's
    container = body.get("container")
    on_private = isinstance(container, dict) and container.get("is_ephemeral") is True
    if action is None:
        return _private(NOT_MINE, locale)
    if isinstance(action, Another | Onward):
        made: dict[str, Any] = json.loads(_another(answerer, action, on_private, locale))
        return made
    if isinstance(action, Ask):  # a "did you mean": answered to the presser alone
        asked = answerer.answer(action.command, action.text)
        more = another_after(answerer, action.command, action.text, asked)
        if isinstance(asked, QuoteAnswer):
            asked = replace(asked, private=True)
        made = with_buttons(asked, more, action.command, answerer, locale)
        return made | {"response_type": "ephemeral", "replace_original": False}
    quote = quote_of(answerer, action.key)
    if quote is None:
        return _private(EXPIRED, locale)
    if action.post:
        user = body.get("user")
        presser = user.get("id") if isinstance(user, dict) else None
        by = f"<@{presser}>" if isinstance(presser, str) and _USER.fullmatch(presser) else "someone"
        shared = render(QuoteAnswer(quote, "exact"), locale)
        line = say(SHARED_BY, locale, member=by)  # no user text: the mention is built here
        note = {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}
        return shared | {"blocks": [*shared["blocks"], note], "replace_original": False}
    source = SourceAnswer(quote, True, quote.director, source_lines(quote, locale=locale))
    return render_source(source) | {"response_type": "ephemeral", "replace_original": False}


def pressed_body(answerer: Answerer, body: dict[str, Any], locale: str = ENGLISH) -> str:
    """:func:`pressed` as the JSON body to post; an Another's made once per quote, place,
    language and message kind, as a command's answer is (the press is the hot path)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else {}
    if isinstance(first, dict) and "selected_option" not in first:
        action = decode(first.get("value"))
        if isinstance(action, Another | Onward):
            observed.pressed("slack", action)
            container = body.get("container")
            on_private = isinstance(container, dict) and container.get("is_ephemeral") is True
            return _another(answerer, action, on_private, locale)
    return json.dumps(pressed(answerer, body, locale), ensure_ascii=False)


def _another(answerer: Answerer, action: Next, on_private: bool, locale: str | None) -> str:
    found = next_quote(answerer, action)
    if found is None:
        return json.dumps(_private(EXPIRED, locale), ensure_ascii=False)
    answer, after = found
    shown = QuoteAnswer(answer.quote, answer.how, answer.asked, True)
    lang = language_of(locale)

    def make() -> str:
        made = with_buttons(shown, after, locale=lang) | {"replace_original": on_private}
        return json.dumps(made, ensure_ascii=False)

    return memo(_press_bodies, (shown, after, lang, on_private), make)


_press_bodies: dict[tuple[QuoteAnswer, Next | None, str, bool], str] = {}


def _private(message: str, locale: str | None = ENGLISH) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": say(message, locale), "replace_original": False}


def add_button_listeners(
    app: AsyncApp, books: CommunityBooks, locales: Locales, responder: Responder
) -> None:
    """The buttons' listener, on ``app``: every action_id quotebot writes starts q1:; a
    press answered from its workspace's book (``books``: with its approved quotes)."""

    @app.action(BUTTON_ACTION)
    async def button_pressed(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        url = body.get("response_url")
        if not isinstance(url, str):
            return  # nowhere to answer (a press in a view: the Home tab's are its own)
        locale = await locales.of(client, team_of(body), (body.get("user") or {}).get("id"))
        try:
            here = await books.answerer("slack", team_of(body))
            reply = pressed_body(here, body, locale)
        except Exception:
            log.exception("answering a button failed")
            reply = json.dumps(_private(APOLOGY, locale), ensure_ascii=False)
        await responder.post(url, reply)


def team_of(body: dict[str, Any]) -> str:
    """The workspace a press or shortcut came from, for remembering its member's language."""
    team = body.get("team")
    found = team.get("id") if isinstance(team, dict) else None
    return found if isinstance(found, str) else ""
