"""The state store in a SQLite file: the default; processes on one machine may share it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.store.errors import StoreError
from bot.store.sql import SQLStore


class SQLiteStore(SQLStore):
    """A SQLite file; several processes on one machine may share it."""

    # Without statistics SQLite takes the primary key for "platform IN (…)" and sorts every
    # row of those platforms: told, it walks the next-slot index and stops at the limit.
    next_index = "INDEXED BY subscriptions_next"

    def __init__(self, path: str | Path) -> None:
        self.where = str(path)
        # Autocommit; transactions are explicit. Waits up to 30 s for another process's lock.
        # One connection, used from worker threads one transaction at a time (_guard).
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._guard = threading.Lock()
        try:
            self._db.execute("PRAGMA busy_timeout=30000")
            self._use_wal()
            self._synchronous = int(self._db.execute("PRAGMA synchronous").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.where} is not a SQLite database ({exc})") from None
        self._migrate()

    def _use_wal(self) -> None:
        """Switch the file to write-ahead logging (readers never wait for the writer).
        Switching needs the file to itself and SQLite does not wait for that: processes
        opening a new store together try again for a while."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    @contextmanager
    def _transaction(self, flushed: bool = True) -> Iterator[sqlite3.Cursor]:
        with self._guard:
            cursor = self._db.cursor()
            if not flushed:
                # Connection-wide, and not changeable inside a transaction: set around it.
                cursor.execute("PRAGMA synchronous=OFF")
            try:
                # IMMEDIATE takes the write lock at once: a read-then-write cannot interleave.
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            finally:
                if not flushed:
                    cursor.execute(f"PRAGMA synchronous={self._synchronous}")

    @contextmanager
    def _unflushed(self) -> Iterator[sqlite3.Cursor]:
        with self._transaction(flushed=False) as cursor:
            yield cursor

    def close(self) -> None:
        # Under the guard: a worker thread may still be in a transaction whose caller
        # was cancelled (asyncio cannot stop a thread), and closing under it crashes libpq.
        with self._guard:
            self._db.close()
