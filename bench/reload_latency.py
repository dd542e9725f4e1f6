"""How long answers stall while SIGHUP reloads a large quote book.

Not a test: run ``python bench/reload_latency.py`` and read the figures. Target (issues 9
and 25): the longest answer gap during a reload of a 100,000-quote book under 50 ms, for
the two cases a reload meets: ``unchanged`` (the files as they were: the compiled book
is a cache hit) and ``edited`` (a quote file edited before each reload: the book is
compiled again from the YAML, the case an operator's SIGHUP usually is).

Each round reloads the book once per case and way, alternating which way goes first:
through quotebot's Reloader (load, swap and free in a worker thread) and the old way
(load and swap on the loop) as the peer. Meanwhile a ticker answers `/director0 topic1`
every millisecond and records how late each answer came; a round reports the longest
stall and the 99th percentile, the reload's wall time and the process CPU it used.
Medians and spreads over the rounds close the run, with the target beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
CASES = ("unchanged", "edited")
Result = tuple[float, float, float, float]


async def stalls_during(reload: Callable[[], Awaitable[None]], answerer: Answerer) -> Result:
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
    await asyncio.sleep(0.05)  # the first answers from the new book count too
    done.set()
    await ticking
    ordered = sorted(stalls)
    return ordered[-1], ordered[int(len(ordered) * 0.99)], wall, cpu


class Editor:
    """Edits one quote file before each reload, as an operator would: one quote's text
    changed (a new word each time), so the book's key changes and it is compiled again."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "director0.yaml"
        self.original = self.path.read_text(encoding="utf-8")
        self.edits = 0

    def edit(self) -> None:
        self.edits += 1
        edited = self.original.replace("text: '0-0 ", f"text: '0-0 edit{self.edits} ", 1)
        self.path.write_text(edited, encoding="utf-8")


async def run(folder: Path, rounds: int, cases: list[str]) -> None:
    answerer = Answerer(load_book([folder]).book, random.Random(1))
    answerer.warm_up()
    reloader = Reloader(answerer, folder)
    editor = Editor(folder)

    async def in_a_thread() -> None:
        reloader.request()
        await reloader.wait()

    async def on_the_loop() -> None:
        loaded = load_book([folder])
        answerer.book = loaded.book

    ways = {"worker thread": in_a_thread, "on the loop": on_the_loop}
    results: dict[tuple[str, str], list[Result]] = {(c, w): [] for c in cases for w in ways}
    print(f"{'round':>5} {'case':<9} {'way':<14} {'longest ms':>10} {'p99 ms':>7} "
          f"{'reload s':>8} {'cpu s':>6}")  # fmt: skip
    for n in range(rounds):
        order = list(ways) if n % 2 == 0 else list(reversed(ways))
        for case in cases:
            for name in order:
                if case == "edited":
                    editor.edit()
                result = await stalls_during(ways[name], answerer)
                results[case, name].append(result)
                print(
                    f"{n + 1:>5} {case:<9} {name:<14} {result[0]:>10.1f} {result[1]:>7.2f} "
                    f"{result[2]:>8.2f} {result[3]:>6.2f}",
                    flush=True,
                )
    print()
    for (case, name), rows in results.items():
        longest = [r[0] for r in rows]
        p99 = [r[1] for r in rows]
        print(
            f"{case:<9} {name:<14} longest gap median {statistics.median(longest):6.1f} ms "
            f"(rounds {min(longest):.1f}-{max(longest):.1f}), p99 {statistics.median(p99):.2f} "
            f"ms; reload {statistics.median(r[2] for r in rows):.2f} s wall, "
            f"{statistics.median(r[3] for r in rows):.2f} s CPU"
        )
    for case in cases:
        best = statistics.median(r[0] for r in results[case, "worker thread"])
        verdict = "met" if best < TARGET_MS else "NOT met"
        print(f"target ({case}): longest gap < {TARGET_MS:.0f} ms (median): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--case", choices=(*CASES, "both"), default="both")
    args = parser.parse_args()
    cases = list(CASES) if args.case == "both" else [args.case]
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache:
        os.environ["QUOTEBOT_CACHE"] = cache  # never the user's own cache
        folder = Path(tmp)
        synthetic_book(folder, args.quotes, random.Random(1))
        asyncio.run(run(folder, args.rounds, cases))


if __name__ == "__main__":
    main()
