"""Suggested quotes in the state store, on SQLite and PostgreSQL: kept with a fresh id, the
caps (10 an hour per member, 500 open per community) holding however instances race,
compare-and-set decisions, edits only while open, each community on its own, a cheap
version of its approved set, review settings, and the migration from version 5."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.store import (
    NewSuggestion,
    SubscriptionRecord,
    SuggestionRecord,
    SuggestionRefused,
    is_suggestion_id,
    open_store,
)
from bot.store.postgres import PostgresStore
from bot.store.sql import SCHEMA_VERSION
from bot.store.sqlite import SQLiteStore
from bot.store.suggestion_tables import COLUMNS

Opened = SQLiteStore | PostgresStore
T0 = 1_800_000_000.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def store_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Opened]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def instances(store_url: str) -> Iterator[tuple[Opened, Opened]]:
    """Two stores on one database, as two instances of quotebot hold it."""
    first, second = open_store(store_url), open_store(store_url)
    yield first, second
    first.close()
    second.close()


def new(member: str = "U1", community: str = "G1", platform: str = "discord",
        **changes: Any) -> NewSuggestion:  # fmt: skip
    fields: dict[str, Any] = {
        "platform": platform, "community": community, "suggester": member,
        "director": "Spike Jonze", "command": "jonze",
        "text": "I didn’t know exactly what I was making.",
        "source_url": "https://example.org/jonze-interview", "context": "On editing HER",
        "topic": "editing",
    }  # fmt: skip
    fields.update(changes)
    return NewSuggestion(**fields)


def together(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run every job in a thread of its own, all released at once; what each gave (or
    the exception it raised), in order."""
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = jobs[n]()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_a_suggestion_is_kept_open_with_a_fresh_id(store):
    kept = store.suggest(new(), T0)
    assert is_suggestion_id(kept.id)
    assert (kept.status, kept.outcome, kept.verification, kept.suggested_at) == (
        "open", "pending", "", T0,
    )  # fmt: skip
    assert (kept.decided_by, kept.decided_at, kept.reason, kept.as_attributed) == (
        None, None, "", False,
    )  # fmt: skip
    assert (kept.director, kept.command, kept.context, kept.topic) == (
        "Spike Jonze", "jonze", "On editing HER", "editing",
    )  # fmt: skip
    assert store.suggestion(kept.id) == kept
    other = store.suggest(new(context=None, topic=None), T0 + 1)
    assert other.id != kept.id
    assert store.suggestion(other.id) is not None
    assert (store.suggestion(other.id).context, store.suggestion(other.id).topic) == (None, None)
    assert store.suggestion("aaaaaaaaaa") is None
    assert store.suggestion("q1|ap|' OR 1=1 --") is None


def test_ids_are_short_url_safe_and_checked():
    assert not is_suggestion_id("")
    assert not is_suggestion_id("AAAAAAAAAA")  # lower-case base32 only
    assert not is_suggestion_id("aaaaaaaaa1")  # 1 is not base32
    assert not is_suggestion_id("aaaaaaaaaaa")
    assert is_suggestion_id("abcdefgh23")


def test_ten_an_hour_per_member_and_an_hour_later_again(store):
    for n in range(10):
        store.suggest(new(), T0 + n)
    with pytest.raises(SuggestionRefused) as refused:
        store.suggest(new(), T0 + 100)
    assert refused.value.reason == "member_hourly"
    assert refused.value.retry_after == pytest.approx(3600 - 100)  # when the first ages out
    store.suggest(new("U2"), T0 + 100)  # another member is not held up
    assert len(store.suggestions("discord", "G1", limit=100)) == 11
    # An hour after the first, there is room for one: not for two.
    store.suggest(new(), T0 + 3600)
    with pytest.raises(SuggestionRefused):
        store.suggest(new(), T0 + 3600.5)
    # Decided ones still count: they were suggested.
    for kept in store.suggestions("discord", "G1", limit=100):
        store.decide(kept.id, "rejected", "M1", T0 + 3601)
    with pytest.raises(SuggestionRefused):
        store.suggest(new(), T0 + 3600.6)


def test_five_hundred_open_per_community(store):
    for n in range(500):
        store.suggest(new(f"U{n // 10}"), T0 + n % 10)
    with pytest.raises(SuggestionRefused) as refused:
        store.suggest(new("U999"), T0 + 20)
    assert (refused.value.reason, str(refused.value)) == (
        "queue_full", "this community's review queue is full",
    )  # fmt: skip
    store.suggest(new("U999", community="G2"), T0 + 20)  # another community's queue
    first = store.suggestions("discord", "G1", status="open", limit=1)[0]
    assert store.decide(first.id, "approved", "M1", T0 + 21)
    store.suggest(new("U999"), T0 + 22)  # room for one again
    with pytest.raises(SuggestionRefused):
        store.suggest(new("U998"), T0 + 23)


