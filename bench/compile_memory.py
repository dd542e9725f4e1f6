"""Compiling a quote book from its YAML: time and peak memory, beside PyYAML's C loader.

Not a test: ``python bench/compile_memory.py [--quotes 100000 1000000] [--rounds 3]``.
Targets (issue 25): a 1,000,000-quote book compiles with a peak under 400 MiB, in no more
time than the peer takes (the same files read with ``yaml.CSafeLoader`` into dicts, all
of them kept, as a bot that holds its book in memory does).

Each run is a fresh process (so ``ru_maxrss`` is that run's own peak) with an empty
cache folder of its own, so quotebot compiles the book from the YAML and writes it; the
ways alternate which goes first from round to round. ``--also PATH`` times another
checkout of quotebot beside (a tree before a change, say). Medians with the spread
(min-max) over the rounds, targets beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEMORY_TARGET_MIB = 400.0
PEER = "C loader"


def worker(who: str, folder: Path, code: Path) -> dict[str, float]:
    """In a fresh process: compile (or load, for the peer) the book at ``folder``."""
    began = time.perf_counter()
    if who == PEER:
        import yaml

        kept = [
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for path in sorted(folder.glob("*.yaml"))
        ]
        quotes = sum(len(data["quotes"]) for data in kept)
    else:
        sys.path.insert(0, str(code))
        from bot.book.loader import load_book

        assert Path(sys.modules["bot"].__file__ or "").is_relative_to(code)

        loaded = load_book([folder])
        assert loaded.ok, loaded.problems[:3]
        quotes = len(loaded.book.quotes)
    seconds = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime  # the process's own: the start's imports too
    return {"seconds": seconds, "cpu": cpu, "peak": usage.ru_maxrss / 1024, "quotes": quotes}


def run(who: str, folder: Path, code: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-cache-") as cache:
        output = subprocess.run(
            [sys.executable, __file__, "--worker", who, "--folder", str(folder),
             "--code", str(code)],
            check=True, capture_output=True, text=True, cwd=code,
            env={**os.environ, "QUOTEBOT_CACHE": cache},
        ).stdout  # fmt: skip
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


def spread(values: list[float], digits: int) -> str:
    low, mid, high = (
        f"{v:.{digits}f}" for v in (min(values), statistics.median(values), max(values))
    )
    return f"{mid} ({low}-{high})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--also", type=Path, help="another quotebot tree to time beside")
    parser.add_argument("--worker")
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.folder, args.code)))
        return
    # Imported here, not above: a worker must import quotebot from the tree it times.
    sys.path.insert(0, str(ROOT))
    from bench.answer_speed import synthetic_book

    ways = {"quotebot": ROOT, PEER: ROOT}
    if args.also:
        ways[f"quotebot at {args.also}"] = args.also.resolve()
    for size in args.quotes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            synthetic_book(folder, size, random.Random(1))
            results: dict[str, list[dict[str, float]]] = {name: [] for name in ways}
            for n in range(args.rounds):
                names = list(ways)
                order = names[n % len(names) :] + names[: n % len(names)]
                for name in order:
                    result = run("quotebot" if name != PEER else PEER, folder, ways[name])
                    assert result["quotes"] == size, result
                    results[name].append(result)
                    print(f"  {size:,} round {n + 1} {name}: {result['seconds']:.2f} s, "
                          f"{result['cpu']:.2f} s CPU, {result['peak']:.0f} MiB",
                          flush=True)  # fmt: skip
            report(size, results)


def report(size: int, results: dict[str, list[dict[str, float]]]) -> None:
    print(f"\n## compiling {size:,} quotes ({len(results[PEER])} rounds)")
    print("| way | time s | CPU s | peak MiB | time vs C loader | CPU vs C loader |")
    print("| --- | --- | --- | --- | --- | --- |")
    peer = {k: statistics.median(r[k] for r in results[PEER]) for k in ("seconds", "cpu")}
    for name, runs in results.items():
        seconds, cpu = [r["seconds"] for r in runs], [r["cpu"] for r in runs]
        ratios = [
            f"{statistics.median(v) / peer[k]:.2f}x"
            for k, v in (("seconds", seconds), ("cpu", cpu))
        ]
        peaks = spread([r["peak"] for r in runs], 0)
        print(
            f"| {name} | {spread(seconds, 2)} | {spread(cpu, 2)} | {peaks} | {' | '.join(ratios)} |"
        )
    ours = results["quotebot"]
    time_met = statistics.median(r["seconds"] for r in ours) <= peer["seconds"]
    print(f"target: time <= the C loader's (median wall): {'met' if time_met else 'NOT met'}")
    if size >= 1_000_000:
        peak_met = statistics.median(r["peak"] for r in ours) < MEMORY_TARGET_MIB
        print(f"target: peak < {MEMORY_TARGET_MIB:.0f} MiB: {'met' if peak_met else 'NOT met'}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
