"""The state store in PostgreSQL, for instances on several machines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.store.errors import without_password
from bot.store.sql import Cursor, SQLStore

# Connections to PostgreSQL at once: the scheduler's rounds and a daily --post's targets.
POOL_SIZE = 4


class PostgresStore(SQLStore):
    """A PostgreSQL database, for instances on several machines.

    Connections come from a pool that checks each one before lending it, so a server
    restart or a killed backend costs one reconnect; a connection that breaks during a
    transaction fails that call alone and is replaced."""

    placeholder = "%s"
    table_exists = "SELECT to_regclass(?) IS NOT NULL"

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        self.where = without_password(url)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True, "connect_timeout": 10},
            check=ConnectionPool.check_connection,
            timeout=30,
            reconnect_timeout=60,
            open=False,
        )
        try:
            # One plain connection first: an unreachable server or a refused password is
            # an error now, not 15 s of the pool retrying in the background.
            psycopg.connect(url, connect_timeout=10).close()
            self._pool.open(wait=True, timeout=15)
            self._migrate()
        except BaseException:
            self._pool.close()
            raise

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        with self._pool.connection() as db, db.transaction(), db.cursor() as cursor:
            yield cursor

    @contextmanager
    def _unflushed(self) -> Iterator[Cursor]:
        with self._transaction() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            yield cursor

    def _lock(self, cursor: Cursor) -> None:
        # One lock for quotebot's read-then-write steps, released at commit.
        cursor.execute("SELECT pg_advisory_xact_lock(7402551190)")

    def close(self) -> None:
        # The pool waits for a worker thread still in a transaction (its caller cancelled:
        # asyncio cannot stop a thread) before closing that connection.
        self._pool.close(timeout=30)
