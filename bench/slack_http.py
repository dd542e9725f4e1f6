"""Latency and throughput of quotebot's Slack HTTP mode beside a minimal bolt app.

Not a test: ``python bench/slack_http.py``. Both servers run as their own processes on
127.0.0.1 with bolt's signature verification on; this process signs and sends real
slash-command requests (Slack's form fields) and times each response. The target (issue
13): quotebot's server CPU per request within 1.1x of the floor's (a bolt app acking a
constant) at concurrency 1, 16 and 64; within each round the servers take turns a batch at
a time, and each round's ratio is taken from the same round's pair.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pin_client, server_cpu, start, stop, summary, versus_floor  # noqa: E402
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402

# Issue 13: quotebot's server CPU per request within 1.1x of the floor's.
TARGET = 1.1


TEXTS = ["editing", "edting", "cutting", "rehearsal", "technology", "topics", "zzz", ""]


async def measure(
    base: str, fake: FakeSlack, requests: int, concurrency: int
) -> tuple[list[float], float]:
    """Per-request latencies (ms) and requests per second."""
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in counter:
            body = form_body(fake.command_payload("/jonze", TEXTS[i % len(TEXTS)]))
            headers = signed_headers(body)
            sent = time.perf_counter()
            async with session.post(f"{base}/slack/events", data=body, headers=headers) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            latencies.append((time.perf_counter() - sent) * 1000)

    async with aiohttp.ClientSession() as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return latencies, requests / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--levels", default="1,16,64", help="concurrency levels, e.g. 1,16,64")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds per server")
    parser.add_argument("--batches", type=int, default=6, help="turns per server in a round")
    parser.add_argument("--text", action="append", help="ask only this (repeatable)")
    args = parser.parse_args()
    if args.text:
        TEXTS[:] = args.text
    pin_client()
    fake = await FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url}  # fmt: skip
    # "floor" acks a constant with bolt's settings as quotebot sets them; "bolt-dflt" is
    # the same with bolt's defaults, to show what process_before_response saves.
    same = {**env, "FLOOR_PROCESS_BEFORE_RESPONSE": "1"}
    listening = r"listening on (http://[\d.]+:\d+)/slack/events"
    servers = {
        name: (process, found.group(1))
        for name, args, environ in (
            ("floor", ["bench/slack_floor.py"], same),
            ("bolt-dflt", ["bench/slack_floor.py"], env),
            ("quotebot", ["-m", "bot", "run", "slack", "--http", "0"], env),
        )
        for process, found in [await start(args, environ, listening)]
    }
    results: dict[str, dict[str, dict[str, list[float]]]] = {name: {} for name in servers}
    levels = [int(n) for n in args.levels.split(",")]
    try:
        for _, base in servers.values():  # warm up: auth.test, imports, caches
            await measure(base, fake, 200, levels[-1])
        size = args.requests // args.batches
        for _ in range(args.rounds):
            for level in levels:
                # Alternating: each server in turn, a batch at a time, so that what else the
                # machine does in a round falls on every server alike; then the next level.
                spent = dict.fromkeys(servers, 0.0)
                took = dict.fromkeys(servers, 0.0)
                for _ in range(args.batches):
                    for name, (process, base) in servers.items():
                        before, began = server_cpu(process.pid), time.perf_counter()
                        lat, _ = await measure(base, fake, size, level)
                        took[name] += time.perf_counter() - began
                        spent[name] += server_cpu(process.pid) - before
                        figures = results[name].setdefault(f"c{level}", {})
                        figures.setdefault("latency", []).extend(lat)
                for name in servers:
                    figures = results[name][f"c{level}"]
                    figures.setdefault("rps", []).append(size * args.batches / took[name])
                    figures.setdefault("cpu", []).append(spent[name] / (size * args.batches) * 1000)
    finally:
        for process, _ in servers.values():
            await stop(process)
        await fake.stop()
    print(f"{args.rounds} alternating rounds x {args.requests} signed requests per server "
          f"and concurrency; server CPU per request from /proc (user + system)")  # fmt: skip
    print(f"{'server':<9} {'conc':>4} {'median ms':>9} {'p99 ms':>7} {'req/s':>7} "
          f"{'CPU ms/req (rounds)':>24}")  # fmt: skip
    for name, by_level in results.items():
        for level in levels:
            data = by_level[f"c{level}"]
            median, p99 = summary(data["latency"])
            cpu = data["cpu"]
            print(f"{name:<9} {level:>4} {median:>9.2f} {p99:>7.2f} "
                  f"{statistics.median(data['rps']):>7.0f} {statistics.median(cpu):>9.3f} "
                  f"({min(cpu):.3f}-{max(cpu):.3f})")  # fmt: skip
    for level in levels:
        ours, floor = results["quotebot"][f"c{level}"], results["floor"][f"c{level}"]
        print(versus_floor(f"concurrency {level}", ours, floor, TARGET))


if __name__ == "__main__":
    asyncio.run(main())
