"""Throughput and latency through a real load balancer. Not a test:
``python bench/balancer.py [--db URL]`` (default: $QUOTEBOT_TEST_PG, as .ci/postgres starts).

Three ``quotebot run slack --http`` instances share one PostgreSQL (the replay guard, so
every request is a database write too); HAProxy (.ci/balancer) runs three frontends, in
front of one, two and three of them. This process signs and sends real slash-command
requests (each signature different), at a fixed concurrency, to one instance directly
and through each frontend, in alternating rounds. Reported per set-up: requests per
second, p50 and p99 latency, and the CPU per request of the quotebot instances and
HAProxy (PostgreSQL's own is not counted) beside the wall time, medians of the rounds
with their spread.

Nothing is pinned: on a 2-core machine the instances, HAProxy, PostgreSQL and this load
generator share both cores, and the figures say where that saturates.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import summary  # noqa: E402
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, form_body, signed_headers  # noqa: E402

BALANCER = ROOT / ".ci" / "balancer"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of these processes so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


async def instance(port: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "slack", "--http", str(port),
        env={**os.environ, **env}, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    while b"Slack: answering over HTTP" not in (line := await process.stderr.readline()):
        if not line:
            raise RuntimeError("an instance did not start")
    _draining.add(asyncio.ensure_future(_drain(process.stderr)))
    return process


_draining: set[asyncio.Future[None]] = set()


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass


async def load(
    url: str, fake: FakeSlack, requests: int, concurrency: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        for _ in counter:
            body = form_body(fake.command_payload("/jonze", "editing"))
            headers = signed_headers(body)
            sent = time.perf_counter()
            async with session.post(f"{url}/slack/events", data=body, headers=headers) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append((time.perf_counter() - sent) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return latencies, requests / (time.perf_counter() - began)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get(
        "QUOTEBOT_TEST_PG", "postgresql://postgres@127.0.0.1:54329/postgres"))  # fmt: skip
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    fake = await FakeSlack().start()
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": fake.api_url, "QUOTEBOT_DB": args.db,
           "QUOTEBOT_CONFIG": "/nonexistent/quotebot.toml"}  # fmt: skip
    ports = [free_port() for _ in range(3)]
    processes = [await instance(port, env) for port in ports]
    fronts: dict[str, tuple[str, list[int]]] = {"direct, 1": (f"http://127.0.0.1:{ports[0]}", [])}
    listens = []
    try:
        for n in (1, 2, 3):
            listen = free_port()
            listens.append(listen)
            url = subprocess.run(
                [str(BALANCER), "start", str(listen), *map(str, ports[:n])],
                capture_output=True, text=True, check=True,
            ).stdout.strip()  # fmt: skip
            pid = int(Path(f"/tmp/quotebot-ci-lb/{listen}.pid").read_text().split()[0])
            fronts[f"haproxy, {n}"] = (url, [pid])
        for url, _ in fronts.values():  # warm up: connections, caches, health checks
            await load(url, fake, 200, args.concurrency)
        results: dict[str, dict[str, list[float]]] = {name: {} for name in fronts}
        for _ in range(args.rounds):
            for name, (url, balancer) in fronts.items():
                pids = [p.pid for p in processes] + balancer
                cpu = cpu_seconds(pids)
                latencies, rate = await load(url, fake, args.requests, args.concurrency)
                spent = (cpu_seconds(pids) - cpu) / args.requests * 1000
                p50, p99 = summary(latencies)
                for key, value in (("rps", rate), ("p50", p50), ("p99", p99), ("cpu", spent)):
                    results[name].setdefault(key, []).append(value)
        print(f"{args.requests} signed /jonze requests a round, concurrency "
              f"{args.concurrency}, {args.rounds} alternating rounds; instances share "
              f"PostgreSQL; {os.cpu_count()} cores")  # fmt: skip
        print(f"{'set-up':<11} {'req/s':>17} {'p50 ms':>15} {'p99 ms':>17} "
              f"{'server CPU ms/req':>19}")  # fmt: skip
        for name, figures in results.items():
            cells = []
            for key in ("rps", "p50", "p99", "cpu"):
                values = figures[key]
                cells.append(f"{statistics.median(values):7.1f} ({min(values):.1f}-"
                             f"{max(values):.1f})")  # fmt: skip
            print(f"{name:<11} " + " ".join(f"{c:>17}" for c in cells))
    finally:
        for listen in listens:
            subprocess.run([str(BALANCER), "stop", str(listen)], check=False)
        for process in processes:
            process.terminate()
            await process.wait()
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
