"""The state store: which quote each date has, and which posts were claimed and sent.

One small interface, two back ends: SQLite (a file; the default) and PostgreSQL (for
several instances). Every change is one atomic statement or one short transaction, so
instances racing for the same post see one winner. Times are the caller's clock (epoch
seconds), never the database's, so tests can move time.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

Status = Literal["claimed", "sent", "failed", "released"]
# choose(used keys of the current cycle, current cycle, last key picked) -> (key, cycle)
Chooser = Callable[[set[str], int, str | None], tuple[str, int]]

# Versioned migrations: each runs once, in order, in one transaction with its version.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """CREATE TABLE daily_picks (
                day TEXT PRIMARY KEY,
                quote_key TEXT NOT NULL,
                cycle INTEGER NOT NULL,
                picked_at DOUBLE PRECISION NOT NULL
            )""",
            """CREATE TABLE daily_posts (
                day TEXT NOT NULL,
                target TEXT NOT NULL,
                status TEXT NOT NULL,
                owner TEXT NOT NULL,
                claimed_at DOUBLE PRECISION NOT NULL,
                attempts INTEGER NOT NULL,
                sent_at DOUBLE PRECISION,
                message_id TEXT,
                reason TEXT,
                PRIMARY KEY (day, target)
            )""",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class PostRecord:
    """What the store knows of one target's post for one date."""

    day: str
    target: str
    status: Status
    owner: str
    claimed_at: float
    attempts: int
    sent_at: float | None
    message_id: str | None
    reason: str | None


class Store(Protocol):
    """What the quote of the day needs remembered."""

    def pick(self, day: date, valid: set[str], choose: Chooser, now: float) -> str:
        """The quote key of ``day``: the one already picked if still ``valid``, else
        ``choose``'s, recorded atomically (two instances asking at once get one answer)."""

    def claim(self, day: date, target: str, owner: str, now: float, lease: float) -> bool:
        """Take the post of ``day`` to ``target`` for ``owner``: True if it was free, was
        released, or was claimed more than ``lease`` seconds ago and never sent."""

    def mark_sent(self, day: date, target: str, owner: str, now: float, message_id: str) -> None:
        """Record the post as sent."""

    def mark_failed(self, day: date, target: str, owner: str, reason: str) -> None:
        """Record a permanent failure: the post is not tried again that date."""

    def release(self, day: date, target: str, owner: str, reason: str) -> None:
        """Give the claim back after a temporary failure, for a later try."""

    def posts(self, day: date) -> dict[str, PostRecord]:
        """Every target's record for ``day``."""

    def picks(self) -> list[tuple[str, str]]:
        """Every (day, quote key) picked, by day."""

    def close(self) -> None: ...


_CLAIM = """
INSERT INTO daily_posts (day, target, status, owner, claimed_at, attempts)
VALUES (?, ?, 'claimed', ?, ?, 1)
ON CONFLICT (day, target) DO UPDATE
SET status = 'claimed', owner = excluded.owner, claimed_at = excluded.claimed_at,
    attempts = daily_posts.attempts + 1, reason = NULL
WHERE daily_posts.status = 'released'
   OR (daily_posts.status = 'claimed' AND daily_posts.claimed_at < ?)
RETURNING owner
"""
_POST_COLUMNS = "day, target, status, owner, claimed_at, attempts, sent_at, message_id, reason"


class Cursor(Protocol):
    """The DB-API cursor methods quotebot uses (sqlite3's and psycopg's)."""

    @property
    def description(self) -> object: ...

    def execute(self, statement: str, params: Sequence[Any] = ..., /) -> object: ...

    def fetchone(self) -> Any: ...  # noqa: ANN401

    def fetchall(self) -> list[Any]: ...