@pytest.mark.parametrize("community", ["G1", "G2", "G3"])  # three rounds of the race
def test_racing_instances_never_pass_the_member_cap(instances, community):
    jobs = [partial(s.suggest, new(community=community), T0) for s in instances * 12]
    results = together(jobs)
    kept = [r for r in results if isinstance(r, SuggestionRecord)]
    refused = [r for r in results if isinstance(r, SuggestionRefused)]
    assert (len(kept), len(refused)) == (10, 14), [r for r in results if r not in kept + refused]
    assert len(instances[0].suggestions("discord", community, limit=100)) == 10


@pytest.mark.parametrize("community", ["G1", "G2", "G3"])
def test_racing_instances_never_pass_the_open_cap(instances, community):
    jobs = [partial(s.suggest, new(f"U{n}", community), T0, open_cap=7)
            for n, s in enumerate(instances * 12)]  # fmt: skip
    results = together(jobs)
    kept = [r for r in results if isinstance(r, SuggestionRecord)]
    assert len(kept) == 7, [r for r in results if not isinstance(r, SuggestionRefused)]
    assert all(r.reason == "queue_full" for r in results if isinstance(r, SuggestionRefused))
    assert len(instances[1].suggestions("discord", community, status="open", limit=100)) == 7


def test_two_moderators_deciding_at_once_give_one_winner(instances):
    first, second = instances
    ids = [first.suggest(new(f"U{n}"), T0).id for n in range(8)]
    jobs: list[Callable[[], Any]] = []
    for id in ids:
        jobs.append(partial(first.decide, id, "approved", "M1", T0 + 1))
        jobs.append(partial(second.decide, id, "rejected", "M2", T0 + 1))
    results = together(jobs)
    for n, id in enumerate(ids):
        outcomes = list(zip(("approved", "rejected"), results[2 * n : 2 * n + 2], strict=True))
        winners = [status for status, won in outcomes if won is True]
        assert len(winners) == 1, outcomes
        got = second.suggestion(id)
        assert got is not None and got.status == winners[0]
        assert got.decided_by == ("M1" if winners[0] == "approved" else "M2")


def test_decisions_move_only_from_where_they_may(store):
    kept = store.suggest(new(), T0)
    assert store.decide(kept.id, "approved", "M1", T0 + 1, as_attributed=True)
    assert not store.decide(kept.id, "approved", "M2", T0 + 2)  # not open any more
    assert not store.decide(kept.id, "rejected", "M2", T0 + 2)
    got = store.suggestion(kept.id)
    assert (got.status, got.decided_by, got.decided_at, got.as_attributed) == (
        "approved", "M1", T0 + 1, True,
    )  # fmt: skip
    with pytest.raises(ValueError, match="from approved to rejected"):
        store.decide(kept.id, "rejected", "M2", T0 + 2, expected_status="approved")
    with pytest.raises(ValueError, match="from open to removed"):
        store.decide(kept.id, "removed", "M2", T0 + 2)
    assert store.decide(kept.id, "removed", "M2", T0 + 3, "not Jonze", expected_status="approved")
    got = store.suggestion(kept.id)
    assert (got.status, got.decided_by, got.reason, got.as_attributed, got.updated_at) == (
        "removed", "M2", "not Jonze", True, T0 + 3,
    )  # fmt: skip
    assert not store.decide(kept.id, "removed", "M2", T0 + 4, expected_status="approved")
    other = store.suggest(new(), T0 + 5)
    assert store.decide(other.id, "rejected", "M1", T0 + 6, "no source", as_attributed=True)
    got = store.suggestion(other.id)
    assert (got.status, got.reason, got.as_attributed) == ("rejected", "no source", False)
    assert not store.decide("aaaaaaaaaa", "approved", "M1", T0)


def test_verification_is_kept_as_given(store):
    kept = store.suggest(new(), T0)
    detail = '{"passage": "I didn’t know", "diff": [], "reason": ""}'
    assert store.set_verification(kept.id, "found", detail, T0 + 1)
    got = store.suggestion(kept.id)
    assert (got.outcome, got.verification, got.updated_at) == ("found", detail, T0 + 1)
    assert not store.set_verification("aaaaaaaaaa", "found", detail, T0 + 1)
    with pytest.raises(ValueError, match="outcome"):
        store.set_verification(kept.id, "maybe", detail, T0 + 1)


