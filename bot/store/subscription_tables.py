"""The subscriptions table of the SQL state store: a channel's own quote of the day."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.store.records import SubscriptionRecord
from bot.store.sql_parts import SQLParts

_COLUMNS = (
    "platform, workspace, channel, at_time, zone, days, director, owner, set_by, paused, "
    "next_due, updated_at, schedule"
)
_UPSERT = f"""
INSERT INTO subscriptions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, workspace, channel) DO UPDATE
SET at_time = excluded.at_time, zone = excluded.zone, days = excluded.days,
    director = excluded.director, owner = excluded.owner, set_by = excluded.set_by,
    paused = excluded.paused, next_due = excluded.next_due, updated_at = excluded.updated_at,
    schedule = excluded.schedule
"""
_KEY = "platform = ? AND workspace = ? AND channel = ?"
_MOVE = f"UPDATE subscriptions SET next_due = ? WHERE {_KEY}"


def _among(platforms: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition keeping the rows of ``platforms`` (None: every platform)."""
    if platforms is None:
        return "", ()
    names = tuple(sorted(platforms)) or ("",)
    return f"AND platform IN ({', '.join('?' for _ in names)})", names


class SubscriptionSQL(SQLParts):
    """Subscriptions in SQL, for :class:`bot.store.sql.SQLStore` (which runs the statements)."""

    # How the scheduler's queries name the next-slot index, where the database needs telling.
    next_index = ""

    def subscribe(self, record: SubscriptionRecord) -> None:
        r = record
        self._execute(
            _UPSERT,
            (r.platform, r.workspace, r.channel, r.at_time, r.zone, r.days, r.director,
             r.owner, r.set_by, r.paused, r.next_due, r.updated_at, r.cron),
        )  # fmt: skip

    def unsubscribe(self, platform: str, workspace: str, channel: str) -> bool:
        gone = self._execute(
            f"DELETE FROM subscriptions WHERE {_KEY} RETURNING channel",
            (platform, workspace, channel),
        )
        return bool(gone)

    def subscription(
        self, platform: str, workspace: str, channel: str
    ) -> SubscriptionRecord | None:
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE {_KEY}", (platform, workspace, channel)
        )
        return SubscriptionRecord(*rows[0]) if rows else None

    def subscriptions(
        self, platform: str | None = None, workspace: str | None = None, owner: str | None = None
    ) -> list[SubscriptionRecord]:
        given = {"platform": platform, "workspace": workspace, "owner": owner}
        where = " AND ".join(f"{name} = ?" for name, value in given.items() if value is not None)
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM subscriptions {'WHERE ' + where if where else ''} "
            "ORDER BY platform, workspace, channel",
            tuple(value for value in given.values() if value is not None),
        )
        return [SubscriptionRecord(*row) for row in rows]

    def due_subscriptions(
        self, now: float, limit: int, platforms: Collection[str] | None = None
    ) -> list[SubscriptionRecord]:
        among, names = _among(platforms)
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM subscriptions {self.next_index} "
            "WHERE next_due <= ? AND paused IS NULL "
            f"{among} ORDER BY next_due, platform, workspace, channel LIMIT ?",
            (now, *names, limit),
        )
        return [SubscriptionRecord(*row) for row in rows]

    def next_due(self, platforms: Collection[str] | None = None) -> float | None:
        among, names = _among(platforms)
        # ORDER BY … LIMIT 1, not MIN(): it walks the index from the earliest and stops at
        # the first row of the platforms asked for.
        rows = self._execute(
            f"SELECT next_due FROM subscriptions {self.next_index} WHERE paused IS NULL {among} "
            "ORDER BY next_due LIMIT 1",
            names,
        )
        return float(rows[0][0]) if rows else None

    def unsubscribe_workspace(self, platform: str, workspace: str) -> int:
        gone = self._execute(
            "DELETE FROM subscriptions WHERE platform = ? AND workspace = ? RETURNING channel",
            (platform, workspace),
        )
        return len(gone)

    def reschedule(self, platform: str, workspace: str, channel: str, next_due: float) -> None:
        self._execute(_MOVE, (next_due, platform, workspace, channel))

    def reschedule_many(self, moves: Sequence[tuple[str, str, str, float]]) -> None:
        """Several :meth:`reschedule`s at once: (platform, workspace, channel, next_due) each."""
        rows = [(when, platform, space, channel) for platform, space, channel, when in moves]
        with self._transaction() as cursor:
            cursor.executemany(self._sql(_MOVE), rows)

    def pause(self, platform: str, workspace: str, channel: str, reason: str, now: float) -> None:
        self._execute(
            f"UPDATE subscriptions SET paused = ?, updated_at = ? WHERE {_KEY}",
            (reason, now, platform, workspace, channel),
        )
