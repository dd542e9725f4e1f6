"""The compiled book: a quote book as one SQLite file, opened in milliseconds at any size.

:func:`write` stores what the loader read from the YAML (every director, source, topic and
quote, the problems found, and the search index); :func:`read` opens it read-only and
gives a :class:`QuoteBook` whose quotes are fetched from the file when asked for, so
neither the time to start nor the memory taken grows with the number of quotes. The file
never changes once written (it is replaced whole), so it is opened ``immutable``: no
locking, and the operating system's page cache is the only cache.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from bot.book import search
from bot.book.files import Problem
from bot.book.model import Director, Quote, Source, Topic, quote_key
from bot.book.quote_book import QuoteBook
from bot.memo import memo

FORMAT = "quotebot-book-4"
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE quotes (id INTEGER PRIMARY KEY, director INTEGER NOT NULL,"
    " topic TEXT NOT NULL, text TEXT NOT NULL, context TEXT NOT NULL,"
    " source TEXT NOT NULL, line INTEGER NOT NULL, status TEXT NOT NULL,"
    " locator TEXT NOT NULL)",
    # Apart from the quotes, so that reading every key does not read every text.
    "CREATE TABLE quote_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL)",
    "CREATE TABLE pools (director INTEGER NOT NULL, topic TEXT NOT NULL, ids BLOB NOT NULL)",
    search.TABLE,
)
_MAP_BYTES = 1 << 34
_ID = "I"  # quote numbers in a pool: unsigned 32-bit
_SELECT = "SELECT director, topic, text, context, source, line, status, locator FROM quotes"


class Stale(Exception):
    """The file is not a compiled book of this format and key."""


def write(
    path: Path, key: str, book: QuoteBook, problems: Sequence[Problem], files: Sequence[str]
) -> None:
    """Store ``book`` (quotes in hand) in a new SQLite file at ``path``."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in _SCHEMA:
            connection.execute(statement)
        directors = []
        first = 1
        for number, director in enumerate(book):
            rows = [_row(first + n, number, q) for n, q in enumerate(director.quotes)]
            connection.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            connection.executemany(
                "INSERT INTO quote_keys VALUES (?, ?)",
                ((first + n, quote_key(q)) for n, q in enumerate(director.quotes)),
            )
            numbered = list(enumerate(director.quotes, first))
            search.add(connection, ((rowid, q.text, q.context) for rowid, q in numbered))
            for topic in director.topics:
                ids = array(_ID, (rowid for rowid, q in numbered if q.topic == topic.name))
                connection.execute(
                    "INSERT INTO pools VALUES (?, ?, ?)", (number, topic.name, ids.tobytes())
                )
            directors.append(_director_meta(director))
            first += len(rows)
        connection.execute("INSERT INTO words (words) VALUES ('optimize')")
        meta = {
            "directors": directors,
            "problems": [[p.path, p.line, p.message] for p in problems],
            "files": list(files),
        }
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("format", FORMAT), ("key", key), ("book", json.dumps(meta))],
        )
        connection.commit()
    finally:
        connection.close()


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


def read(path: Path, key: str) -> tuple[QuoteBook, tuple[Problem, ...], tuple[str, ...]]:
    """Open the compiled book at ``path``; :class:`Stale` unless it was written for ``key``
    in this format (a file that is not one at all is stale too)."""
    # (urllib.parse, not urllib.request's pathname2url: that import alone took 28 ms.)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise Stale(str(exc)) from None
    try:
        # Pages read through a memory map: no system call a page, and shared with the
        # operating system's cache (a mapped page a process has not read costs it nothing).
        connection.execute(f"PRAGMA mmap_size = {_MAP_BYTES}")
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("key") != key:
            raise Stale("written for other files")
        data = json.loads(meta["book"])
        rows = _Rows(connection)
        pools: dict[tuple[int, str], array[int]] = {}
        for number, topic, blob in connection.execute("SELECT director, topic, ids FROM pools"):
            ids = array(_ID)
            ids.frombytes(blob)
            pools[number, topic] = ids
    except (sqlite3.Error, KeyError, ValueError, TypeError) as exc:
        connection.close()
        raise Stale(str(exc)) from None
    except Stale:
        connection.close()
        raise
    directors = []
    first = 1
    for number, item in enumerate(data["directors"]):
        rows.add_director(item["name"], [Source(*s) for s in item["sources"]])
        topics = tuple(Topic(name, tuple(aliases)) for name, aliases in item["topics"])
        quotes = Quotes(rows, range(first, first + item["count"]))
        by_topic = {t.name: Quotes(rows, pools.get((number, t.name), array(_ID))) for t in topics}
        directors.append(
            Director(
                name=item["name"], command=item["command"], topics=topics, quotes=quotes,
                aliases=tuple(item["aliases"]), path=item["path"], line=item["line"],
                by_topic=by_topic,
            )
        )  # fmt: skip
        first += item["count"]
    book = QuoteBook(
        directors, quotes=Quotes(rows, range(1, first)), searcher=search.Searcher(connection)
    )
    problems = tuple(Problem(p, line, message) for p, line, message in data["problems"])
    return book, problems, tuple(data["files"])


class _Rows:
    """Quotes fetched by number from the file, on one connection shared by every thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.lock = threading.Lock()  # one statement at a time on the connection, any thread
        self._names: list[str] = []
        self._sources: list[dict[str, Source]] = []
        # Quotes made lately, by number: most asks are for a few popular topics, and a
        # quote made once is a dictionary look-up the next time (a query is ~20 us).
        self._made: dict[int, Quote] = {}

    def add_director(self, name: str, sources: list[Source]) -> None:
        self._names.append(name)
        self._sources.append({s.key: s for s in sources})

    def _quote(self, row: tuple[int, str, str, str, str, int, str, str]) -> Quote:
        number, topic, text, context, source, line, status, locator = row
        where = self._sources[number][source]
        return Quote(self._names[number], topic, text, context, where, line, status, locator)

    def one(self, rowid: int) -> Quote:
        return memo(self._made, rowid, lambda: self._fetch(rowid))

    def _fetch(self, rowid: int) -> Quote:
        with self.lock:
            row = self._connection.execute(_SELECT + " WHERE id = ?", (rowid,)).fetchone()
        return self._quote(row)

    def keys(self, start: int, stop: int) -> list[str]:
        with self.lock:  # row by row: a million rows fetched at once are 60 MB of tuples
            rows = self._connection.execute(
                "SELECT key FROM quote_keys WHERE id >= ? AND id < ? ORDER BY id", (start, stop)
            )
            return [row[0] for row in rows]

    def span(self, start: int, stop: int) -> list[Quote]:
        with self.lock:
            rows = self._connection.execute(
                _SELECT + " WHERE id >= ? AND id < ? ORDER BY id",
                (start, stop),
            ).fetchall()
        return [self._quote(row) for row in rows]


class Quotes(Sequence[Quote]):
    """A pool of a compiled book's quotes (a director's, a topic's, or all), read from the
    file one at a time, or a thousand at a time when walked through."""

    def __init__(self, rows: _Rows, ids: Sequence[int]) -> None:
        self._rows = rows
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: int) -> Quote:  # type: ignore[override]
        return self._rows.one(self._ids[index])

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
