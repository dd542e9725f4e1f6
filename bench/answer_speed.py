"""How fast quotebot loads a quote book and answers an ask, on synthetic books.

Not a test: run ``python bench/answer_speed.py`` and read the figures. Targets from
issue 2: answer p99 under 100 us at 100,000 quotes for exact and alias topics, under
1 ms for typos; 100,000 quotes load in under 2 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bot.answers.answerer import Answerer, QuoteAnswer
from bot.book.loader import load_book

WORDS = (
    "light", "camera", "actor", "scene", "frame", "cut", "edit", "story", "film", "shot",
    "sound", "music", "silence", "night", "city", "love", "fear", "memory", "dream", "time",
    "space", "colour", "lens", "crew", "script", "rehearse", "feeling",
)  # fmt: skip
TOPICS_PER_DIRECTOR = 20


def synthetic_book(folder: Path, quotes: int, rng: random.Random) -> None:
    """Write ``quotes`` quotes as director files of at most 1,000 quotes, 20 topics each.

    Written as text (the same YAML ``yaml.safe_dump`` would write, a hundred times faster),
    so that a million-quote book takes seconds to make."""
    per_file = min(quotes, 1_000)
    topics = min(per_file, TOPICS_PER_DIRECTOR)
    for d in range(quotes // per_file):
        lines = [
            f"director: Director {d}",
            f"command: director{d}",
            "sources:",
            "  s:",
            "    title: Synthetic Interview",
            "    document: synthetic.txt",
            "    date: 2000-01",
            "topics:",
        ]
        lines += [f"  topic{t}: [alias{t}a, alias{t}b, other words {t}]" for t in range(topics)]
        lines.append("quotes:")
        for q in range(per_file):
            text = f"{d}-{q} " + " ".join(rng.choices(WORDS, k=20))
            lines += [
                f"- topic: topic{q % topics}",
                f"  text: '{text}'",
                "  context: On something",
                "  source: s",
            ]
        (folder / f"director{d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def percentile(samples: list[int], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] / 1_000


def time_asks(answerer: Answerer, asks: list[tuple[str, str]]) -> tuple[float, float]:
    """Median and p99 microseconds per answer."""
    samples = []
    for command, text in asks:
        start = time.perf_counter_ns()
        answer = answerer.answer(command, text)
        samples.append(time.perf_counter_ns() - start)
        assert isinstance(answer, QuoteAnswer), answer
    return percentile(samples, 0.5), percentile(samples, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--asks", type=int, default=20_000, help="asks per kind (default 20000)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 1_000, 100_000])
    args = parser.parse_args()
    rng = random.Random(1)
    print(f"{'quotes':>8} {'load s':>7}  {'kind':<6} {'median us':>9} {'p99 us':>8}", flush=True)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            synthetic_book(folder, size, rng)
            start = time.perf_counter()
            loaded = load_book([folder])
            load_s = time.perf_counter() - start
        assert loaded.ok, loaded.problems[:3]
        answerer = Answerer(loaded.book, random.Random(2))
        directors = [d.command for d in loaded.book]
        topics = min(size, TOPICS_PER_DIRECTOR)
        kinds = {"exact": "topic{}", "alias": "alias{}b", "typo": "topci{}"}
        for kind, word in kinds.items():
            asks = [
                (rng.choice(directors), word.format(rng.randrange(topics)))
                for _ in range(args.asks)
            ]
            median, p99 = time_asks(answerer, asks)
            print(f"{size:>8} {load_s:>7.3f}  {kind:<6} {median:>9.1f} {p99:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
