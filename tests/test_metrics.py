"""The metrics (bot.metrics): counts move on answers, presses, replays, daily posts, store
failures, restarts and reloads; the page is prometheus_client's text format; no input can
add a series (hostile command names, 10,000 distinct texts); off means off."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.adapters import observed
from bot.answers import Answerer
from bot.app import observing
from bot.app.supervisor import supervise
from bot.book.loader import load_book
from bot.daily.poster import Result
from bot.daily.scheduler import _counted
from bot.daily.settings_file import Target
from bot.store.errors import StoreUnavailable
from bot.store.shared import SharedStore
from tests.adapters.http.loopback import (
    exchange,
    front,
    post,
    signed_discord,
    signed_slack,
    slash_command,
)
from tests.fakes.discord import FakeDiscord
from tests.fixtures import QUOTES


@pytest.fixture
def live() -> Iterator[None]:
    assert metrics.start({})
    yield
    metrics.stop()


def samples() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the page, parsed by prometheus_client's own parser."""
    page, content_type = metrics.exposition()
    assert content_type.startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(page.decode())
        for s in family.samples
    }


def value(name: str, **labels: str) -> float:
    return samples().get((name, tuple(sorted(labels.items()))), 0.0)


def ours() -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    return {key for key in samples() if key[0].startswith("quotebot_")}


def test_off_until_started_and_off_when_told() -> None:
    metrics.stop()  # (an in-process quotebot run of another test may have started them)
    metrics.ANSWERS.inc("slack", "exact", "ok")  # no-op: not started
    assert not metrics.is_on()
    assert not metrics.start({"QUOTEBOT_METRICS": "off"})
    assert b"off" in metrics.exposition()[0]


async def test_answers_and_presses_counted_on_both_platforms(live: None) -> None:
    fake = FakeDiscord()
    async with front() as instance:
        for n, text in enumerate(("editing", "zzzz-no-such-topic")):
            body = slash_command(text, n)
            status, _ = await exchange(
                instance.port, post("/slack/events", body, signed_slack(body))
            )
            assert status == 200
        body = json.dumps(fake.command("jonze")).encode()
        status, raw = await exchange(
            instance.port, post("/discord/interactions", body, signed_discord(body))
        )
        assert status == 200
        rows = json.loads(raw)["data"]["components"]
        another = next(b["custom_id"] for r in rows for b in r["components"] if b["type"] == 2)
        press = json.dumps(fake.component(another, message_flags=64)).encode()
        status, _ = await exchange(
            instance.port, post("/discord/interactions", press, signed_discord(press))
        )
        assert status == 200
    slack = sum(v for (n, labels), v in samples().items()
                if n == "quotebot_answers_total" and ("platform", "slack") in labels)  # fmt: skip
    assert slack == 2
    assert value("quotebot_answers_total", platform="slack", kind="miss", outcome="miss") == 1
    assert value("quotebot_answers_total", platform="discord", kind="any", outcome="ok") == 1
    assert value("quotebot_answer_seconds_count", platform="slack") == 2
    assert value("quotebot_button_presses_total", platform="discord", action="another") == 1
    assert value("quotebot_http_connections") == 0  # every connection closed again


def test_replays_counted(live: None) -> None:
    from bot.adapters.http.replay import ReplayGuard

    guard = ReplayGuard(kind="slack")
    assert guard.first_time("sig") and not guard.first_time("sig")
    assert value("quotebot_replay_refusals_total", platform="slack") == 1


def test_store_failures_fall_and_answers_rise(live: None, tmp_path) -> None:
    from bot.store.sqlite import SQLiteStore

    def broken() -> SQLiteStore:
        raise OSError("no such database")

    down = SharedStore(broken)
    for _ in range(2):
        with pytest.raises((OSError, StoreUnavailable)):
            down.call(lambda store: store.ping())
    assert value("quotebot_store_up") == 0
    errors = {dict(k[1])["error"]: v for k, v in samples().items()
              if k[0] == "quotebot_store_errors_total"}  # fmt: skip
    assert sum(errors.values()) == 2 and errors.get("unavailable") == 1
    up = SharedStore(lambda: SQLiteStore(tmp_path / "state.db"))
    up.call(lambda store: store.ping())
    assert value("quotebot_store_up") == 1
    assert value("quotebot_store_call_seconds_count") == 3
    up.drop()


def test_daily_posts_by_outcome(live: None) -> None:
    target = Target("slack", "C0FILMCLUB")
    for outcome, closed in [("posted", False), ("already posted", False), ("failed", False),
                            ("failed", True), ("gave up for now", False)]:  # fmt: skip
        _counted(Result(target, outcome, channel_closed=closed))  # type: ignore[arg-type]
    for label in ("posted", "already_there", "failed", "paused", "retrying"):
        assert value("quotebot_daily_posts_total", platform="slack", outcome=label) == 1


async def test_restarts_and_state(live: None, monkeypatch: pytest.MonkeyPatch) -> None:
    stop = asyncio.Event()

    class Flaky:
        name = "slack"
        tries = 0

        async def start(self) -> None: ...

        async def serve(self, stop_: asyncio.Event) -> None:
            self.tries += 1
            if self.tries == 1:
                raise RuntimeError("gateway closed")
            assert value("quotebot_platform_state", platform="slack", state="serving") == 1
            stop.set()

        async def refresh(self) -> None: ...

        async def close(self) -> None: ...

    monkeypatch.setattr("bot.app.supervisor.FIRST_BACKOFF_S", 0.0)
    assert await supervise(Flaky(), stop) is None
    assert value("quotebot_platform_restarts_total", platform="slack") == 1
    assert value("quotebot_platform_state", platform="slack", state="stopped") == 1
    assert value("quotebot_platform_state", platform="slack", state="serving") == 0


