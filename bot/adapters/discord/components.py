"""Discord's buttons, over HTTP and on the gateway alike: Another and Source under a quote
(and Post to channel under a private one), and a press (interaction type 3) answered from
its ``custom_id`` alone.

A custom_id is user input: :func:`bot.answers.decode` reads it strictly, and anything it
did not write gets a private "that button is not one of mine"; one that fits the book no
more, a private "it has expired". Another replaces a private answer in place (response 7);
pressed on a public one it answers the presser privately (4, ephemeral), so nothing anyone
read disappears. Post to channel posts the quote publicly, shared by the presser (the one
mention allowed: the presser's own).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import discord

from bot.adapters import observed
from bot.adapters.discord.menus import STRING_SELECT, choice_of, menu_rows
from bot.adapters.discord.payload import EPHEMERAL, as_object, locale_of, message, private
from bot.adapters.discord.render import quote_embed
from bot.answers import (
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
    Cite,
    Menu,
    Next,
    Onward,
    QuoteAnswer,
    SourceAnswer,
    another_after,
    decode,
    encode,
    meant,
    next_quote,
    quote_of,
    say,
    source_lines,
    translate,
)
from bot.book import Quote, quote_key

MESSAGE_COMPONENT = 3
NEW_MESSAGE, UPDATE_MESSAGE = 4, 7
ACTION_ROW, BUTTON, SECONDARY = 1, 2, 2


def buttons(
    quote: Quote, another: Next | None, *, private: bool, locale: str
) -> list[dict[str, Any]]:
    """The action row under a quote: Another (when its ask has more), Source, and Post to
    channel under a private answer."""
    wanted: list[tuple[str, str | None]] = [
        (LABEL_ANOTHER, encode(another) if another is not None else None),
        (LABEL_SOURCE, encode(Cite(quote_key(quote)))),
    ]
    if private:
        wanted.append((LABEL_POST, encode(Cite(quote_key(quote), post=True))))
    row = [
        {"type": BUTTON, "style": SECONDARY, "label": translate(label, locale), "custom_id": cid}
        for label, cid in wanted
        if cid is not None
    ]
    return [{"type": ACTION_ROW, "components": row}]


def with_buttons(
    data: dict[str, Any],
    answer: Answer,
    another: Next | None,
    locale: str,
    command: str = "",
    answerer: Answerer | None = None,
) -> dict[str, Any]:
    """``data`` (a response's message) with its buttons: a quote's, or a miss's "did you
    mean" (``command``: what was asked) and, with ``answerer``, the topic menu."""
    if isinstance(answer, QuoteAnswer):
        private_ = bool(data.get("flags", 0) & EPHEMERAL)
        data["components"] = buttons(answer.quote, another, private=private_, locale=locale)
    elif rows := did_you_mean(command, answer) + menu_rows(answerer, command, answer, locale):
        data["components"] = rows
    return data


def did_you_mean(command: str, answer: Answer) -> list[dict[str, Any]]:
    """A miss's suggestions as buttons, each asking afresh (none: no row)."""
    row = [
        {"type": BUTTON, "style": SECONDARY, "label": label, "custom_id": encode(ask)}
        for label, ask in meant(command, answer)
    ]
    return [{"type": ACTION_ROW, "components": row}] if row else []


def press(answerer: Answerer, payload: dict[str, Any]) -> dict[str, Any]:
    """The response to a press: never an exception, whatever the custom_id says."""
    locale = locale_of(payload)
    data = as_object(payload.get("data"))
    action = decode(data.get("custom_id"))
    observed.pressed("discord", action)
    if isinstance(action, Menu):  # a topic chosen: asked afresh, as a "did you mean"
        if answerer.book.by_command(action.command) is None:
            return _expired(locale)
        action = choice_of(answerer, action, data)
    elif data.get("component_type") == STRING_SELECT:
        action = None  # a button's id on a menu: not one quotebot wrote
    if action is None:
        return {"type": NEW_MESSAGE, "data": private(translate(NOT_MINE, locale))}
    on_private = _bits(as_object(payload.get("message")).get("flags")) & EPHEMERAL
    if isinstance(action, Another | Onward):
        found = next_quote(answerer, action)
        if found is None:
            return _expired(locale)
        answer, after = found
        shown = message(QuoteAnswer(answer.quote, answer.how, answer.asked, True), locale=locale)
        made = with_buttons(shown, answer, after, locale)
        return {"type": UPDATE_MESSAGE if on_private else NEW_MESSAGE, "data": made}
    if isinstance(action, Ask):  # a "did you mean": answered to the presser alone
        asked = answerer.answer(action.command, action.text)
        more = another_after(answerer, action.command, action.text, asked)
        if isinstance(asked, QuoteAnswer):
            asked = replace(asked, private=True)
        made = message(asked, locale=locale) | {"flags": EPHEMERAL}
        made = with_buttons(made, asked, more, locale, action.command, answerer)
        return {"type": NEW_MESSAGE, "data": made}
    quote = quote_of(answerer, action.key)
    if quote is None:
        return _expired(locale)
    if action.post:
        return {"type": NEW_MESSAGE, "data": _shared(quote, payload, locale)}
    source = SourceAnswer(quote, True, quote.director, source_lines(quote, locale=locale))
    return {"type": NEW_MESSAGE, "data": message(source)}


def _shared(quote: Quote, payload: dict[str, Any], locale: str) -> dict[str, Any]:
    """The quote in the channel, marked as shared by the presser (a mention of them only)."""
    member = as_object(payload.get("member"))
    user = str(as_object(member.get("user")).get("id") or as_object(payload.get("user")).get("id"))
    mention = f"<@{user}>" if user.isascii() and user.isdigit() else "someone"
    allowed = discord.AllowedMentions(everyone=False, roles=False, users=False)
    data: dict[str, Any] = {
        "content": say(SHARED_BY, locale, member=mention),
        "embeds": [quote_embed(quote).to_dict()],
        "allowed_mentions": allowed.to_dict() | ({"users": [user]} if mention != "someone" else {}),
    }
    return data


def view_of(components: object) -> discord.ui.View | None:
    """Action rows as written by :func:`buttons`, as a discord.py view (no timeout: a
    press is answered from its custom_id by :func:`answer_press`, on any instance)."""
    if not isinstance(components, list) or not components:
        return None
    view = discord.ui.View(timeout=None)
    for row in components:
        for made in row["components"]:
            if made["type"] == STRING_SELECT:
                options = [discord.SelectOption(**o) for o in made["options"]]
                view.add_item(
                    discord.ui.Select(
                        custom_id=made["custom_id"],
                        options=options,
                        placeholder=made.get("placeholder"),
                    )
                )
                continue
            style = discord.ButtonStyle.secondary
            view.add_item(
                discord.ui.Button(label=made["label"], custom_id=made["custom_id"], style=style)
            )
    return view


async def answer_press(interaction: discord.Interaction[Any], answerer: Answerer) -> None:
    """A press on the gateway: the same :func:`press` as over HTTP, sent through discord.py."""
    shown = interaction.message
    payload = {
        "data": interaction.data or {},
        "locale": str(interaction.locale),
        "message": {"flags": shown.flags.value if shown is not None else 0},
        "user": {"id": str(interaction.user.id)},
    }
    reply = press(answerer, payload)
    data = reply["data"]
    users = data.get("allowed_mentions", {}).get("users") or []
    kwargs: dict[str, Any] = {
        "content": data.get("content"),
        "embeds": [discord.Embed.from_dict(e) for e in data.get("embeds", [])],
        "allowed_mentions": discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(int(u)) for u in users]
        ),
    }
    view = view_of(data.get("components"))
    if view is not None:
        kwargs["view"] = view
    if reply["type"] == UPDATE_MESSAGE:
        await interaction.response.edit_message(**kwargs)
    else:
        ephemeral = bool(data.get("flags", 0) & EPHEMERAL)
        await interaction.response.send_message(**kwargs, ephemeral=ephemeral)


def _expired(locale: str) -> dict[str, Any]:
    return {"type": NEW_MESSAGE, "data": private(translate(EXPIRED, locale))}


def _bits(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


__all__ = ["MESSAGE_COMPONENT", "answer_press", "buttons", "press", "view_of", "with_buttons"]
