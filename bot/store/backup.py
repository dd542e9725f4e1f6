"""Backing up the whole state store as portable JSON, and restoring it, on either back end:
the subscriptions, the quote of the day's picks and posts, Slack's installations (their
tokens left out unless asked for), the suggestions and the review settings. Not the seen
requests nor the OAuth states: they matter for minutes. The format: :mod:`backup_format`."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.store.backup_format import FORMAT, TABLES, VERSION, Backup, BackupError, check, parse
from bot.store.migrations import SCHEMA_VERSION
from bot.store.sql import SQLStore

# What a Slack installation holds that lets whoever reads it act as the app (slack-sdk's
# Installation: the bot's and the installer's tokens, their refresh tokens, the incoming
# webhook's URL, itself a credential). Left out of a backup unless asked for (set to null).
TOKEN_FIELDS = (
    "bot_token",
    "bot_refresh_token",
    "user_token",
    "user_refresh_token",
    "incoming_webhook_url",
)
# A backup file is read whole: a bigger one is not a quotebot store's.
MAX_BYTES = 1 << 30
_COLUMNS = {table: tuple(name for name, _ in columns) for table, columns in TABLES.items()}
_BOOLEANS = {
    table: {name for name, kind in columns if kind == "boolean"}
    for table, columns in TABLES.items()
}


def without_tokens(installation: str, team: str = "", keep: bool = False) -> str:
    """A Slack installation (JSON) with its tokens set to null (``keep``: as it is);
    BackupError when it is not a JSON object, as quotebot keeps one (quotebot could not
    use it either, a token could not be told from the rest, and it would not restore)."""
    try:
        data = json.loads(installation)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BackupError(
            f"the Slack installation of {team or 'a workspace'} in the store is not a JSON "
            "object, as quotebot keeps one: add the app to that workspace again (which "
            "replaces it), then back up"
        )
    if keep:
        return installation
    return json.dumps({key: None if key in TOKEN_FIELDS else value for key, value in data.items()})


def backup_document(store: SQLStore, now: float, with_tokens: bool = False) -> dict[str, Any]:
    """The store's content as a backup (parsed JSON), all of it as it was at one moment."""
    read = store.read_tables(_COLUMNS)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, rows in read.items():
        names, booleans = _COLUMNS[table], _BOOLEANS[table]
        tables[table] = [
            {name: bool(value) if name in booleans else value
             for name, value in zip(names, row, strict=True)}
            for row in rows
        ]  # fmt: skip
    for row in tables["slack_installations"]:
        team = row["team_id"] or row["enterprise_id"]
        row["installation"] = without_tokens(row["installation"], team, keep=with_tokens)
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema_version": store.schema_version(),
        "written_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
        "tokens": with_tokens,
        "tables": tables,
    }


def write_backup(
    store: SQLStore, path: str | Path, now: float, with_tokens: bool = False
) -> dict[str, int]:
    """Write the store's backup to ``path`` (replaced whole, or left as it was; readable by
    this user alone): how many rows of each table it holds."""
    document = backup_document(store, now, with_tokens)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    target = Path(path)
    made, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(made, "w", encoding="utf-8") as file:  # mkstemp: mode 0600
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {table: len(rows) for table, rows in document["tables"].items()}


def read_backup(path: str | Path) -> Backup:
    """A backup file, checked whole before anything is written; BackupError, one line
    beginning with the file's name, for any problem with it."""
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise BackupError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        if len(raw) > MAX_BYTES:
            raise BackupError(f"larger than {MAX_BYTES >> 20} MB: not a quotebot backup")
        try:
            document = parse(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise BackupError("not UTF-8 text") from None
        except RecursionError:
            raise BackupError("not JSON (nested too deep)") from None
        except ValueError as exc:
            raise BackupError(f"not JSON ({exc})") from None
        return check(document, SCHEMA_VERSION)
    except BackupError as exc:
        raise BackupError(f"{path}: {exc}") from None


def restore_backup(store: SQLStore, backup: Backup, replace: bool = False) -> dict[str, int]:
    """Write ``backup`` into ``store`` in one transaction: all of it or nothing. Into an
    empty store (StoreError otherwise), unless ``replace``: then what the store held of
    those tables goes. How many rows of each table were written."""
    store.write_tables(
        {table: (_COLUMNS[table], rows) for table, rows in backup.tables.items()}, replace
    )
    return {table: len(rows) for table, rows in backup.tables.items()}
