"""The seen requests (the replay guard's memory) as a SQLite file keeps them: one b-tree.

Every signed request writes a row, and a SQLite write's cost is mostly its system calls:
two for each page the commit changes, besides the locks. The migrations' table (the same
on PostgreSQL) is a rowid table with an index on the key and one on the time, three pages
a row; here it is rebuilt, once, keyed by the request alone (``WITHOUT ROWID``, the time
beside it, no index on it): one page a row. A quotebot that does not know this shape
uses the table as before (same columns, same statements; its sweep scans).

Without the time index, what expired is found by reading the whole table, on a connection
of its own (a read waits for no writer in WAL mode), and deleted by key, SWEEP_ROWS keys
a statement, each checked again against the window so that a request remembered meanwhile
stays. A million rows read in about a tenth of a second, every SWEEP_S at most."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

# One page a row: the key is the table's own order.
SHAPED = """CREATE TABLE seen_requests_shaped (
    request TEXT PRIMARY KEY,
    seen_at DOUBLE PRECISION NOT NULL
) WITHOUT ROWID"""
# Keys read per pass of a sweep, and deleted per statement.
SCAN_ROWS = 100_000
SWEEP_ROWS = 1000


def is_shaped(db: sqlite3.Connection) -> bool:
    """Whether the file's seen requests are already one b-tree."""
    found = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'seen_requests'"
    ).fetchone()
    return found is not None and "WITHOUT ROWID" in str(found[0]).upper()


def reshape(cursor: sqlite3.Cursor) -> None:
    """Rebuild the seen requests as one b-tree, keeping what they hold (in the caller's
    write transaction, so processes opening the file together rebuild it once)."""
    if is_shaped(cursor.connection):
        return
    cursor.execute(SHAPED)
    cursor.execute(
        "INSERT INTO seen_requests_shaped "
        "SELECT request, MAX(seen_at) FROM seen_requests GROUP BY request"
    )
    cursor.execute("DROP TABLE seen_requests")  # and its index on the time
    cursor.execute("ALTER TABLE seen_requests_shaped RENAME TO seen_requests")


def forget(
    now: str,
    window: float,
    read: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]],
    delete: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]],
) -> int:
    """Delete the requests seen more than ``window`` seconds ago by the database's clock
    (``now``, as SQL): found through ``read`` (a connection apart), deleted through
    ``delete`` (the store's statement for them): how many."""
    gone = 0
    while True:
        old = [
            str(row[0])
            for row in read(
                f"SELECT request FROM seen_requests WHERE seen_at < {now} - ? LIMIT ?",
                (window, SCAN_ROWS),
            )
        ]
        for at in range(0, len(old), SWEEP_ROWS):
            keys = old[at : at + SWEEP_ROWS]
            statement = (
                f"DELETE FROM seen_requests WHERE request IN ({', '.join('?' * len(keys))}) "
                f"AND seen_at < {now} - ? RETURNING request"
            )
            gone += len(delete(statement, (*keys, window)))
        if len(old) < SCAN_ROWS:
            return gone


def read_apart(path: str) -> Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]:
    """Reads of the file at ``path`` on a connection of their own, opened for each."""

    def read(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        reader = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            reader.execute("PRAGMA query_only = ON")
            return reader.execute(statement, params).fetchall()
        finally:
            reader.close()

    return read
