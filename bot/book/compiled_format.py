"""The compiled book's file format: the tables quotebot writes, and what a file must hold
before it is read as one.

A compiled book is read as it stands, so everything in it is checked when it is opened,
at a cost that does not grow with the quotes' text: the tables are exactly those
:func:`~bot.book.compiled.write` makes (a view, a trigger or another database's tables
are not a book); its meta says, field by field of the right type, what was written; its
quote numbers run from 1 to the sum of the directors' counts (the first and last rows,
found by number, not every row counted); and every topic's pool names only quotes of its
own director. What fails is :class:`Damaged`, and compiled again.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from functools import cache

from bot.book import search
from bot.book.compiled_quotes import Damage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Contents = tuple[dict[str, Any], dict[tuple[int, str], array[int]]]

FORMAT = "quotebot-book-5"  # 5: real names kept (see bot.book.fingerprint)
SCHEMA = (
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
ID = "I"  # quote numbers in a pool: unsigned 32-bit
MASTER = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"


class Stale(Exception):
    """There is no compiled book for these files in this format: compile one, quietly."""


class Damaged(Stale):
    """The file is not a compiled book quotebot made, or it does not hold together: the
    message says why in a line (the loader warns, then compiles it again)."""


def contents(connection: sqlite3.Connection, key: str) -> Contents:
    """What the book on ``connection`` holds, checked: its meta, and its pools by
    (director, topic); :class:`Stale` when it is not for ``key`` in this format."""
    meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    written = meta.get("format")
    if not isinstance(written, str) or not written.startswith("quotebot-book-"):
        raise Damage("not a quote book")
    if written != FORMAT:
        raise Stale("written by another version of quotebot")
    if meta.get("key") != key:
        raise Stale("written for other files")
    if connection.execute(MASTER).fetchall() != _schema():
        raise Damage("its tables are not those quotebot writes")
    # The word index's own tables are read when it is first used: use it once now.
    connection.execute("SELECT rowid FROM words WHERE words MATCH 'quotebot' LIMIT 1").fetchall()
    book = meta.get("book")
    data = json.loads(book) if isinstance(book, str) else None
    if not _well_formed(data):
        raise Damage("what it says of its directors is not what quotebot writes")
    assert isinstance(data, dict)
    spans = []
    first = 1
    for item in data["directors"]:
        spans.append(range(first, first + item["count"]))
        first += item["count"]
    # Quote numbers run from 1 to the total: a look-up by number, not a count of rows.
    ends = (None, None) if first == 1 else (1, first - 1)
    for table in ("quotes", "quote_keys"):
        # Two subqueries: min() and max() in one SELECT read every row, not two.
        first_last = f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"
        if connection.execute(first_last).fetchone() != ends:
            raise Damage(f"its {table} are not the {first - 1} it says")
    return data, _pools(connection, data, spans)


def _pools(
    connection: sqlite3.Connection, data: dict[str, Any], spans: list[range]
) -> dict[tuple[int, str], array[int]]:
    """Each topic's quote numbers, every one inside its director's."""
    topics = [{name for name, _aliases in item["topics"]} for item in data["directors"]]
    pools: dict[tuple[int, str], array[int]] = {}
    for number, topic, blob in connection.execute("SELECT director, topic, ids FROM pools"):
        if not (
            isinstance(number, int) and 0 <= number < len(spans) and isinstance(topic, str)
            and topic in topics[number] and isinstance(blob, bytes)
            and (number, topic) not in pools
        ):  # fmt: skip
            raise Damage("a pool names no topic of the book")
        ids = array(ID)
        ids.frombytes(blob)  # ValueError if it is not whole numbers
        if ids and not (spans[number].start <= min(ids) and max(ids) < spans[number].stop):
            raise Damage(f"a pool of topic {topic[:40]!r} points past its director's quotes")
        pools[number, topic] = ids
    return pools


@cache
def _schema() -> list[tuple[object, ...]]:
    """What sqlite_master holds in a book :func:`write` made: nothing more, nothing less."""
    connection = sqlite3.connect(":memory:")
    try:
        for statement in SCHEMA:
            connection.execute(statement)
        return connection.execute(MASTER).fetchall()
    finally:
        connection.close()


def _well_formed(data: object) -> bool:
    """Whether ``data`` is the meta :func:`write` stores, every field of its type. (JSON
    gives exact types, so ``type(x) is int`` also says a count is not ``true``.)"""
    if type(data) is not dict or data.keys() != {"directors", "problems", "files"}:
        return False
    problems, files, directors = data["problems"], data["files"], data["directors"]
    return (
        _strings(files)
        and type(problems) is list
        and all(_of(p, (str, int, str)) for p in problems)
        and type(directors) is list
        and all(_director(d) for d in directors)
    )


_DIRECTOR = {"name", "command", "aliases", "path", "line", "topics", "sources", "count"}


def _director(item: object) -> bool:
    if type(item) is not dict or item.keys() != _DIRECTOR:
        return False
    topics, sources, count = item["topics"], item["sources"], item["count"]
    return (
        type(item["name"]) is type(item["command"]) is type(item["path"]) is str
        and type(item["line"]) is int
        and _strings(item["aliases"])
        and type(topics) is list
        and all(
            type(t) is list and len(t) == 2 and type(t[0]) is str and _strings(t[1]) for t in topics
        )
        and type(sources) is list
        and all(_strings(s) and len(s) == 6 for s in sources)
        and type(count) is int
        and count >= 0
    )


def _of(value: object, kinds: tuple[type, ...]) -> bool:
    """``value`` is a list of as many values as ``kinds`` has types, each of its type."""
    return (
        type(value) is list
        and len(value) == len(kinds)
        and all(type(v) is k for v, k in zip(value, kinds, strict=True))
    )


def _strings(value: object) -> bool:
    return type(value) is list and all(type(v) is str for v in value)
