"""Slack's topic menu: a ``static_select`` in the actions block under a miss or ``/jonze
topics``, its action_id the core's id of the director's menu, each option's value a
topic; at most 100 options, the most quoted first past that, the placeholder saying how
many more. A choice is read back from ``selected_option.value`` by :func:`choice_of`.
"""

from __future__ import annotations

from typing import Any

from bot.answers import AND_MORE, ENGLISH, Answer, Answerer, Ask, Menu, chosen, say, topic_menu

MAX_OPTIONS, MAX_TEXT, MAX_PLACEHOLDER = 100, 75, 150


def menu_element(
    answerer: Answerer | None, command: str, answer: Answer, locale: str | None = ENGLISH
) -> dict[str, Any] | None:
    """The menu under ``answer`` to ``/command``, its note in ``locale``'s language; None
    when it has none."""
    menu = topic_menu(answerer, command, answer, MAX_OPTIONS) if answerer is not None else None
    if menu is None:
        return None
    options = [
        {"text": {"type": "plain_text", "text": t[:MAX_TEXT], "emoji": False}, "value": t}
        for t in menu.topics
    ]
    element: dict[str, Any] = {"type": "static_select", "action_id": menu.custom_id}
    element["options"] = options
    if menu.more:
        note = say(AND_MORE, locale, n=menu.more)[:MAX_PLACEHOLDER]
        element["placeholder"] = {"type": "plain_text", "text": note, "emoji": False}
    return element


def choice_of(answerer: Answerer, menu: Menu, action: dict[str, Any]) -> Ask | None:
    """The ask a choice in ``menu`` makes; None for any other action (a button's, none
    chosen, a topic not the director's)."""
    option = action.get("selected_option")
    if action.get("type") != "static_select" or not isinstance(option, dict):
        return None
    return chosen(answerer, menu, option.get("value"))


__all__ = ["MAX_OPTIONS", "choice_of", "menu_element"]
