"""The backup file's format: a header (format, version, schema version, when written,
whether tokens are in it) and the backed-up tables, each a list of rows as objects of
their columns. A file to restore is outside input: :func:`check` reads it strictly (every
key, every type, every value a column allows) and says the first problem in one line."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any, NamedTuple

from bot.store.errors import StoreError
from bot.store.records import OUTCOMES, SUGGESTION_STATUSES

FORMAT = "quotebot-state-backup"
VERSION = 1
_TEXT, _REAL, _INT, _BOOL, _DAY, _JSON = "text", "number", "integer", "boolean", "day", "json"
# Each table backed up, its columns and what each holds ("?": or null; a tuple: one of
# those words), primary key first (rows are sorted by their columns, and unique by the key).
TABLES: dict[str, tuple[tuple[str, object], ...]] = {
    "subscriptions": (
        ("platform", _TEXT), ("workspace", _TEXT), ("channel", _TEXT), ("at_time", _TEXT),
        ("zone", _TEXT), ("days", _TEXT), ("director", _TEXT + "?"), ("owner", _TEXT),
        ("set_by", _TEXT), ("paused", _TEXT + "?"), ("next_due", _REAL),
        ("updated_at", _REAL), ("schedule", _TEXT),
    ),
    "quote_picks": (
        ("pool", _TEXT), ("day", _DAY), ("quote_key", _TEXT), ("cycle", _INT),
        ("picked_at", _REAL),
    ),
    "daily_posts": (
        ("day", _DAY), ("target", _TEXT), ("status", ("claimed", "sent", "failed", "released")),
        ("owner", _TEXT), ("claimed_at", _REAL), ("attempts", _INT), ("sent_at", _REAL + "?"),
        ("message_id", _TEXT + "?"), ("reason", _TEXT + "?"),
    ),
    "slack_installations": (
        ("enterprise_id", _TEXT), ("team_id", _TEXT), ("installation", _JSON),
        ("installed_at", _REAL),
    ),
    "suggestions": (
        ("id", _TEXT), ("platform", _TEXT), ("community", _TEXT), ("suggester", _TEXT),
        ("suggested_at", _REAL), ("director", _TEXT), ("command", _TEXT), ("text", _TEXT),
        ("source_url", _TEXT), ("context", _TEXT + "?"), ("topic", _TEXT + "?"),
        ("status", SUGGESTION_STATUSES), ("outcome", OUTCOMES), ("verification", _TEXT),
        ("decided_by", _TEXT + "?"), ("decided_at", _REAL + "?"), ("reason", _TEXT),
        ("as_attributed", _BOOL), ("review_channel", _TEXT + "?"),
        ("review_message", _TEXT + "?"), ("edited_by", _TEXT + "?"), ("updated_at", _REAL),
    ),
    "review_settings": (
        ("platform", _TEXT), ("community", _TEXT), ("review_channel", _TEXT + "?"),
        ("published", _BOOL), ("set_by", _TEXT), ("updated_at", _REAL),
    ),
}  # fmt: skip
KEYS = {"subscriptions": 3, "quote_picks": 2, "daily_posts": 2, "slack_installations": 2,
        "suggestions": 1, "review_settings": 2}  # fmt: skip
HEADER = ("format", "version", "schema_version", "written_at", "tokens", "tables")


class BackupError(StoreError):
    """A backup file that cannot be restored, or a store that cannot be backed up: one line."""


class Backup(NamedTuple):
    """A backup file's content, checked: its header, and each table's rows as tuples in
    TABLES' column order (as the database takes them: booleans 0 or 1)."""

    schema_version: int
    written_at: str
    tokens: bool
    tables: dict[str, list[tuple[Any, ...]]]


def parse(text: str | bytes) -> object:
    """JSON, strictly: no NaN or Infinity, no key twice in one object."""

    def no_constant(word: str) -> object:
        raise ValueError(f"{word} is not a number JSON allows")

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        made: dict[str, Any] = {}
        for key, value in pairs:
            if key in made:
                raise ValueError(f"the key {key!r} twice in one object")
            made[key] = value
        return made

    return json.loads(text, parse_constant=no_constant, object_pairs_hook=unique)


