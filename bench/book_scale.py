"""Start-up, memory and every kind of answer at 1k, 10k, 100k and 1M quotes (issue 13).

Not a test: ``python bench/book_scale.py [--sizes 1000 10000 ...] [--rounds 5]``.

Each round, for each size, two fresh processes run one after the other: quotebot (opening
its compiled book, kept from a first load before the rounds) and a naive peer (the YAML
read with PyYAML's C loader into lists of dicts, topics by dict, typos by difflib, words
by scanning every quote). Each process times its start, its memory, and for each kind of
answer the first ask, then the rest: wall time per ask (p50, p99) and CPU per ask. The
table gives the median over the rounds with the spread (min-max), and the targets (each
judged on the median; a round another process disturbed shows in the spread):
start under 0.3 s at 100k and 2 s at 1M, 400 MiB at 1M; every kind's p99, and its first
ask, under 1 ms up to 100k and 5 ms at 1M.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_speed import TOPICS_PER_DIRECTOR, WORDS, synthetic_book  # noqa: E402

KINDS = ("exact", "alias", "typo", "search", "miss", "quote", "quote_topic", "quote_words")


def asks(kind: str, directors: int, rng: random.Random) -> tuple[str, str]:
    """One ask of ``kind`` on a synthetic book of ``directors`` directors."""
    director = f"director{rng.randrange(directors)}"
    topic = rng.randrange(TOPICS_PER_DIRECTOR)
    words = " ".join(rng.sample(WORDS, rng.choice((1, 2, 3))))
    return {
        "exact": (director, f"topic{topic}"),
        "alias": (director, f"alias{topic}b"),
        "typo": (director, f"topci{topic}"),
        "search": (director, words),
        "miss": (director, f"xyzzy{rng.randrange(10**6)}"),
        "quote": ("quote", ""),
        "quote_topic": ("quote", f"topic{topic}"),
        "quote_words": ("quote", words),
    }[kind]


class Naive:
    """The peer: what a quote bot written in an afternoon does."""

    def __init__(self, folder: Path) -> None:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        self.directors: dict[str, dict[str, list[str]]] = {}
        self.aliases: dict[str, dict[str, str]] = {}
        self.everything: list[str] = []
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            topics: dict[str, list[str]] = {name: [] for name in data["topics"]}
            self.aliases[data["command"]] = {
                alias.lower(): name for name, words in data["topics"].items() for alias in words
            }
            for quote in data["quotes"]:
                topics[quote["topic"]].append(quote["text"])
                self.everything.append(quote["text"])
            self.directors[data["command"]] = topics

    def answer(self, command: str, text: str) -> str | None:
        words = text.lower()
        if command == "quote":
            if not words:
                return random.choice(self.everything)
            pool = [q for topics in self.directors.values() for q in topics.get(words, [])]
            if not pool:
                pool = [q for q in self.everything if all(w in q for w in words.split())]
            return random.choice(pool) if pool else None
        topics = self.directors[command]
        name = words if words in topics else self.aliases[command].get(words)
        if name is None:
            close = difflib.get_close_matches(words, list(topics), n=1, cutoff=0.8)
            name = close[0] if close else None
        if name is not None:
            return random.choice(topics[name])
        found = [q for qs in topics.values() for q in qs if all(w in q for w in words.split())]
        if found:
            return random.choice(found)
        difflib.get_close_matches(words, list(topics), n=3, cutoff=0.6)
        return None


def worker(who: str, folder: Path, size: int, count: int) -> dict[str, object]:
    """Run in a fresh process: start, then time every kind of answer."""
    began = time.perf_counter()
    answer: Callable[[str, str], object]
    if who == "quotebot":
        from bot.answers.answerer import Answerer
        from bot.book.loader import load_book

        loaded = load_book([folder])
        assert loaded.ok and len(loaded.book.quotes) == size, loaded.problems[:3]
        answerer = Answerer(loaded.book)
        answerer.warm_up()  # as `quotebot run` does before it serves
        answer = answerer.answer
    else:
        answer = Naive(folder).answer
    started = time.perf_counter() - began
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rng = random.Random(size)
    directors = max(1, size // 1_000)
    kinds: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        # The naive peer scans every quote for words: fewer asks, or a 1M run takes hours.
        slow = who == "naive" and kind in ("search", "quote_words") and size > 10_000
        n = min(count, 50) if slow else count
        todo = [asks(kind, directors, rng) for _ in range(n + 1)]
        first = time.perf_counter_ns()
        answer(*todo[0])
        first_us = (time.perf_counter_ns() - first) / 1_000
        samples = []
        cpu = time.process_time_ns()
        for command, text in todo[1:]:
            sent = time.perf_counter_ns()
            answer(command, text)
            samples.append(time.perf_counter_ns() - sent)
        cpu_us = (time.process_time_ns() - cpu) / 1_000 / n
        samples.sort()
        kinds[kind] = {
            "first": first_us,
            "p50": samples[len(samples) // 2] / 1_000,
            "p99": samples[min(len(samples) - 1, int(len(samples) * 0.99))] / 1_000,
            "cpu": cpu_us,
        }
    return {"start": started, "memory": memory, "kinds": kinds}


def run(who: str, folder: Path, size: int, count: int) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, "--worker", who, "--folder", str(folder),
         "--sizes", str(size), "--asks", str(count)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout  # fmt: skip
    result: dict[str, object] = json.loads(output.splitlines()[-1])
    return result


def spread(values: list[float], digits: int = 1) -> str:
    low, mid, high = (
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )
    return f"{mid} ({low}-{high})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--asks", type=int, default=2_000, help="asks per kind and round")
    parser.add_argument(
        "--peer-up-to",
        type=int,
        default=100_000,
        help="run the naive peer up to this size (its 1M start takes minutes)",
    )
    parser.add_argument("--worker", choices=("quotebot", "naive"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.folder, args.sizes[0], args.asks)))
        return
    cache = tempfile.mkdtemp(prefix="quotebot-bench-cache-")
    os.environ["QUOTEBOT_CACHE"] = cache
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            synthetic_book(folder, size, random.Random(1))
            compile_began = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", "import sys; from pathlib import Path; "
                 "from bot.book.loader import load_book; load_book([Path(sys.argv[1])])", tmp],
                check=True, cwd=ROOT,
            )  # fmt: skip
            compiled_s = time.perf_counter() - compile_began
            results: dict[str, list[dict[str, object]]] = {"quotebot": [], "naive": []}
            for _ in range(args.rounds):
                results["quotebot"].append(run("quotebot", folder, size, args.asks))
                if size <= args.peer_up_to:
                    results["naive"].append(run("naive", folder, size, args.asks))
            report(size, compiled_s, results)


def report(size: int, compiled_s: float, results: dict[str, list[dict[str, object]]]) -> None:
    ours, peer = results["quotebot"], results["naive"]
    start_target, answer_target = (2.0, 5_000.0) if size >= 1_000_000 else (0.3, 1_000.0)

    def values(runs: list[dict[str, object]], *path: str) -> list[float]:
        found = []
        for one in runs:
            value: object = one
            for step in path:
                value = value[step]  # type: ignore[index]
            found.append(float(value))  # type: ignore[arg-type]
        return found

    print(f"\n## {size:,} quotes ({len(ours)} rounds; first load and compile {compiled_s:.1f} s)")
    # Each target is judged on the median over the rounds; the spread is printed beside it.
    met = statistics.median(values(ours, "start")) < start_target
    print(f"start s: quotebot {spread(values(ours, 'start'), 3)}"
          + (f", naive {spread(values(peer, 'start'), 3)}" if peer else "")
          + f"; target < {start_target} s: {'met' if met else 'NOT met'}")  # fmt: skip
    memory_note = "; target < 400 MiB: " if size >= 1_000_000 else ""
    if memory_note:
        memory_note += "met" if statistics.median(values(ours, "memory")) < 400 else "NOT met"
    print(
        f"peak memory MiB: quotebot {spread(values(ours, 'memory'), 0)}"
        + (f", naive {spread(values(peer, 'memory'), 0)}" if peer else "")
        + memory_note
    )
    print(
        "| kind | first us | p50 us | p99 us | CPU us/ask | naive p50 us | naive p99 us | target |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in KINDS:
        worst = max(
            statistics.median(values(ours, "kinds", kind, "p99")),
            statistics.median(values(ours, "kinds", kind, "first")),
        )
        naive = (
            [spread(values(peer, "kinds", kind, p)) for p in ("p50", "p99")] if peer else ["-", "-"]
        )
        cells = [spread(values(ours, "kinds", kind, p)) for p in ("first", "p50", "p99", "cpu")]
        verdict = "met" if worst < answer_target else "NOT met"
        target = f"< {answer_target:.0f}: {verdict}"
        print(f"| {kind} | {' | '.join(cells)} | {' | '.join(naive)} | {target} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
