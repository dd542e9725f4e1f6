"""How long `quotebot ask jonze editing` takes as a whole process, beside a bare Python.

Not a test: run ``python bench/ask_startup.py`` and read the figures. Target (issue 9):
the ask at most 5x a bare ``python -c pass``, measured side by side. Rounds alternate the
floor and the ask; each reports the median wall and CPU (user + system, from the
children's rusage) over its runs; the summary is the median of the rounds' ratios with
their spread (min-max), so a noisy machine shows as spread rather than a false verdict.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

TARGET = 5.0


def one_run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(command: list[str], runs: int) -> tuple[float, float]:
    results = [one_run(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--runs", type=int, default=10, help="runs of each per round")
    args = parser.parse_args()
    script = shutil.which("quotebot") or ""
    ask = (
        [script, "ask", "jonze", "editing"]
        if script
        else [sys.executable, "-m", "bot", "ask", "jonze", "editing"]
    )
    floor = [sys.executable, "-c", "pass"]
    env_note = "console script" if script else "python -m bot"
    print(f"floor: {' '.join(floor)}")
    print(f"ask:   {' '.join(ask)} ({env_note}); {os.cpu_count()} cores")
    heads = ("round", "floor wall", "ask wall", "ratio", "floor cpu", "ask cpu", "ratio")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (5, 11, 9, 6, 10, 8, 6), strict=True)))
    walls, cpus, floors, asks = [], [], [], []
    one_run(ask)  # warm the page cache and the .pyc files once
    for n in range(args.rounds):
        first, second = (floor, ask) if n % 2 == 0 else (ask, floor)
        a = medians(first, args.runs)
        b = medians(second, args.runs)
        floor_m, ask_m = (a, b) if first is floor else (b, a)
        floors.append(floor_m)
        asks.append(ask_m)
        walls.append(ask_m[0] / floor_m[0])
        cpus.append(ask_m[1] / max(floor_m[1], 1e-6))
        print(
            f"{n + 1:>5} {floor_m[0] * 1e3:>9.1f}ms {ask_m[0] * 1e3:>7.1f}ms {walls[-1]:>5.1f}x "
            f"{floor_m[1] * 1e3:>8.1f}ms {ask_m[1] * 1e3:>6.1f}ms {cpus[-1]:>5.1f}x"
        )
    wall = statistics.median(walls)
    floor_ms = statistics.median(f[0] for f in floors) * 1e3
    ask_ms = statistics.median(a[0] for a in asks) * 1e3
    print(
        f"wall: floor {floor_ms:.1f} ms, ask {ask_ms:.1f} ms; ratio median {wall:.2f}x "
        f"(rounds {min(walls):.2f}-{max(walls):.2f}x); target <= {TARGET:.0f}x: "
        f"{'met' if wall <= TARGET else 'NOT met'}"
    )
    cpu = statistics.median(cpus)
    print(f"cpu:  ratio median {cpu:.2f}x (rounds {min(cpus):.2f}-{max(cpus):.2f}x)")


if __name__ == "__main__":
    main()
