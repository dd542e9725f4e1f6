"""Word search over a book's quotes: SQLite FTS5, with the Porter stemmer.

Why FTS5 and not an inverted index of our own: it is in every Python's ``sqlite3``, its
posting lists live in the compiled book's file (paged in by the OS, not built at start),
and it intersects them in C, seeking from a row id — so the next match after a given one
costs microseconds even when a word is in half of a million quotes. The stemmer lets
``editing`` find "edit" and ``rehearsals`` find "rehearse".

A quote matches when every word asked is in its text or context (as a word, any form).
Matches come best first: the words as a phrase, then the rest; within each, in book
order. Each ask takes the next one, so a rotation goes through every match before
repeating.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable

from bot.book.model import Quote, normalise_text
from bot.errors import warn

TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(
    text, context, content='', detail=full,
    tokenize='porter unicode61 remove_diacritics 2'
)"""
# Words shorter than this are too common to search for alone.
MIN_WORD = 3
# Words looked at in an ask; the rest are ignored (no quote needs nine words to be found).
MAX_TERMS = 8

# (tier, the row id of the last match given, whether any match is a phrase match)
Cursor = tuple[int, int, bool]


def add(connection: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index quotes: (row id, text, context)."""
    add_folded(
        connection,
        ((rowid, normalise_text(text), normalise_text(context)) for rowid, text, context in rows),
    )


def add_folded(connection: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index quotes whose text and context are folded already (:func:`normalise_text`):
    (row id, text, context)."""
    connection.executemany("INSERT INTO words (rowid, text, context) VALUES (?, ?, ?)", rows)


def tiers(words: str) -> tuple[str, ...]:
    """The FTS5 queries for ``words``: the words as a phrase, then every word anywhere;
    none when no word is long enough to search for."""
    terms = [t for t in normalise_text(words).split() if any(c.isalnum() for c in t)]
    terms = terms[:MAX_TERMS]
    if not terms or max(sum(c.isalnum() for c in t) for t in terms) < MIN_WORD:
        return ()
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    if len(quoted) == 1:
        return (quoted[0],)
    return (" + ".join(quoted), " AND ".join(quoted))


_NEXT = (
    "SELECT rowid FROM words WHERE words MATCH ? AND rowid > ? AND rowid < ? ORDER BY rowid LIMIT ?"
)
# Matches of the second tier read at a time, to leave out the first tier's among them.
_CHUNK = 64


class Searcher:
    """Finds the next match of a search on one connection (shared between threads).

    FTS5 seeks from a row id in C when a query is a plain phrase or AND of words, but its
    NOT (and a column filter) read a whole posting list: 4 ms for a common word at 100,000
    quotes. So the tiers are two plain queries, and "every word, but not as a phrase" is
    made here: the second tier's matches are read a chunk at a time and the phrase's
    matches in the same span left out."""

    def __init__(self, connection: sqlite3.Connection, lock: threading.Lock | None = None) -> None:
        self._connection = connection
        self._lock = lock or threading.Lock()  # the connection's, if others use it too

    def next(self, words: str, low: int, high: int, cursor: Cursor | None) -> Cursor | None:
        """Where the next match of ``words`` among row ids ``[low, high)`` is after
        ``cursor`` (None: the best one), or None when there is none after it."""
        queries = tiers(words)
        if not queries:
            return None
        tier, after, any_phrase = cursor if cursor is not None else (0, low - 1, False)
        with self._lock:
            if tier == 0:
                found = self._rows(queries[0], after, high, 1)
                if found:
                    return 0, found[0], True
                if len(queries) == 1:
                    return None
                after = low - 1
            while True:
                chunk = self._rows(queries[1], after, high, _CHUNK)
                if not chunk:
                    return None
                phrased: set[int] = set()
                if any_phrase:  # else there is nothing to leave out
                    phrased.update(self._rows(queries[0], chunk[0] - 1, chunk[-1] + 1, _CHUNK))
                for rowid in chunk:
                    if rowid not in phrased:
                        return 1, rowid, any_phrase
                after = chunk[-1]

    def _rows(self, query: str, after: int, before: int, limit: int) -> list[int]:
        try:
            rows = self._connection.execute(_NEXT, (query, after, before, limit)).fetchall()
        except sqlite3.OperationalError as exc:  # words FTS5 could not read: found nothing
            warn("bot.search", "search: %r could not be searched for: %s", query[:80], exc)
            return []
        return [int(row[0]) for row in rows]


def in_memory(quotes: Iterable[Quote]) -> Searcher:
    """A searcher over quotes in hand (a book that was not compiled), numbered from 1."""
    connection = sqlite3.connect(":memory:", check_same_thread=False)
    connection.execute(TABLE)
    add(connection, ((n, q.text, q.context) for n, q in enumerate(quotes, 1)))
    return Searcher(connection)