def check(document: object, newest_schema: int) -> Backup:
    """The backup in ``document`` (parsed JSON), or BackupError naming where it is wrong."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise BackupError(f"not a quotebot backup (its format is {_shown(found)}, not {FORMAT})")
    header = _object(document, "the file", HEADER)
    if type(header["version"]) is not int or header["version"] != VERSION:
        raise BackupError(
            f"backup format version {_shown(header['version'])}: this quotebot reads version "
            f"{VERSION}"
        )
    schema = header["schema_version"]
    if type(schema) is not int or not 1 <= schema <= newest_schema:
        raise BackupError(
            f"schema_version {_shown(schema)}: this quotebot knows 1 to {newest_schema}"
        )
    written = header["written_at"]
    if not isinstance(written, str) or not _is_moment(written):
        raise BackupError(f"written_at: not a time (ISO 8601): {_shown(written)}")
    if type(header["tokens"]) is not bool:
        raise BackupError(f"tokens: not true or false: {_shown(header['tokens'])}")
    given = _object(header["tables"], "tables", tuple(TABLES))
    tables = {name: _rows(name, given[name]) for name in TABLES}
    return Backup(schema, written, header["tokens"], tables)


def _rows(table: str, given: object) -> list[tuple[Any, ...]]:
    if not isinstance(given, list):
        raise BackupError(f"tables.{table}: not a list of rows")
    columns = TABLES[table]
    names = tuple(name for name, _ in columns)
    rows, keys = [], set()
    for n, row in enumerate(given):
        where = f"tables.{table}[{n}]"
        found = _object(row, where, names)
        values = tuple(_value(found[name], kind, f"{where}.{name}") for name, kind in columns)
        key = values[: KEYS[table]]
        if key in keys:
            raise BackupError(f"{where}: a second row for {', '.join(names[: KEYS[table]])} "
                              f"{' '.join(str(v) for v in key)}")  # fmt: skip
        keys.add(key)
        rows.append(values)
    return rows


def _value(value: object, kind: object, where: str) -> object:
    """The value as the column takes it, or BackupError."""
    if isinstance(kind, tuple):
        if not isinstance(value, str) or value not in kind:
            raise BackupError(f"{where}: {_shown(value)} is not one of {', '.join(kind)}")
        return value
    assert isinstance(kind, str)
    nullable = kind.endswith("?")
    kind = kind.rstrip("?")
    if value is None and nullable:
        return None
    if kind == _BOOL and type(value) is bool:
        return int(value)
    if kind == _INT and type(value) is int and -(2**63) <= value < 2**63:
        return value
    if kind == _REAL and isinstance(value, int | float) and type(value) is not bool:
        number = float(value) if abs(value) < 1e308 else math.inf
        if math.isfinite(number):
            return number
    if kind in (_TEXT, _DAY, _JSON) and isinstance(value, str):
        if "\x00" in value:
            raise BackupError(f"{where}: text with a NUL character in it")
        if kind == _DAY and not _is_day(value):
            raise BackupError(f"{where}: not a date (YYYY-MM-DD): {_shown(value)}")
        if kind == _JSON and not _is_json_object(value):
            raise BackupError(f"{where}: not a JSON object, as text")
        return value
    raise BackupError(f"{where}: {_shown(value)} is not {_a(kind)}{' or null' * nullable}")


def _a(kind: str) -> str:
    return {_TEXT: "text", _REAL: "a number", _INT: "an integer", _BOOL: "true or false",
            _DAY: "a date", _JSON: "JSON text"}[kind]  # fmt: skip


def _object(value: object, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BackupError(f"{where}: not an object")
    missing = [k for k in keys if k not in value]
    extra = sorted(k for k in value if k not in keys)
    if missing:
        raise BackupError(f"{where}: no {', '.join(missing)}")
    if extra:
        raise BackupError(f"{where}: unknown {', '.join(extra)}")
    return value


def _shown(value: object) -> str:
    """A value from the file, bounded, for a message."""
    said = json.dumps(value)
    return said if len(said) <= 40 else said[:37] + "..."


def _is_day(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _is_moment(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(parse(text), dict)
    except (ValueError, RecursionError):
        return False
