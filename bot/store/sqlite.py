"""The state store in a SQLite file: the default; processes on one machine may share it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.store import sqlite_seen
from bot.store.errors import StoreError, StoreUnwritable
from bot.store.sql import SQLStore
from bot.store.writable import ALL_TABLES, sqlite_unwritable

Reader = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
# Names SQLite takes for a database of this connection's own, in memory.
IN_MEMORY = frozenset({":memory:", ""})
BUSY_MS = 30_000  # another process's write lock is waited for this long, deadlines aside
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


class SQLiteStore(SQLStore):
    """A SQLite file; several processes on one machine may share it."""

    # Without statistics SQLite takes the primary key for "platform IN (…)" and sorts every
    # row of those platforms: told, it walks the next-slot index and stops at the limit.
    next_index = "INDEXED BY subscriptions_next"
    # A write costs tens of microseconds: the event loop may make one itself (within(0)).
    local = True

    def __init__(self, path: str | Path, uses: Collection[str] = ALL_TABLES) -> None:
        """Open (creating, migrating) the file; StoreUnwritable, with the fix, when
        quotebot may not write it (``uses``: PostgreSQL's grants; a file is all or none)."""
        self.where = str(path)
        try:
            # Autocommit; transactions are explicit. One connection, used from worker
            # threads (or the loop) one transaction at a time (_guard).
            self._db = sqlite3.connect(
                path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise sqlite_unwritable(self.where, exc) or exc from None
        self._guard = threading.Lock()
        self._busy_ms = BUSY_MS
        try:
            self._db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            self._use_wal()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            found = sqlite_unwritable(self.where, exc)
            if found is not None:
                raise found from None
            raise StoreError(f"{self.where} is not a SQLite database ({exc})") from None
        try:
            self._migrate(uses)
            if not sqlite_seen.is_shaped(self._db):
                with self._transaction() as cursor:
                    sqlite_seen.reshape(cursor)
        except BaseException:
            self._db.close()
            raise
        # The replay guard's writes, on every signed request, on a connection of their own
        # whose commits never wait for the disk: switching the one connection's synchronous
        # setting around each write cost more than the write. (A database in memory is the
        # one connection's alone: there, that one.)
        self._quick, self._quick_guard = self._db, self._guard
        self._quick_busy_ms = BUSY_MS
        self._apart: Reader = self._execute
        if self.where not in IN_MEMORY:
            self._quick = sqlite3.connect(
                path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._quick.execute("PRAGMA synchronous=OFF")
            self._quick_guard = threading.Lock()
            self._apart = sqlite_seen.read_apart(self.where)

    def forget_seen(self, window: float) -> int:
        return sqlite_seen.forget(self.db_now, window, self._apart, self._execute_unflushed)

    def _check_writable(self, uses: Collection[str]) -> None:
        # Written, not asked: a file can look writable and not be (a read-only mount, an
        # immutable file, a folder where the journal cannot be made).
        self._execute("UPDATE schema_version SET version = version")

    def _unwritable(self, exc: BaseException) -> StoreUnwritable | None:
        return sqlite_unwritable(self.where, exc)

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
    def _holding(self) -> Iterator[float | None]:
        """The connection to this thread alone, its busy wait set to the thread's deadline
        (0.0 never waits, None the usual): that deadline."""
        left = self._remaining()
        if not self._guard.acquire(timeout=-1 if left is None else left):
            raise BlockingIOError(f"{self.where} is in use") if left == 0 else self._timed_out()
        try:
            self._busy_ms = self._wait_set(self._db, self._busy_ms, left)
            yield left
        finally:
            self._guard.release()

    @staticmethod
    def _wait_set(db: sqlite3.Connection, was_ms: int, left: float | None) -> int:
        """``db``'s wait for another process's lock set to ``left`` (None: BUSY_MS) if it
        was not already: the wait now, in ms."""
        wait_ms = BUSY_MS if left is None else int(left * 1000)
        if wait_ms != was_ms:
            db.execute(f"PRAGMA busy_timeout={wait_ms}")
        return wait_ms

    def _execute_unflushed(
        self, statement: str, params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """One statement on the connection whose commits do not wait for the disk, atomic
        alone (autocommit: no BEGIN and COMMIT around it): the replay guard's, on every
        signed request (bench/slack_http.py)."""
        left = self._remaining()
        if not self._quick_guard.acquire(timeout=-1 if left is None else left):
            raise BlockingIOError(f"{self.where} is in use") if left == 0 else self._timed_out()
        try:
            self._quick_busy_ms = self._wait_set(self._quick, self._quick_busy_ms, left)
            with self._busy_said(left):
                return self._quick.execute(self._sql(statement), params).fetchall()
        finally:
            self._quick_guard.release()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with self._holding() as left:
            cursor = self._db.cursor()
            with self._busy_said(left):
                # IMMEDIATE takes the write lock at once: a read-then-write cannot interleave.
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")

    @contextmanager
    def _busy_said(self, left: float | None) -> Iterator[None]:
        """Another process's lock, waited for as long as this thread's deadline allows, as
        BlockingIOError (no wait allowed) or TimeoutError."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if left is None or (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _BUSY:
                raise
            if left == 0:
                raise BlockingIOError(f"{self.where} is locked by another process") from None
            raise self._timed_out() from None

    def close(self) -> None:
        self._end_sweep()
        # Under the guard: a worker thread may still be in a transaction whose caller
        # was cancelled (asyncio cannot stop a thread), and closing under it crashes libpq.
        with self._guard:
            self._db.close()
        if self._quick is not self._db:
            with self._quick_guard:
                self._quick.close()