def test_an_edit_only_while_open(store):
    kept = store.suggest(new(), T0)
    store.set_verification(kept.id, "not_found", '{"reason": "no such passage"}', T0 + 1)
    assert store.edit(kept.id, "M1", T0 + 2, director="Sofia Coppola", command="coppola",
                      context="")  # fmt: skip
    got = store.suggestion(kept.id)
    assert (got.director, got.command, got.context, got.topic, got.text) == (
        "Sofia Coppola", "coppola", None, "editing", kept.text,
    )  # fmt: skip
    assert (got.edited_by, got.updated_at, got.outcome) == ("M1", T0 + 2, "not_found")
    assert store.edit(kept.id, "M2", T0 + 3, text="Another text.", topic="process")
    got = store.suggestion(kept.id)
    assert (got.text, got.topic, got.edited_by) == ("Another text.", "process", "M2")
    assert (got.outcome, got.verification) == ("pending", "")  # to be verified again
    store.decide(kept.id, "approved", "M1", T0 + 4)
    assert not store.edit(kept.id, "M1", T0 + 5, text="Changed after approval.")
    assert store.suggestion(kept.id).text == "Another text."
    assert not store.edit("aaaaaaaaaa", "M1", T0 + 5, text="x")


def test_the_approved_version_moves_with_the_approved_set(store):
    versions: list[str] = [store.approved_version("discord", "G1")]

    def moved() -> bool:
        versions.append(store.approved_version("discord", "G1"))
        return versions[-1] != versions[-2]

    elsewhere = store.approved_version("discord", "G2")
    kept = store.suggest(new(), T0)
    assert store.decide(kept.id, "approved", "M1", T0 + 1)
    assert moved()
    assert not moved()  # asked again, nothing changed
    other = store.suggest(new(), T0 + 2)
    assert store.edit(other.id, "M1", T0 + 3, text="Edited.")
    assert moved()
    assert store.decide(kept.id, "removed", "M1", T0 + 4, expected_status="approved")
    assert moved()
    assert not store.decide(kept.id, "removed", "M1", T0 + 5, expected_status="approved")
    assert not moved()
    assert store.approved_version("discord", "G2") == elsewhere


def test_each_community_sees_its_own(store):
    mine = store.suggest(new(), T0)
    theirs = store.suggest(new(community="G2"), T0)
    slack = store.suggest(new(platform="slack", community="G1"), T0)
    for kept in (mine, theirs, slack):
        store.decide(kept.id, "approved", "M1", T0 + 1)
    assert [s.id for s in store.approved("discord", "G1")] == [mine.id]
    assert [s.id for s in store.approved("discord", "G2")] == [theirs.id]
    assert [s.id for s in store.approved("slack", "G1")] == [slack.id]
    assert [s.id for s in store.suggestions("discord", "G2", limit=10)] == [theirs.id]
    assert store.approved("discord", "G3") == []
    store.set_review_channel("discord", "G1", "C1", "M1", T0)
    assert store.review_settings("discord", "G2") is None
    for n in range(9):  # U1's tenth in G2: its suggestion in G1 is not counted there
        store.suggest(new(community="G2"), T0 + 10 + n)
    with pytest.raises(SuggestionRefused):
        store.suggest(new(community="G2"), T0 + 20)


def test_listing_pages_through_a_queue(store):
    ids = [store.suggest(new(f"U{n}"), T0 + n).id for n in range(7)]
    assert store.decide(ids[3], "approved", "M1", T0 + 10)
    assert store.decide(ids[5], "approved", "M1", T0 + 10)
    queue = [s.id for s in store.suggestions("discord", "G1", status="open", limit=3)]
    assert queue == [ids[0], ids[1], ids[2]]  # oldest first
    rest = store.suggestions("discord", "G1", status="open", limit=3, after=queue[-1])
    assert [s.id for s in rest] == [ids[4], ids[6]]
    approved = [s.id for s in store.suggestions("discord", "G1", status="approved")]
    assert approved == [ids[5], ids[3]]  # newest first
    everything = store.suggestions("discord", "G1", limit=4)
    assert [s.id for s in everything] == ids[::-1][:4]
    later = store.suggestions("discord", "G1", limit=4, after=everything[-1].id)
    assert [s.id for s in later] == ids[::-1][4:]
    assert [s.id for s in store.suggestions("discord", "G1", "approved", oldest_first=True)] == [
        ids[3], ids[5],
    ]  # fmt: skip


