"""The quote book: the quote model, quote files read safely, the loader, the compiled
book that opens in milliseconds at any size, and word search.

Only what callers outside the package use is re-exported here; every import is cheap (no
YAML parser: the loader imports PyYAML only when a file must be read).
"""

from __future__ import annotations

from bot.book.files import Problem
from bot.book.loader import LoadResult, load_book
from bot.book.model import (
    STATUSES,
    Director,
    Quote,
    Source,
    Topic,
    command_key,
    fold,
    normalise_key,
    normalise_text,
    quote_key,
)
from bot.book.quote_book import QuoteBook
from bot.book.stable_ids import find, index, is_quote_id, quote_id

__all__ = [
    "STATUSES",
    "Director",
    "LoadResult",
    "Problem",
    "Quote",
    "QuoteBook",
    "Source",
    "Topic",
    "command_key",
    "find",
    "fold",
    "index",
    "is_quote_id",
    "load_book",
    "normalise_key",
    "normalise_text",
    "quote_id",
    "quote_key",
]
