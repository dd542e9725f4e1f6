"""The state store under faults: a killed PostgreSQL connection is replaced, passwords
are never shown, and a database that is not a quotebot store is one clear line."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app.wiring import open_state_store
from bot.errors import SettingsError
from bot.store import open_store
from bot.store.errors import StoreError, without_password
from bot.store.postgres import PostgresStore
from bot.store.sql import SCHEMA_VERSION

DAY = date(2026, 11, 25)


def kill_backends(url: str) -> int:
    """pg_terminate_backend every other connection to the database at ``url``."""
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def test_a_killed_postgres_connection_is_replaced(postgres_url):
    store = open_store(postgres_url)
    assert isinstance(store, PostgresStore)
    try:
        assert store.claim(DAY, "slack:C1", "a", 100.0, 600)
        assert kill_backends(postgres_url) >= 1
        # A connection found broken (looked at when lent, or on its first round trip) is
        # replaced: the next call reconnects, and does not fail.
        store.mark_sent(DAY, "slack:C1", "a", 101.0, "m1")
        assert store.posts(DAY)["slack:C1"].status == "sent"
        assert kill_backends(postgres_url) >= 1
        assert not store.claim(DAY, "slack:C1", "b", 9_999.0, 600)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://quotebot:s3cret@127.0.0.1:9/q", "postgresql://quotebot:***@127.0.0.1:9/q"),
        ("postgresql://127.0.0.1:9/q?password=s3cret&sslmode=require",
         "postgresql://127.0.0.1:9/q?password=***&sslmode=require"),
        ("postgresql://u@h/q?PASSWORD=s3cret", "postgresql://u@h/q?PASSWORD=***"),
        ("postgresql://u:s3cret@[::1/q", "postgresql://… (not a readable URL)"),
        ("postgres://u:s3cret:more@h/q", "postgres://u:***@h/q"),
        ("quotebot.db", "quotebot.db"),
        ("state/with?odd=name.db", "state/with?odd=name.db"),
    ],
)  # fmt: skip
def test_the_password_is_never_shown(url, shown):
    assert without_password(url) == shown
    assert "s3cret" not in without_password(url)


@settings(max_examples=300, deadline=None)
@given(
    password=st.text(
        st.characters(min_codepoint=33, max_codepoint=126), min_size=4, max_size=20
    ).filter(lambda p: "***" not in p),
    where=st.sampled_from(["user", "query"]),
    tail=st.text(max_size=20),
)
def test_no_url_shows_its_password(password, where, tail):
    from urllib.parse import quote

    secret = quote(password, safe="")
    url = (
        f"postgresql://u:{secret}@h:5432/db{tail}"
        if where == "user"
        else f"postgresql://h/db?password={secret}{tail}"
    )
    shown = without_password(url)
    assert secret not in shown or secret in url.replace(secret, "", 1)


@pytest.mark.parametrize(
    "url",
    ["postgresql://quotebot:s3cret@127.0.0.1:9/q", "postgresql://h:9/q?password=s3cret",
     "postgresql://u:s3cret@[::1/q"],
)  # fmt: skip
def test_an_unreachable_or_unreadable_store_is_one_line_without_the_password(url):
    with pytest.raises(SettingsError) as failed:
        open_state_store({"QUOTEBOT_DB": url})
    message = str(failed.value)
    assert "s3cret" not in message and "\n" not in message
    assert message.startswith("cannot open the state store QUOTEBOT_DB (")


def test_a_file_that_is_not_sqlite_is_one_clear_line(tmp_path: Path):
    path = tmp_path / "quotebot.db"
    path.write_bytes(b"this is a text file, not a database\n" * 50)
    with pytest.raises(SettingsError) as failed:
        open_state_store({"QUOTEBOT_DB": str(path)})
    assert str(failed.value) == (
        f"the state store QUOTEBOT_DB: {path} is not a SQLite database (file is not a database)"
    )


def test_a_newer_schema_is_refused_naming_the_version(tmp_path: Path):
    path = tmp_path / "quotebot.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 7,))
    with pytest.raises(StoreError) as failed:
        open_store(str(path))
    assert f"is at schema version {SCHEMA_VERSION + 7}, newer than this quotebot knows" in str(
        failed.value
    )


@pytest.mark.parametrize(
    "setup",
    [
        "CREATE TABLE daily_picks (something TEXT)",  # quotebot's table, unversioned
        "CREATE TABLE schema_version (name TEXT)",  # another program's table of that name
    ],
)
def test_an_unknown_schema_is_one_line_naming_what_was_found(tmp_path: Path, setup):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute(setup)
    with pytest.raises(StoreError) as failed:
        open_store(str(path))
    message = str(failed.value)
    assert message.startswith(f"{path}: cannot use it as quotebot's state store (")
    assert "\n" not in message


def test_a_newer_postgres_schema_is_refused_too(postgres_url):
    open_store(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("INSERT INTO schema_version VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer than this quotebot knows"):
        open_store(postgres_url)
