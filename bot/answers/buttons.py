"""Buttons and menus, for every platform: what a press means, carried whole in its id.

An id is compact and versioned (``q1|…``), so any instance answers a press from the book
alone, nothing kept in one process's memory. It is user input: :func:`decode` parses it
strictly and gives None for anything it did not write (a forged or garbled id), and an
id that was valid once but no longer fits the book (a director removed, a pool changed)
comes to :data:`EXPIRED`. Nothing in an id grants a permission.

**Another** goes on through the pool of the ask the answer came from, in an order keyed
by the ask alone: the quote shown first, then every other quote of the pool once (a
permutation of the others, walked a step at a time), so three presses give three
different quotes and two instances given the same id give the same one. Under a word
search it is an :class:`Onward`: the next match after the one shown (then the best again),
the shown one named by its place in the book and a check of its key, so a book changed
since gives "expired" rather than a wrong place.
"""

from __future__ import annotations

import random
import zlib

from bot import limits
from bot.answers.ask_plan import Draw, Seek
from bot.answers.button_ids import (
    Action,
    Another,
    Ask,
    Cite,
    Menu,
    Next,
    Onward,
    b36,
    decode,
    encode,
)
from bot.answers.language import N_
from bot.answers.replies import Answer, Miss, QuoteAnswer
from bot.answers.rotation import Permutation
from bot.answers.user_text import clean_input
from bot.book.model import Quote, command_key, pool_keys, quote_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.answers.answerer import Answerer

MAX_LOOKED_THROUGH = 20_000  # a pool's keys read to find where its answer stands
MAX_MEANT, LABEL_MAX = 5, 75  # "did you mean" buttons; a label's length (Slack's)
LABEL_ANOTHER, LABEL_SOURCE = N_("Another"), N_("Source")
LABEL_POST = N_("Post to channel")
NOT_MINE = N_("That button is not one of mine.")
EXPIRED = N_("That button has expired: the quote book has changed since. Ask again.")
SHARED_BY = N_("Shared by {member}")


def another_after(answerer: Answerer, command: str, text: str, answer: Answer) -> Next | None:
    """The Another of an answer to ``/command text``; None if it has none (a miss, a
    pool of one quote, a search with one match)."""
    plan = answerer.plan(command, text)
    if isinstance(answer, QuoteAnswer) and isinstance(plan, Seek):
        return _onward_after(plan, command, text, answer)
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
) -> Next | None:
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


def next_quote(answerer: Answerer, action: Next) -> tuple[QuoteAnswer, Next | None] | None:
    """The quote a press of ``action`` gives, and the Another after it; None when the
    ask's pool is not the one the button was made for (it has expired)."""
    plan = answerer.plan(action.command, action.text)
    if isinstance(action, Onward):
        return _onward(plan, action)
    if not isinstance(plan, Draw) or len(plan.quotes) != action.size:
        return None
    size = action.size
    seed = zlib.crc32(f"{action.command}\0{action.text}\0{size}".encode())
    others = Permutation(size - 1, random.Random(seed))
    index = (action.shown + 1 + others(action.step % (size - 1))) % size
    after = Another(action.command, action.text, action.shown, (action.step + 1) % (size - 1), size)
    return QuoteAnswer(plan.quotes[index], plan.how, plan.asked), after


def _check(quote: Quote) -> str:
    return b36(zlib.crc32(quote_key(quote).encode()) % 36**4)


def _onward_after(plan: Seek, command: str, text: str, answer: QuoteAnswer) -> Onward | None:
    cursor = answer.cursor
    # Only the best match can be the one: another shown means there are two or more.
    if cursor is None or (plan.best[1] == cursor and plan.next(cursor) is None):
        return None  # where it stands is not known, or it is the one match
    tier, row, phrase = cursor
    check = _check(plan.book.quotes[row - 1])
    action = Onward(command_key(command), clean_input(text), tier, phrase, row, check)
    return action if encode(action) is not None else None


def _onward(plan: object, action: Onward) -> tuple[QuoteAnswer, Next | None] | None:
    if not isinstance(plan, Seek):
        return None
    quotes = plan.book.quotes
    if not 1 <= action.row <= len(quotes) or _check(quotes[action.row - 1]) != action.check:
        return None  # the book has changed since: that place holds another quote
    found = plan.next((action.tier, action.row, action.phrase)) or plan.best
    answer = QuoteAnswer(found[0], "search", plan.asked, cursor=found[1])
    return answer, _onward_after(plan, action.command, action.text, answer)


def quote_of(answerer: Answerer, key: str) -> Quote | None:
    """The quote whose :func:`quote_key` is ``key``; None if the book has it no more."""
    for director in answerer.book:
        if key.startswith(f"{director.name}:"):
            keys = pool_keys(director.quotes)
            if key in keys:
                return director.quotes[keys.index(key)]
    return None


__all__ = [
    "EXPIRED", "LABEL_ANOTHER", "LABEL_POST", "LABEL_SOURCE", "NOT_MINE", "SHARED_BY",
    "Action", "Another", "Ask", "Cite", "Menu", "Next", "Onward", "another_after",
    "another_after_quote", "decode", "encode", "meant", "next_quote", "quote_of",
]  # fmt: skip
