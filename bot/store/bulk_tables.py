"""Whole tables of the SQL state store at once, for backup and restore: read in one
consistent snapshot, written in one transaction (all of it, or nothing). For
:class:`bot.store.sql.SQLStore`, which runs the statements."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from bot.store.errors import StoreError
from bot.store.sql_parts import SQLParts
from bot.store.writable import NEEDS

Rows = list[tuple[Any, ...]]


def _known(table: str) -> str:
    """A table's name, for SQL: one of quotebot's own (names are never taken from input)."""
    if table not in NEEDS:
        raise ValueError(f"not a table of the state store: {table!r}")
    return table


class BulkSQL(SQLParts):
    """Tables read and written whole (SQLStore runs the statements)."""

    # Said first in a transaction that reads several tables, for one snapshot of them all
    # (PostgreSQL's; SQLite's BEGIN IMMEDIATE holds every writer off already).
    snapshot = ""

    def read_tables(self, tables: Mapping[str, Sequence[str]]) -> dict[str, Rows]:
        """Every row of each table, its ``tables[name]`` columns in that order, sorted by
        them; all of them as they were at one moment."""
        read: dict[str, Rows] = {}
        with self._transaction() as cursor:
            if self.snapshot:
                cursor.execute(self.snapshot)
            for table, columns in tables.items():
                names = ", ".join(columns)
                cursor.execute(f"SELECT {names} FROM {_known(table)} ORDER BY {names}")
                read[table] = [tuple(row) for row in cursor.fetchall()]
        return read

    def write_tables(
        self, tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]], replace: bool
    ) -> None:
        """Insert each table's (columns, rows), in one transaction. Into empty tables only
        (StoreError, nothing written, when any holds a row), unless ``replace``: then what
        they held goes first. Each community with suggestions gets its counter row anew."""
        with self._transaction() as cursor:
            if replace:
                for table in tables:
                    cursor.execute(f"DELETE FROM {_known(table)}")
            else:
                held = []
                for table in tables:
                    cursor.execute(f"SELECT COUNT(*) FROM {_known(table)}")
                    count = int(cursor.fetchone()[0])
                    if count:
                        held.append(f"{table} {count}")
                if held:
                    raise StoreError(
                        f"the store already holds rows ({', '.join(held)}): restore into a new "
                        "store, or give --force to replace what it holds"
                    )
            for table, (columns, rows) in tables.items():
                if rows:
                    marks = ", ".join("?" for _ in columns)
                    cursor.executemany(
                        self._sql(f"INSERT INTO {_known(table)} ({', '.join(columns)}) "
                                  f"VALUES ({marks})"),
                        [tuple(row) for row in rows],
                    )  # fmt: skip
            # A fresh epoch: a version any cache saw before this restore is never given again.
            cursor.execute("DELETE FROM suggestion_counters")
            cursor.execute(
                self._sql(
                    "INSERT INTO suggestion_counters (platform, community, epoch, "
                    "approved_version) SELECT DISTINCT platform, community, ?, 0 FROM suggestions"
                ),
                (secrets.token_hex(4),),
            )
