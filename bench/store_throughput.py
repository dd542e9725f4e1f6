"""Throughput of ``quotebot run slack --http`` with its state store in PostgreSQL beside the
same server with its store in a SQLite file.

Not a test: ``python bench/store_throughput.py`` (PostgreSQL at $QUOTEBOT_TEST_PG, as
``.ci/postgres`` prints it; the bench makes a database of its own there and drops it
after). Two quotebot servers run as their own processes on 127.0.0.1, alike but for
QUOTEBOT_DB; this process signs and sends real slash-command requests, each of which the
replay guard remembers in the store. Within each round the two take turns a batch at a
time, and each round's ratio is taken from the same round's pair. The target (issue 25):
PostgreSQL's throughput at least 0.8x SQLite's at concurrency 32. Server CPU per request
is quotebot's process (user + system) and, for PostgreSQL, its backends' beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pin_client, server_cpu, start, stop, summary  # noqa: E402
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402

# Issue 25: PostgreSQL's throughput at least this much of SQLite's, at concurrency 32.
TARGET = 0.8
TEXTS = ["editing", "edting", "cutting", "rehearsal", "technology", "topics", "zzz", ""]
LISTENING = r"listening on (http://[\d.]+:\d+)/slack/events"


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


async def ready(base: str) -> None:
    """Wait until the server says it is ready (its store open, its handlers mounted)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            async with session.get(f"{base}/readyz") as resp:
                if resp.status == 200:
                    return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{base} never became ready")


def backend_cpu(admin: psycopg.Connection[tuple[object, ...]], database: str) -> float:
    """The CPU so far of every PostgreSQL backend connected to ``database`` (seconds)."""
    pids = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
    ).fetchall()
    total = 0.0
    for (pid,) in pids:
        try:
            total += server_cpu(int(str(pid)))
        except OSError:  # gone meanwhile, or another machine's
            pass
    return total


def spread(values: list[float], digits: int = 0) -> str:
    """The median, and the lowest and highest, as ``m (lo-hi)``."""
    m, lo, hi = statistics.median(values), min(values), max(values)
    return f"{m:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2400, help="per server and round")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds")
    parser.add_argument("--batches", type=int, default=4, help="turns per server in a round")
    parser.add_argument("--pg", default=os.environ.get("QUOTEBOT_TEST_PG", ""))
    args = parser.parse_args()
    if not args.pg:
        sys.exit("set QUOTEBOT_TEST_PG (or --pg) to a PostgreSQL URL: .ci/postgres prints one")
    pin_client()
    database = f"quotebot_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.pg, autocommit=True)
    admin.execute(f"CREATE DATABASE {database}")
    pg_url = args.pg.rsplit("/", 1)[0] + "/" + database
    folder = tempfile.TemporaryDirectory(prefix="quotebot-bench-")
    fake = await FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url}  # fmt: skip
    stores = {"postgres": pg_url, "sqlite": str(Path(folder.name) / "state.db")}
    servers: dict[str, tuple[asyncio.subprocess.Process, str]] = {}
    results: dict[str, dict[str, list[float]]] = {n: {} for n in stores}
    try:
        for name, where in stores.items():
            process, found = await start(
                ["-m", "bot", "run", "slack", "--http", "0"], {**env, "QUOTEBOT_DB": where},
                LISTENING,
            )  # fmt: skip
            servers[name] = (process, found.group(1))
            await ready(found.group(1))
        for _, base in servers.values():  # warm up: auth.test, imports, pools
            await measure(base, fake, 400, args.concurrency)
        size = args.requests // args.batches
        for _ in range(args.rounds):
            spent = dict.fromkeys(servers, 0.0)
            backends = dict.fromkeys(servers, 0.0)
            took = dict.fromkeys(servers, 0.0)
            for _ in range(args.batches):
                for name, (process, base) in servers.items():
                    pg_before = backend_cpu(admin, database) if name == "postgres" else 0.0
                    before, began = server_cpu(process.pid), time.perf_counter()
                    lat, _ = await measure(base, fake, size, args.concurrency)
                    took[name] += time.perf_counter() - began
                    spent[name] += server_cpu(process.pid) - before
                    if name == "postgres":
                        backends[name] += backend_cpu(admin, database) - pg_before
                    results[name].setdefault("latency", []).extend(lat)
            done = size * args.batches
            for name in servers:
                figures = results[name]
                figures.setdefault("rps", []).append(done / took[name])
                figures.setdefault("cpu", []).append(spent[name] / done * 1000)
                figures.setdefault("db_cpu", []).append(backends[name] / done * 1000)
    finally:
        for process, _ in servers.values():
            await stop(process)
        await fake.stop()
        folder.cleanup()
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()
    print(
        f"{args.rounds} alternating rounds x {args.requests} signed requests per server, "
        f"concurrency {args.concurrency}; CPU per request from /proc (user + system)"
    )
    print(f"{'store':<9} {'median ms':>9} {'p99 ms':>7} {'req/s (rounds)':>20} "
          f"{'quotebot CPU ms/req':>22} {'PostgreSQL CPU ms/req':>22}")  # fmt: skip
    for name, data in results.items():
        median, p99 = summary(data["latency"])
        db = spread(data["db_cpu"], 3) if name == "postgres" else "-"
        print(f"{name:<9} {median:>9.2f} {p99:>7.2f} {spread(data['rps']):>20} "
              f"{spread(data['cpu'], 3):>22} {db:>22}")  # fmt: skip
    pg, lite = results["postgres"], results["sqlite"]
    ratios = [p / s for p, s in zip(pg["rps"], lite["rps"], strict=True)]
    cpu = [p / s for p, s in zip(pg["cpu"], lite["cpu"], strict=True)]
    middle = statistics.median(ratios)
    verdict = "met" if middle >= TARGET else "NOT met"
    print(f"postgres / sqlite, concurrency {args.concurrency}: throughput median {middle:.2f}x "
          f"(rounds {min(ratios):.2f}-{max(ratios):.2f}); quotebot CPU per request "
          f"{statistics.median(cpu):.2f}x ({min(cpu):.2f}-{max(cpu):.2f}); "
          f"target >= {TARGET}x throughput: {verdict}")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
