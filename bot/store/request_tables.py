"""The state store's tables for serving over HTTP, for :class:`bot.store.sql.SQLStore`:
Slack installations and OAuth states (many workspaces), and the signed requests already
seen (the replay guard's memory, shared by instances).

A request is remembered in one statement (an expired row of the same request is taken
over in it), and what has expired is swept away in the background, at most every SWEEP_S
seconds by each store, not on every request."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from bot.errors import one_line
from bot.store.sql_parts import SQLParts

log = logging.getLogger("quotebot.store")

# The seen requests that have expired are swept at most this often (seconds), by each
# store; a request offered again after its window takes over its own expired row anyway.
SWEEP_S = 10.0
# Rows deleted by one statement of a sweep: short transactions, however much expired.
SWEEP_ROWS = 1000
# close() waits this long for a sweep under way (its statements have deadlines of their own).
SWEEP_JOIN_S = 5.0
# Remembering ``request`` unless it was seen within the window, in one statement: a row
# is returned when it was inserted, or an expired one taken over; none when it was seen.
# ({now} is the database's own clock, as SQL.)
_SEEN = (
    "INSERT INTO seen_requests VALUES {rows} ON CONFLICT (request) DO UPDATE "
    "SET seen_at = excluded.seen_at WHERE seen_requests.seen_at < {now} - ? RETURNING request"
)
# Requests remembered by one statement at most (SQLite takes 32,766 parameters).
SEEN_BATCH = 256
_SWEEP = (
    "DELETE FROM seen_requests WHERE request IN (SELECT request FROM seen_requests "
    "WHERE seen_at < {now} - ? ORDER BY seen_at LIMIT ?) RETURNING request"
)
_SWEEPING = threading.Lock()  # deciding which call starts a sweep (any store's)


class RequestSQL(SQLParts):
    """Installations, OAuth states and seen requests in SQL (SQLStore runs the statements)."""

    # The database's own time, in seconds since the epoch, as SQL (SQLite's; PostgreSQL
    # says its own).
    db_now = "((julianday('now') - 2440587.5) * 86400.0)"

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

    def _execute_unflushed(
        self, statement: str, params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """One statement, committed as :meth:`_unflushed` commits: its rows."""
        with self._unflushed() as cursor:
            cursor.execute(self._sql(statement), params)
            return list(cursor.fetchall())

    # When the next sweep is due (time.monotonic()), and the thread of the last one.
    _sweep_due = 0.0
    _sweeper: threading.Thread | None = None

    def first_time(self, request: str, window: float) -> bool:
        # By the database's clock, both the forgetting and the remembering: instances'
        # own clocks differ, and one running ahead would forget what the others still
        # need. Committed without waiting for the disk (a crash loses at most the last
        # moments' signatures, which are only a replay guard's memory).
        return bool(self.first_times((request,), window))

    def first_times(self, requests: Sequence[str], window: float) -> set[str]:
        # In one order whoever asks: two statements taking the same rows' locks in
        # opposite orders could deadlock.
        ordered, firsts = sorted(set(requests)), set[str]()
        for at in range(0, len(ordered), SEEN_BATCH):
            batch = ordered[at : at + SEEN_BATCH]
            statement = self._seen_statement(len(batch))
            firsts.update(str(r[0]) for r in self._execute_unflushed(statement, (*batch, window)))
        self._sweep_soon(window)
        return firsts

    def _seen_statement(self, rows: int) -> str:
        """The statement remembering ``rows`` requests; a lone request's made once."""
        if rows == 1 and self._seen_one:
            return self._seen_one
        values = ", ".join([f"(?, {self.db_now})"] * rows)
        statement = _SEEN.format(rows=values, now=self.db_now)
        if rows == 1:
            self._seen_one = statement
        return statement

    _seen_one = ""

    def forget_seen(self, window: float) -> int:
        """Delete the requests seen more than ``window`` seconds ago by the database's
        clock, SWEEP_ROWS at a time: how many."""
        statement, gone = _SWEEP.format(now=self.db_now), 0
        while True:
            deleted = len(self._execute_unflushed(statement, (window, SWEEP_ROWS)))
            gone += deleted
            if deleted < SWEEP_ROWS:
                return gone

    def _sweep_soon(self, window: float) -> None:
        """Start a sweep in a thread of its own if none was started for SWEEP_S."""
        now = time.monotonic()
        if now < self._sweep_due:
            return
        with _SWEEPING:
            if now < self._sweep_due:
                return
            self._sweep_due = now + SWEEP_S
            self._sweeper = threading.Thread(
                target=self._sweep, args=(window,), name="store-sweep", daemon=True
            )
            self._sweeper.start()

    def _sweep(self, window: float) -> None:
        try:
            self.forget_seen(window)
        except Exception as exc:  # noqa: BLE001 - tried again in SWEEP_S; the next call says
            log.debug("sweeping the seen requests failed: %s", one_line(exc))

    def _end_sweep(self) -> None:
        """Wait (a while) for a sweep under way: called by close()."""
        sweeper = self._sweeper
        if sweeper is not None and sweeper is not threading.current_thread():
            sweeper.join(SWEEP_JOIN_S)
