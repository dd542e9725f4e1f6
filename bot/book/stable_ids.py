"""A quote's stable ID, for its permalink and the bots' answers: made from what the quote
is (its director and folded text), not where it is, and the book's index from ID to quote.

The ID is the first 10 characters of the lowercase base32 of SHA-256 over the director's
name, a NUL and the quote's folded text (:func:`bot.book.model.normalise_text`): the same
quote in another order, another file, or with another context, topic or source keeps it;
a quote whose text changes gets another. 50 bits: a collision among 100,000 quotes has a
chance of about 4 in a billion, and :func:`find` keeps the first quote with an ID anyway.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Mapping

from bot.book.model import Quote
from bot.book.quote_book import QuoteBook

LENGTH = 10
_DIGITS = "abcdefghijklmnopqrstuvwxyz234567"
ALPHABET = frozenset(_DIGITS)

# Each book's index, made on its first look-up and gone with the book.
_INDEXES: weakref.WeakKeyDictionary[QuoteBook, dict[str, int]] = weakref.WeakKeyDictionary()


def quote_id(quote: Quote) -> str:
    """``quote``'s stable ID: 10 characters of ``a-z2-7``, e.g. ``k3x7q2mz4a``."""
    made = f"{quote.director}\0{quote.text_key}".encode()
    # The first 50 bits of the digest, 5 at a time: base32's first 10 characters, without
    # importing base64 (`quotebot ask` imports this package and counts its milliseconds).
    bits = int.from_bytes(hashlib.sha256(made).digest()[:7], "big") >> 6
    return "".join(_DIGITS[(bits >> shift) & 31] for shift in range(45, -5, -5))


def is_quote_id(text: str) -> bool:
    """Whether ``text`` has an ID's form (not whether any quote has it)."""
    return len(text) == LENGTH and set(text) <= ALPHABET


def index(book: QuoteBook) -> Mapping[str, int]:
    """Every ID of ``book`` to its quote's place in ``book.quotes`` (made once per book)."""
    found = _INDEXES.get(book)
    if found is None:
        found = {}
        for place, quote in enumerate(book.quotes):
            found.setdefault(quote_id(quote), place)
        _INDEXES[book] = found
    return found


def find(book: QuoteBook, id: str) -> Quote | None:
    """The quote of ``book`` whose ID is ``id``, if any: a dict look-up after the first."""
    place = index(book).get(id.strip().lower())
    return None if place is None else book.quotes[place]
