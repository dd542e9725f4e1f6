"""The state store: everything quotebot remembers that is not the curated book.

One set of interfaces (:mod:`bot.store.roles`), two back ends: SQLite (a file; the
default) and PostgreSQL (for several instances). :func:`open_store` picks one from where
the store is; the back ends are imported only then (psycopg is not cheap).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.store.errors import (
    StoreError,
    StoreUnavailable,
    StoreUnwritable,
    SuggestionRefused,
    without_password,
)
from bot.store.records import (
    OUTCOMES,
    SUGGESTION_STATUSES,
    Chooser,
    NewSuggestion,
    Outcome,
    PostRecord,
    ReviewSettings,
    Status,
    SubscriptionRecord,
    SuggestionRecord,
    SuggestionStatus,
    is_suggestion_id,
)
from bot.store.roles import (
    DailyStore,
    Installations,
    PostLedger,
    SeenRequests,
    Store,
    SubscriptionBook,
    Suggestions,
)
from bot.store.shared import SharedStore
from bot.store.writable import ALL_TABLES, DAILY_TABLES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.store.postgres import PostgresStore
    from bot.store.sqlite import SQLiteStore

__all__ = [
    "ALL_TABLES",
    "DAILY_TABLES",
    "DEFAULT_STORE",
    "OUTCOMES",
    "SUGGESTION_STATUSES",
    "Chooser",
    "DailyStore",
    "Installations",
    "NewSuggestion",
    "Outcome",
    "PostLedger",
    "PostRecord",
    "ReviewSettings",
    "SeenRequests",
    "SharedStore",
    "Status",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoreUnwritable",
    "SubscriptionBook",
    "SubscriptionRecord",
    "SuggestionRecord",
    "SuggestionRefused",
    "SuggestionStatus",
    "Suggestions",
    "is_postgres",
    "is_suggestion_id",
    "open_store",
    "store_location",
    "without_password",
]

DEFAULT_STORE = "quotebot.db"


def store_location(env: Mapping[str, str]) -> str:
    """Where the state store is: ``QUOTEBOT_DB``, or ``quotebot.db`` here."""
    return env.get("QUOTEBOT_DB", "").strip() or DEFAULT_STORE


def is_postgres(where: str) -> bool:
    """Whether ``where`` names a PostgreSQL database (else it is a SQLite file)."""
    return where.startswith(("postgresql://", "postgres://"))


def open_store(where: str, uses: Collection[str] = ALL_TABLES) -> SQLiteStore | PostgresStore:
    """``postgresql://…`` (or ``postgres://…``) opens PostgreSQL; anything else is a
    SQLite file path. StoreUnwritable (naming QUOTEBOT_DB, with the fix) when quotebot may
    not write it, or not the tables it ``uses`` (ALL_TABLES, DAILY_TABLES)."""
    from bot.store.postgres import PostgresStore
    from bot.store.sqlite import SQLiteStore

    if is_postgres(where):
        return PostgresStore(where, uses)
    return SQLiteStore(where, uses)
