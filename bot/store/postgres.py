"""The state store in PostgreSQL, for instances on several machines."""

from __future__ import annotations

import select
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from bot.store.deadlines import WATCHDOG, Alarm
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

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg_pool import ConnectionPool

    Pool = ConnectionPool[Connection[Any]]

# Connections to PostgreSQL at once, in each of the two pools: the scheduler's rounds and a
# daily --post's targets; the serving side's worker threads.
POOL_SIZE = 4
# A server that has not answered a new connection by then is out of reach (libpq's least).
CONNECT_TIMEOUT_S = 3
# A call with no deadline of its own (the daily's, not the serving side's) gives up after
# this long: a server that stopped answering costs a round, not a thread for ever.
CALL_S = 30.0


class PostgresStore(SQLStore):
    """A PostgreSQL database, for instances on several machines.

    Connections come from two pools: one whose commits wait for the disk, and one whose
    sessions commit without waiting (synchronous_commit off), for what costs nothing to
    lose in a crash (the replay guard's memory). A single statement is sent alone, its own
    transaction (autocommit): one round trip.

    A connection is lent without a round trip: its socket is looked at, and only one the
    server said something to unasked is asked whether it still works (a backend being
    terminated, or a server shutting down, says so before it closes), and replaced if not.
    A call whose first round trip finds the connection broken (it went after it was looked
    at) is made once more, on another: a server restart or a killed backend costs a
    reconnect, not a failed call. (Nothing of a transaction has run when its BEGIN fails;
    a single statement could have, if the server died between committing it and answering:
    its repeat then answers as a second offer would, the replay guard's "seen", a claim's
    "taken", the safe side.) Every call has a deadline (the caller's, from ``within``, else
    CALL_S), enforced by cutting the connection: a server that accepts and never answers
    cannot hold a call past it, and a call it cut is not made again (what it sent may
    still run on the server: a time-out says "not known", as a cut COMMIT always did)."""

    placeholder = "%s"
    table_exists = "SELECT to_regclass(?) IS NOT NULL"
    db_now = "EXTRACT(EPOCH FROM now())"
    snapshot = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"

    def __init__(self, url: str, uses: Collection[str] = ALL_TABLES) -> None:
        """Connect and migrate; StoreUnwritable, with the fix, when the role may not write
        the tables it ``uses`` (or the server or session is read-only)."""
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout

        self.where = without_password(url)
        self._session: Session | None = None  # who quotebot is there, for messages
        self._broken: type[Exception] = psycopg.OperationalError
        self._pool_timeout: type[Exception] = PoolTimeout
        settings: dict[str, Any] = {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S}
        self._pool = ConnectionPool(
            url, min_size=1, max_size=POOL_SIZE, kwargs=settings, timeout=CALL_S,
            reconnect_timeout=60, open=False,
        )  # fmt: skip
        # Opened with no connection: one is made when first used (`quotebot daily` never).
        self._unflushed_pool = ConnectionPool(
            url, min_size=0, max_size=POOL_SIZE, kwargs=settings, timeout=CALL_S,
            reconnect_timeout=60, configure=_commits_unflushed, open=False,
        )  # fmt: skip
        try:
            # One plain connection first: an unreachable server or a refused password is
            # an error now, not 15 s of the pool retrying in the background.
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
            self._pool.open(wait=True, timeout=15)
            self._unflushed_pool.open()
            self._migrate(uses)
        except BaseException:
            self._close_pools()
            raise

    @contextmanager
    def _lent(self, pool: Pool) -> Iterator[tuple[Connection[Any], Alarm]]:
        """A sound connection of ``pool`` within this thread's deadline, cut once it passes
        (TimeoutError then, whatever the driver said)."""
        left = self._remaining()
        if left == 0:  # a network round trip is always a wait
            raise BlockingIOError(f"{self.where} is a network database")
        waited = None if left else CALL_S  # said in a time-out: the caller's, else ours
        try:
            db = self._sound(pool, left or CALL_S, waited)
        except self._pool_timeout:
            raise self._timed_out(waited) from None
        try:
            with WATCHDOG.cut_after(db.pgconn.socket, self._remaining() or CALL_S) as alarm:
                try:
                    yield db, alarm
                except Exception:
                    if alarm.fired:  # it is the cut that failed the call: say why
                        raise self._timed_out(waited) from None
                    raise
        finally:
            pool.putconn(db)  # (a broken one is thrown away, and another made)

    def _sound(self, pool: Pool, seconds: float, waited: float | None) -> Connection[Any]:
        """A connection from ``pool`` that is not known to be broken, within ``seconds``
        (PoolTimeout); a broken one found on the way is handed back, to be replaced."""
        give_up = time.monotonic() + seconds
        while True:
            db = pool.getconn(timeout=give_up - time.monotonic())
            try:
                if self._quiet(db, give_up, waited):
                    return db
            except BaseException:
                pool.putconn(db)
                raise
            pool.putconn(db)

    def _quiet(self, db: Connection[Any], give_up: float, waited: float | None) -> bool:
        """Whether ``db`` may be lent: nothing arrived on it unasked (no round trip), or it
        answered when asked (one, only then)."""
        if db.closed:
            return False
        sock = db.pgconn.socket
        poll = select.poll()
        poll.register(sock, select.POLLIN)
        if not poll.poll(0):
            return True
        with WATCHDOG.cut_after(sock, max(0.0, give_up - time.monotonic())) as alarm:
            try:
                db.execute("")
            except Exception:  # noqa: BLE001 - whatever it was, this connection is not lent
                if alarm.fired:
                    raise self._timed_out(waited) from None
                return False
        return True

    def _went_away(self, db: Connection[Any], alarm: Alarm) -> bool:
        """Whether a failure was ``db``'s connection breaking, not this call's deadline."""
        return bool(db.broken) and not alarm.fired

    def _execute(
        self, statement: str, params: Sequence[Any] = (), pool: Pool | None = None
    ) -> list[tuple[Any, ...]]:
        sql = self._sql(statement)
        for again in (True, False):
            with self._lent(pool or self._pool) as (db, alarm):
                try:
                    cursor = db.execute(sql, params)
                except self._broken:
                    if again and self._went_away(db, alarm):
                        continue  # on another connection
                    raise
                return list(cursor.fetchall()) if cursor.description else []
        raise AssertionError("unreachable")

    def _execute_unflushed(
        self, statement: str, params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        return self._execute(statement, params, self._unflushed_pool)

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        for again in (True, False):
            with self._lent(self._pool) as (db, alarm), ExitStack() as stack:
                try:
                    stack.enter_context(db.transaction())  # BEGIN: the first round trip
                except self._broken:
                    if again and self._went_away(db, alarm):
                        continue  # nothing has run: on another connection
                    raise
                yield stack.enter_context(db.cursor())
                return

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
        self._end_sweep()
        self._close_pools()

    def _close_pools(self) -> None:
        # A pool waits for a worker thread still in a transaction (its caller cancelled:
        # asyncio cannot stop a thread) before closing that connection.
        self._pool.close(timeout=30)
        self._unflushed_pool.close(timeout=30)


def _commits_unflushed(db: Connection[Any]) -> None:
    """A new connection of the unflushed pool: its commits do not wait for the disk (for
    the session: what SET LOCAL would say in every transaction), asked within the time a
    new connection has."""
    with WATCHDOG.cut_after(db.pgconn.socket, CONNECT_TIMEOUT_S):
        db.execute("SET synchronous_commit TO OFF")
