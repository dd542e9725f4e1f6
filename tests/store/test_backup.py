"""Backing up the state store and restoring it: SQLite to SQLite, SQLite to PostgreSQL and
PostgreSQL to SQLite give the same rows; Slack's tokens stay out unless asked for; a file
that is not a good backup is refused in one line with nothing written, and so is a restore
the database fails halfway through."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.store import NewSuggestion, StoreError, SubscriptionRecord, open_store
from bot.store.backup import (
    TOKEN_FIELDS,
    backup_document,
    read_backup,
    restore_backup,
    without_tokens,
    write_backup,
)
from bot.store.backup_format import TABLES, BackupError
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore

Opened = SQLiteStore | PostgresStore
T0 = 1_800_000_000.0
COLUMNS = {table: tuple(name for name, _ in columns) for table, columns in TABLES.items()}
INSTALLATION: dict[str, Any] = {
    "custom_values": {}, "app_id": "A0QUOTEBOT", "enterprise_id": None,
    "enterprise_name": None, "enterprise_url": None, "team_id": "T0FILMCLB",
    "team_name": "Film Club", "bot_token": "xoxb-111-222-secret", "bot_id": "B1",
    "bot_user_id": "U0BOT", "bot_scopes": "commands,chat:write",
    "bot_refresh_token": "xoxe-1-refresh-secret", "bot_token_expires_at": None,
    "user_id": "U0INSTALLER", "user_token": "xoxp-333-secret", "user_scopes": None,
    "user_refresh_token": None, "user_token_expires_at": None,
    "incoming_webhook_url": "https://hooks.slack.com/services/T/B/secret",
    "incoming_webhook_channel": "#general", "incoming_webhook_channel_id": "C0GENERAL",
    "incoming_webhook_configuration_url": None, "is_enterprise_install": False,
    "token_type": "bot", "installed_at": 1700000000.5,
}  # fmt: skip
SECRETS = ("xoxb-111-222-secret", "xoxe-1-refresh-secret", "xoxp-333-secret",
           "hooks.slack.com/services/T/B/secret")  # fmt: skip


def url_of(kind: str, request: pytest.FixtureRequest, path: Path) -> str:
    if kind == "sqlite":
        return str(path)
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def store(request, tmp_path: Path) -> Iterator[Opened]:
    opened = open_store(url_of(request.param, request, tmp_path / "state.db"))
    yield opened
    opened.close()


def fill(store: Opened) -> dict[str, str]:
    """A store with a row of every kind it keeps (the ids of its suggestions, by status)."""
    store.subscribe(SubscriptionRecord(
        platform="slack", workspace="T0FILMCLB", channel="C1", at_time="09:00",
        zone="Europe/Paris", days="weekdays", director="jonze", owner="chat", set_by="U1",
        paused=None, next_due=T0 + 0.25, updated_at=T0, schedule="0 9 * * 1-5",
    ))  # fmt: skip
    store.subscribe(SubscriptionRecord(
        platform="discord", workspace="", channel="3000000000000000001", at_time="",
        zone="UTC", days="", director=None, owner="operator", set_by="quotebot.toml",
        paused="Missing Access", next_due=T0, updated_at=T0, schedule="*/5 * * * *",
    ))  # fmt: skip
    store.pick(date(2026, 11, 24), {"jonze:1"}, lambda used, cycle, last: ("jonze:1", cycle),
               T0 + 1 / 3)  # fmt: skip
    store.pick(date(2026, 11, 24), {"jonze:2"}, lambda used, cycle, last: ("jonze:2", 3), T0,
               pool="jonze")  # fmt: skip
    assert store.claim(date(2026, 11, 24), "slack:C1", "host:1", T0, 600)
    store.mark_sent(date(2026, 11, 24), "slack:C1", "host:1", T0 + 2, "1700000000.000100")
    assert store.claim(date(2026, 11, 25), "discord:3", "host:2", T0, 600)
    store.mark_failed(date(2026, 11, 25), "discord:3", "host:2", "Missing Access — 50001")
    store.save_installation("", "T0FILMCLB", json.dumps(INSTALLATION), T0)
    store.issue_state("a-state", T0 + 600)  # short-lived: not backed up
    store.first_time("a-signature", 300)
    ids: dict[str, str] = {}
    for status in ("open", "approved", "rejected", "removed"):
        kept = store.suggest(NewSuggestion(
            platform="discord", community="2000000000000000001", suggester="U1",
            director="Céline Sciamma", command="sciamma", text=f"« Un regard » ({status})",
            source_url="https://example.org/sciamma?q=1&x=é", context=None if status == "open"
            else "On the gaze", topic=None,
        ), T0 + len(ids))  # fmt: skip
        ids[status] = kept.id
    store.set_verification(ids["approved"], "not_found", '{"diff": ["- a", "+ b"]}', T0 + 5)
    store.set_review_message(ids["open"], "C0REVIEW", "1300000000000000001")
    store.edit(ids["open"], "M1", T0 + 6, topic="gaze")
    store.decide(ids["approved"], "approved", "M1", T0 + 7, as_attributed=True)
    store.decide(ids["rejected"], "rejected", "M2", T0 + 7, "no source")
    store.decide(ids["removed"], "approved", "M1", T0 + 7)
    store.decide(ids["removed"], "removed", "M2", T0 + 8, "a misquote", expected_status="approved")
    store.set_review_channel("discord", "2000000000000000001", "C0REVIEW", "M1", T0)
    store.set_published("slack", "T0FILMCLB", True, "U0ADMIN", T0 + 9)
    return ids


def rows(store: Opened) -> dict[str, list[tuple[Any, ...]]]:
    return store.read_tables(COLUMNS)


ROUND_TRIPS = [
    ("sqlite", "sqlite"),
    pytest.param("sqlite", "postgres", marks=pytest.mark.system),
    pytest.param("postgres", "sqlite", marks=pytest.mark.system),
]


@pytest.mark.parametrize(("source", "target"), ROUND_TRIPS)
def test_a_round_trip_gives_the_same_rows(source, target, request, tmp_path: Path):
    first = open_store(url_of(source, request, tmp_path / "first.db"))
    second = open_store(url_of(target, request, tmp_path / "second.db"))
    try:
        ids = fill(first)
        counts = write_backup(first, tmp_path / "backup.json", T0 + 10, with_tokens=True)
        assert counts == {"subscriptions": 2, "quote_picks": 2, "daily_posts": 2,
                          "slack_installations": 1, "suggestions": 4,
                          "review_settings": 2}  # fmt: skip
        assert restore_backup(second, read_backup(tmp_path / "backup.json")) == counts
        assert rows(second) == rows(first)
        for id in ids.values():
            assert second.suggestion(id) == first.suggestion(id)
        assert second.installation("", "T0FILMCLB") == first.installation("", "T0FILMCLB")
        assert second.subscriptions() == first.subscriptions()
        assert second.post(date(2026, 11, 24), "slack:C1") == first.post(
            date(2026, 11, 24), "slack:C1"
        )
        # What is restored goes on working: its queue, its caps, its decisions.
        assert [s.id for s in second.approved("discord", "2000000000000000001")] == [
            ids["approved"]
        ]
        assert second.decide(ids["open"], "approved", "M3", T0 + 11)
        assert not second.consume_state("a-state", T0)  # OAuth states are not kept
        assert second.first_time("a-signature", 300)  # nor the replay guard's memory
    finally:
        first.close()
        second.close()


def test_tokens_stay_out_unless_asked_for(store, tmp_path: Path):
    fill(store)
    write_backup(store, tmp_path / "plain.json", T0)
    write_backup(store, tmp_path / "tokens.json", T0, with_tokens=True)
    plain = (tmp_path / "plain.json").read_text("utf-8")
    tokens = (tmp_path / "tokens.json").read_text("utf-8")
    assert not any(secret in plain for secret in SECRETS)
    assert all(secret in tokens for secret in SECRETS)
    assert (tmp_path / "plain.json").stat().st_mode & 0o777 == 0o600
    assert (json.loads(plain)["tokens"], json.loads(tokens)["tokens"]) == (False, True)
    (kept,) = json.loads(plain)["tables"]["slack_installations"]
    stripped = json.loads(kept["installation"])
    assert {k for k, v in stripped.items() if v is None} >= set(TOKEN_FIELDS)
    assert {k: v for k, v in stripped.items() if k not in TOKEN_FIELDS} == {
        k: v for k, v in INSTALLATION.items() if k not in TOKEN_FIELDS
    }


def test_an_installation_that_cannot_be_stripped_is_not_backed_up(store, tmp_path: Path):
    store.save_installation("", "T1", "not json xoxb-secret", T0)
    for tokens in (False, True):  # it would not restore either
        with pytest.raises(BackupError, match=r"installation of T1 .* not a JSON object"):
            write_backup(store, tmp_path / "backup.json", T0, with_tokens=tokens)
    assert not (tmp_path / "backup.json").exists()
    assert without_tokens('{"bot_token": "x", "team_id": "T1"}') == (
        '{"bot_token": null, "team_id": "T1"}'
    )


def test_a_store_that_holds_rows_is_refused_unless_forced(store, tmp_path: Path):
    ids = fill(store)
    before = store.approved_version("discord", "2000000000000000001")
    backup = backup_document(store, T0, with_tokens=True)
    (tmp_path / "backup.json").write_text(json.dumps(backup), "utf-8")
    read = read_backup(tmp_path / "backup.json")
    with pytest.raises(StoreError, match=r"already holds rows .*--force"):
        restore_backup(store, read)
    store.subscribe(SubscriptionRecord(
        platform="slack", workspace="T9", channel="C9", at_time="07:00", zone="UTC",
        days="daily", director=None, owner="chat", set_by="U9", paused=None, next_due=1.0,
        updated_at=1.0, schedule="0 7 * * *",
    ))  # fmt: skip
    restore_backup(store, read, replace=True)
    assert [s.channel for s in store.subscriptions()] == ["3000000000000000001", "C1"]
    assert store.suggestion(ids["approved"]) is not None
    # A cache of the community's book, kept from before, is told it changed.
    assert store.approved_version("discord", "2000000000000000001") != before


def good_document(folder: Path) -> dict[str, Any]:
    source = open_store(str(folder / "source.db"))
    try:
        fill(source)
        document: dict[str, Any] = backup_document(source, T0, with_tokens=True)
        return document
    finally:
        source.close()


def spoiled(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """The document with the value at ``path`` (keys and indexes, dot-separated) replaced,
    or removed for ``...``."""
    copy: dict[str, Any] = json.loads(json.dumps(document))
    *parents, last = path.split(".")
    node = copy
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    key: Any = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return copy


SPOILS = [
    ("format", "quotebot-something", "not a quotebot backup"),
    ("version", 2, "backup format version 2: this quotebot reads version 1"),
    ("version", True, "backup format version true"),
    ("schema_version", 99, "schema_version 99: this quotebot knows 1 to 6"),
    ("written_at", "yesterday", "written_at: not a time"),
    ("tokens", "yes", "tokens: not true or false"),
    ("tables.review_settings", ..., "tables: no review_settings"),
    ("tables.extra", [], "tables: unknown extra"),
    ("tables.suggestions", {}, "tables.suggestions: not a list of rows"),
    ("tables.suggestions.0.status", "maybe", 'suggestions[0].status: "maybe" is not one of'),
    ("tables.suggestions.0.as_attributed", 1, "[0].as_attributed: 1 is not true or false"),
    ("tables.suggestions.0.suggested_at", "1800000000", '"1800000000" is not a number'),
    ("tables.suggestions.0.suggested_at", None, "suggested_at: null is not a number"),
    ("tables.suggestions.0.decided_at", "soon", "decided_at: \"soon\" is not a number or null"),
    ("tables.suggestions.0.text", None, "tables.suggestions[0].text: null is not text"),
    ("tables.suggestions.0.text", "a\x00b", "NUL"),
    ("tables.suggestions.0.id", ..., "tables.suggestions[0]: no id"),
    ("tables.suggestions.0.colour", "red", "tables.suggestions[0]: unknown colour"),
    ("tables.suggestions.1.id", "PLACEHOLDER", "tables.suggestions[1]: a second row for id"),
    ("tables.daily_posts.0.day", "2026-13-01", "tables.daily_posts[0].day: not a date"),
    ("tables.daily_posts.0.attempts", 1.5, "attempts: 1.5 is not an integer"),
    ("tables.daily_posts.0.attempts", 2**70, "is not an integer"),
    ("tables.quote_picks.0", [], "tables.quote_picks[0]: not an object"),
    ("tables.slack_installations.0.installation", "[1]", "not a JSON object, as text"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "said"), SPOILS, ids=[s[0] for s in SPOILS])
def test_a_malformed_file_is_refused_in_one_line_with_nothing_written(
    tmp_path: Path, path: str, value: Any, said: str
):
    document = good_document(tmp_path)
    if value == "PLACEHOLDER":
        value = document["tables"]["suggestions"][0]["id"]
    target = open_store(str(tmp_path / "target.db"))
    try:
        file = tmp_path / "backup.json"
        file.write_text(json.dumps(spoiled(document, path, value)), "utf-8")
        with pytest.raises(BackupError) as refused:
            restore_backup(target, read_backup(file))
        message = str(refused.value)
        assert message.startswith(f"{file}: ") and said in message and "\n" not in message
        assert all(not table for table in rows(target).values())
    finally:
        target.close()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (b'{"format": ', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b'{"format": "quotebot-state-backup", "format": "x"}', "the key 'format' twice"),
        (b'{"n": NaN}', "NaN is not a number JSON allows"),
        (b"[]", "not a quotebot backup"),
    ],
)
def test_a_file_that_is_not_json_is_refused_in_one_line(tmp_path: Path, text: bytes, said: str):
    file = tmp_path / "backup.json"
    file.write_bytes(text)
    with pytest.raises(BackupError) as refused:
        read_backup(file)
    assert said in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(BackupError, match="cannot read it"):
        read_backup(tmp_path / "none.json")


def refuse_suggestions(store: Opened, url: str) -> None:
    """Make the database refuse any new suggestion (a trigger), after other tables took theirs."""
    if isinstance(store, PostgresStore):
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       "BEGIN RAISE EXCEPTION 'refused by the test'; END $$")  # fmt: skip
            db.execute("CREATE TRIGGER refuse BEFORE INSERT ON suggestions "
                       "FOR EACH ROW EXECUTE FUNCTION refuse()")  # fmt: skip
        return
    with sqlite3.connect(url) as db:
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON suggestions "
                   "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")  # fmt: skip


@pytest.mark.parametrize("target", ["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def test_a_restore_failing_halfway_writes_nothing(target, request, tmp_path: Path):
    source = open_store(str(tmp_path / "source.db"))
    url = url_of(target, request, tmp_path / "target.db")
    restored = open_store(url)
    try:
        fill(source)
        write_backup(source, tmp_path / "backup.json", T0)
        refuse_suggestions(restored, url)
        with pytest.raises(Exception, match="refused by the test"):
            restore_backup(restored, read_backup(tmp_path / "backup.json"))
        assert all(not table for table in rows(restored).values())
    finally:
        source.close()
        restored.close()
