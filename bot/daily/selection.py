"""The quote of the day: which quote a date gets.

One quote per date, the same on every target, recorded in the store; no quote repeats
until every quote of the book has had a day (a cycle), and a new cycle never starts with
the quote just shown. A subscription to one director gets that director's own quote of
the day, from a cycle of their quotes alone. Posting it is :mod:`bot.daily.delivery`'s job.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date

from bot.book.model import Quote, pool_keys, quote_key
from bot.book.quote_book import QuoteBook
from bot.store.roles import PostLedger

__all__ = ["choose_for", "day_label", "pool_of", "quote_key", "quote_of_the_day"]


def day_label(day: date) -> str:
    """A date as every platform shows it with the quote of the day: Wednesday 25 November 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def choose_for(
    day: date, keys: Sequence[str]
) -> Callable[[set[str], int, str | None], tuple[str, int]]:
    """The chooser the store calls for ``day``: a random quote not yet used this cycle,
    the same for the same date and book (so racing instances agree)."""

    def choose(used: set[str], cycle: int, last: str | None) -> tuple[str, int]:
        unused = sorted(k for k in keys if k not in used)
        if not unused:
            cycle += 1
            unused = sorted(k for k in keys if k != last) or sorted(keys)
        return random.Random(f"{day.isoformat()}/{cycle}").choice(unused), cycle

    return choose


def pool_of(book: QuoteBook, director: str | None) -> tuple[str, Sequence[Quote]]:
    """The pool a subscription draws from: ``("", every quote)``, or a director's command
    and their quotes (the whole book again if that director has left it)."""
    found = book.by_command(director) if director else None
    if found is None or not found.quotes:
        return "", book.quotes
    return found.command, found.quotes


def quote_of_the_day(
    day: date,
    book: QuoteBook,
    store: PostLedger,
    now: float,
    director: str | None = None,
    community: str = "",
) -> Quote:
    """The quote ``day`` gets (picking and recording it if nobody has yet): the same
    everywhere, or with ``director`` that director's own, from their own cycle. A
    ``community`` whose book holds its approved quotes has its own cycle (``book`` is
    then that community's), named apart in the ledger."""
    pool, quotes = pool_of(book, director)
    if community:
        pool = f"{community}|{pool}"
    # Keys, not quotes: a compiled book reads a million keys from its file in a second,
    # and holding a million quotes would take more memory than the whole bot.
    keys = pool_keys(quotes)
    if not keys:
        raise ValueError("the quote book is empty")
    key = store.pick(day, set(keys), choose_for(day, keys), now, pool)
    return quotes[keys.index(key)]
