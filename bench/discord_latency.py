"""Time from an INTERACTION_CREATE frame to the interaction callback, quotebot beside a floor.

Not a test: ``python bench/discord_latency.py``. quotebot (``quotebot run discord``) and
the floor (bench/discord_floor.py: the same client class answering a constant string) run
as their own processes, each connected to its own fake Discord in this process over
loopback. For each interaction the clock starts as the frame is written to the gateway
websocket and stops when the callback POST reaches the fake's REST handler; each client's
CPU is read from /proc. Rounds alternate between the clients at 1, 16 and 64 interactions
in flight; each round's CPU ratio comes from the same round's pair. The target (issue
13): quotebot's CPU per interaction within 1.1x of the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pin_client, server_cpu, start, stop, summary, versus_floor
from tests.fakes.discord import TOKEN, FakeDiscord

TOPICS = ["editing", "edting", "cutting", "rehearsal", "technology", "topics", "zzz", ""]
CONNECTED = r"shard 0 connected"
# Issue 13: quotebot's CPU per interaction within 1.1x of the floor's.
TARGET = 1.1


async def measure(fake: FakeDiscord, count: int, topics: list[str], level: int) -> list[float]:
    """Milliseconds from frame to callback for ``count`` interactions, ``level`` in flight."""
    latencies: list[float] = []
    numbers = iter(range(count))

    async def worker() -> None:
        for i in numbers:
            topic = topics[i % len(topics)]
            interaction = fake.command("jonze", **({"topic": topic} if topic else {}))
            sent = time.perf_counter()
            await fake.interact(interaction)
            latencies.append((time.perf_counter() - sent) * 1000)

    await asyncio.gather(*(worker() for _ in range(level)))
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=2000)
    parser.add_argument("--levels", default="1,16,64", help="interactions in flight, e.g. 1,16")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds per client")
    parser.add_argument("--batches", type=int, default=6, help="turns per client in a round")
    parser.add_argument("--topic", action="append", help="ask only this topic (repeatable)")
    args = parser.parse_args()
    topics = args.topic or TOPICS
    levels = [int(n) for n in args.levels.split(",")]
    pin_client()
    fakes = {"floor": await FakeDiscord().start(), "quotebot": await FakeDiscord().start()}
    programs = {"floor": ["bench/discord_floor.py"], "quotebot": ["-m", "bot", "run", "discord"]}
    processes = {}
    results: dict[str, dict[int, dict[str, list[float]]]] = {name: {} for name in fakes}
    try:
        for name, fake in fakes.items():
            env = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": fake.api_base}
            processes[name], _ = await start(programs[name], env, CONNECTED)
            await fake.wait_ready()
        for fake in fakes.values():  # warm up
            await measure(fake, 300, topics, levels[-1])
        size = args.interactions // args.batches
        for _ in range(args.rounds):
            for level in levels:
                # Each client in turn, a batch at a time, then the next level.
                for _ in range(args.batches):
                    for name, fake in fakes.items():
                        pid = processes[name].pid
                        before = server_cpu(pid)
                        latencies = await measure(fake, size, topics, level)
                        figures = results[name].setdefault(level, {"latency": [], "cpu": []})
                        figures["latency"] += latencies
                        figures.setdefault("spent", []).append(server_cpu(pid) - before)
                for name in fakes:
                    figures = results[name][level]
                    per = sum(figures.pop("spent")) / (size * args.batches) * 1000
                    figures["cpu"].append(per)
    finally:
        for process in processes.values():
            await stop(process)
        for fake in fakes.values():
            await fake.stop()
    print(f"{args.rounds} alternating rounds x {args.interactions} interactions per client and "
          f"level; topics: {', '.join(map(repr, topics))}; client CPU from /proc")  # fmt: skip
    print(f"{'client':<9} {'level':>5} {'median ms':>9} {'p99 ms':>7} {'CPU ms/interaction':>24}")
    for name, by_level in results.items():
        for level in levels:
            median, p99 = summary(by_level[level]["latency"])
            cpu = by_level[level]["cpu"]
            print(f"{name:<9} {level:>5} {median:>9.3f} {p99:>7.3f} "
                  f"{statistics.median(cpu):>9.3f} ({min(cpu):.3f}-{max(cpu):.3f})")  # fmt: skip
    for level in levels:
        ours, floor = results["quotebot"][level], results["floor"][level]
        print(versus_floor(f"{level} in flight", ours, floor, TARGET))


if __name__ == "__main__":
    asyncio.run(main())
