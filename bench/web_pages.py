"""A quote's page (its permalink) from the HTTP front at 100,000 quotes (issue 23).

Not a test: ``python bench/web_pages.py [--quotes 100000] [--rounds 5] [--requests 2000]``.
The pages are mounted on an HttpFront in this process, served on loopback by aiohttp, and
asked for one at a time over a kept-alive connection, each a random quote's permalink
(the book compiled first, as `quotebot run` opens it; the ID index made before timing).
Each round gives p50 and p99 of the whole round trip (the client's part included, so the
server's own is less); the line gives the median over rounds with the spread (min-max).
Target: p99 under 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_speed import synthetic_book  # noqa: E402
from bench.common import summary  # noqa: E402

TARGET_MS = 5.0


async def measure(quotes: int, rounds: int, requests: int) -> list[tuple[float, float]]:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.adapters.http.server import HttpFront
    from bot.adapters.web.routes import mount
    from bot.book import quote_id
    from bot.book.loader import load_book

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "quotes").mkdir()
        synthetic_book(work / "quotes", quotes, random.Random(quotes))
        load_book([work / "quotes"])  # compiles it
        book = load_book([work / "quotes"]).book
        commands = {d.name: d.command for d in book}
        rng = random.Random(1)
        picked = [book.quotes[rng.randrange(len(book.quotes))] for _ in range(requests)]
        paths = [f"/{commands[q.director]}/q/{quote_id(q)}/" for q in picked]
        front = HttpFront("127.0.0.1", 0)
        mount(front, lambda: book, {"QUOTEBOT_PUBLISHED_IDS": str(work / "ids.txt")})
        results = []
        async with TestClient(TestServer(front.app)) as client:
            assert (await client.get(paths[0])).status == 200  # the index, made once
            for _ in range(rounds):
                latencies = []
                for path in paths:
                    started = time.perf_counter()
                    response = await client.get(path)
                    await response.read()
                    latencies.append((time.perf_counter() - started) * 1000)
                    assert response.status == 200
                results.append(summary(latencies))
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()
    results = asyncio.run(measure(args.quotes, args.rounds, args.requests))
    p50s, p99s = [r[0] for r in results], [r[1] for r in results]
    p99 = statistics.median(p99s)
    print(
        f"quote page at {args.quotes} quotes: p50 {statistics.median(p50s):.2f} ms "
        f"({min(p50s):.2f}-{max(p50s):.2f}), p99 {p99:.2f} ms ({min(p99s):.2f}-{max(p99s):.2f}) "
        f"over {args.rounds} rounds of {args.requests}; target p99 under {TARGET_MS:.0f} ms: "
        f"{'met' if p99 < TARGET_MS else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
