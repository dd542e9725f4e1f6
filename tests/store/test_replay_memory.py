"""The replay guard's memory in the state store, on both back ends: instances sharing one
SQLite file or one PostgreSQL refuse each other's replays, and the memory is kept by the
database's clock, so an instance whose own clock runs ahead forgets nothing the others
still need. (The PostgreSQL cases are system tests.)"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
import pytest

from bot.adapters.http.replay import WINDOW_S, ReplayGuard, shared_memory, stored_key
from bot.app.wiring import make_desk
from bot.daily.desk import QotdDesk
from bot.daily.settings_file import DailyConfig
from bot.store import open_store
from bot.store.sqlite import SQLiteStore
from tests.fixtures import ROOT


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def desks(where: str) -> Iterator[list[QotdDesk]]:
    """Two instances' desks, as `quotebot run` makes them, on one state store."""
    made = [opened(where) for _ in range(2)]
    yield made
    for desk in made:
        desk.close()


def opened(where: str) -> QotdDesk:
    """A desk as `quotebot run` makes it, its store opened (run opens it at start)."""
    desk = make_desk(DailyConfig(), {"QUOTEBOT_DB": where}, None)  # type: ignore[arg-type]
    desk.store.open_soon().result(timeout=30)
    return desk


def guard(desk: QotdDesk) -> ReplayGuard:
    return ReplayGuard(shared=shared_memory(desk), kind="slack")


def seen_ago(where: str, request: str, seconds: float) -> None:
    """Record ``request`` as seen ``seconds`` ago by the database's clock (as another
    instance would have, that long ago)."""
    if where.startswith("postgresql://"):
        with psycopg.connect(where, autocommit=True) as db:
            db.execute(
                "INSERT INTO seen_requests VALUES (%s, EXTRACT(EPOCH FROM now()) - %s)",
                (request, seconds),
            )
        return
    with sqlite3.connect(where) as lite:
        lite.execute(
            "INSERT INTO seen_requests VALUES (?, (julianday('now') - 2440587.5) * 86400.0 - ?)",
            (request, seconds),
        )
    lite.close()


def remembered(where: str) -> set[str]:
    if where.startswith("postgresql://"):
        with psycopg.connect(where) as db:
            return {row[0] for row in db.execute("SELECT request FROM seen_requests")}
    with sqlite3.connect(where) as lite:
        found = {row[0] for row in lite.execute("SELECT request FROM seen_requests")}
    lite.close()
    return found


async def test_instances_on_one_store_refuse_each_others_replays(desks):
    # Either back end: a SQLite file is shared by the processes on its machine as a
    # PostgreSQL is by the instances behind the balancer.
    one, other = guard(desks[0]), guard(desks[1])
    assert await one.first_time_anywhere("v0=captured")
    assert not await other.first_time_anywhere("v0=captured")
    assert not await one.first_time_anywhere("v0=captured")
    assert await other.first_time_anywhere("v0=another")


# An instance of its own: its process's wall clock four minutes ahead of everyone's, and
# the same clock given to its guard.
AHEAD = """
import asyncio, sys, time
real = time.time
time.time = lambda: real() + 240
from bot.adapters.http.replay import ReplayGuard, shared_memory
from bot.app.wiring import make_desk
from bot.daily.settings_file import DailyConfig
desk = make_desk(DailyConfig(), {"QUOTEBOT_DB": sys.argv[1]}, None)
desk.store.open_soon().result(timeout=30)
guard = ReplayGuard(clock=time.time, shared=shared_memory(desk), kind="slack")
print(asyncio.run(guard.first_time_anywhere(sys.argv[2])))
desk.close()
"""


