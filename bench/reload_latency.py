"""How long answers stall while SIGHUP reloads a large quote book.

Not a test: run ``python bench/reload_latency.py`` and read the figures. Target (issue
9): the longest answer during a reload of a 100,000-quote book under 50 ms (it was
2.3 s, the load running on the event loop). Each round reloads the same book twice,
alternating which way goes first: through quotebot's Reloader (load, swap and free in a
worker thread) and the old way (load and swap on the loop) as the peer. Meanwhile a
ticker answers `/director0 topic1` every millisecond and records how late each answer
came; a round reports the longest stall and the 99th percentile, the reload's wall time
and the process CPU it used. Medians and spreads over the rounds close the run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.answer_speed import synthetic_book
from bot.answers.answerer import Answerer, QuoteAnswer
from bot.app.supervisor import Reloader
from bot.book.loader import load_book

TARGET_MS = 50.0
TICK_S = 0.001


async def stalls_during(
    reload: Callable[[], Awaitable[None]], answerer: Answerer
) -> tuple[float, float, float, float]:
    """(longest stall ms, p99 stall ms, reload wall s, reload CPU s) for one reload."""
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        expected = time.perf_counter() + TICK_S
        while not done.is_set():
            await asyncio.sleep(TICK_S)
            answer = answerer.answer("director0", "topic1")
            assert isinstance(answer, QuoteAnswer)
            now = time.perf_counter()
            stalls.append(max(0.0, now - expected) * 1e3)
            expected = now + TICK_S

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    cpu, wall = time.process_time(), time.perf_counter()
    await reload()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done.set()
    await ticking
    ordered = sorted(stalls)
    return ordered[-1], ordered[int(len(ordered) * 0.99)], wall, cpu


async def run(folder: Path, rounds: int) -> None:
    answerer = Answerer(load_book([folder]).book, random.Random(1))
    reloader = Reloader(answerer, folder)

    async def in_a_thread() -> None:
        reloader.request()
        await reloader.wait()

    async def on_the_loop() -> None:
        loaded = load_book([folder])
        answerer.book = loaded.book

    ways = {"worker thread": in_a_thread, "on the loop": on_the_loop}
    results: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in ways}
    print(f"{'round':>5} {'way':<14} {'longest ms':>10} {'p99 ms':>7} {'reload s':>8} {'cpu s':>6}")
    for n in range(rounds):
        order = list(ways) if n % 2 == 0 else list(reversed(ways))
        for name in order:
            result = await stalls_during(ways[name], answerer)
            results[name].append(result)
            print(
                f"{n + 1:>5} {name:<14} {result[0]:>10.1f} {result[1]:>7.2f} {result[2]:>8.2f} "
                f"{result[3]:>6.2f}",
                flush=True,
            )
    for name, rows in results.items():
        longest = [r[0] for r in rows]
        print(
            f"{name}: longest stall median {statistics.median(longest):.1f} ms "
            f"(rounds {min(longest):.1f}-{max(longest):.1f}); reload "
            f"{statistics.median(r[2] for r in rows):.2f} s wall, "
            f"{statistics.median(r[3] for r in rows):.2f} s CPU"
        )
    best = statistics.median(r[0] for r in results["worker thread"])
    print(f"target: longest stall < {TARGET_MS:.0f} ms: {'met' if best < TARGET_MS else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        synthetic_book(folder, args.quotes, random.Random(1))
        asyncio.run(run(folder, args.rounds))


if __name__ == "__main__":
    main()
