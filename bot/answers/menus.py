"""A director's topics as a menu, for every platform: the options, the most quoted first
past a platform's cap, with how many more there are; and a choice read back strictly.

A chosen value is user input like an id: :func:`chosen` takes only a topic the book has
under that director now, and gives None for anything else (forged, too long, gone).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.buttons import Ask, Menu, encode
from bot.answers.replies import Answer, Miss, TopicsAnswer
from bot.answers.user_text import clean_input
from bot.book.model import Director, command_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.answers.answerer import Answerer

MAX_VALUE = 100  # a topic longer than this is not offered (Discord's option value)


@dataclass(frozen=True)
class TopicMenu:
    """The menu's id, its topics (the most quoted first when cut), and how many more."""

    custom_id: str
    topics: tuple[str, ...]
    more: int


def _director(answerer: Answerer, command: str) -> Director | None:
    found: Director | None = answerer.book.by_command(command_key(command))
    return found


def topic_menu(answerer: Answerer, command: str, answer: Answer, cap: int) -> TopicMenu | None:
    """The menu under ``answer`` to ``/command``: a miss or a topic list of one director;
    None for anything else, or a director with no topic to offer."""
    if not isinstance(answer, Miss | TopicsAnswer):
        return None
    director = _director(answerer, command)
    custom_id = encode(Menu(director.command)) if director is not None else None
    if director is None or custom_id is None:
        return None
    names = [n for n in director.topic_names if len(n) <= MAX_VALUE]
    if not names:
        return None
    if len(names) > cap:  # the most quoted first; the book's order among equals
        names = sorted(names, key=lambda n: -len(director.by_topic.get(n, ())))
    return TopicMenu(custom_id, tuple(names[:cap]), max(0, len(names) - cap))


def chosen(answerer: Answerer, menu: Menu, value: object) -> Ask | None:
    """The ask a choice of ``value`` in ``menu`` makes; None if it is no topic of its
    director now (then the menu is not one of ours, or it has expired)."""
    director = _director(answerer, menu.command)
    if director is None or not isinstance(value, str) or len(value) > MAX_VALUE:
        return None
    if value not in director.topic_names:
        return None
    return Ask(director.command, clean_input(value))


__all__ = ["TopicMenu", "chosen", "topic_menu"]
