"""Discord's topic menu: a string select (component type 3) in its own action row under a
miss or ``/jonze topics``, its custom_id the core's id of the director's menu, each
option's value a topic; at most 25 options, the most quoted first past that, the
placeholder saying how many more. A choice is read back by :func:`choice_of`.
"""

from __future__ import annotations

from typing import Any

from bot.answers import AND_MORE, Answer, Answerer, Ask, Menu, chosen, topic_menu, translate

MAX_OPTIONS, MAX_LABEL, MAX_PLACEHOLDER = 25, 100, 150
ACTION_ROW, STRING_SELECT = 1, 3


def menu_rows(
    answerer: Answerer | None, command: str, answer: Answer, locale: str
) -> list[dict[str, Any]]:
    """The menu's action row under ``answer`` to ``/command`` (none: no row)."""
    menu = topic_menu(answerer, command, answer, MAX_OPTIONS) if answerer is not None else None
    if menu is None:
        return []
    select: dict[str, Any] = {
        "type": STRING_SELECT,
        "custom_id": menu.custom_id,
        "options": [{"label": t[:MAX_LABEL], "value": t} for t in menu.topics],
    }
    if menu.more:
        note = translate(AND_MORE, locale).format(n=menu.more)
        select["placeholder"] = note[:MAX_PLACEHOLDER]
    return [{"type": ACTION_ROW, "components": [select]}]


def choice_of(answerer: Answerer, menu: Menu, data: dict[str, Any]) -> Ask | None:
    """The ask a choice in ``menu`` makes: one value, from a string select; None for any
    other press (a button's, several values, none, a topic not the director's)."""
    values = data.get("values")
    if data.get("component_type") != STRING_SELECT or not isinstance(values, list):
        return None
    return chosen(answerer, menu, values[0]) if len(values) == 1 else None


__all__ = ["MAX_OPTIONS", "choice_of", "menu_rows"]
