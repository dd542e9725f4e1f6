"""Latency and throughput of quotebot's Slack HTTP mode beside a minimal bolt app.

Not a test: ``python bench/slack_http.py``. Both servers run as their own processes on
127.0.0.1 with bolt's signature verification on; this process signs and sends real
slash-command requests (Slack's form fields) and times each response. The target from
issue 3: quotebot costs no more than 1.2x the floor (a bolt app acking a constant).
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

from bench.common import pin_client, start, stop, summary  # noqa: E402
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402

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
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
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
    results: dict[str, dict[str, list[float]]] = {name: {} for name in servers}
    try:
        for _, base in servers.values():  # warm up: auth.test, imports, caches
            await measure(base, fake, 200, args.concurrency)
        for _ in range(args.rounds):
            for name, (_, base) in servers.items():
                for mode, concurrency in (("sequential", 1), ("concurrent", args.concurrency)):
                    lat, rps = await measure(base, fake, args.requests, concurrency)
                    results[name].setdefault(f"{mode} latency", []).extend(lat)
                    results[name].setdefault(f"{mode} rps", []).append(rps)
    finally:
        for process, _ in servers.values():
            await stop(process)
        await fake.stop()
    print(f"{args.rounds} rounds x {args.requests} signed requests; concurrency 1 and "
          f"{args.concurrency}")  # fmt: skip
    print(f"{'server':<9} {'mode':<11} {'median ms':>9} {'p99 ms':>7} {'req/s':>7}")
    for name, data in results.items():
        for mode in ("sequential", "concurrent"):
            median, p99 = summary(data[f"{mode} latency"])
            rps = statistics.median(data[f"{mode} rps"])
            print(f"{name:<9} {mode:<11} {median:>9.2f} {p99:>7.2f} {rps:>7.0f}")
    for mode in ("sequential", "concurrent"):
        q, f = (
            summary(results["quotebot"][f"{mode} latency"]),
            summary(results["floor"][f"{mode} latency"]),
        )
        rps_ratio = statistics.median(results["floor"][f"{mode} rps"]) / statistics.median(
            results["quotebot"][f"{mode} rps"]
        )
        print(f"quotebot / floor, {mode}: median {q[0] / f[0]:.2f}x, p99 {q[1] / f[1]:.2f}x, "
              f"throughput cost {rps_ratio:.2f}x")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
