"""A quote card at 100,000 quotes (issue 23): drawn the first time, then from the cache.

Not a test: ``python bench/cards.py [--quotes 100000] [--cards 40] [--rounds 5]``.
A synthetic book is compiled and opened as ``quotebot run`` opens it; each round takes
``--cards`` random quotes, finds each by its ID (:func:`bot.book.find`, the route's
look-up) and draws its card into an empty cache (cold), then asks again (cached). The
process's first card (the fonts opened, their character maps read) is timed apart. The
book's size matters only for finding the quote. Each line: the median over rounds of
each round's median, with the spread (min-max). Target: a cold card under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_speed import synthetic_book  # noqa: E402

TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from bot.adapters.web.cards import render_card
    from bot.adapters.web.cards_cache import CardCache
    from bot.book import Quote, Source, find, quote_id
    from bot.book.loader import load_book

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "quotes"
        work.mkdir()
        synthetic_book(work, args.quotes, random.Random(args.quotes))
        load_book([work])  # compiles it
        book = load_book([work]).book
        find(book, "a" * 10)  # the ID index, made once
        started = time.perf_counter()
        render_card(Quote("D", "t", "映画 Кино κινηματογράφος", "", Source("s", "S")), CardCache())
        first = (time.perf_counter() - started) * 1000
        rng = random.Random(1)
        cold_rounds, cached_rounds, found_rounds = [], [], []
        for _ in range(args.rounds):
            cache = CardCache()
            picked = [book.quotes[rng.randrange(len(book.quotes))] for _ in range(args.cards)]
            ids = [quote_id(q) for q in picked]
            cold, cached, found = [], [], []
            for ident in ids:
                t0 = time.perf_counter()
                quote = find(book, ident)
                t1 = time.perf_counter()
                assert quote is not None
                render_card(quote, cache)
                t2 = time.perf_counter()
                render_card(quote, cache)
                t3 = time.perf_counter()
                found.append((t1 - t0) * 1000)
                cold.append((t2 - t0) * 1000)
                cached.append((t3 - t2) * 1000)
            cold_rounds.append(statistics.median(cold))
            cached_rounds.append(statistics.median(cached))
            found_rounds.append(statistics.median(found))

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<28} median {statistics.median(values):8.3f} ms"
            f"  (spread {min(values):.3f}-{max(values):.3f})"
        )

    print(f"quote cards, {args.quotes:,} quotes, {args.cards} cards x {args.rounds} rounds")
    print(f"{'the process first card':<28} {first:8.1f} ms  (fonts opened, cmaps read)")
    print(line("find by ID", found_rounds))
    print(line("cold (find + draw + PNG)", cold_rounds))
    print(line("cached (memory)", cached_rounds))
    median = statistics.median(cold_rounds)
    verdict = "met" if median < TARGET_MS else "NOT met"
    print(f"target: a cold card under {TARGET_MS:.0f} ms: {verdict} ({median:.1f} ms)")


if __name__ == "__main__":
    main()