def test_the_review_message_is_remembered(store):
    kept = store.suggest(new(), T0)
    assert store.set_review_message(kept.id, "C0REVIEW", "1300000000000000001")
    got = store.suggestion(kept.id)
    assert (got.review_channel, got.review_message) == ("C0REVIEW", "1300000000000000001")
    assert not store.set_review_message("aaaaaaaaaa", "C0REVIEW", "1")


def test_review_settings(store):
    assert store.review_settings("slack", "T1") is None
    store.set_published("slack", "T1", True, "U0ADMIN", T0)
    got = store.review_settings("slack", "T1")
    assert (got.review_channel, got.published, got.set_by, got.updated_at) == (
        None, True, "U0ADMIN", T0,
    )  # fmt: skip
    store.set_review_channel("slack", "T1", "C0REVIEW", "U0MOD", T0 + 1)
    got = store.review_settings("slack", "T1")
    assert (got.review_channel, got.published, got.set_by) == ("C0REVIEW", True, "U0MOD")
    store.set_published("slack", "T1", False, "U0ADMIN", T0 + 2)
    store.set_review_channel("slack", "T1", None, "U0ADMIN", T0 + 3)
    got = store.review_settings("slack", "T1")
    assert (got.review_channel, got.published, got.updated_at) == (None, False, T0 + 3)


def test_ten_thousand_approved_load_quickly_from_an_index(store):
    def row(n: int, community: str) -> tuple[Any, ...]:
        values = {name: None for name in COLUMNS} | {
            "id": f"{community.lower()}{n:08d}".replace("0", "a").replace("1", "b")[:10],
            "platform": "discord", "community": community, "suggester": f"U{n % 97}",
            "suggested_at": T0 + n, "director": "Spike Jonze", "command": "jonze",
            "text": f"Quote {n} about light.", "source_url": f"https://example.org/{n}",
            "status": "approved" if n % 5 else "rejected", "outcome": "found",
            "verification": "{}", "reason": "", "as_attributed": 0, "updated_at": T0 + n,
        }  # fmt: skip
        return tuple(values[name] for name in COLUMNS)

    rows = [row(n, "G1") for n in range(12_500)] + [row(n, "G2") for n in range(500)]
    assert len({r[0] for r in rows}) == len(rows)
    store.write_tables({"suggestions": (COLUMNS, rows)}, replace=False)
    started = time.perf_counter()
    approved = store.approved("discord", "G1")
    took = time.perf_counter() - started
    assert len(approved) == 10_000 and {s.community for s in approved} == {"G1"}
    assert [s.suggested_at for s in approved] == sorted(s.suggested_at for s in approved)
    assert took < 2.0, f"{took:.2f} s for 10,000 approved suggestions"
    if isinstance(store, SQLiteStore):
        plan = store._execute(
            "EXPLAIN QUERY PLAN SELECT * FROM suggestions WHERE platform = ? AND community = ? "
            "AND status = 'approved' ORDER BY suggested_at, id",
            ("discord", "G1"),
        )
        said = " ".join(str(step[-1]) for step in plan)
        assert "USING INDEX suggestions_by_status" in said and "TEMP B-TREE" not in said


def back_to_version_5(store_url: str) -> None:
    """Take a store back to schema version 5, as the previous quotebot left it."""
    statements = ["DELETE FROM schema_version WHERE version >= 6"] + [
        f"DROP TABLE {t}" for t in ("suggestions", "review_settings", "suggestion_counters")
    ]
    if store_url.startswith("postgresql://"):
        with psycopg.connect(store_url, autocommit=True) as db:
            for statement in statements:
                db.execute(statement)
        return
    with sqlite3.connect(store_url) as db:
        for statement in statements:
            db.execute(statement)


def test_a_version_5_store_is_migrated_keeping_what_it_had(store_url):
    record = SubscriptionRecord(
        platform="slack", workspace="T1", channel="C1", at_time="09:00", zone="Europe/Paris",
        days="daily", director=None, owner="chat", set_by="U1", paused=None, next_due=5.0,
        updated_at=1.0, schedule="0 9 * * *",
    )  # fmt: skip
    opened = open_store(store_url)
    opened.subscribe(record)
    opened.save_installation("", "T1", '{"team_id": "T1"}', 2.0)
    opened.close()
    back_to_version_5(store_url)
    opened = open_store(store_url)
    try:
        assert opened.schema_version() == SCHEMA_VERSION == 6
        assert opened.subscriptions() == [record]
        assert opened.installation("", "T1") == '{"team_id": "T1"}'
        kept = opened.suggest(new(), T0)
        assert opened.decide(kept.id, "approved", "M1", T0 + 1)
        assert [s.id for s in opened.approved("discord", "G1")] == [kept.id]
    finally:
        opened.close()
