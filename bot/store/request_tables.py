"""The state store's tables for serving over HTTP, for :class:`bot.store.sql.SQLStore`:
Slack installations and OAuth states (many workspaces), and the signed requests already
seen (the replay guard's memory, shared by instances)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any


class RequestSQL:
    """Installations, OAuth states and seen requests in SQL (SQLStore runs the statements)."""

    # The database's own time, in seconds since the epoch, as SQL (SQLite's; PostgreSQL
    # says its own).
    db_now = "((julianday('now') - 2440587.5) * 86400.0)"

    def _execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        raise NotImplementedError

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
    def _unflushed(self) -> Iterator[Any]:
        """A transaction whose commit need not reach the disk before it returns: for what
        costs nothing to lose in a crash (a replay guard's memory), not for the ledger."""
        with self._transaction() as cursor:
            yield cursor

    def first_time(self, request: str, window: float) -> bool:
        # By the database's clock, both the forgetting and the remembering: instances'
        # own clocks differ, and one running ahead would forget what the others still
        # need. Committed without waiting for the disk (a crash loses at most the last
        # moments' signatures, which are only a replay guard's memory).
        with self._unflushed() as cursor:
            cursor.execute(
                self._sql(f"DELETE FROM seen_requests WHERE seen_at < {self.db_now} - ?"),
                (window,),
            )
            cursor.execute(
                self._sql(
                    f"INSERT INTO seen_requests VALUES (?, {self.db_now}) "
                    "ON CONFLICT (request) DO NOTHING RETURNING request"
                ),
                (request,),
            )
            return cursor.fetchone() is not None
