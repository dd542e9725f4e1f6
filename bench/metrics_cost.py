"""What the metrics cost: server CPU per Slack and per Discord request with metrics on,
beside the same server with ``QUOTEBOT_METRICS=off``, in one run.

Not a test: ``python bench/metrics_cost.py``. Two ``quotebot run slack discord --http 0``
processes on 127.0.0.1 (bench.common pins them to the last core), one with metrics on and
one off; this process sends signed slash commands to /slack/events and signed
APPLICATION_COMMAND interactions to /discord/interactions. The servers take turns a batch
at a time within each round, and each round's ratio comes from that round's pair (noise
common to both cancels). Issue 24's target: metrics on within 1.05x of off, per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pin_client, server_cpu, start, stop, summary  # noqa: E402
from tests.fakes.discord import TOKEN, FakeDiscord  # noqa: E402
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402
from tests.fixtures import DISCORD_PUBLIC_KEY, discord_signed  # noqa: E402

TARGET = 1.05
TEXTS = ["editing", "edting", "cutting", "rehearsal", "technology", "topics", "zzz", ""]


def slack_request(fake: FakeSlack, i: int) -> tuple[str, bytes, dict[str, str]]:
    body = form_body(fake.command_payload("/jonze", TEXTS[i % len(TEXTS)]))
    return "/slack/events", body.encode(), signed_headers(body)


def discord_request(fake: FakeDiscord, i: int) -> tuple[str, bytes, dict[str, str]]:
    topic = TEXTS[i % len(TEXTS)]
    body = json.dumps(fake.command("jonze", **({"topic": topic} if topic else {}))).encode()
    return "/discord/interactions", body, discord_signed(body)


async def measure(
    base: str, requests: list[tuple[str, bytes, dict[str, str]]], level: int
) -> list[float]:
    latencies: list[float] = []
    queue = iter(requests)

    async def worker(session: aiohttp.ClientSession) -> None:
        for path, body, headers in queue:
            sent = time.perf_counter()
            async with session.post(base + path, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            latencies.append((time.perf_counter() - sent) * 1000)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(level)))
    return latencies


async def ready(base: str) -> None:
    """Until /readyz says every platform serves (Discord logs in after the server listens)."""
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.get(f"{base}/readyz") as response:
                if response.status == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base} never got ready")
            await asyncio.sleep(0.1)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2400, help="per server, platform and round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batches", type=int, default=6, help="turns per server in a round")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    pin_client()
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": slack.api_url, "DISCORD_TOKEN": TOKEN,
           "DISCORD_PUBLIC_KEY": DISCORD_PUBLIC_KEY,
           "DISCORD_API_BASE": discord.api_base}  # fmt: skip
    listening = r"listening on (http://[\d.]+:\d+)/slack/events"
    command = ["-m", "bot", "run", "slack", "discord", "--http", "0"]
    servers = {}
    for name, extra in (("on", {}), ("off", {"QUOTEBOT_METRICS": "off"})):
        db = {"QUOTEBOT_DB": str(Path("/tmp") / f"quotebot-bench-metrics-{name}.db")}
        process, found = await start(command, {**env, **db, **extra}, listening)
        servers[name] = (process, found.group(1))
    Request = tuple[str, bytes, dict[str, str]]
    makers: dict[str, Callable[[int], Request]] = {
        "slack": lambda i: slack_request(slack, i),
        "discord": lambda i: discord_request(discord, i),
    }
    cpu: dict[tuple[str, str], list[float]] = {}
    latency: dict[tuple[str, str], list[float]] = {}
    counter = iter(range(10**9))
    try:
        for _, base in servers.values():
            await ready(base)
            for make in makers.values():  # warm up: auth.test, imports, caches
                await measure(base, [make(next(counter)) for _ in range(300)], args.concurrency)
        size = args.requests // args.batches
        for _ in range(args.rounds):
            for platform, make in makers.items():
                spent = dict.fromkeys(servers, 0.0)
                for _ in range(args.batches):
                    for name, (process, base) in servers.items():
                        # Signed afresh for each server: a replay would be refused.
                        batch = [make(next(counter)) for _ in range(size)]
                        before = server_cpu(process.pid)
                        lat = await measure(base, batch, args.concurrency)
                        spent[name] += server_cpu(process.pid) - before
                        latency.setdefault((name, platform), []).extend(lat)
                for name in servers:
                    per = spent[name] / (size * args.batches) * 1000
                    cpu.setdefault((name, platform), []).append(per)
    finally:
        for process, _ in servers.values():
            await stop(process)
        await slack.stop()
        await discord.stop()
    print(
        f"{args.rounds} alternating rounds x {args.requests} signed requests per server and "
        f"platform, concurrency {args.concurrency}; server CPU per request from /proc"
    )
    print(f"{'platform':<8} {'metrics':<7} {'median ms':>9} {'p99 ms':>7} {'CPU ms/req':>11}")
    for (name, platform), figures in sorted(cpu.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        median, p99 = summary(latency[name, platform])
        middle, low, high = statistics.median(figures), min(figures), max(figures)
        print(
            f"{platform:<8} {name:<7} {median:>9.2f} {p99:>7.2f} "
            f"{middle:>11.3f} ({low:.3f}-{high:.3f})"
        )
    for platform in makers:
        ratios = [a / b for a, b in zip(cpu["on", platform], cpu["off", platform], strict=True)]
        middle = statistics.median(ratios)
        verdict = "met" if middle <= TARGET else "NOT met"
        print(
            f"{platform}: metrics on / off, CPU per request median {middle:.3f}x "
            f"(rounds {min(ratios):.3f}-{max(ratios):.3f}); target {TARGET}x: {verdict}"
        )


if __name__ == "__main__":
    asyncio.run(main())
