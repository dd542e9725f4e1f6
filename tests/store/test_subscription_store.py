"""Subscriptions in the state store, on SQLite and PostgreSQL: set, replace, list, due by
an indexed next slot, pause with a reason, resume by setting again, remove."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import open_store
from bot.store.postgres import PostgresStore
from bot.store.records import SubscriptionRecord
from bot.store.sql import SCHEMA_VERSION
from bot.store.sqlite import SQLiteStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def store(request, tmp_path: Path) -> Iterator[SQLiteStore | PostgresStore]:
    url = (
        str(tmp_path / "state.db")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    opened = open_store(url)
    yield opened
    opened.close()


def record(
    channel: str, next_due: float, workspace: str = "T0FILMCLB", **changes: object
) -> SubscriptionRecord:
    fields: dict[str, object] = {
        "platform": "slack", "workspace": workspace, "channel": channel, "at_time": "09:00",
        "zone": "Europe/Paris", "days": "daily", "director": None, "owner": "chat",
        "set_by": "U0CINEPHILE", "paused": None, "next_due": next_due, "updated_at": 1.0,
    }  # fmt: skip
    fields.update(changes)
    return SubscriptionRecord(**fields)  # type: ignore[arg-type]


def test_set_replace_and_remove(store):
    store.subscribe(record("C1", 100.0))
    store.subscribe(record("C1", 200.0, at_time="21:30", days="weekdays", director="jonze"))
    got = store.subscription("slack", "T0FILMCLB", "C1")
    assert got is not None and (got.at_time, got.days, got.director, got.next_due) == (
        "21:30",
        "weekdays",
        "jonze",
        200.0,
    )
    assert store.unsubscribe("slack", "T0FILMCLB", "C1")
    assert not store.unsubscribe("slack", "T0FILMCLB", "C1")
    assert store.subscription("slack", "T0FILMCLB", "C1") is None


def test_list_by_platform_and_workspace(store):
    store.subscribe(record("C2", 1.0))
    store.subscribe(record("C1", 1.0))
    store.subscribe(record("C9", 1.0, workspace="T0OTHER"))
    store.subscribe(
        record("3000000000000000001", 1.0, platform="discord", workspace="2000000000000000001")
    )
    assert [s.channel for s in store.subscriptions("slack", "T0FILMCLB")] == ["C1", "C2"]
    assert len(store.subscriptions("slack")) == 3
    assert len(store.subscriptions()) == 4


def test_due_is_what_has_come_earliest_first_and_not_paused(store):
    for n, due in enumerate([300.0, 100.0, 200.0, 900.0]):
        store.subscribe(record(f"C{n}", due))
    store.pause("slack", "T0FILMCLB", "C2", "channel_not_found", 250.0)
    assert [s.channel for s in store.due_subscriptions(500.0, 10)] == ["C1", "C0"]
    assert [s.channel for s in store.due_subscriptions(500.0, 1)] == ["C1"]
    store.reschedule("slack", "T0FILMCLB", "C1", 86_500.0)
    assert [s.channel for s in store.due_subscriptions(500.0, 10)] == ["C0"]
    paused = store.subscription("slack", "T0FILMCLB", "C2")
    assert paused is not None and paused.paused == "channel_not_found"
    store.subscribe(record("C2", 200.0))  # set again: resumed
    assert "C2" in [s.channel for s in store.due_subscriptions(500.0, 10)]


def test_a_version_1_store_is_migrated_keeping_its_posts(tmp_path: Path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # a store as the previous version left it
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (1)")
        db.execute("CREATE TABLE daily_picks (day TEXT PRIMARY KEY, quote_key TEXT NOT NULL, "
                   "cycle INTEGER NOT NULL, picked_at DOUBLE PRECISION NOT NULL)")  # fmt: skip
        db.execute("INSERT INTO daily_picks VALUES ('2026-11-24', 'Spike Jonze:abc', 1, 0)")
        db.execute("CREATE TABLE daily_posts (day TEXT NOT NULL, target TEXT NOT NULL, "
                   "status TEXT NOT NULL, owner TEXT NOT NULL, claimed_at DOUBLE PRECISION "
                   "NOT NULL, attempts INTEGER NOT NULL, sent_at DOUBLE PRECISION, message_id "
                   "TEXT, reason TEXT, PRIMARY KEY (day, target))")  # fmt: skip
    store = open_store(str(path))
    try:
        assert store.schema_version() == SCHEMA_VERSION == 6
        assert store.picks() == [("2026-11-24", "Spike Jonze:abc")]
        store.subscribe(record("C1", 1.0))
        assert len(store.subscriptions()) == 1
    finally:
        store.close()


def test_a_version_2_store_keeps_its_subscriptions_with_their_schedule(tmp_path: Path):
    path = tmp_path / "v2.db"
    store = open_store(str(path))
    store.close()
    with sqlite3.connect(path) as db:  # take it back to version 2, one chat row in it
        db.execute("DELETE FROM schema_version WHERE version >= 3")
        for table in ("suggestions", "review_settings", "suggestion_counters"):
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP TABLE seen_requests")
        db.execute("DROP TABLE slack_installations")
        db.execute("DROP TABLE oauth_states")
        db.execute("DROP TABLE quote_picks")
        db.execute("CREATE TABLE daily_picks (day TEXT PRIMARY KEY, quote_key TEXT NOT NULL, "
                   "cycle INTEGER NOT NULL, picked_at DOUBLE PRECISION NOT NULL)")  # fmt: skip
        db.execute("DROP INDEX subscriptions_next")
        db.execute("ALTER TABLE subscriptions DROP COLUMN schedule")
        db.execute("CREATE INDEX subscriptions_due ON subscriptions (next_due)")
        db.execute("INSERT INTO subscriptions VALUES ('slack', 'T1', 'C1', '07:05', "
                   "'Europe/Paris', 'weekdays', NULL, 'chat', 'U1', NULL, 5.0, 1.0)")  # fmt: skip
    store = open_store(str(path))
    try:
        (kept,) = store.subscriptions()
        assert (kept.schedule, kept.cron) == ("5 7 * * 1-5", "5 7 * * 1-5")
    finally:
        store.close()


def test_picks_are_kept_per_pool(store):
    def choose(used: set[str], cycle: int, last: str | None) -> tuple[str, int]:
        return ("jonze:1" if "jonze:1" not in used else "jonze:2"), cycle

    from datetime import date

    assert store.pick(date(2026, 11, 24), {"jonze:1"}, choose, 0.0, pool="jonze") == "jonze:1"
    assert store.pick(date(2026, 11, 25), {"jonze:1", "jonze:2"}, choose, 1.0, "jonze") == (
        "jonze:2"
    )
    assert store.picks("jonze") == [("2026-11-24", "jonze:1"), ("2026-11-25", "jonze:2")]
    assert store.picks() == []


def test_due_and_next_due_keep_to_the_platforms_asked_for(store):
    store.subscribe(record("C1", 100.0))
    store.subscribe(record("3000000000000000001", 50.0, platform="discord", workspace="G"))
    assert [s.platform for s in store.due_subscriptions(500.0, 10, {"slack"})] == ["slack"]
    assert store.due_subscriptions(500.0, 10, set()) == []
    assert store.next_due({"slack"}) == 100.0
    assert store.next_due() == 50.0
    assert store.next_due({"teams"}) is None
