"""Whether quotebot may write its state store, found when the store is opened (not at the
first write): what stands in the way and the fix, as a :class:`StoreUnwritable`.

SQLite: the file, its folder (SQLite keeps its journal beside the file) and the file
system are looked at once a write or the opening failed. PostgreSQL: a read-only server
or role, and the grants each of quotebot's tables needs, asked of the server."""

from __future__ import annotations

import os
import shlex
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import NamedTuple

from bot.store.errors import StoreUnwritable

# What quotebot does to each table (a column grant counts for SELECT, INSERT and UPDATE).
NEEDS: dict[str, tuple[str, ...]] = {
    "daily_posts": ("SELECT", "INSERT", "UPDATE"),
    "quote_picks": ("SELECT", "INSERT", "UPDATE"),
    "subscriptions": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "seen_requests": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "slack_installations": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    "oauth_states": ("SELECT", "INSERT", "DELETE"),
    "suggestions": ("SELECT", "INSERT", "UPDATE"),
    "review_settings": ("SELECT", "INSERT", "UPDATE"),
    "suggestion_counters": ("SELECT", "INSERT", "UPDATE"),
}
ALL_TABLES = tuple(NEEDS)
# `quotebot daily`: the quote of the day's ledger, and the subscriptions it moves on.
DAILY_TABLES = ("daily_posts", "quote_picks", "subscriptions")
ELSEWHERE = "or point QUOTEBOT_DB at a store quotebot may write"
_REFUSALS = {3, 8, 14}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN


def sqlite_unwritable(path: str, exc: BaseException) -> StoreUnwritable | None:
    """Why SQLite refused (``exc``) to open or write ``path``, when it is the file, its
    folder or the file system; None when the refusal is something else."""
    import sqlite3  # (imported already by whoever has a SQLite error to show)

    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    # SQLite's answers when it may not write, or not even open, what it was given.
    if code is not None and code & 0xFF not in _REFUSALS:
        return None
    if path == ":memory:" or path.startswith("file:"):
        return None
    file = Path(path).absolute()
    folder = file.parent
    if file.is_dir():
        return StoreUnwritable(
            path, "a folder, not a file", f"name a file in it: QUOTEBOT_DB={file / 'quotebot.db'}"
        )
    if not folder.is_dir():
        return StoreUnwritable(
            path,
            f"no folder {folder}",
            f"create it (mkdir -p {shlex.quote(str(folder))}), {ELSEWHERE}",
        )
    if _read_only_mount(folder):
        return StoreUnwritable(
            path, "read-only (on a file system mounted read-only)",
            f"mount it read-write, {ELSEWHERE}",
        )  # fmt: skip
    if file.exists() and not os.access(file, os.W_OK):
        return StoreUnwritable(
            path, "read-only (this user may not write the file)",
            f"chmod u+w {shlex.quote(str(file))} as its owner, {ELSEWHERE}",
        )  # fmt: skip
    if not os.access(folder, os.W_OK):
        return StoreUnwritable(
            path, f"read-only (this user may not write its folder {folder}, where SQLite keeps "
            "its journal)", f"chmod u+w {shlex.quote(str(folder))} as its owner, {ELSEWHERE}",
        )  # fmt: skip
    if code is not None and code & 0xFF == 8:  # SQLITE_READONLY
        return StoreUnwritable(path, f"read-only ({exc})", f"make the file writable, {ELSEWHERE}")
    return None


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


# PostgreSQL: who quotebot is there, and whether read-only, in one round trip, before
# migrating (a read-only session cannot migrate either).
SESSION = (
    "SELECT current_setting('transaction_read_only') = 'on', pg_is_in_recovery(), "
    "current_user, quote_ident(current_user), COALESCE(quote_ident(current_schema()), "
    "'public'), quote_ident(current_database())"
)


class Session(NamedTuple):
    """The SESSION row: names quoted for SQL where they go into a fix."""

    read_only: bool
    standby: bool
    user: str
    quoted_user: str
    schema: str
    database: str


def postgres_read_only(where: str, session: Session) -> StoreUnwritable | None:
    """A standby, or a session read-only by default."""
    if session.standby:
        return StoreUnwritable(
            where, "read-only (a standby server)", "point QUOTEBOT_DB at the primary"
        )
    if session.read_only:
        return StoreUnwritable(
            where,
            f"read-only (default_transaction_read_only is on for role {session.user} here)",
            f"ALTER ROLE {session.quoted_user} SET default_transaction_read_only = off, or "
            f"ALTER DATABASE {session.database} SET default_transaction_read_only = off "
            "(where it was set)",
        )
    return None


def missing_grants(tables: Collection[str]) -> tuple[str, list[str]]:
    """The query (and its parameters) listing each (table, privilege) of ``tables`` that
    the current role lacks."""
    pairs = [(table, need) for table in tables for need in NEEDS[table]]
    rows = ", ".join("(?, ?)" for _ in pairs)
    return (
        f"SELECT t, p FROM (VALUES {rows}) AS needs (t, p) WHERE NOT CASE "
        "WHEN p = 'DELETE' THEN has_table_privilege(t, p) ELSE has_any_column_privilege(t, p) "
        "END",
        [word for pair in pairs for word in pair],
    )


def postgres_missing(
    where: str, session: Session, missing: Sequence[tuple[str, str]]
) -> StoreUnwritable:
    """A role without the grants ``missing`` (from :func:`missing_grants`)."""
    lacks: dict[str, list[str]] = {}
    for table, need in missing:
        lacks.setdefault(table, []).append(need)
    said = "; ".join(f"{table}: {', '.join(needs)}" for table, needs in sorted(lacks.items()))
    return StoreUnwritable(
        where, f"read-only for role {session.user} (not granted {said})", _grant_all(session)
    )


def postgres_cannot_create(
    where: str, exc: BaseException, session: Session
) -> StoreUnwritable | None:
    """Migrating failed for want of a grant: to create tables in the schema, to read the
    version table, or to change a table it does not own."""
    if getattr(exc, "sqlstate", None) != "42501":  # insufficient_privilege
        return None
    said = (str(exc).strip().splitlines() or ["permission denied"])[0][:160]
    owner = "start quotebot once as the database's owner (it migrates the tables)"
    if "must be owner" in said:
        fix = owner
    elif "for schema" in said:
        fix = f"GRANT CREATE ON SCHEMA {session.schema} TO {session.quoted_user}, or {owner}"
    else:
        fix = f"{_grant_all(session)}, or {owner}"
    return StoreUnwritable(
        where, f"role {session.user} may not create or change quotebot's tables ({said})", fix
    )


def _grant_all(session: Session) -> str:
    return (
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {session.schema} "
        f"TO {session.quoted_user}"
    )
