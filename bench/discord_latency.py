"""Time from an INTERACTION_CREATE frame to the interaction callback, quotebot beside a floor.

Not a test: ``python bench/discord_latency.py``. quotebot (``quotebot run discord``) and
the floor (bench/discord_floor.py: the same client class answering a constant string) run
as their own processes, each connected to its own fake Discord in this process over
loopback. For each interaction the clock starts as the frame is written to the gateway
websocket and stops when the callback POST reaches the fake's REST handler. The target
from issue 4: quotebot costs no more than 1.2x the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pin_client, start, stop, summary
from tests.fakes.discord import TOKEN, FakeDiscord

TOPICS = ["editing", "edting", "cutting", "rehearsal", "technology", "topics", "zzz", ""]
CONNECTED = r"shard 0 connected"


async def measure(fake: FakeDiscord, count: int, topics: list[str]) -> list[float]:
    """Milliseconds from frame to callback for ``count`` interactions, one at a time."""
    latencies = []
    for i in range(count):
        topic = topics[i % len(topics)]
        interaction = fake.command("jonze", **({"topic": topic} if topic else {}))
        sent = time.perf_counter()
        await fake.interact(interaction)
        latencies.append((time.perf_counter() - sent) * 1000)
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per client")
    parser.add_argument("--topic", action="append", help="ask only this topic (repeatable)")
    args = parser.parse_args()
    topics = args.topic or TOPICS
    pin_client()
    fakes = {"floor": await FakeDiscord().start(), "quotebot": await FakeDiscord().start()}
    programs = {"floor": ["bench/discord_floor.py"], "quotebot": ["-m", "bot", "run", "discord"]}
    processes = {}
    try:
        for name, fake in fakes.items():
            env = {"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": fake.api_base}
            processes[name], _ = await start(programs[name], env, CONNECTED)
            await fake.wait_ready()
        results: dict[str, list[float]] = {name: [] for name in fakes}
        for fake in fakes.values():  # warm up
            await measure(fake, 200, topics)
        for _ in range(args.rounds):
            for name, fake in fakes.items():
                results[name] += await measure(fake, args.interactions, topics)
    finally:
        for process in processes.values():
            await stop(process)
        for fake in fakes.values():
            await fake.stop()
    print(f"{args.rounds} rounds x {args.interactions} interactions, one at a time; "
          f"topics: {', '.join(repr(t) for t in topics)}")  # fmt: skip
    print(f"{'client':<9} {'median ms':>9} {'p99 ms':>7}")
    for name, latencies in results.items():
        median, p99 = summary(latencies)
        print(f"{name:<9} {median:>9.3f} {p99:>7.3f}")
    q, f = summary(results["quotebot"]), summary(results["floor"])
    print(f"quotebot / floor: median {q[0] / f[0]:.2f}x, p99 {q[1] / f[1]:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
