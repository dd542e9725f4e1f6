"""The state store in SQL: one implementation of :class:`bot.store.Store` over SQLite (a
file) and PostgreSQL (several instances), with versioned migrations. Every change is one
atomic statement or one short transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Protocol

from bot.store.bulk_tables import BulkSQL
from bot.store.community_tables import CommunitySQL
from bot.store.deadlines import Deadlines
from bot.store.errors import StoreError, StoreUnwritable
from bot.store.migrations import MIGRATIONS, SCHEMA_VERSION
from bot.store.records import Chooser, Claim, PostRecord, Sent
from bot.store.request_tables import RequestSQL
from bot.store.subscription_tables import SubscriptionSQL
from bot.store.suggestion_tables import SuggestionSQL

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Cursor", "SQLStore"]


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
_ONE_POST = f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE day = ? AND target = ?"
_SENT = (
    "UPDATE daily_posts SET status = 'sent', sent_at = ?, message_id = ?, owner = ? "
    "WHERE day = ? AND target = ?"
)


class Cursor(Protocol):
    """The DB-API cursor methods quotebot uses (sqlite3's and psycopg's)."""

    @property
    def description(self) -> object: ...

    def execute(self, statement: str, params: Sequence[Any] = ..., /) -> object: ...

    def executemany(self, statement: str, params: Iterable[Sequence[Any]], /) -> object: ...

    def fetchone(self) -> Any: ...  # noqa: ANN401

    def fetchall(self) -> list[Any]: ...


class SQLStore(Deadlines, SubscriptionSQL, RequestSQL, SuggestionSQL, CommunitySQL, BulkSQL):
    """The SQL both back ends share; they differ in connecting, locking and placeholders."""

    placeholder = "?"
    where: str  # the database, for messages (no password)
    # One row, true when the table named by the parameter exists.
    table_exists = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"

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

    def _migrate(self, uses: Collection[str]) -> None:
        """Create or bring the tables up to this version, and make sure quotebot may write
        the tables it ``uses``; StoreError, in one line, for a database that is not a
        quotebot store or is newer than this quotebot, StoreUnwritable for one it may not
        write (with the fix)."""
        try:
            self._migrate_once()
            self._check_writable(uses)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - sqlite3's and psycopg's errors alike
            found = self._unwritable(exc)
            if found is not None:
                raise found from None
            said = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:200]
            raise StoreError(
                f"{self.where}: cannot use it as quotebot's state store ({said}); point "
                "QUOTEBOT_DB at a new file or database, or one quotebot may write to"
            ) from None

    def _migrate_once(self) -> None:
        # One transaction under the lock: instances starting together migrate once.
        with self._transaction() as cursor:
            self._lock(cursor)
            # Looked for, not CREATE ... IF NOT EXISTS: a role that may use the tables but
            # not create any (a common grant in PostgreSQL) must still be able to start.
            cursor.execute(self._sql(self.table_exists), ("schema_version",))
            if not cursor.fetchone()[0]:
                cursor.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            cursor.execute("SELECT MAX(version) FROM schema_version")
            current = cursor.fetchone()[0] or 0
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.where} is at schema version {current}, newer than this quotebot "
                    f"knows ({SCHEMA_VERSION}): upgrade quotebot, or point QUOTEBOT_DB elsewhere"
                )
            for version, statements in MIGRATIONS:
                if version <= current:
                    continue
                for statement in statements:
                    cursor.execute(statement)
                cursor.execute(self._sql("INSERT INTO schema_version VALUES (?)"), (version,))

    def _check_writable(self, uses: Collection[str]) -> None:
        """Raise StoreUnwritable, or the database's own error, unless quotebot may write
        the tables it ``uses``."""

    def _unwritable(self, exc: BaseException) -> StoreUnwritable | None:
        """``exc`` said why quotebot may not write this store, or None."""
        return None

    def _lock(self, cursor: Cursor) -> None:
        """Serialise a read-then-write transaction against other instances."""

    def ping(self) -> None:
        self._execute("SELECT 1")

    def schema_version(self) -> int:
        return int(self._execute("SELECT MAX(version) FROM schema_version")[0][0] or 0)

    def pick(self, day: date, valid: set[str], choose: Chooser, now: float, pool: str = "") -> str:
        with self._transaction() as cursor:
            self._lock(cursor)

            def one(statement: str, *params: object) -> Any:  # noqa: ANN401
                cursor.execute(self._sql(statement), (pool, *params))
                return cursor.fetchone()

            row = one("SELECT quote_key FROM quote_picks WHERE pool = ? AND day = ?", str(day))
            if row is not None and row[0] in valid:
                return str(row[0])
            cycle = int(one("SELECT COALESCE(MAX(cycle), 0) FROM quote_picks WHERE pool = ?")[0])
            cursor.execute(
                self._sql(
                    "SELECT quote_key FROM quote_picks WHERE pool = ? AND cycle = ? AND day <> ?"
                ),
                (pool, cycle, str(day)),
            )
            used = {str(r[0]) for r in cursor.fetchall()}
            last = one(
                "SELECT quote_key FROM quote_picks WHERE pool = ? AND day <> ? "
                "ORDER BY picked_at DESC, day DESC LIMIT 1",
                str(day),
            )
            key, cycle = choose(used, cycle, str(last[0]) if last else None)
            if row is None:
                cursor.execute(
                    self._sql("INSERT INTO quote_picks VALUES (?, ?, ?, ?, ?)"),
                    (pool, str(day), key, cycle, now),
                )
            else:  # the quote picked for this date has left the book
                cursor.execute(
                    self._sql(
                        "UPDATE quote_picks SET quote_key = ?, cycle = ?, picked_at = ? "
                        "WHERE pool = ? AND day = ?"
                    ),
                    (key, cycle, now, pool, str(day)),
                )
            return key

    def claim(self, day: date, target: str, owner: str, now: float, lease: float) -> bool:
        rows = self._execute(_CLAIM, (str(day), target, owner, now, now - lease))
        return bool(rows) and rows[0][0] == owner

    def claim_many(self, claims: Sequence[Claim]) -> list[tuple[bool, PostRecord | None]]:
        """Several :meth:`claim`s in one transaction, each with the record it found."""
        found: list[tuple[bool, PostRecord | None]] = []
        with self._transaction() as cursor:
            for day, target, owner, now, lease in claims:
                cursor.execute(self._sql(_ONE_POST), (str(day), target))
                row = cursor.fetchone()
                record = PostRecord(*row) if row is not None else None
                if record is not None and record.status in ("sent", "failed"):
                    found.append((False, record))
                    continue
                cursor.execute(self._sql(_CLAIM), (str(day), target, owner, now, now - lease))
                won = cursor.fetchone()
                found.append((won is not None and won[0] == owner, record))
        return found

    def mark_sent_many(self, sent: Sequence[Sent]) -> None:
        """Several :meth:`mark_sent`s in one transaction."""
        rows = [(now, msg, owner, str(day), target) for day, target, owner, now, msg in sent]
        with self._transaction() as cursor:
            cursor.executemany(self._sql(_SENT), rows)

    def mark_sent(self, day: date, target: str, owner: str, now: float, message_id: str) -> None:
        self._execute(_SENT, (now, message_id, owner, str(day), target))

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

    def post(self, day: date, target: str) -> PostRecord | None:
        rows = self._execute(_ONE_POST, (str(day), target))
        return PostRecord(*rows[0]) if rows else None

    def posts(self, day: date) -> dict[str, PostRecord]:
        rows = self._execute(f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE day = ?", (str(day),))
        return {str(r[1]): PostRecord(*r) for r in rows}

    def all_posts(self) -> list[PostRecord]:
        rows = self._execute(f"SELECT {_POST_COLUMNS} FROM daily_posts ORDER BY day, target")
        return [PostRecord(*r) for r in rows]

    def picks(self, pool: str = "") -> list[tuple[str, str]]:
        rows = self._execute(
            "SELECT day, quote_key FROM quote_picks WHERE pool = ? ORDER BY day", (pool,)
        )
        return [(str(d), str(k)) for d, k in rows]
