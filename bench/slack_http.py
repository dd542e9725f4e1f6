"""Latency and throughput of quotebot's Slack HTTP mode beside a minimal bolt app.

Not a test: ``python bench/slack_http.py``. Both servers run as their own processes on
127.0.0.1 with bolt's signature verification on; this process signs and sends real
slash-command requests (Slack's form fields) and times each response. The target from
issue 3: quotebot costs no more than 1.2x the floor (a bolt app acking a constant).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402

# Servers on the last core, this load generator (and the fake Slack) on the others, so
# that the two do not take turns on one core and blur the comparison.
_CPUS = sorted(os.sched_getaffinity(0))
SERVER_CPUS = {_CPUS[-1]} if len(_CPUS) > 1 else set()
CLIENT_CPUS = set(_CPUS[:-1]) if len(_CPUS) > 1 else set()
TEXTS = ["editing", "edting", "cutting", "rehearsal", "technology", "topics", "zzz", ""]


async def start(args: list[str], env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env={**os.environ, **env}, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    if SERVER_CPUS:
        os.sched_setaffinity(process.pid, SERVER_CPUS)
    streams = [s for s in (process.stdout, process.stderr) if s is not None]
    pending = {asyncio.ensure_future(s.readline()): s for s in streams}
    while pending:
        done, _ = await asyncio.wait(pending, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        if not done:
            raise RuntimeError(f"{args} did not start")
        for future in done:
            stream = pending.pop(future)
            line = future.result().decode()
            found = re.search(r"listening on (http://[\d.]+:\d+)/slack/events", line)
            if found:
                for other in pending:
                    other.cancel()
                return process, found.group(1)
            if line:
                pending[asyncio.ensure_future(stream.readline())] = stream
    raise RuntimeError(f"{args} exited before listening")


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
            start = time.perf_counter()
            async with session.post(f"{base}/slack/events", data=body, headers=headers) as resp:
                await resp.read()
                assert resp.status == 200, resp.status
            latencies.append((time.perf_counter() - start) * 1000)

    async with aiohttp.ClientSession() as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return latencies, requests / elapsed


def summary(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    parser.add_argument("--text", action="append", help="ask only this (repeatable)")
    args = parser.parse_args()
    if args.text:
        TEXTS[:] = args.text
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)
    fake = await FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url}  # fmt: skip
    # "floor" acks a constant with bolt's settings as quotebot sets them; "bolt-dflt" is
    # the same with bolt's defaults, to show what process_before_response saves.
    same = {**env, "FLOOR_PROCESS_BEFORE_RESPONSE": "1"}
    servers = {
        "floor": await start(["bench/slack_floor.py"], same),
        "bolt-dflt": await start(["bench/slack_floor.py"], env),
        "quotebot": await start(["-m", "bot", "run", "slack", "--http", "0"], env),
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
            process.terminate()
            await process.wait()
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