def test_reloads(live: None) -> None:
    book = load_book([QUOTES]).book
    observing.reloaded(book, kept_new=True)
    observing.reloaded(book, kept_new=False)
    assert value("quotebot_book_reloads_total", outcome="ok") == 1
    assert value("quotebot_book_reloads_total", outcome="failed") == 1
    assert value("quotebot_book_last_reload_ok") == 0
    assert value("quotebot_book_quotes") == len(book.quotes) > 0
    assert value("quotebot_book_last_reload_timestamp_seconds") > 0


HOSTILE = ["/" + "x" * 5000, '/"}\n# HELP', "/ja\x00nze", "/\u202ejonze", "", "/jonze\nfoo"]


def test_no_input_adds_a_series(live: None) -> None:
    answerer = Answerer(load_book([QUOTES]).book)
    commands = ["jonze", "quote", *HOSTILE]
    for command in commands:  # every kind of answer once
        for text in ("", "editing", "edting", "ed", "light", "qwzx"):
            observed.answered("slack", answerer.answer(command.lstrip("/"), text), 0.0)
    before = ours()
    for n in range(10_000):
        command = commands[n % len(commands)].lstrip("/")
        observed.answered("slack", answerer.answer(command, f"qwzx {n} ✂ {n * 7919}"), 0.0)
        observed.answered(HOSTILE[n % len(HOSTILE)], f"kind{n}", 0.0)  # hostile labels
        observed.pressed("discord", n)  # not an action of quotebot's
        metrics.PRESSES.inc(f"platform{n}", f"action{n}")
        metrics.DAILY_POSTS.inc("slack", f"outcome {n}")
    after = ours()
    grown = {name for name, labels in after - before}
    # Only the catch-all "other" series of the hostile labels, once each, are new.
    assert all(("platform", "other") in labels or ("action", "other") in labels
               or ("outcome", "other") in labels or ("kind", "other") in labels
               for _, labels in after - before), grown  # fmt: skip
    assert len(after - before) <= 40
    allowed = {value for family in metrics.FAMILIES for values in family.labels.values()
               for value in values}  # fmt: skip
    for _, labels in after:
        for name, label in labels:
            assert name == "le" or label in allowed, (name, label)
    again = ours()
    for n in range(1_000):
        observed.answered("slack", answerer.answer("jonze", f"another {n}"), 0.0)
        metrics.PRESSES.inc(f"p{n}", f"a{n}")
    assert ours() == again


def test_suggestions_submitted_refused_and_decided(live: None, tmp_path) -> None:
    from bot.community import Review, read_press, review_id
    from bot.store import SuggestionRefused
    from bot.store.sqlite import SQLiteStore
    from tests.community.test_community import SAID, new

    shared = SharedStore(lambda: SQLiteStore(tmp_path / "state.db"))
    review = Review(shared)
    made = [review.submit(new(text=f"{SAID} ({n})")) for n in range(10)]
    with pytest.raises(SuggestionRefused):
        review.submit(new(text=f"{SAID} (10)"))
    shared.call(lambda s: s.set_verification(made[0].id, "found", "{}", 1.0))
    assert review.decide(read_press(review_id("ap", made[0].id)), "M1")[0]  # type: ignore[arg-type]
    assert not review.decide(read_press(review_id("rj", made[0].id)), "M2")[0]  # type: ignore[arg-type]
    shared.drop()
    assert value("quotebot_suggestions_total", platform="slack", event="submitted") == 10
    assert value("quotebot_suggestions_total", platform="slack", event="refused") == 1
    decided = "quotebot_suggestions_decided_total"
    assert value(decided, platform="slack", status="approved") == 1
    assert value(decided, platform="slack", status="conflict") == 1


async def test_metrics_of_their_own_server_and_on_the_front(tmp_path) -> None:
    """--metrics HOST:PORT: a server of its own; with --http, /metrics on that one too."""
    import aiohttp

    from bot.adapters.http.server import HttpFront
    from bot.app.wiring import make_desk
    from bot.daily.settings_file import load_config

    answerer = Answerer(load_book([QUOTES]).book)
    env = {"QUOTEBOT_DB": str(tmp_path / "state.db")}
    desk = make_desk(load_config(tmp_path / "none.toml", {}), env, answerer)
    front = HttpFront("127.0.0.1", 0)
    try:
        [own] = observing.metrics_services(env, front, ("127.0.0.1", 0), desk, answerer.book)
        assert own.name == "metrics" and "metrics /metrics" in front.labels
        ports: asyncio.Queue[int] = asyncio.Queue()
        stop = asyncio.Event()
        for server in (own, front):
            assert isinstance(server, HttpFront)
            server.on_listening = lambda _host, port: ports.put_nowait(port)
        serving = [asyncio.create_task(s.serve(stop)) for s in (own, front)]
        pages = []
        async with aiohttp.ClientSession() as session:
            for _ in serving:
                port = await asyncio.wait_for(ports.get(), 10)
                async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                    assert response.status == 200
                    assert response.headers["Content-Type"].startswith("text/plain")
                    pages.append(await response.text())
        stop.set()
        await asyncio.gather(*serving)
        for page in pages:
            assert "quotebot_store_up 1.0" in page  # pinged at the scrape
            assert f"quotebot_book_quotes {float(len(answerer.book.quotes))}" in page
        assert not observing.metrics_services({"QUOTEBOT_METRICS": "off"}, None, None, desk,
                                              answerer.book)  # fmt: skip
    finally:
        metrics.stop()
        desk.close()
