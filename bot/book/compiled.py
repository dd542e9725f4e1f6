"""The compiled book: a quote book as one SQLite file, opened in milliseconds at any size.

:func:`write` stores what the loader read from the YAML (every director, source, topic and
quote, the problems found, and the search index); :func:`read` opens it read-only and
gives a :class:`QuoteBook` whose quotes are fetched from the file when asked for (see
:mod:`bot.book.compiled_quotes`), so neither the time to start nor the memory taken grows
with the number of quotes. quotebot never changes a file once written (it is replaced
whole), so it is opened ``immutable``: no locking, and no journal beside it is ever read.

Nothing in the file is believed unchecked: it must be one quotebot made (see
:mod:`bot.book.cache_trust`), hold exactly the tables quotebot writes, and hold together
(every count, every row a pool names, inside the book), or it is :class:`Damaged` and
compiled again. Its schema is not trusted to run functions, and it is read with ordinary
reads, not a memory map, so a file cut short under the process is an error, not a SIGBUS.
"""

from __future__ import annotations

import json
import os
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from bot.book import cache_trust, search
from bot.book.compiled_format import FORMAT, ID, SCHEMA, Damaged, Stale, contents
from bot.book.compiled_quotes import BookFile, Damage, FileSearcher, Quotes, Rows
from bot.book.files import Problem
from bot.book.model import Director, Quote, Source, Topic, quote_key
from bot.book.quote_book import QuoteBook
from bot.errors import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.book.compiled_format import Contents

__all__ = ["FORMAT", "Damaged", "Quotes", "Stale", "read", "write"]

_PRAGMAS = (
    # What the schema names runs with no function a file could smuggle in.
    "PRAGMA trusted_schema = OFF",
    # Ordinary reads: a mapped page of a file truncated under the process is a SIGBUS.
    "PRAGMA mmap_size = 0",
    "PRAGMA cell_size_check = ON",  # a damaged page is an error, not a wild read
    "PRAGMA query_only = ON",
)


def write(
    path: Path, key: str, book: QuoteBook, problems: Sequence[Problem], files: Sequence[str]
) -> None:
    """Store ``book`` (quotes in hand) in a new SQLite file at ``path``."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for statement in SCHEMA:
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
                ids = array(ID, (rowid for rowid, q in numbered if q.topic == topic.name))
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


def read(
    path: Path, key: str, rebuild: Callable[[], object] | None = None
) -> tuple[QuoteBook, tuple[Problem, ...], tuple[str, ...]]:
    """Open the compiled book at ``path``: :class:`Stale` unless it was written for ``key``
    in this format, :class:`Damaged` unless it is one quotebot made and it holds together.
    ``rebuild`` (the loader's) compiles it again if it is damaged under a serving process,
    or raises when it cannot (the quote files changed since, say)."""
    file, (data, pools) = _open(path, key)

    def reopen(failed: BookFile) -> BookFile:
        again = None
        if not failed.is_named(path):  # another book was put in its place: try that one
            try:
                again, (same, _pools) = _open(path, key)
            except Stale:
                pass
        if again is None:
            if rebuild is None:
                raise Damage("nothing to compile it again from")
            rebuild()
            again, (same, _pools) = _open(path, key)
        if same != data:
            raise Damage("opened again, it is another book")
        return again

    rows = Rows(file, reopen)
    directors = []
    first = 1
    for number, item in enumerate(data["directors"]):
        rows.add_director(item["name"], [Source(*s) for s in item["sources"]])
        topics = tuple(Topic(name, tuple(aliases)) for name, aliases in item["topics"])
        quotes = Quotes(rows, range(first, first + item["count"]))
        by_topic = {t.name: Quotes(rows, pools.get((number, t.name), array(ID))) for t in topics}
        directors.append(
            Director(
                name=item["name"], command=item["command"], topics=topics, quotes=quotes,
                aliases=tuple(item["aliases"]), path=item["path"], line=item["line"],
                by_topic=by_topic,
            )
        )  # fmt: skip
        first += item["count"]
    searcher = FileSearcher(rows)
    book = QuoteBook(directors, quotes=Quotes(rows, range(1, first)), searcher=searcher)
    problems = tuple(Problem(p, line, message) for p, line, message in data["problems"])
    return book, problems, tuple(data["files"])


def _open(path: Path, key: str) -> tuple[BookFile, Contents]:
    """The file at ``path`` opened and checked: what its meta says, and its pools."""
    try:
        fd = cache_trust.open_book_file(path)
    except FileNotFoundError:
        raise Stale("no compiled book yet") from None
    except (cache_trust.Untrusted, OSError) as exc:
        raise Damaged(f"not a file quotebot made: {one_line(exc)}") from None
    # (urllib.parse, not urllib.request's pathname2url: that import alone took 28 ms.)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        os.close(fd)
        raise Damaged(one_line(exc)) from None
    kept = False
    try:
        for pragma in _PRAGMAS:
            connection.execute(pragma)
        found = contents(connection, key)
        # SQLite opened the file by its name: the one quotebot checked, unless another
        # was renamed into place meanwhile (then that one is opened afresh).
        named, checked = os.stat(path), os.fstat(fd)
        if (named.st_dev, named.st_ino) != (checked.st_dev, checked.st_ino):
            raise Stale("replaced while it was opened")
        kept = True
    except (sqlite3.Error, OSError, ValueError, Damage) as exc:
        raise Damaged(one_line(exc)) from None
    finally:
        if not kept:
            connection.close()
            os.close(fd)
    return BookFile(path, connection, fd), found
