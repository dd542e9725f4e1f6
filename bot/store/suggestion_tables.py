"""The suggestions table of the SQL state store: quotes members suggest, checked against
the caps under their community's counter row (:mod:`bot.store.community_tables`), decided
by compare-and-set. For :class:`bot.store.sql.SQLStore`, which runs the statements."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from bot.store.community_tables import BUMP, HOLD
from bot.store.errors import SuggestionRefused
from bot.store.records import (
    OUTCOMES,
    NewSuggestion,
    Outcome,
    SuggestionRecord,
    SuggestionStatus,
    new_suggestion_id,
)
from bot.store.sql_parts import SQLParts

COLUMNS = tuple(f.name for f in fields(SuggestionRecord))
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM suggestions"
_INSERT = (
    f"INSERT INTO suggestions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
    "ON CONFLICT (id) DO NOTHING RETURNING id"
)
HOUR = 3600.0
# Where a decision may move a suggestion from, for each status it may move it to.
MOVES: dict[str, tuple[str, ...]] = {"approved": ("open",), "rejected": ("open",),
                                     "removed": ("approved",)}  # fmt: skip
_EDITABLE = ("director", "command", "text", "source_url", "context", "topic")


def suggestion_of(row: Sequence[Any]) -> SuggestionRecord:
    """A suggestions row (in COLUMNS' order) as its record."""
    values = dict(zip(COLUMNS, row, strict=True))
    values["as_attributed"] = bool(values["as_attributed"])
    return SuggestionRecord(**values)


class SuggestionSQL(SQLParts):
    """Suggestions in SQL (SQLStore runs the statements)."""

    def suggest(
        self, record: NewSuggestion, now: float, per_member_hour: int = 10, open_cap: int = 500
    ) -> SuggestionRecord:
        r = record
        where = (r.platform, r.community)
        with self._transaction() as cursor:

            def rows(statement: str, *params: object) -> list[Any]:
                cursor.execute(self._sql(statement), params)
                return list(cursor.fetchall())

            cursor.execute(self._sql(HOLD), (*where, secrets.token_hex(4)))
            times = rows(
                "SELECT suggested_at FROM suggestions WHERE platform = ? AND community = ? "
                "AND suggester = ? AND suggested_at > ? ORDER BY suggested_at",
                *where, r.suggester, now - HOUR,
            )  # fmt: skip
            if len(times) >= per_member_hour:
                # Once enough of them are over an hour old, there is room for one more.
                oldest = float(times[len(times) - per_member_hour][0]) if per_member_hour else now
                raise SuggestionRefused("member_hourly", max(0.0, oldest + HOUR - now))
            (count,) = rows(
                "SELECT COUNT(*) FROM (SELECT 1 FROM suggestions WHERE platform = ? AND "
                "community = ? AND status = 'open' LIMIT ?) AS queue",
                *where, open_cap,
            )[0]  # fmt: skip
            if count >= open_cap:
                raise SuggestionRefused("queue_full")
            while True:  # a fresh id; one already taken (50 random bits) is drawn again
                kept = SuggestionRecord(
                    id=new_suggestion_id(), platform=r.platform, community=r.community,
                    suggester=r.suggester, suggested_at=now, director=r.director,
                    command=r.command, text=r.text, source_url=r.source_url, context=r.context,
                    topic=r.topic, status="open", outcome="pending", verification="",
                    decided_by=None, decided_at=None, reason="", as_attributed=False,
                    review_channel=None, review_message=None, edited_by=None, updated_at=now,
                )  # fmt: skip
                values = [getattr(kept, name) for name in COLUMNS]
                values[COLUMNS.index("as_attributed")] = 0
                if rows(_INSERT, *values):
                    return kept

    def suggestion(self, id: str) -> SuggestionRecord | None:
        rows = self._execute(f"{_SELECT} WHERE id = ?", (id,))
        return suggestion_of(rows[0]) if rows else None

    def suggestions(
        self,
        platform: str,
        community: str,
        status: SuggestionStatus | None = None,
        limit: int = 50,
        after: str | None = None,
        oldest_first: bool | None = None,
    ) -> list[SuggestionRecord]:
        ascending = status == "open" if oldest_first is None else oldest_first
        order, beyond = ("ASC", ">") if ascending else ("DESC", "<")
        where, params = "platform = ? AND community = ?", [platform, community]
        if status is not None:
            where += " AND status = ?"
            params.append(status)
        if after is not None:
            where += (
                f" AND (suggested_at, id) {beyond} "
                "(SELECT suggested_at, id FROM suggestions WHERE id = ?)"
            )
            params.append(after)
        rows = self._execute(
            f"{_SELECT} WHERE {where} ORDER BY suggested_at {order}, id {order} LIMIT ?",
            (*params, limit),
        )
        return [suggestion_of(row) for row in rows]

    def set_verification(self, id: str, outcome: Outcome, detail: str, now: float) -> bool:
        if outcome not in OUTCOMES:
            raise ValueError(f"not a verification outcome: {outcome!r}")
        return bool(
            self._execute(
                "UPDATE suggestions SET outcome = ?, verification = ?, updated_at = ? "
                "WHERE id = ? RETURNING id",
                (outcome, detail, now, id),
            )
        )

    def decide(
        self,
        id: str,
        status: SuggestionStatus,
        by: str,
        now: float,
        reason: str = "",
        as_attributed: bool = False,
        expected_status: SuggestionStatus = "open",
    ) -> bool:
        if expected_status not in MOVES.get(status, ()):
            raise ValueError(f"a suggestion does not move from {expected_status} to {status}")
        # A removal keeps whether it was approved as attributed.
        attributed = "as_attributed" if status == "removed" else "?"
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    "UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ?, "
                    f"reason = ?, as_attributed = {attributed}, updated_at = ? "
                    "WHERE id = ? AND status = ? RETURNING platform, community"
                ),
                (status, by, now, reason,
                 *([] if status == "removed" else [int(as_attributed and status == "approved")]),
                 now, id, expected_status),
            )  # fmt: skip
            moved = cursor.fetchone()
            if moved is not None and "approved" in (status, expected_status):
                cursor.execute(self._sql(BUMP), (*moved, secrets.token_hex(4)))
            return moved is not None

    def edit(
        self,
        id: str,
        by: str,
        now: float,
        *,
        director: str | None = None,
        command: str | None = None,
        text: str | None = None,
        source_url: str | None = None,
        context: str | None = None,
        topic: str | None = None,
    ) -> bool:
        given = dict(zip(_EDITABLE, (director, command, text, source_url, context, topic),
                         strict=True))  # fmt: skip
        changes: dict[str, object] = {k: v for k, v in given.items() if v is not None}
        for optional in ("context", "topic"):
            if changes.get(optional) == "":
                changes[optional] = None
        if text is not None or source_url is not None:  # what was verified is not this
            changes.update(outcome="pending", verification="")
        changes.update(edited_by=by, updated_at=now)
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"UPDATE suggestions SET {', '.join(f'{k} = ?' for k in changes)} "
                    "WHERE id = ? AND status = 'open' RETURNING platform, community"
                ),
                (*changes.values(), id),
            )
            edited = cursor.fetchone()
            # Only open ones are edited, not the approved set: the version moves all the
            # same (a cache read again costs little; one that missed an edit, a stale quote).
            if edited is not None:
                cursor.execute(self._sql(BUMP), (*edited, secrets.token_hex(4)))
            return edited is not None

    def set_review_message(self, id: str, channel: str, message: str) -> bool:
        return bool(
            self._execute(
                "UPDATE suggestions SET review_channel = ?, review_message = ? "
                "WHERE id = ? RETURNING id",
                (channel, message, id),
            )
        )

    def approved(self, platform: str, community: str) -> list[SuggestionRecord]:
        rows = self._execute(
            f"{_SELECT} WHERE platform = ? AND community = ? AND status = 'approved' "
            "ORDER BY suggested_at, id",
            (platform, community),
        )
        return [suggestion_of(row) for row in rows]
