"""The state store on both back ends, SQLite and PostgreSQL (the PostgreSQL cases are
system tests): the schema, claims, the quote of the day's picks, the replay window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.book.loader import load_book
from bot.daily.selection import quote_of_the_day
from bot.store import open_store
from bot.store.postgres import PostgresStore
from bot.store.sql import SCHEMA_VERSION
from bot.store.sqlite import SQLiteStore
from tests.fixtures import QUOTES

BOOK = load_book([QUOTES]).book


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[SQLiteStore | PostgresStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def test_the_schema_is_created_on_first_start_and_versioned(store):
    assert store.schema_version() == SCHEMA_VERSION


def test_claims_on_either_store(store):
    day = date(2026, 11, 25)
    assert store.claim(day, "discord:1", "a", 100.0, 600)
    assert not store.claim(day, "discord:1", "b", 200.0, 600)
    assert store.claim(day, "discord:1", "b", 800.0, 600)
    store.mark_sent(day, "discord:1", "b", 801.0, "m")
    assert not store.claim(day, "discord:1", "c", 9_999.0, 600)


def test_selection_on_either_store(store):
    picked = [quote_of_the_day(date(2026, 1, n), BOOK, store, 0) for n in range(1, 10)]
    assert len({q.text for q in picked}) == 9
