"""Buttons and menus, for every platform: what a press means, carried whole in its id.

An id is compact and versioned (``q1|…``), so any instance answers a press from the book
alone, nothing kept in one process's memory. It is user input: :func:`decode` parses it
strictly and gives None for anything it did not write (a forged or garbled id), and an
id that was valid once but no longer fits the book (a director removed, a pool changed)
comes to :data:`EXPIRED`. Nothing in an id grants a permission.

**Another** goes on through the pool of the ask the answer came from, in an order keyed
by the ask alone: the quote shown first, then every other quote of the pool once (a
permutation of the others, walked a step at a time), so three presses give three
different quotes and two instances given the same id give the same one.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass

from bot import limits
from bot.answers.ask_plan import Draw
from bot.answers.language import N_
from bot.answers.replies import Answer, Miss, QuoteAnswer
from bot.answers.rotation import Permutation
from bot.answers.user_text import MAX_ASKED, clean_input
from bot.book.model import Quote, command_key, pool_keys, quote_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.answers.answerer import Answerer

VERSION = "q1"
MAX_LOOKED_THROUGH = 20_000  # a pool's keys read to find where its answer stands
MAX_MEANT, LABEL_MAX = 5, 75  # "did you mean" buttons; a label's length (Slack's)
MAX_ID = 100  # Discord's custom_id; Slack's action_id and value take more
LABEL_ANOTHER, LABEL_SOURCE = N_("Another"), N_("Source")
LABEL_POST = N_("Post to channel")
NOT_MINE = N_("That button is not one of mine.")
EXPIRED = N_("That button has expired: the quote book has changed since. Ask again.")
SHARED_BY = N_("Shared by {member}")
_COMMAND = r"[a-z0-9_-]{1,32}"
_NUMBER = r"[0-9a-z]{1,7}"
_ANOTHER = re.compile(rf"a\|({_COMMAND})\|({_NUMBER})\|({_NUMBER})\|({_NUMBER})\|(.*)", re.S)
_ASK = re.compile(rf"t\|({_COMMAND})\|(.*)", re.S)
_QUOTE = re.compile(r"([sp])\|(.{1,64}:[0-9a-f]{16})", re.S)
_MENU = re.compile(rf"m\|({_COMMAND})")


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


Action = Another | Ask | Cite | Menu


def encode(action: Action) -> str | None:
    """The id of ``action``; None when it would be longer than every platform takes, or
    it names what no id may (a command not in its one form)."""
    if isinstance(action, Another | Ask | Menu) and not re.fullmatch(_COMMAND, action.command):
        return None
    if isinstance(action, Another):
        numbers = "|".join(_b36(n) for n in (action.shown, action.step, action.size))
        text = f"{VERSION}|a|{action.command}|{numbers}|{action.text}"
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


def another_after(answerer: Answerer, command: str, text: str, answer: Answer) -> Another | None:
    """The Another of an answer to ``/command text``; None if it has none (a search, a
    miss, a pool of one quote)."""
    plan = answerer.plan(command, text)
    if not isinstance(answer, QuoteAnswer) or not isinstance(plan, Draw) or len(plan.quotes) < 2:
        return None
    shown = 0  # a pool too large to look through at every answer: the walk starts at 0
    at = answer.position
    if 0 <= at < len(plan.quotes) and quote_key(plan.quotes[at]) == quote_key(answer.quote):
        shown = at  # the answer says where it was drawn from
    elif len(plan.quotes) <= MAX_LOOKED_THROUGH:
        try:
            shown = pool_keys(plan.quotes).index(quote_key(answer.quote))
        except ValueError:
            return None
    action = Another(command_key(command), clean_input(text), shown, 0, len(plan.quotes))
    return action if encode(action) is not None else None


def another_after_quote(
    answerer: Answerer, director: str | None, topic: str | None, answer: Answer
) -> Another | None:
    """The Another of ``/quote`` with its options apart (Discord's): the same pool asked
    as one ask, ``/director topic`` or ``/quote topic``; None if no such ask is that pool
    (then there is no Another rather than one that would wander off to another pool)."""
    plan = answerer.plan_quote(director or "", topic or "")
    if not isinstance(answer, QuoteAnswer) or not isinstance(plan, Draw):
        return None
    command, text = limits.GLOBAL_COMMAND, clean_input(topic or "")
    if director:
        found = [d.command for d in answerer.book if d.name == answer.quote.director]
        if not found:
            return None
        command = found[0]
    same = answerer.plan(command, text)
    if not isinstance(same, Draw) or same.key != plan.key or len(same.quotes) != len(plan.quotes):
        return None
    return another_after(answerer, command, text, answer)


def meant(command: str, miss: Answer) -> list[tuple[str, Ask]]:
    """A miss's "did you mean", as buttons' labels and asks (a director's topics under
    ``/jonze``, directors' commands under ``/quote``); none for any other answer."""
    if not isinstance(miss, Miss):
        return []
    name = command_key(command)
    found = []
    for said in miss.suggestions[:MAX_MEANT]:
        if name == limits.GLOBAL_COMMAND:
            found.append((f"/{said}", Ask(said, "")))
        else:
            found.append((said, Ask(name, clean_input(said))))
    return [(label[:LABEL_MAX], ask) for label, ask in found if encode(ask) is not None]


def next_quote(answerer: Answerer, action: Another) -> tuple[QuoteAnswer, Another] | None:
    """The quote a press of ``action`` gives, and the Another after it; None when the
    ask's pool is not the one the button was made for (it has expired)."""
    plan = answerer.plan(action.command, action.text)
    if not isinstance(plan, Draw) or len(plan.quotes) != action.size:
        return None
    size = action.size
    seed = zlib.crc32(f"{action.command}\0{action.text}\0{size}".encode())
    others = Permutation(size - 1, random.Random(seed))
    index = (action.shown + 1 + others(action.step % (size - 1))) % size
    after = Another(action.command, action.text, action.shown, (action.step + 1) % (size - 1), size)
    return QuoteAnswer(plan.quotes[index], plan.how, plan.asked), after


def quote_of(answerer: Answerer, key: str) -> Quote | None:
    """The quote whose :func:`quote_key` is ``key``; None if the book has it no more."""
    for director in answerer.book:
        if key.startswith(f"{director.name}:"):
            keys = pool_keys(director.quotes)
            if key in keys:
                return director.quotes[keys.index(key)]
    return None


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _canonical(text: str) -> bool:
    return len(text) <= MAX_ASKED and clean_input(text) == text
