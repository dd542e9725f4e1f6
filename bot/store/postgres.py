"""The state store in PostgreSQL, for instances on several machines."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from bot.store.deadlines import WATCHDOG
from bot.store.errors import StoreUnwritable, without_password
from bot.store.sql import Cursor, SQLStore
from bot.store.writable import (
    ALL_TABLES,
    SESSION,
    Session,
    missing_grants,
    postgres_cannot_create,
    postgres_missing,
    postgres_read_only,
)

# Connections to PostgreSQL at once: the scheduler's rounds and a daily --post's targets.
POOL_SIZE = 4
# A server that has not answered a new connection by then is out of reach (libpq's least).
CONNECT_TIMEOUT_S = 3
# A call with no deadline of its own (the daily's, not the serving side's) gives up after
# this long: a server that stopped answering costs a round, not a thread for ever.
CALL_S = 30.0


class PostgresStore(SQLStore):
    """A PostgreSQL database, for instances on several machines.

    Connections come from a pool that checks each one before lending it, so a server
    restart or a killed backend costs one reconnect; a connection that breaks during a
    transaction fails that call alone and is replaced. Every call has a deadline (the
    caller's, from ``within``, else CALL_S), enforced by cutting the connection: a server
    that accepts and never answers cannot hold a call past it."""

    placeholder = "%s"
    table_exists = "SELECT to_regclass(?) IS NOT NULL"
    db_now = "EXTRACT(EPOCH FROM now())"
    snapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"

    def __init__(self, url: str, uses: Collection[str] = ALL_TABLES) -> None:
        """Connect and migrate; StoreUnwritable, with the fix, when the role may not write
        the tables it ``uses`` (or the server or session is read-only)."""
        import psycopg
        from psycopg_pool import ConnectionPool

        self.where = without_password(url)
        self._session: Session | None = None  # who quotebot is there, for messages
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
            check=self._check,
            timeout=CALL_S,
            reconnect_timeout=60,
            open=False,
        )
        try:
            # One plain connection first: an unreachable server or a refused password is
            # an error now, not 15 s of the pool retrying in the background.
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
            self._pool.open(wait=True, timeout=15)
            self._migrate(uses)
        except BaseException:
            self._pool.close()
            raise

    def _check(self, db: Any) -> None:  # noqa: ANN401 - psycopg's Connection
        """The pool's check before lending a connection, within the caller's deadline."""
        left = self._remaining()
        with WATCHDOG.cut_after(db.pgconn.socket, left or CALL_S) as alarm:
            try:
                db.execute("")
            except Exception:
                if alarm.fired:
                    raise self._timed_out(None if left else CALL_S) from None
                raise

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        left = self._remaining()
        if left == 0:  # a network round trip is always a wait
            raise BlockingIOError(f"{self.where} is a network database")
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=left or CALL_S) as db:
                rest = self._remaining() or CALL_S
                with WATCHDOG.cut_after(db.pgconn.socket, rest) as alarm:
                    try:
                        with db.transaction(), db.cursor() as cursor:
                            yield cursor
                    except Exception:
                        if alarm.fired:  # it is the cut that failed the call: say why
                            raise self._timed_out(None if left else CALL_S) from None
                        raise
        except PoolTimeout:
            raise self._timed_out(None if left else CALL_S) from None

    @contextmanager
    def _unflushed(self) -> Iterator[Cursor]:
        with self._transaction() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            yield cursor

    def _lock(self, cursor: Cursor) -> None:
        # One lock for quotebot's read-then-write steps, released at commit.
        cursor.execute("SELECT pg_advisory_xact_lock(7402551190)")

    def _migrate_once(self) -> None:
        # A read-only server or session cannot migrate either: said first, with its fix.
        self._session = Session(*self._execute(SESSION)[0])
        found = postgres_read_only(self.where, self._session)
        if found is not None:
            raise found
        super()._migrate_once()

    def _check_writable(self, uses: Collection[str]) -> None:
        assert self._session is not None  # (migrating asked)
        if not uses:
            return
        statement, params = missing_grants(uses)
        missing = [(str(table), str(need)) for table, need in self._execute(statement, params)]
        if missing:
            raise postgres_missing(self.where, self._session, missing)

    def _unwritable(self, exc: BaseException) -> StoreUnwritable | None:
        if self._session is None:
            return None
        return postgres_cannot_create(self.where, exc, self._session)

    def close(self) -> None:
        # The pool waits for a worker thread still in a transaction (its caller cancelled:
        # asyncio cannot stop a thread) before closing that connection.
        self._pool.close(timeout=30)
