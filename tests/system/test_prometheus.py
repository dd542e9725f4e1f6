"""A real Prometheus (.ci/prometheus: Debian's package) scrapes a running ``quotebot run
slack --http 0`` on loopback: the signed commands sent and the daily round's post are in
its series, asked for through its HTTP API; the store stopped, the store gauge falls and
the alert of docs/alerts.yml goes pending. The log, meanwhile, is one JSON object a line."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.fixtures import ROOT, post_command, start_bot

PROMETHEUS = ROOT / ".ci" / "prometheus"
CHANNEL = "C0FILMCLB1"
DEADLINE_S = 30.0


def need_prometheus() -> None:
    if shutil.which("prometheus") and shutil.which("promtool"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Prometheus is not installed: .ci/run installs it (.ci/prometheus install)")
    pytest.skip("no Prometheus here: .ci/prometheus install")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Prometheus:
    def __init__(self, url: str) -> None:
        self.url = url

    async def query(self, expr: str) -> list[dict[str, Any]]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{self.url}/api/v1/query", params={"query": expr}) as response,
        ):
            answer = await response.json()
        assert answer["status"] == "success", answer
        found: list[dict[str, Any]] = answer["data"]["result"]
        return found

    async def value(self, expr: str) -> float | None:
        result = await self.query(expr)
        return float(result[0]["value"][1]) if result else None

    async def until(self, expr: str, holds: Callable[[float | None], bool]) -> float | None:
        """Ask until ``holds(value)``, within DEADLINE_S (a scrape a second)."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            got = await self.value(expr)
            if holds(got):
                return got
            assert time.monotonic() < deadline, f"{expr} is still {got}"
            await asyncio.sleep(0.2)


async def until(check: Callable[[], Awaitable[bool]] | Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        done = check()
        if not isinstance(done, bool):
            done = await done
        if done:
            return
        assert time.monotonic() < deadline
        await asyncio.sleep(0.1)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


async def test_prometheus_scrapes_answers_daily_posts_and_the_store_going(
    slack: FakeSlack, postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    need_prometheus()
    then = datetime.now(UTC) - timedelta(minutes=5)  # today's slot came: the round posts it
    config = tmp_path / "quotebot.toml"
    config.write_text(
        f'[daily]\nschedule = "{then.minute} {then.hour} * * *"\ntimezone = "UTC"\n'
        f'targets = ["slack:{CHANNEL}"]\n'
    )
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "QUOTEBOT_DB": postgres_url,
           "QUOTEBOT_CONFIG": str(config), "QUOTEBOT_LOG_FORMAT": "json"}  # fmt: skip
    bot = await start_bot("run", "slack", "--http", "0", env=env)
    prom_port = free_port()
    try:
        base = await bot.slack_http()
        port = base.rsplit(":", 1)[1]
        started = subprocess.run(
            [str(PROMETHEUS), "start", str(prom_port), port, str(ROOT / "docs" / "alerts.yml")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert started.returncode == 0, started.stderr
        prometheus = Prometheus(started.stdout.strip())

        for text in ("editing", "editing", "writing", "zzzz-no-such-topic"):
            status, _ = await post_command(base, slack, text)
            assert status == 200
        await until(lambda: len(slack.messages) == 1)  # the quote of the day, posted

        answers = 'sum(quotebot_answers_total{platform="slack"})'
        assert await prometheus.until(answers, lambda v: v == 4) == 4
        miss = 'quotebot_answers_total{platform="slack",kind="miss",outcome="miss"}'
        assert await prometheus.value(miss) == 1
        count = 'quotebot_answer_seconds_count{platform="slack"}'
        assert await prometheus.until(count, lambda v: v == 4) == 4
        posted = 'quotebot_daily_posts_total{platform="slack",outcome="posted"}'
        assert await prometheus.until(posted, lambda v: v == 1) == 1
        last_good = "quotebot_daily_last_good_round_timestamp_seconds"
        assert await prometheus.until(last_good, lambda v: (v or 0) > then.timestamp())
        serving = 'quotebot_platform_state{platform="slack",state="serving"}'
        assert await prometheus.until(serving, lambda v: v == 1) == 1
        assert await prometheus.until("quotebot_store_up", lambda v: v == 1) == 1
        assert (await prometheus.value("quotebot_book_quotes") or 0) > 0
        assert await prometheus.value('up{job="quotebot"}') == 1

        # The store goes: its database refuses connections, and those open are ended.
        name = postgres_url.rsplit("/", 1)[1]
        admin_url = postgres_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        assert await prometheus.until("quotebot_store_up", lambda v: v == 0) == 0
        pending = 'ALERTS{alertname="QuotebotStoreUnreachable",alertstate="pending"}'
        assert await prometheus.until(pending, lambda v: v == 1) == 1
        errors = "sum(quotebot_store_errors_total)"
        assert (await prometheus.value(errors) or 0) > 0
    finally:
        subprocess.run([str(PROMETHEUS), "stop", str(prom_port)], check=False, timeout=30)
        if bot.process.returncode is None:
            assert await bot.stop() == 0
    lines = [json.loads(line) for line in bot.log.splitlines() if line.strip()]
    assert lines and all(line["logger"] and line["event"] for line in lines)
    post = [line for line in lines if line["logger"] == "quotebot.daily" and "outcome" in line]
    assert [(line["platform"], line["outcome"]) for line in post] == [("slack", "posted")]
    assert BOT_TOKEN not in bot.log and SIGNING_SECRET not in bot.log
