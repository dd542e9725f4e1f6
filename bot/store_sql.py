"""The state store in SQL: one implementation of :class:`bot.store.Store` over SQLite (a
file) and PostgreSQL (several instances), with versioned migrations. Every change is one
atomic statement or one short transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Protocol

from bot.store import Chooser, PostRecord, StoreError
from bot.store_subscriptions import SubscriptionSQL

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
    (
        2,
        (
            # A channel's own quote of the day, set from chat (owner 'chat') or written in
            # quotebot.toml (owner 'operator'); next_due is the next slot, indexed so the
            # scheduler asks for what is due instead of keeping a timer per channel.
            """CREATE TABLE subscriptions (
                platform TEXT NOT NULL,
                workspace TEXT NOT NULL,
                channel TEXT NOT NULL,
                at_time TEXT NOT NULL,
                zone TEXT NOT NULL,
                days TEXT NOT NULL,
                director TEXT,
                owner TEXT NOT NULL,
                set_by TEXT NOT NULL,
                paused TEXT,
                next_due DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (platform, workspace, channel)
            )""",
            "CREATE INDEX subscriptions_due ON subscriptions (next_due)",
        ),
    ),
    (
        3,
        (
            # Any cron schedule, not only a time and days: quotebot.toml's targets are
            # subscriptions too (owner 'operator'), with the schedule written there.
            "ALTER TABLE subscriptions ADD COLUMN schedule TEXT NOT NULL DEFAULT ''",
            """UPDATE subscriptions SET schedule =
                CAST(CAST(substr(at_time, 4, 2) AS INTEGER) AS TEXT) || ' ' ||
                CAST(CAST(substr(at_time, 1, 2) AS INTEGER) AS TEXT) || ' * * ' ||
                CASE WHEN days = 'weekdays' THEN '1-5' ELSE '*' END
              WHERE schedule = ''""",
            # A director-filtered subscription draws from that director's own cycle: the
            # picks are kept per pool ('' is the whole book, else a director's command).
            """CREATE TABLE quote_picks (
                pool TEXT NOT NULL,
                day TEXT NOT NULL,
                quote_key TEXT NOT NULL,
                cycle INTEGER NOT NULL,
                picked_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (pool, day)
            )""",
            "INSERT INTO quote_picks SELECT '', day, quote_key, cycle, picked_at FROM daily_picks",
            "DROP TABLE daily_picks",
            # What the scheduler asks every minute, answered from the index alone and in
            # its order (the earliest active slots), however many subscriptions there are.
            "DROP INDEX subscriptions_due",
            """CREATE INDEX subscriptions_next ON subscriptions
                (next_due, platform, workspace, channel) WHERE paused IS NULL""",
        ),
    ),
    (
        4,
        (
            # Signed requests already answered (Slack's and Discord's signatures), for as
            # long as they could be replayed: any instance refuses what another has seen.
            """CREATE TABLE seen_requests (
                request TEXT PRIMARY KEY,
                seen_at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX seen_requests_at ON seen_requests (seen_at)",
        ),
    ),
    (
        5,
        (
            # Slack workspaces that installed the app (OAuth): the installation as
            # slack-sdk gives it, as JSON, bot token included; '' for an absent ID.
            """CREATE TABLE slack_installations (
                enterprise_id TEXT NOT NULL,
                team_id TEXT NOT NULL,
                installation TEXT NOT NULL,
                installed_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (enterprise_id, team_id)
            )""",
            # OAuth state parameters issued and not yet used, until they expire.
            """CREATE TABLE oauth_states (
                state TEXT PRIMARY KEY,
                expires_at DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


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


class SQLStore(SubscriptionSQL):
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

    def _migrate(self) -> None:
        """Create or bring the tables up to this version; StoreError, in one line, for a
        database that is not a quotebot store or is newer than this quotebot."""
        try:
            self._migrate_once()
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - sqlite3's and psycopg's errors alike
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

    def _lock(self, cursor: Cursor) -> None:
        """Serialise a read-then-write transaction against other instances."""

    def ping(self) -> None:
        self._execute("SELECT 1")

    def save_installation(
        self, enterprise_id: str, team_id: str, installation: str, now: float
    ) -> None:
        self._execute(
            "INSERT INTO slack_installations VALUES (?, ?, ?, ?) "
            "ON CONFLICT (enterprise_id, team_id) DO UPDATE SET "
            "installation = excluded.installation, installed_at = excluded.installed_at",
            (enterprise_id, team_id, installation, now),
        )

    def installation(self, enterprise_id: str, team_id: str) -> str | None:
        rows = self._execute(
            "SELECT installation FROM slack_installations WHERE enterprise_id = ? AND team_id = ?",
            (enterprise_id, team_id),
        )
        return str(rows[0][0]) if rows else None

    def delete_installation(self, enterprise_id: str, team_id: str) -> None:
        self._execute(
            "DELETE FROM slack_installations WHERE enterprise_id = ? AND team_id = ?",
            (enterprise_id, team_id),
        )

    def issue_state(self, state: str, expires_at: float) -> None:
        self._execute("INSERT INTO oauth_states VALUES (?, ?)", (state, expires_at))

    def consume_state(self, state: str, now: float) -> bool:
        with self._transaction() as cursor:
            cursor.execute(self._sql("DELETE FROM oauth_states WHERE expires_at < ?"), (now,))
            cursor.execute(
                self._sql("DELETE FROM oauth_states WHERE state = ? RETURNING state"), (state,)
            )
            return cursor.fetchone() is not None

    @contextmanager
    def _unflushed(self) -> Iterator[Cursor]:
        """A transaction whose commit need not reach the disk before it returns: for what
        costs nothing to lose in a crash (a replay guard's memory), not for the ledger."""
        with self._transaction() as cursor:
            yield cursor

    def first_time(self, request: str, now: float, window: float) -> bool:
        # On every signed request: committed without waiting for the disk (a crash loses
        # at most the last moments' signatures, which are only a replay guard's memory).
        with self._unflushed() as cursor:
            cursor.execute(
                self._sql("DELETE FROM seen_requests WHERE seen_at < ?"), (now - window,)
            )
            cursor.execute(
                self._sql(
                    "INSERT INTO seen_requests VALUES (?, ?) ON CONFLICT (request) DO NOTHING "
                    "RETURNING request"
                ),
                (request, now),
            )
            return cursor.fetchone() is not None

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

    def post(self, day: date, target: str) -> PostRecord | None:
        rows = self._execute(
            f"SELECT {_POST_COLUMNS} FROM daily_posts WHERE day = ? AND target = ?",
            (str(day), target),
        )
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
