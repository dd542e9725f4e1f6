"""The quotes of an open compiled book, read from its file when asked for, and what a
serving process does when that file is changed or damaged under it.

The file is read with ordinary reads, never through a memory map: a mapped page of a
file truncated under the process is a SIGBUS, which kills it without a word, where a
short read is an error SQLite reports. Before each read, the descriptor quotebot holds on
the file says whether its size or modification time moved since it was checked
(quotebot replaces a book by renaming a new file over it, which leaves an open one as it
was: a change means someone wrote into it). A change, an SQLite error or a row that does
not fit the book is said in one warning line and the book opened again, compiled again
from the quote files if need be, when they are still those it was compiled from. Where
that cannot be, a quote asked for is one of its pool's already read, and what needs the
file raises :class:`Unreadable` (one line), until a reload brings a new book.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bot.book import search
from bot.book.model import Quote, Source, quote_key
from bot.errors import one_line, warn
from bot.memo import memo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

_SELECT = "SELECT director, topic, text, context, source, line, status, locator FROM quotes"


class Damage(Exception):
    """What was read from the file does not fit the book it was checked to be."""


class Unreadable(Exception):
    """The book's file cannot be read, nor opened again: the message says why, in a line."""


class BookFile:
    """An open compiled book's file: SQLite's connection to it, and quotebot's own
    descriptor on the file it checked, which tells whether that file changed since."""

    def __init__(self, path: Path, connection: sqlite3.Connection, fd: int) -> None:
        self.path = path
        self.connection = connection
        self.searcher = search.Searcher(connection)
        self._fd = fd
        self._stamp = self._now()
        weakref.finalize(self, _close, connection, fd)

    def _now(self) -> tuple[int, int]:
        info = os.fstat(self._fd)
        return info.st_size, info.st_mtime_ns

    def changed(self) -> bool:
        return self._now() != self._stamp

    def is_named(self, path: Path) -> bool:
        """Whether ``path`` still names this file (not another renamed into its place)."""
        try:
            named = os.stat(path)
        except OSError:
            return False
        mine = os.fstat(self._fd)
        return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _close(connection: sqlite3.Connection, fd: int) -> None:
    connection.close()
    os.close(fd)


