"""The compiled book: a quote book as one SQLite file, opened in milliseconds at any size.

:class:`BookWriter` (see :mod:`bot.book.compiled_writer`) stores what the loader reads
from the YAML a file at a time (every director, source, topic and quote, the problems
found, and the search index); :func:`write` does the same for a book in hand. It keeps
real names (see :class:`~bot.book.fingerprint.Spelling`). :func:`read` opens it read-only and
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

import os
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from bot.book import cache_trust
from bot.book.compiled_format import FORMAT, ID, Damaged, Stale, contents
from bot.book.compiled_quotes import BookFile, Damage, FileSearcher, Quotes, Rows
from bot.book.compiled_writer import BookWriter
from bot.book.files import Problem
from bot.book.fingerprint import Spelling
from bot.book.model import Director, Source, Topic
from bot.book.quote_book import QuoteBook
from bot.errors import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.book.compiled_format import Contents

__all__ = ["FORMAT", "BookWriter", "Damaged", "Quotes", "Stale", "read", "write"]

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
    """Store ``book`` (quotes in hand) in a new SQLite file at ``path``. (The loader
    writes a director at a time as it reads the files: :class:`BookWriter`.)"""
    writer = BookWriter(path, key)
    try:
        for director in book:
            writer.add(director)
        writer.finish(problems, files)
    finally:
        writer.close()


def read(
    path: Path, key: str, rebuild: Callable[[], object] | None = None,
    spelling: Spelling | None = None,
) -> tuple[QuoteBook, tuple[Problem, ...], tuple[str, ...]]:  # fmt: skip
    """Open the compiled book at ``path``: :class:`Stale` unless it was written for ``key``
    in this format, :class:`Damaged` unless it is one quotebot made and it holds together.
    ``rebuild`` (the loader's) compiles it again if it is damaged under a serving process,
    or raises when it cannot (the quote files changed since, say). ``spelling`` gives the
    paths the book keeps (real ones) as the caller named them."""
    spelled = spelling or Spelling((), ())
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
                aliases=tuple(item["aliases"]), path=spelled.path(item["path"]),
                line=item["line"],
                by_topic=by_topic,
            )
        )  # fmt: skip
        first += item["count"]
    searcher = FileSearcher(rows)
    book = QuoteBook(directors, quotes=Quotes(rows, range(1, first)), searcher=searcher)
    problems = tuple(
        Problem(spelled.text(p), line, spelled.text(said)) for p, line, said in data["problems"]
    )
    return book, problems, tuple(spelled.path(f) for f in data["files"])


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