class _SQLStore:
    """The SQL both back ends share; they differ in connecting, locking and placeholders."""

    placeholder = "?"

    def _sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        raise NotImplementedError
        yield

    def _execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._transaction() as cursor:
            cursor.execute(self._sql(statement), params)
            return list(cursor.fetchall()) if cursor.description else []

    def _migrate(self) -> None:
        # One transaction under the lock: instances starting together migrate once.
        with self._transaction() as cursor:
            self._lock(cursor)
            cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cursor.execute("SELECT MAX(version) FROM schema_version")
            current = cursor.fetchone()[0] or 0
            for version, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    cursor.execute(statement)
                cursor.execute(self._sql("INSERT INTO schema_version VALUES (?)"), (version,))

    def _lock(self, cursor: Cursor) -> None:
        """Serialise a read-then-write transaction against other instances."""

    def schema_version(self) -> int:
        return int(self._execute("SELECT MAX(version) FROM schema_version")[0][0] or 0)

    def pick(self, day: date, valid: set[str], choose: Chooser, now: float) -> str:
        with self._transaction() as cursor:
            self._lock(cursor)
            cursor.execute(
                self._sql("SELECT quote_key FROM daily_picks WHERE day = ?"), (str(day),)
            )
            row = cursor.fetchone()
            if row is not None and row[0] in valid:
                return str(row[0])
            cursor.execute("SELECT COALESCE(MAX(cycle), 0) FROM daily_picks")
            cycle = int(cursor.fetchone()[0])
            cursor.execute(
                self._sql("SELECT quote_key FROM daily_picks WHERE cycle = ? AND day <> ?"),
                (cycle, str(day)),
            )
            used = {str(r[0]) for r in cursor.fetchall()}
            cursor.execute(
                self._sql(
                    "SELECT quote_key FROM daily_picks WHERE day <> ? ORDER BY picked_at DESC, "
                    "day DESC LIMIT 1"
                ),
                (str(day),),
            )
            last = cursor.fetchone()
            key, cycle = choose(used, cycle, str(last[0]) if last else None)
            if row is None:
                cursor.execute(
                    self._sql("INSERT INTO daily_picks VALUES (?, ?, ?, ?)"),
                    (str(day), key, cycle, now),
                )
            else:  # the quote picked for this date has left the book
                cursor.execute(
                    self._sql(
                        "UPDATE daily_picks SET quote_key = ?, cycle = ?, picked_at = ? "
                        "WHERE day = ?"
                    ),
                    (key, cycle, now, str(day)),
                )
            return key

    def claim(self, day: date, target: str, owner: str, now: float, lease: float) -> bool:
        rows = self._execute(_CLAIM, (str(day), target, owner, now, now - lease))
        return bool(rows) and rows[0][0] == owner

    def mark_sent(self, day: date, target: str, owner: str, now: float, message_id: str) -> None:
        self._execute(
            "UPDATE daily_posts SET status = 'sent', sent_at = ?, message_id = ?, owner = ? "
            "WHERE day = ? AND target = ?",
            (now, message_id, owner, str(day), target),
        )

    def mark_failed(self, day: date, target: str, owner: str, reason: str) -> None:
        self._execute(
            "UPDATE daily_posts SET status = 'failed', reason = ? "
            "WHERE day = ? AND target = ? AND owner = ? AND status = 'claimed'",
            (reason, str(day), target, owner),
        )

    def release(self, day: date, target: str, owner: str, reason: str) -> None:
        self._execute(
            "UPDATE daily_posts SET status = 'released', reason = ? "
            "WHERE day = ? AND target = ? AND owner = ? AND status = 'claimed'",
            (reason, str(day), target, owner),
        )

    def posts(self, day: date) -> dict[str, PostRecord]:
        rows = self._execute(f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE day = ?", (str(day),))
        return {str(r[1]): PostRecord(*r) for r in rows}

    def all_posts(self) -> list[PostRecord]:
        rows = self._execute(f"SELECT {_POST_COLUMNS} FROM daily_posts ORDER BY day, target")
        return [PostRecord(*r) for r in rows]

    def picks(self) -> list[tuple[str, str]]:
        rows = self._execute("SELECT day, quote_key FROM daily_picks ORDER BY day")
        return [(str(d), str(k)) for d, k in rows]


class SQLiteStore(_SQLStore):
    """A SQLite file; several processes on one machine may share it."""

    def __init__(self, path: str | Path) -> None:
        self.where = str(path)
        # Autocommit; transactions are explicit. Waits up to 30 s for another process's lock.
        # One connection, used from worker threads one transaction at a time (_guard).
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._guard = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._migrate()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with self._guard:
            cursor = self._db.cursor()
            # IMMEDIATE takes the write lock at once: a read-then-write cannot interleave.
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    def close(self) -> None:
        # Under the guard: a worker thread may still be in a transaction whose caller
        # was cancelled (asyncio cannot stop a thread), and closing under it crashes libpq.
        with self._guard:
            self._db.close()


class PostgresStore(_SQLStore):
    """A PostgreSQL database, for instances on several machines."""

    placeholder = "%s"

    def __init__(self, url: str) -> None:
        import psycopg

        self.where = without_password(url)
        self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        self._guard = threading.Lock()
        self._migrate()

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        with self._guard, self._db.transaction(), self._db.cursor() as cursor:
            yield cursor

    def _lock(self, cursor: Cursor) -> None:
        # One lock for quotebot's read-then-write steps, released at commit.
        cursor.execute("SELECT pg_advisory_xact_lock(7402551190)")

    def close(self) -> None:
        # Under the guard: a worker thread may still be in a transaction whose caller
        # was cancelled (asyncio cannot stop a thread), and closing under it crashes libpq.
        with self._guard:
            self._db.close()


def open_store(where: str) -> SQLiteStore | PostgresStore:
    """``postgresql://…`` (or ``postgres://…``) opens PostgreSQL; anything else is a
    SQLite file path."""
    if where.startswith(("postgresql://", "postgres://")):
        return PostgresStore(where)
    return SQLiteStore(where)


def without_password(url: str) -> str:
    """The URL for messages: any password replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
