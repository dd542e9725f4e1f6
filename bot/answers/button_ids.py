"""Button ids: what a press means, carried whole in a compact, versioned id (``q1|…``)
that :func:`decode` reads strictly (None for anything :func:`encode` would not write: one
spelling only, bounded, with user text as :func:`~bot.answers.user_text.clean_input`
leaves it). The actions themselves are answered by :mod:`bot.answers.buttons`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answers.user_text import MAX_ASKED, clean_input

VERSION = "q1"
MAX_ID = 100  # Discord's custom_id; Slack's action_id and value take more
_COMMAND = r"[a-z0-9_-]{1,32}"
_NUMBER = r"[0-9a-z]{1,7}"
_ANOTHER = re.compile(rf"a\|({_COMMAND})\|({_NUMBER})\|({_NUMBER})\|({_NUMBER})\|(.*)", re.S)
_ASK = re.compile(rf"t\|({_COMMAND})\|(.*)", re.S)
_QUOTE = re.compile(r"([sp])\|(.{1,64}:[0-9a-f]{16})", re.S)
_MENU = re.compile(rf"m\|({_COMMAND})")
_ONWARD = re.compile(rf"w\|({_COMMAND})\|([01])([01])\|({_NUMBER})\|([0-9a-z]{{1,4}})\|(.*)", re.S)


@dataclass(frozen=True)
class Another:
    """The next quote of ``/command text``: its pool is ``size`` quotes, the answer first
    shown was ``shown``, and ``step`` others have been shown since."""

    command: str
    text: str
    shown: int
    step: int
    size: int


@dataclass(frozen=True)
class Ask:
    """``/command text`` asked afresh: a "did you mean" or a topic chosen in a menu."""

    command: str
    text: str


@dataclass(frozen=True)
class Cite:
    """One quote, by its stable key: its full source (``post``: shared in the channel)."""

    key: str
    post: bool = False


@dataclass(frozen=True)
class Menu:
    """A director's topics as a menu: the topic chosen (its value) is asked afresh."""

    command: str


@dataclass(frozen=True)
class Onward:
    """The next match of the word search ``/command text`` after the one shown: at
    ``row`` of the book (the search's cursor: ``tier``, ``row``, ``phrase``), whose key's
    checksum is ``check``."""

    command: str
    text: str
    tier: int
    phrase: bool
    row: int
    check: str


Next = Another | Onward  # what an Another button carries
Action = Another | Onward | Ask | Cite | Menu


def encode(action: Action) -> str | None:
    """The id of ``action``; None when it would be longer than every platform takes, or
    it names what no id may (a command not in its one form)."""
    if isinstance(action, Another | Onward | Ask | Menu) and not re.fullmatch(
        _COMMAND, action.command
    ):
        return None
    if isinstance(action, Another):
        numbers = "|".join(b36(n) for n in (action.shown, action.step, action.size))
        text = f"{VERSION}|a|{action.command}|{numbers}|{action.text}"
    elif isinstance(action, Onward):
        where = f"{action.tier}{int(action.phrase)}|{b36(action.row)}|{action.check}"
        text = f"{VERSION}|w|{action.command}|{where}|{action.text}"
    elif isinstance(action, Ask):
        text = f"{VERSION}|t|{action.command}|{action.text}"
    elif isinstance(action, Menu):
        text = f"{VERSION}|m|{action.command}"
    else:
        text = f"{VERSION}|{'p' if action.post else 's'}|{action.key}"
    return text if len(text) <= MAX_ID else None


def decode(text: object) -> Action | None:
    """The action an id stands for; None for anything :func:`encode` would not write."""
    if not isinstance(text, str) or len(text) > MAX_ID or not text.startswith(f"{VERSION}|"):
        return None
    body = text[len(VERSION) + 1 :]
    if found := _ANOTHER.fullmatch(body):
        command, shown, step, size, asked = found.groups()
        numbers = [int(n, 36) for n in (shown, step, size)]
        if not _canonical(asked) or not 0 <= numbers[0] < numbers[2] or numbers[1] >= numbers[2]:
            return None
        action: Action = Another(command, asked, *numbers)
    elif found := _ONWARD.fullmatch(body):
        command, tier, phrase, row, check, asked = found.groups()
        if not _canonical(asked):
            return None
        action = Onward(command, asked, int(tier), phrase == "1", int(row, 36), check)
    elif found := _ASK.fullmatch(body):
        if not _canonical(found[2]):
            return None
        action = Ask(found[1], found[2])
    elif found := _MENU.fullmatch(body):
        action = Menu(found[1])
    elif found := _QUOTE.fullmatch(body):
        action = Cite(found[2], post=found[1] == "p")
    else:
        return None
    return action if encode(action) == text else None  # one spelling only (no 0-padding)


def b36(number: int) -> str:
    """``number`` in base 36, lower case, no leading zeros."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _canonical(text: str) -> bool:
    return len(text) <= MAX_ASKED and clean_input(text) == text


__all__ = [
    "MAX_ID", "VERSION", "Action", "Another", "Ask", "Cite", "Menu", "Next", "Onward", "b36",
    "decode", "encode",
]  # fmt: skip