@pytest.mark.system  # the fast instance is a process of its own
async def test_an_instance_whose_clock_runs_ahead_forgets_nothing_the_others_need(where, desks):
    one = guard(desks[0])  # opens the store (and migrates it)
    assert await one.first_time_anywhere("v0=opening")
    seen_ago(where, stored_key("slack", "v0=two-minutes-ago"), 120)  # still within the five minutes
    seen_ago(where, stored_key("slack", "v0=six-minutes-ago"), WINDOW_S + 60)  # past them
    # The fast instance answers a request of its own: the store forgets what is old...
    ahead = subprocess.run(
        [sys.executable, "-c", AHEAD, where, "v0=its-own"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (ahead.returncode, ahead.stdout.strip()) == (0, "True"), ahead.stderr
    kept = remembered(where)
    assert stored_key("slack", "v0=its-own") in kept  # it did write to the shared memory
    # ...by the database's clock: what another instance saw two minutes ago is still
    # refused everywhere; what was seen six minutes ago is forgotten.
    assert stored_key("slack", "v0=two-minutes-ago") in kept
    assert stored_key("slack", "v0=six-minutes-ago") not in kept
    other = guard(desks[1])
    assert not await other.first_time_anywhere("v0=two-minutes-ago")
    assert await other.first_time_anywhere("v0=six-minutes-ago")


def test_the_store_keeps_a_request_for_its_window_by_its_own_clock(where):
    store = open_store(where)
    try:
        assert store.first_time("slack:v0=abc", 300.0)
        assert not store.first_time("slack:v0=abc", 300.0)
        assert store.first_time("discord:abc", 300.0)  # another platform's
        seen_ago(where, "slack:v0=old", 301)
        assert store.first_time("slack:v0=old", 300.0)  # forgotten after the window
        seen_ago(where, "slack:v0=recent", 299)
        assert not store.first_time("slack:v0=recent", 300.0)
    finally:
        store.close()


@pytest.mark.system  # a second quotebot process
async def test_a_sqlite_replay_is_refused_by_another_process_on_the_same_file(tmp_path):
    where = str(tmp_path / "state.db")
    desk = opened(where)
    try:
        assert await guard(desk).first_time_anywhere("v0=captured")
        again = subprocess.run(
            [sys.executable, "-c", AHEAD.replace("+ 240", "+ 0"), where, "v0=captured"],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert (again.returncode, again.stdout.strip()) == (0, "False"), again.stderr
    finally:
        desk.close()


async def test_on_sqlite_the_guard_writes_from_the_loop_without_a_worker_thread(tmp_path):
    # The SQLite file's memory costs the loop a write, not a hop to a worker thread: with
    # the only worker thread taken, the guard still answers (a hop would wait for ever).
    desk = opened(str(tmp_path / "state.db"))
    # The first request starts the store's sweep of what expired (a thread of its own,
    # holding the file a moment): done before the only worker thread is taken.
    assert await guard(desk).first_time_anywhere("v0=first")
    await swept(desk)
    async with only_worker_taken():
        one, other = guard(desk), guard(desk)
        assert await asyncio.wait_for(one.first_time_anywhere("v0=captured"), 10)
        assert not await asyncio.wait_for(other.first_time_anywhere("v0=captured"), 10)
    desk.close()


async def swept(desk: QotdDesk) -> None:
    """Wait for the sweep the first request started (a thread of its own)."""
    sweeper = desk.store.call(lambda store: store._sweeper)  # type: ignore[attr-defined]
    await asyncio.to_thread(sweeper.join)


@asynccontextmanager
async def only_worker_taken() -> AsyncIterator[None]:
    """The loop's only worker thread busy for the block: a hop to it would wait for ever."""
    loop = asyncio.get_running_loop()
    gate = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as workers:
        loop.set_default_executor(workers)
        taken = loop.run_in_executor(None, gate.wait)
        try:
            yield
        finally:
            gate.set()
            await taken


async def test_on_sqlite_the_requests_of_one_turn_are_remembered_in_one_statement(tmp_path):
    # Under load the handlers of one turn of the loop each ask the guard: one statement
    # answers them all, on the loop (the only worker thread is taken), each its own answer.
    desk = opened(str(tmp_path / "state.db"))
    shared = guard(desk)
    assert await shared.first_time_anywhere("v0=first")
    await swept(desk)
    statements: list[str] = []
    quick = desk.store.call(lambda store: store._quick)  # type: ignore[attr-defined]
    quick.set_trace_callback(statements.append)
    keys = [f"v0=turn-{n}" for n in range(40)] + ["v0=turn-3", "v0=first"]
    async with only_worker_taken():
        answers = await asyncio.wait_for(
            asyncio.gather(*(shared.first_time_anywhere(k) for k in keys)), 10
        )
    desk.close()
    assert answers == [True] * 40 + [False, False]  # a request twice in the turn: once
    assert len([s for s in statements if s.startswith("INSERT")]) == 1


OLD_SHAPE = """DROP TABLE seen_requests;
CREATE TABLE seen_requests (request TEXT PRIMARY KEY, seen_at DOUBLE PRECISION NOT NULL);
CREATE INDEX seen_requests_at ON seen_requests (seen_at);"""


def test_a_sqlite_file_keeps_the_seen_requests_in_one_b_tree_and_sweeps_it(tmp_path):
    where = str(tmp_path / "state.db")
    SQLiteStore(where).close()
    with sqlite3.connect(where) as lite:  # as the migrations (and an older quotebot) made it
        lite.executescript(OLD_SHAPE)
    lite.close()
    seen_ago(where, "slack:recent", 10)
    seen_ago(where, "slack:old", WINDOW_S + 100)
    store = SQLiteStore(where)
    try:
        with sqlite3.connect(where) as lite:
            made = lite.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        lite.close()
        tables = {name: sql for kind, name, sql in made if kind == "table"}
        assert "WITHOUT ROWID" in tables["seen_requests"]
        assert "seen_requests_at" not in {name for kind, name, _ in made if kind == "index"}
        assert remembered(where) == {"slack:recent", "slack:old"}  # kept through the rebuild
        assert store.forget_seen(WINDOW_S) == 1  # by the database's clock
        assert remembered(where) == {"slack:recent"}
        assert not store.first_time("slack:recent", WINDOW_S)
        assert store.first_time("slack:old", WINDOW_S)
    finally:
        store.close()
    SQLiteStore(where).close()  # opened again: already in its shape, left as it is
    assert remembered(where) == {"slack:recent", "slack:old"}


def test_a_store_in_memory_remembers_and_sweeps_on_its_one_connection():
    store = SQLiteStore(":memory:")
    try:
        assert store.first_time("slack:one", WINDOW_S)
        assert not store.first_time("slack:one", WINDOW_S)
        assert store.forget_seen(WINDOW_S) == 0
        assert store.forget_seen(-1) == 1  # everything is older than a second from now
        assert store.first_time("slack:one", WINDOW_S)
    finally:
        store.close()
