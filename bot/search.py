"""Word search over a book's quotes: SQLite FTS5, with the Porter stemmer.

Why FTS5 and not an inverted index of our own: it is in every Python's ``sqlite3``, its
posting lists live in the compiled book's file (paged in by the OS, not built at start),
and it intersects them in C, seeking from a row id — so the next match after a given one
costs microseconds even when a word is in half of a million quotes. The stemmer lets
``editing`` find "edit" and ``rehearsals`` find "rehearse".

A quote matches when every word asked is in its text or context (as a word, any form).
Matches come best first: the words as a phrase in the quote's own text, then every word in
its text, then the rest; within each, in book order. Each ask takes the next one, so a
rotation goes through every match before repeating.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable

from bot.book import Quote, normalise_text

TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(
    text, context, content='', detail=full,
    tokenize='porter unicode61 remove_diacritics 2'
)"""
# Words shorter than this are too common to search for alone.
MIN_WORD = 3
# Words looked at in an ask; the rest are ignored (no quote needs nine words to be found).
MAX_TERMS = 8

Cursor = tuple[int, int]  # (tier, the row id of the last match given)


def add(connection: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index quotes: (row id, text, context)."""
    connection.executemany(
        "INSERT INTO words (rowid, text, context) VALUES (?, ?, ?)",
        ((rowid, normalise_text(text), normalise_text(context)) for rowid, text, context in rows),
    )


def tiers(words: str) -> tuple[str, ...]:
    """The FTS5 queries for ``words``, best tier first, each excluding the ones before;
    none when no word is long enough to search for."""
    terms = [t for t in normalise_text(words).split() if any(c.isalnum() for c in t)]
    terms = terms[:MAX_TERMS]
    if not terms or max(sum(c.isalnum() for c in t) for t in terms) < MIN_WORD:
        return ()
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    every = " AND ".join(quoted)
    in_text = f"text : ({every})"
    if len(terms) == 1:
        return (in_text, f"({every}) NOT {in_text}")
    phrase = "text : (" + " + ".join(quoted) + ")"
    return (phrase, f"{in_text} NOT {phrase}", f"({every}) NOT {in_text}")


class Searcher:
    """Finds the next match of a search on one connection (shared between threads)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()

    def next(self, words: str, low: int, high: int, cursor: Cursor | None) -> Cursor | None:
        """Where the next match of ``words`` among row ids ``[low, high)`` is after
        ``cursor`` (None: the best one), or None when there is none after it."""
        queries = tiers(words)
        tier, after = cursor if cursor is not None else (0, low - 1)
        with self._lock:
            for number in range(tier, len(queries)):
                row = self._connection.execute(
                    "SELECT rowid FROM words WHERE words MATCH ? AND rowid > ? AND rowid < ?"
                    " ORDER BY rowid LIMIT 1",
                    (queries[number], after, high),
                ).fetchone()
                if row is not None:
                    return number, int(row[0])
                after = low - 1
        return None


def in_memory(quotes: Iterable[Quote]) -> Searcher:
    """A searcher over quotes in hand (a book that was not compiled), numbered from 1."""
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute(TABLE)
    add(connection, ((n, q.text, q.context) for n, q in enumerate(quotes, 1)))
    return Searcher(connection)
