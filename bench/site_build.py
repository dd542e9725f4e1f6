"""How long ``quotebot site DIR`` takes, at 1,000 and 100,000 quotes (issue 23).

Not a test: ``python bench/site_build.py [--sizes 1000 100000] [--rounds 3]``. Each round
builds a fresh folder from a synthetic book (bench/answer_speed.py's, compiled once
first) in a fresh process, cards left out (bench/cards.py measures those), and the table
gives the median wall time with the spread (min-max). Target: under 60 s at 100,000.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answer_speed import synthetic_book  # noqa: E402

TARGET_S = 60.0


def build_once(quotes: Path, out: Path, work: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "--quotes", str(quotes), "site", str(out), "--no-cards",
         "--public-url", "https://quotes.example.org"],
        check=True, cwd=work, stdout=subprocess.DEVNULL,
        env={"PATH": "/usr/bin:/bin", "QUOTEBOT_PUBLISHED_IDS": str(work / "ids.txt"),
             "QUOTEBOT_DB": str(work / "none.db"), "QUOTEBOT_CACHE": str(work / "cache")},
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            (work / "quotes").mkdir()
            synthetic_book(work / "quotes", size, random.Random(size))
            build_once(work / "quotes", work / "site", work)  # compiles the book, unmeasured
            times = [build_once(work / "quotes", work / "site", work) for _ in range(args.rounds)]
            files = sum(1 for _ in (work / "site").rglob("*"))
        middle = statistics.median(times)
        verdict = "met" if size < 100_000 or middle < TARGET_S else "NOT met"
        print(
            f"{size:>7} quotes: site built in {middle:.1f} s median "
            f"({min(times):.1f}-{max(times):.1f} s, {args.rounds} rounds), {files} files; "
            f"target under {TARGET_S:.0f} s at 100,000: {verdict}"
        )


if __name__ == "__main__":
    main()
