"""``quotebot backup`` and ``quotebot restore``: the state store ($QUOTEBOT_DB) saved as a
portable JSON file, and written back from one, into SQLite or PostgreSQL alike."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from bot.cli.arguments import Verbs
from bot.cli.context import EXIT_MISS, EXIT_OK, Context, outside_failure
from bot.errors import one_line

# Not `from typing import TYPE_CHECKING`, as the parser: it imports this module to build
# these verbs' parsers (the store's modules are imported when a verb runs).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.store.postgres import PostgresStore
    from bot.store.sqlite import SQLiteStore

Handler = Callable[[Context], int]

# A backup or a restore is one transaction however big the store: it may take this long
# (a store call's own limit is 30 s).
BULK_S = 3600.0
_NAMES = {
    "subscriptions": "subscription(s)", "quote_picks": "pick(s)", "daily_posts": "post(s)",
    "slack_installations": "Slack installation(s)", "suggestions": "suggestion(s)",
    "review_settings": "review setting(s)",
}  # fmt: skip


def add_verbs(
    verbs: Verbs, common: argparse.ArgumentParser, handler: Callable[[str, str], Handler]
) -> None:
    """The parsers of quotebot backup and restore (the parser's ``handler`` imports this
    module's verbs when they run)."""
    saving = verbs.add_parser(
        "backup",
        parents=[common],
        help="save the whole state store to a JSON file",
        description="Save the state store ($QUOTEBOT_DB: a SQLite file, default quotebot.db "
        "here, or a postgresql:// URL) to FILE as portable JSON, all of it as it was at one "
        "moment: the subscriptions, the quote of the day's picks and posts, Slack's "
        "installations, the suggestions and the review settings (not the replay guard's "
        "memory nor OAuth states). FILE is replaced whole, readable by this user alone. "
        "Slack's tokens are left out unless --with-tokens.",
    )
    saving.add_argument("file", metavar="FILE", type=Path, help="where to write the backup")
    saving.add_argument(
        "--with-tokens",
        action="store_true",
        help="keep Slack's bot and user tokens (and webhook URLs) in the file: without "
        "them, each workspace must add the app again after a restore",
    )
    saving.set_defaults(func=handler("backup_verbs", "backup"))
    loading = verbs.add_parser(
        "restore",
        parents=[common],
        help="write a backup into an empty state store",
        description="Write FILE (from quotebot backup) into the state store ($QUOTEBOT_DB), "
        "SQLite or PostgreSQL whichever wrote it. The file is checked whole first; then it "
        "is written in one transaction: all of it, or (on any problem) nothing. The store "
        "must hold none of what a backup holds (a new store, or one quotebot has only "
        "started on), unless --force. Stop quotebot while restoring.",
    )
    loading.add_argument("file", metavar="FILE", type=Path, help="a backup file")
    loading.add_argument(
        "--force",
        action="store_true",
        help="replace what the store holds (its subscriptions, posts, installations, "
        "suggestions and review settings) with the backup's",
    )
    loading.set_defaults(func=handler("backup_verbs", "restore"))


def backup(context: Context) -> int:
    """Save the whole state store to FILE (tokens left out unless --with-tokens)."""
    from bot.store.backup import write_backup
    from bot.store.backup_format import BackupError

    args = context.args
    # Reading it is all a backup does: no grants asked for.
    store = _open(context, uses=())
    try:
        with store.within(BULK_S):
            counts = write_backup(store, args.file, time.time(), args.with_tokens)
    except BackupError as exc:
        raise context.fail(str(exc), EXIT_MISS) from None
    except OSError as exc:
        raise context.fail(f"cannot write {args.file}: {exc.strerror or exc}", EXIT_MISS) from None
    finally:
        store.close()
    tokens = "with" if args.with_tokens else "without"
    context.out.write(
        f"backed up {store.where} to {args.file} ({tokens} Slack tokens): {_said(counts)}\n"
    )
    if args.with_tokens:
        context.out.write(f"note: {args.file} holds Slack tokens: keep it as you keep them\n")
    return EXIT_OK


def restore(context: Context) -> int:
    """Write FILE's backup into the state store, all of it or nothing."""
    from bot.store import ALL_TABLES, StoreError
    from bot.store.backup import read_backup, restore_backup
    from bot.store.backup_format import BackupError

    args = context.args
    try:
        backup = read_backup(args.file)  # checked whole before the store is even opened
    except BackupError as exc:
        raise context.fail(str(exc), EXIT_MISS) from None
    store = _open(context, uses=ALL_TABLES)
    try:
        with store.within(BULK_S):
            counts = restore_backup(store, backup, replace=args.force)
    except StoreError as exc:
        raise context.fail(f"nothing restored: {exc}", EXIT_MISS) from None
    except Exception as exc:
        if not outside_failure(exc):
            raise
        said = one_line(exc)
        raise context.fail(f"nothing restored: {store.where}: {said}", EXIT_MISS) from None
    finally:
        store.close()
    context.out.write(
        f"restored {args.file} (written {backup.written_at}) into {store.where}: {_said(counts)}\n"
    )
    if not backup.tokens and counts["slack_installations"]:
        context.out.write(
            "note: the backup had no Slack tokens: each workspace must add the app again "
            "(Add to Slack) before quotebot can answer it there\n"
        )
    return EXIT_OK


def _open(context: Context, uses: Collection[str]) -> SQLiteStore | PostgresStore:
    """The store of QUOTEBOT_DB, or the verb's end with one line (no password in it)."""
    from bot.store import StoreError, StoreUnwritable, open_store, store_location, without_password

    where = store_location(context.env)
    try:
        return open_store(where, uses)
    except StoreUnwritable as exc:
        raise context.fail(str(exc), EXIT_MISS) from None
    except StoreError as exc:
        raise context.fail(f"the state store QUOTEBOT_DB: {exc}", EXIT_MISS) from None
    except Exception as exc:  # noqa: BLE001 - sqlite3's and psycopg's errors alike
        raise context.fail(
            f"cannot open the state store QUOTEBOT_DB ({without_password(where)}): "
            f"{exc.__class__.__name__}",
            EXIT_MISS,
        ) from None


def _said(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{count} {_NAMES[table]}" for table, count in counts.items())
