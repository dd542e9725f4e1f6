"""Latency and throughput of quotebot's Slack HTTP mode beside a minimal bolt app.

Not a test: ``python bench/slack_http.py``. Both servers run as their own processes on
127.0.0.1 with bolt's signature verification on; this process signs and sends real
slash-command requests (Slack's form fields) and times each response. The target (issue
13): quotebot's server CPU per request within 1.1x of the floor's (a bolt app acking a
constant) at concurrency 1, 16 and 64; within each round the servers take turns a batch at
a time, and each round's ratio is taken from the same round's pair.

``--quotes 100000`` adds a second quotebot serving the shipped book with that many
synthetic quotes beside it (bench/answer_speed.py's files, compiled before the rounds), asked
the same commands: issue 25's target is the same 1.1x, so that the book's size does not
show in the serving cost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_speed import synthetic_book  # noqa: E402
from bench.common import pin_client, server_cpu, start, stop, summary, versus_floor  # noqa: E402
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402

# Issues 13 and 25: quotebot's server CPU per request within 1.1x of the floor's, with the
# shipped book and with a big one.
TARGET = 1.1


def big_book(folder: Path, quotes: int) -> None:
    """The shipped quote files and ``quotes`` synthetic quotes beside them, compiled."""
    for path in (ROOT / "quotes").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    synthetic_book(folder, quotes, random.Random(1))
    subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from bot.book.loader import load_book; load_book([Path(sys.argv[1])])", str(folder)],
        check=True, cwd=ROOT,
    )  # fmt: skip


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
    parser.add_argument(
        "--quotes", type=int, default=0, help="also serve a book this many quotes bigger"
    )
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
    scratch = Path(tempfile.mkdtemp(prefix="quotebot-bench-slack-"))
    os.environ["QUOTEBOT_CACHE"] = str(scratch / "cache")
    run = ["-m", "bot", "run", "slack", "--http", "0"]
    kinds = [
        ("floor", ["bench/slack_floor.py"], same),
        ("bolt-dflt", ["bench/slack_floor.py"], env),
        ("quotebot", run, {**env, "QUOTEBOT_DB": str(scratch / "shipped.db")}),
    ]
    big = f"+{args.quotes // 1000}k" if args.quotes else ""
    if big:
        folder = scratch / "quotes"
        folder.mkdir()
        big_book(folder, args.quotes)
        kinds.append(
            (big, [*run, "--quotes", str(folder)], {**env, "QUOTEBOT_DB": str(scratch / "big.db")})
        )
    servers = {
        name: (process, found.group(1))
        for name, argv, environ in kinds
        for process, found in [await start(argv, environ, listening)]
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
        shutil.rmtree(scratch, ignore_errors=True)
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
    for name in ("quotebot", big) if big else ("quotebot",):
        book = f"shipped book + {args.quotes} quotes" if name == big else "the shipped book"
        for level in levels:
            ours, floor = results[name][f"c{level}"], results["floor"][f"c{level}"]
            print(versus_floor(f"{book}, concurrency {level}", ours, floor, TARGET))


if __name__ == "__main__":
    asyncio.run(main())
