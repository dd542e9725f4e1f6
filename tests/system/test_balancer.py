"""Several instances behind a real load balancer: HAProxy (.ci/balancer) on 127.0.0.1 in
front of three `quotebot run --http` processes sharing one PostgreSQL; signed Slack and
Ed25519-signed Discord requests through it; an instance killed mid-run; the daily post."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.discord import CHANNEL_ID, MANAGER_PERMISSIONS, TOKEN, FakeDiscord
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers
from tests.fixtures import DISCORD_PUBLIC_KEY as PUBLIC_KEY
from tests.fixtures import ROOT, Bot, start_bot
from tests.fixtures import discord_signed as signed

BALANCER = ROOT / ".ci" / "balancer"
INSTANCES = 3
SLACK_CHANNEL = "C0FILMCLB1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def need_haproxy() -> None:
    if shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("HAProxy is not installed: .ci/run installs it (.ci/balancer install)")
    pytest.skip("no HAProxy here: .ci/balancer install")


class Cluster:
    def __init__(self, url: str, bots: list[Bot], slack: FakeSlack, discord: FakeDiscord):
        self.url, self.bots, self.slack, self.discord = url, bots, slack, discord

    async def slack_command(
        self, body: str, headers: dict[str, str], within: float | None = None
    ) -> tuple[int, str]:
        # within: as Slack does, give up on an answer that takes longer than that.
        timeout = aiohttp.ClientTimeout(total=within)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(f"{self.url}/slack/events", data=body.encode(), headers=headers) as r,
        ):
            await r.read()
            return r.status, r.headers.get("X-Quotebot-Instance", "")

    async def jonze(self, within: float | None = None) -> tuple[int, str]:
        body = form_body(self.slack.command_payload("/jonze", "editing"))
        return await self.slack_command(body, signed_headers(body), within)

    async def discord_interaction(self, interaction: dict[str, Any]) -> tuple[int, Any]:
        body = json.dumps(interaction).encode()
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.url}/discord/interactions", data=body, headers=signed(body)) as r,
        ):
            return r.status, await r.json()


@pytest.fixture
async def cluster(postgres_url: str, tmp_path: Path) -> AsyncIterator[Cluster]:
    need_haproxy()
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    # The quote of the day's slot came five minutes ago: every instance wants to post it.
    then = datetime.now(UTC) - timedelta(minutes=5)
    config = tmp_path / "quotebot.toml"
    config.write_text(
        f'[daily]\nschedule = "{then.minute} {then.hour} * * *"\ntimezone = "UTC"\n'
        f'targets = ["discord:{CHANNEL_ID}", "slack:{SLACK_CHANNEL}"]\n'
    )
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "DISCORD_TOKEN": TOKEN,
           "DISCORD_API_BASE": discord.api_base, "DISCORD_PUBLIC_KEY": PUBLIC_KEY,
           "QUOTEBOT_DB": postgres_url, "QUOTEBOT_CONFIG": str(config)}  # fmt: skip
    ports = [free_port() for _ in range(INSTANCES)]
    bots = [await start_bot("run", "--http", str(port), env=env) for port in ports]
    for bot in bots:
        await bot.slack_http()
        await bot.wait_for_log(r"Discord: answering interactions over HTTP")
    listen = free_port()
    started = subprocess.run(
        [str(BALANCER), "start", str(listen), *map(str, ports)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    try:
        yield Cluster(started.stdout.strip(), bots, slack, discord)
    finally:
        subprocess.run([str(BALANCER), "stop", str(listen)], check=False, timeout=30)
        for bot in bots:
            if bot.process.returncode is None:
                await bot.stop()
        await slack.stop()
        await discord.stop()


async def test_any_instance_answers_slack_and_discord_through_the_balancer(cluster):
    answered = [await cluster.jonze() for _ in range(12)]
    assert all(status == 200 for status, _ in answered)
    assert len({who for _, who in answered}) == INSTANCES  # round robin: all three
    status, answer = await cluster.discord_interaction(
        cluster.discord.command("jonze", topic="editing")
    )
    assert status == 200 and answer["data"]["embeds"][0]["author"]["name"] == "Spike Jonze"


async def test_a_request_replayed_through_the_balancer_is_refused_by_the_next_instance(cluster):
    body = form_body(cluster.slack.command_payload("/jonze", "editing"))
    headers = signed_headers(body)
    first, again = (
        await cluster.slack_command(body, headers),
        await cluster.slack_command(body, headers),
    )
    assert first[0] == 200 and again[0] == 401
    assert first[1] != again[1]  # two instances: the memory is the store's, not a process's


def elsewhere(interaction: dict[str, Any]) -> dict[str, Any]:
    """The interaction, from a channel quotebot.toml does not name."""
    interaction["channel_id"] = interaction["channel"]["id"] = "3000000000000000077"
    return interaction


async def test_qotd_set_on_one_instance_is_shown_by_another(cluster):
    setting = cluster.discord.subcommand("qotd", "set", MANAGER_PERMISSIONS, time="09:00",
                                         timezone="Europe/Paris")  # fmt: skip
    status, answer = await cluster.discord_interaction(elsewhere(setting))
    assert status == 200 and answer["data"]["content"].startswith("Quote of the day set")
    for _ in range(INSTANCES):
        status, shown = await cluster.discord_interaction(
            elsewhere(cluster.discord.subcommand("qotd", "show", MANAGER_PERMISSIONS))
        )
        assert "every day at 09:00 Europe/Paris" in shown["data"]["content"]


async def test_killing_an_instance_mid_run_loses_no_request(cluster):
    statuses = []
    for n in range(45):
        if n == 15:
            cluster.bots[1].process.send_signal(signal.SIGKILL)
        statuses.append((await cluster.jonze())[0])
    # One at a time, so nothing was in flight when it died: HAProxy sends what the dead
    # instance cannot take to another one.
    assert Counter(statuses) == Counter({200: 45})


async def test_a_hung_instance_loses_no_request_within_slacks_3_s(cluster):
    # SIGSTOP: the hung instance's socket still takes connections (the kernel queues
    # them), so HAProxy sends it requests that nothing reads; each must be tried again on
    # another instance in time for Slack, which gives up after 3 s.
    hung = cluster.bots[0].process
    hung.send_signal(signal.SIGSTOP)
    try:
        answered = [await cluster.jonze(within=3.0) for _ in range(2 * INSTANCES)]
    finally:
        hung.send_signal(signal.SIGCONT)
    assert [status for status, _ in answered] == [200] * (2 * INSTANCES)
    assert len({who for _, who in answered}) == INSTANCES - 1  # all but the hung one


async def test_three_instances_post_the_daily_quote_once(cluster):
    for bot in cluster.bots:
        await bot.wait_for_log(r"daily: next slot")  # each has run its first round
    assert len(cluster.slack.messages) == 1
    assert [m["channel_id"] for m in cluster.discord.messages] == [CHANNEL_ID]


async def test_killing_an_instance_under_concurrent_load_loses_at_most_what_was_in_flight(
    cluster,
):
    import asyncio

    workers, each = 6, 15
    statuses: list[int] = []
    killed = asyncio.Event()

    async def worker(n: int) -> None:
        for i in range(each):
            if n == 0 and i == 5:
                cluster.bots[2].process.send_signal(signal.SIGKILL)
                killed.set()
            statuses.append((await cluster.jonze())[0])

    await asyncio.gather(*(worker(n) for n in range(workers)))
    assert killed.is_set() and len(statuses) == workers * each
    # At most the requests the killed instance held when it died (one per worker at most);
    # HAProxy also tries again those it never answered (retry-on empty-response).
    assert statuses.count(200) >= workers * each - workers
