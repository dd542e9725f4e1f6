"""Each community's own rows in the SQL state store, beside its suggestions: its review
settings, and its counter row (the lock its caps are checked under, the version of its
approved set). For :class:`bot.store.sql.SQLStore`, which runs the statements."""

from __future__ import annotations

from bot.store.records import ReviewSettings
from bot.store.sql_parts import SQLParts

# The community's counter row, made if it is not there, and locked until the transaction
# ends. A row lock, not an advisory lock: the same SQL on both back ends (SQLite's BEGIN
# IMMEDIATE has serialised the transaction already, PostgreSQL waits here for another
# instance's transaction on this community to end), no hash of the community sharing a key
# space with the store's own advisory lock, and other communities never wait. Once it is
# held, READ COMMITTED's next statement sees every suggestion committed before, so the
# counts and the insert cannot interleave with another instance's.
HOLD = """
INSERT INTO suggestion_counters (platform, community, epoch, approved_version)
VALUES (?, ?, ?, 0)
ON CONFLICT (platform, community) DO UPDATE SET epoch = suggestion_counters.epoch
"""
# Bumped in the transaction of whatever changes the community's approved set (the row
# made, with a fresh epoch, if it is not there).
BUMP = """
INSERT INTO suggestion_counters (platform, community, epoch, approved_version)
VALUES (?, ?, ?, 1)
ON CONFLICT (platform, community) DO UPDATE
SET approved_version = suggestion_counters.approved_version + 1
"""
_SETTINGS = "platform, community, review_channel, published, set_by, updated_at"


class CommunitySQL(SQLParts):
    """Review settings and approved-set versions in SQL (SQLStore runs the statements)."""

    def approved_version(self, platform: str, community: str) -> str:
        rows = self._execute(
            "SELECT epoch, approved_version FROM suggestion_counters "
            "WHERE platform = ? AND community = ?",
            (platform, community),
        )
        return f"{rows[0][0]}.{rows[0][1]}" if rows else "none"

    def set_review_channel(
        self, platform: str, community: str, channel: str | None, by: str, now: float
    ) -> None:
        self._execute(
            f"INSERT INTO review_settings ({_SETTINGS}) VALUES (?, ?, ?, 0, ?, ?) "
            "ON CONFLICT (platform, community) DO UPDATE SET review_channel = "
            "excluded.review_channel, set_by = excluded.set_by, updated_at = excluded.updated_at",
            (platform, community, channel, by, now),
        )

    def review_settings(self, platform: str, community: str) -> ReviewSettings | None:
        rows = self._execute(
            f"SELECT {_SETTINGS} FROM review_settings WHERE platform = ? AND community = ?",
            (platform, community),
        )
        if not rows:
            return None
        platform, community, channel, published, by, at = rows[0]
        return ReviewSettings(platform, community, channel, bool(published), by, at)

    def set_published(
        self, platform: str, community: str, published: bool, by: str, now: float
    ) -> None:
        self._execute(
            f"INSERT INTO review_settings ({_SETTINGS}) VALUES (?, ?, NULL, ?, ?, ?) "
            "ON CONFLICT (platform, community) DO UPDATE SET published = excluded.published, "
            "set_by = excluded.set_by, updated_at = excluded.updated_at",
            (platform, community, int(published), by, now),
        )
