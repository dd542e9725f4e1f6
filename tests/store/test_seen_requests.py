"""The replay guard's memory in one statement, on both back ends: a request is first-time
exactly once however many store objects race for it, an expired row is taken over by
the request offered again, and what has expired is swept away in the background (at most
every SWEEP_S, a batch at a time). On PostgreSQL: a call costs its one statement (no
check of the connection first), and a killed backend costs no failed call. (The
PostgreSQL cases are system tests.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.store import open_store
from bot.store import request_tables as tables
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore
from tests.store.test_replay_memory import remembered, seen_ago

Opened = SQLiteStore | PostgresStore
WINDOW = 300.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(where: str) -> Iterator[Opened]:
    opened = open_store(where)
    yield opened
    opened.close()


def swept(store: Opened) -> None:
    """Wait for the sweep under way, if any (its thread is the store's to start)."""
    if store._sweeper is not None:
        store._sweeper.join()


def together(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Every job in a thread of its own, all released at once: what each gave."""
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
        thread.join()
    return results


def test_two_stores_racing_for_a_request_see_it_first_time_exactly_once(where):
    stores = [open_store(where), open_store(where)]
    try:
        keys = [f"slack:v0=new-{n}" for n in range(6)]
        expired = [f"slack:v0=old-{n}" for n in range(6)]
        for key in expired:  # offered again after their window: taken over, once
            seen_ago(where, key, WINDOW + 60)
        offered = [k for k in keys + expired for _ in range(2)]
        jobs = [partial(s.first_time, k, WINDOW) for k in offered for s in stores]
        results = together(jobs)
        assert not [r for r in results if isinstance(r, Exception)]
        for key in keys + expired:
            firsts = [r for r, k in zip(results, [k for k in offered for _ in stores],
                                        strict=True) if k == key and r]  # fmt: skip
            assert len(firsts) == 1, key
        assert all(not s.first_time(k, WINDOW) for s in stores for k in keys + expired)
    finally:
        for opened in stores:
            opened.close()


def test_an_expired_row_is_taken_over_by_the_request_offered_again(where, store):
    assert store.first_time("slack:v0=now", WINDOW)
    swept(store)  # the first call's sweep; the next is SWEEP_S away
    seen_ago(where, "slack:v0=old", WINDOW + 1)
    assert "slack:v0=old" in remembered(where)  # not swept: the row is there
    assert store.first_time("slack:v0=old", WINDOW)
    assert not store.first_time("slack:v0=old", WINDOW)  # seen now, by the database's clock
    assert store._sweeper is not None and store._sweeper.is_alive() is False


def test_what_expired_is_swept_in_the_background_at_most_every_sweep_s(where, store):
    seen_ago(where, "slack:v0=gone", WINDOW + 60)
    seen_ago(where, "slack:v0=kept", WINDOW - 60)
    assert store.first_time("slack:v0=mine", WINDOW)
    first = store._sweeper
    assert first is not None
    swept(store)
    assert remembered(where) == {"slack:v0=kept", "slack:v0=mine"}
    seen_ago(where, "slack:v0=gone-later", WINDOW + 60)
    assert store.first_time("slack:v0=mine-too", WINDOW)
    assert store._sweeper is first  # not due again yet
    assert "slack:v0=gone-later" in remembered(where)
    store._sweep_due = 0.0  # SWEEP_S later
    assert store.first_time("slack:v0=and-mine", WINDOW)
    assert store._sweeper is not first
    swept(store)
    assert "slack:v0=gone-later" not in remembered(where)


def test_a_sweep_deletes_a_batch_at_a_time_until_none_is_left(where, store, monkeypatch):
    monkeypatch.setattr(tables, "SWEEP_ROWS", 2)
    for n in range(5):
        seen_ago(where, f"slack:v0=old-{n}", WINDOW + n + 1)
    seen_ago(where, "slack:v0=recent", 1)
    assert store.forget_seen(WINDOW) == 5
    assert remembered(where) == {"slack:v0=recent"}
    assert store.forget_seen(WINDOW) == 0


def test_a_failed_sweep_fails_no_call(store, monkeypatch):
    def fails(window: float) -> int:
        raise RuntimeError("the database said no")

    monkeypatch.setattr(store, "forget_seen", fails)
    assert store.first_time("slack:v0=a", WINDOW)
    swept(store)
    assert not store.first_time("slack:v0=a", WINDOW)


# PostgreSQL: what a call costs on the wire, and a killed backend.


def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What this thread sends through Connection.execute from now on (the checks and the
    statements; psycopg's BEGIN and COMMIT go another way)."""
    sent: list[str] = []
    real = psycopg.Connection.execute
    me = threading.current_thread()

    def spy(self: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is me:
            sent.append(str(query).split(" ", 1)[0])
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", spy)
    return sent


def test_on_postgres_a_request_is_one_statement_without_a_check(postgres_url, monkeypatch):
    store = open_store(postgres_url)
    try:
        assert store.first_time("slack:v0=warm", WINDOW)  # its pool's first connection
        swept(store)
        sent = statements(monkeypatch)
        for n in range(5):
            with store.within(2.0):
                assert store.first_time(f"slack:v0={n}", WINDOW)
        assert sent == ["INSERT"] * 5
    finally:
        store.close()


def kill_backends(url: str) -> int:
    """Terminate every other backend on ``url``'s database, waiting until each is gone."""
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


@pytest.mark.parametrize("looked_at", [True, False], ids=["found-on-lending", "found-on-use"])
def test_on_postgres_a_killed_backend_costs_no_failed_call(postgres_url, monkeypatch, looked_at):
    store = open_store(postgres_url)
    assert isinstance(store, PostgresStore)
    try:
        racing = [False]  # the next lending finds nothing: killed after it looked
        if not looked_at:
            real = store._quiet

            def raced(db: Any, give_up: float, waited: float | None) -> bool:
                if racing[0]:
                    racing[0] = False
                    return True
                return real(db, give_up, waited)

            monkeypatch.setattr(store, "_quiet", raced)
        went: list[bool] = []
        judged = store._went_away

        def judge(db: Any, alarm: Any) -> bool:
            went.append(judged(db, alarm))
            return went[-1]

        monkeypatch.setattr(store, "_went_away", judge)
        day = date(2026, 11, 25)
        assert store.first_time("slack:v0=before", WINDOW)
        assert store.claim(day, "slack:C1", "a", 100.0, 600)
        swept(store)
        for _ in range(2):  # the second time, on connections made after the first
            assert kill_backends(postgres_url) >= 2  # both pools' connections
            racing[0] = True
            with store.within(2.0):
                assert not store.first_time("slack:v0=before", WINDOW)  # one statement
            store.issue_state("state-1", 9e9)
            assert kill_backends(postgres_url) >= 1
            racing[0] = True
            with store.within(2.0):
                assert store.consume_state("state-1", 1.0)  # a transaction
            assert kill_backends(postgres_url) >= 1
            racing[0] = True
            with store.within(2.0):
                assert not store.claim(day, "slack:C1", "b", 200.0, 600)
        # Made once more on another connection: every call whose lending did not see it.
        assert went == ([] if looked_at else [True] * 6)
    finally:
        store.close()


def test_on_postgres_a_call_cut_by_its_deadline_is_not_made_again(postgres_url, monkeypatch):
    store = open_store(postgres_url)
    try:
        assert store.first_time("slack:v0=warm", WINDOW)
        swept(store)
        with psycopg.connect(postgres_url, autocommit=True) as locker, locker.transaction():
            locker.execute("LOCK TABLE seen_requests IN ACCESS EXCLUSIVE MODE")
            sent = statements(monkeypatch)
            with store.within(0.3), pytest.raises(TimeoutError, match=r"within 0\.3 s"):
                store.first_time("slack:v0=held", WINDOW)
            assert sent == ["INSERT"]  # once: whether it ran is the server's to say
        with store.within(2.0):
            store.first_time("slack:v0=after", WINDOW)  # the store is fine
    finally:
        store.close()


def test_several_requests_in_one_statement_each_first_time_once(where, store):
    seen_ago(where, "slack:v0=old", WINDOW + 60)
    assert store.first_time("slack:v0=seen", WINDOW)
    offered = ["slack:v0=new", "slack:v0=seen", "slack:v0=old", "slack:v0=new", "slack:v0=b"]
    assert store.first_times(offered, WINDOW) == {"slack:v0=new", "slack:v0=old", "slack:v0=b"}
    assert store.first_times(offered, WINDOW) == set()


@pytest.mark.system  # (PostgreSQL)
async def test_on_postgres_requests_that_come_together_are_asked_together(postgres_url):
    from bot.adapters.http.replay import ReplayGuard, shared_memory
    from tests.store.test_replay_memory import opened

    desks = [opened(postgres_url), opened(postgres_url)]
    calls: list[int] = []
    for desk in desks:
        real = desk.store.call

        def counted(use: Any, within: float = 0.5, real: Any = real) -> Any:
            calls.append(1)
            return real(use, within)

        desk.store.call = counted  # type: ignore[method-assign]
    try:
        guards = [ReplayGuard(shared=shared_memory(desk), kind="slack") for desk in desks]
        keys = [f"v0=together-{n}" for n in range(20)]
        offers = [(guard, key) for key in keys for guard in guards for _ in range(2)]
        answers = await asyncio.gather(*(g.first_time_anywhere(k) for g, k in offers))
        for key in keys:
            assert sum(a for (_, k), a in zip(offers, answers, strict=True) if k == key) == 1
        assert len(calls) < len(offers) / 4  # 80 requests, a handful of statements
        assert not await guards[0].first_time_anywhere("v0=together-3")
    finally:
        for desk in desks:
            desk.close()
