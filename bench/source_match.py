"""How much CPU looking for a quote in a 2 MB page takes (issue 22): a suggested quote is
checked against the page it came from, as ``check --verify`` checks the book's quotes.

Not a test: ``python bench/source_match.py [--rounds 7] [--runs 5]``. The page is 2 MB of
HTML: prose drawn from the seed interview's and the test articles' words (their own
frequencies, curly quotes and dashes), with a long tail of rarer made-up words as a real
page has, in paragraphs, with page chrome (navigation, scripts). A quote from the seed
is planted in the middle. The cases:

- found: the quote as it is on the page;
- one word changed: not found, the closest passage and a word diff;
- long, one word changed: a quote of 2,900 characters (the book's longest is 3,000);
- absent: words the page never has (no closest passage).

Timed as CPU (``time.process_time``): reading the page (its visible text, as paragraphs)
and folding it, once per page, and each case's match, the page already read (what
``check --verify`` does for a document's every quote). Rounds alternate the cases'
order; each round takes the median of its runs; the table gives the median over the
rounds with their spread (min-max). Target: under 200 ms of CPU, judged on the match and
on the whole way (read + fold + match: what one suggestion costs).
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.curation.source_match import match_quote, page_article, searchable  # noqa: E402

TARGET_MS = 200.0
PAGE_BYTES = 2_000_000
SEED = ROOT / "seeds" / "2013-09-tiff-in-conversation-spike-jonze.txt"
ARTICLES = ROOT / "tests" / "articles"
QUOTE = (
    "I didn’t know exactly what I was making. I was trying to find it along the way, and "
    "we cut for fourteen months — it was hard, and it was the best thing for the film."
)
CHROME = (
    '<nav><a href="/">Home</a> <a href="/films">Films</a> <a href="/about">About</a></nav>'
    "<script>window.dataLayer = window.dataLayer || []; dataLayer.push({page: 1});</script>"
)


def words() -> list[str]:
    """The seed's and the articles' words, each as often as they have it."""
    text = SEED.read_text("utf-8") + "".join(p.read_text("utf-8") for p in ARTICLES.glob("*.txt"))
    return re.findall(r"\S+", text)


def made_up(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def page(rng: random.Random) -> tuple[str, str]:
    """A 2 MB page with ``QUOTE`` in the middle, and a long quote taken from its text."""
    common = words()
    rare = [made_up(rng) for _ in range(20000)]
    texts: list[str] = []
    size = 0
    while size < PAGE_BYTES:
        chosen = [
            rng.choice(rare) if rng.random() < 0.15 else rng.choice(common) for _ in range(90)
        ]
        texts.append(" ".join(chosen))
        size += len(texts[-1].encode()) + 8
    middle = len(texts) // 2
    texts.insert(middle, f"As he put it: {QUOTE} And then we moved on.")
    body = "".join(
        f"<p>{text}</p>\n" + (CHROME if n % 20 == 7 else "") for n, text in enumerate(texts)
    )
    long_quote = " ".join(texts[middle + 3 : middle + 10])
    html = f"<!doctype html><html><head><title>A long page</title></head><body>{body}</body></html>"
    return html, long_quote[: long_quote.rfind(" ", 0, 2900)]


def changed(quote: str, rng: random.Random) -> str:
    """``quote`` with one word in its middle replaced."""
    pieces = quote.split(" ")
    pieces[len(pieces) // 2 + rng.randrange(3)] = "frobnicated"
    return " ".join(pieces)


def cpu_ms(work: Callable[[], object], runs: int) -> float:
    """The median CPU milliseconds of ``runs`` runs of ``work``."""
    times = []
    for _ in range(runs):
        began = time.process_time()
        work()
        times.append((time.process_time() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5, help="runs of each case per round")
    args = parser.parse_args()
    rng = random.Random(22)
    html, long_quote = page(rng)
    document = searchable(page_article(html, "https://example.org/page", True))
    cases = {
        "found": QUOTE,
        "one word changed": changed(QUOTE, rng),
        "long, one word changed": changed(long_quote, rng),
        "absent": "Zebras quarrel over marmalade whenever Tuesday forgets its umbrella.",
    }
    results = {name: match_quote(quote, document) for name, quote in cases.items()}
    print(f"page: {len(html.encode()):,} bytes of HTML, {len(document):,} characters of text")
    for name, result in results.items():
        said = "found" if result.found else f"not found, closest {len(result.passage)} chars"
        print(f"  {name:<24} ({len(cases[name]):,} chars): {said}; diff {result.diff[:60]!r}")

    article = page_article(html, "https://example.org/page", True)
    read: list[float] = []
    folded: list[float] = []
    alone: dict[str, list[float]] = {name: [] for name in cases}
    for n in range(args.rounds):
        order = list(cases) if n % 2 == 0 else list(reversed(cases))
        read.append(
            cpu_ms(functools.partial(page_article, html, "https://example.org/", True), args.runs)
        )
        folded.append(cpu_ms(functools.partial(searchable, article), args.runs))
        for name in order:
            alone[name].append(
                cpu_ms(functools.partial(match_quote, cases[name], document), args.runs)
            )
    print(
        f"the page, each time: read (visible text, paragraphs) {spread(read)} ms, "
        f"folded {spread(folded)} ms"
    )
    print(
        f"{'case':<24} {'match (ms)':>20} {'read + fold + match (ms)':>28}  < {TARGET_MS:.0f} ms?"
    )
    for name in cases:
        total = [r + f + m for r, f, m in zip(read, folded, alone[name], strict=True)]
        print(
            f"{name:<24} {spread(alone[name]):>20} {spread(total):>28}  "
            f"match {verdict(alone[name])}, whole way {verdict(total)}"
        )
    print(
        "(the fold is bot.book.model.fold, check --verify's: most of the whole way's time "
        "on a page this size)"
    )


def verdict(values: list[float]) -> str:
    return "met" if statistics.median(values) < TARGET_MS else "NOT met"


def spread(values: list[float]) -> str:
    """The median with the range: ``12.3 (11.9-13.0)``."""
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


if __name__ == "__main__":
    main()
