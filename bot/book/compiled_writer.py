"""The compiled book written a director at a time: each file's rows inserted as soon as
it is read, so a compile holds one file's quotes, never the whole book.

:class:`BookWriter` makes the file :mod:`bot.book.compiled` reads: the tables of
:mod:`bot.book.compiled_format`, quotes numbered through the book from 1 (directors in
the order added, each one's in file order), each topic's pool, the word index, and last
the meta (the directors, the problems found, the files read), written once every
director is in. What it wrote can be read back while it writes (:meth:`text_keys`), for
the checks across files that find a match by hash and must see the text itself.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Sequence
from pathlib import Path

from bot.book import search
from bot.book.compiled_format import FORMAT, ID, SCHEMA
from bot.book.files import Problem
from bot.book.model import Director, Quote, normalise_text, quote_key

_INSERT_QUOTES = "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"


class BookWriter:
    """A new compiled book at ``path`` for the key ``key``: :meth:`add` each director,
    then :meth:`finish`; :meth:`close` in any case (a book not finished is not one)."""

    def __init__(self, path: Path, key: str) -> None:
        self._key = key
        self._connection = sqlite3.connect(path)
        self._directors: list[dict[str, object]] = []
        self._next = 1  # the number the next quote gets
        self._connection.execute("PRAGMA journal_mode = OFF")
        self._connection.execute("PRAGMA synchronous = OFF")
        for statement in SCHEMA:
            self._connection.execute(statement)

    def add(self, director: Director) -> None:
        """The director's quotes, pools and words, numbered after those added before."""
        connection, number, first = self._connection, len(self._directors), self._next
        quotes = director.quotes
        connection.executemany(
            _INSERT_QUOTES, [_row(first + n, number, q) for n, q in enumerate(quotes)]
        )
        connection.executemany(
            "INSERT INTO quote_keys VALUES (?, ?)",
            [(first + n, quote_key(q)) for n, q in enumerate(quotes)],
        )
        contexts: dict[str, str] = {}  # a file says "On editing" many times: folded once
        for quote in quotes:
            if quote.context not in contexts:
                contexts[quote.context] = normalise_text(quote.context)
        search.add_folded(
            connection,
            ((first + n, q.text_key, contexts[q.context]) for n, q in enumerate(quotes)),
        )
        numbers: dict[str, array[int]] = {t.name: array(ID) for t in director.topics}
        for n, quote in enumerate(quotes):
            pool = numbers.get(quote.topic)
            if pool is not None:  # (a file's every quote has one of its topics)
                pool.append(first + n)
        connection.executemany(
            "INSERT INTO pools VALUES (?, ?, ?)",
            [(number, topic.name, numbers[topic.name].tobytes()) for topic in director.topics],
        )
        self._directors.append(_director_meta(director))
        self._next += len(quotes)

    def text_keys(self, number: int) -> list[str]:
        """The folded texts (:attr:`~bot.book.Quote.text_key`) of the ``number``-th
        director added, read back from the file."""
        rows = self._connection.execute("SELECT text FROM quotes WHERE director = ?", (number,))
        return [normalise_text(text) for (text,) in rows]

    def finish(self, problems: Sequence[Problem], files: Sequence[str]) -> None:
        """The word index merged whole, the meta written, and everything committed."""
        connection = self._connection
        connection.execute("INSERT INTO words (words) VALUES ('optimize')")
        meta = {
            "directors": self._directors,
            "problems": [[p.path, p.line, p.message] for p in problems],
            "files": list(files),
        }
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", FORMAT), ("key", self._key), ("book", json.dumps(meta))],
        )
        connection.commit()

    def close(self) -> None:
        self._connection.close()


def _row(rowid: int, number: int, q: Quote) -> tuple[object, ...]:
    return (rowid, number, q.topic, q.text, q.context, q.source.key, q.line, q.status, q.locator)


def _director_meta(director: Director) -> dict[str, object]:
    sources = {q.source.key: q.source for q in director.quotes}
    return {
        "name": director.name,
        "command": director.command,
        "aliases": list(director.aliases),
        "path": director.path,
        "line": director.line,
        "topics": [[t.name, list(t.aliases)] for t in director.topics],
        "sources": [[s.key, s.title, s.venue, s.date, s.document, s.url] for s in sources.values()],
        "count": len(director.quotes),
    }