class Rows:
    """Quotes fetched by number from the file, one statement at a time whatever the
    thread (one connection serves them all)."""

    def __init__(self, file: BookFile, reopen: Callable[[BookFile], BookFile]) -> None:
        self.lock = threading.Lock()
        self.file = file  # the one open now: another, if it had to be opened again
        self._reopen = reopen  # given the file that failed; raises when it cannot
        self._unreadable: str | None = None
        self._names: list[str] = []
        self._sources: list[dict[str, Source]] = []
        # Quotes made lately, by number: most asks are for a few popular topics, and a
        # quote made once is a dictionary look-up the next time (a query is ~20 us).
        self._made: dict[int, Quote] = {}

    def add_director(self, name: str, sources: list[Source]) -> None:
        self._names.append(name)
        self._sources.append({s.key: s for s in sources})

    def read(self, how: Callable[[BookFile], T]) -> T:
        """``how`` done on the book's file; when the file changed or fails, once more on
        the book opened again."""
        with self.lock:
            if self._unreadable is None:
                try:
                    return _attempt(self.file, how)
                except Damage as exc:
                    self._recover(str(exc))
            if self._unreadable is None:
                try:
                    return _attempt(self.file, how)
                except Damage as exc:
                    self._unreadable = f"opened again, it still fails: {exc}"
                    warn("bot.loader", "the compiled quote book %s: %s", self.file.path, exc)
            raise Unreadable(f"the compiled quote book {self.file.path}: {self._unreadable}")

    def _recover(self, reason: str) -> None:
        path = self.file.path
        try:
            self.file = self._reopen(self.file)
        except Exception as exc:  # noqa: BLE001 - whatever stops it, the process goes on
            self._unreadable = f"{reason}; not opened again: {one_line(exc)}"
            warn(
                "bot.loader", "the compiled quote book %s changed or failed while in use (%s)"
                " and could not be opened again (%s): serving the quotes already read until"
                " a reload", path, reason, one_line(exc),
            )  # fmt: skip
            return
        warn(
            "bot.loader", "the compiled quote book %s changed or failed while in use (%s):"
            " opened again", path, reason,
        )  # fmt: skip

    def _quote(self, row: tuple[object, ...] | None) -> Quote:
        if row is None:
            raise Damage("a quote is missing")
        number, topic, text, context, source, line, status, locator = row
        strings = [v for v in (topic, text, context, source, status, locator) if isinstance(v, str)]
        if not (isinstance(number, int) and isinstance(line, int) and len(strings) == 6):
            raise Damage("a quote's row is not one quotebot wrote")
        topic, text, context, source, status, locator = strings
        where = self._sources[number].get(source) if 0 <= number < len(self._names) else None
        if where is None:
            raise Damage("a quote names a director or source the book does not have")
        return Quote(self._names[number], topic, text, context, where, line, status, locator)

    def one(self, rowid: int) -> Quote:
        return memo(self._made, rowid, lambda: self.read(lambda f: self._fetch(f, rowid)))

    def _fetch(self, file: BookFile, rowid: int) -> Quote:
        return self._quote(file.connection.execute(_SELECT + " WHERE id = ?", (rowid,)).fetchone())

    def made_among(self, ids: Sequence[int]) -> Quote | None:
        """A quote of the pool ``ids`` (ascending) already made, if any: what is left to
        answer with when the file cannot be read."""
        for rowid, quote in list(self._made.items()):
            at = bisect_left(ids, rowid)
            if at < len(ids) and ids[at] == rowid:
                return quote
        return None

    def keys(self, start: int, stop: int) -> list[str]:
        def fetch(file: BookFile) -> list[str]:
            # Row by row: a million rows fetched at once are 60 MB of tuples.
            rows = file.connection.execute(
                "SELECT key FROM quote_keys WHERE id >= ? AND id < ? ORDER BY id", (start, stop)
            )
            keys = [row[0] for row in rows]
            if len(keys) != stop - start or not all(type(k) is str for k in keys):
                raise Damage("quote keys are missing")
            return keys

        return self.read(fetch)

    def span(self, start: int, stop: int) -> list[Quote]:
        def fetch(file: BookFile) -> list[Quote]:
            rows = file.connection.execute(
                _SELECT + " WHERE id >= ? AND id < ? ORDER BY id", (start, stop)
            ).fetchall()
            if len(rows) != stop - start:
                raise Damage("quotes are missing")
            return [self._quote(row) for row in rows]

        return self.read(fetch)


def _attempt(file: BookFile, how: Callable[[BookFile], T]) -> T:
    try:
        if file.changed():
            raise Damage("its size or modification time changed")
        return how(file)
    except sqlite3.Error as exc:
        raise Damage(one_line(exc)) from None


class FileSearcher(search.Searcher):
    """Word search on the book's file, through its :class:`Rows`: one statement at a
    time, and a file changed or damaged under the process is handled as for quotes."""

    def __init__(self, rows: Rows) -> None:
        super().__init__(rows.file.connection, rows.lock)
        self._rows_of_book = rows

    def next(
        self, words: str, low: int, high: int, cursor: search.Cursor | None
    ) -> search.Cursor | None:
        return self._rows_of_book.read(lambda f: f.searcher.next(words, low, high, cursor))


class Quotes(Sequence[Quote]):
    """A pool of a compiled book's quotes (a director's, a topic's, or all), read from the
    file one at a time, or a thousand at a time when walked through."""

    def __init__(self, rows: Rows, ids: Sequence[int]) -> None:
        self._rows = rows
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: int) -> Quote:  # type: ignore[override]
        rowid = self._ids[index]
        try:
            return self._rows.one(rowid)
        except Unreadable:
            stand_in = self._rows.made_among(self._ids)
            if stand_in is None:
                raise
            return stand_in

    def quote_keys(self) -> list[str]:
        """Every quote's :func:`~bot.book.quote_key`, in order, without making the quotes."""
        ids = self._ids
        if isinstance(ids, range):
            return self._rows.keys(ids.start, ids.stop)
        return [quote_key(q) for q in self]

    def __iter__(self) -> Iterator[Quote]:
        ids = self._ids
        if isinstance(ids, range):
            for start in range(ids.start, ids.stop, 1_000):
                yield from self._rows.span(start, min(start + 1_000, ids.stop))
        else:
            for rowid in ids:
                yield self._rows.one(rowid)
