"""What the platform benchmarks share: CPU pinning, starting a server process and
waiting for the line that says it is ready, and summarising latencies."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Servers on the last core, the load generator (and the fakes) on the others, so that the
# two do not take turns on one core and blur the comparison.
_CPUS = sorted(os.sched_getaffinity(0))
SERVER_CPUS = {_CPUS[-1]} if len(_CPUS) > 1 else set()
CLIENT_CPUS = set(_CPUS[:-1]) if len(_CPUS) > 1 else set()


def pin_client() -> None:
    """Keep this process off the servers' core."""
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)


async def start(
    args: list[str], env: dict[str, str], ready: str
) -> tuple[asyncio.subprocess.Process, re.Match[str]]:
    """Start ``python args...`` on the servers' core; return once a line of its output
    matches ``ready`` (its stdout and stderr are read until then)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, env={**os.environ, **env}, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    if SERVER_CPUS:
        os.sched_setaffinity(process.pid, SERVER_CPUS)
    streams = [s for s in (process.stdout, process.stderr) if s is not None]
    pending = {asyncio.ensure_future(s.readline()): s for s in streams}
    while pending:
        done, _ = await asyncio.wait(pending, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        if not done:
            raise RuntimeError(f"{args} did not start")
        for future in done:
            stream = pending.pop(future)
            line = future.result().decode()
            found = re.search(ready, line)
            if found:
                for other in pending:
                    other.cancel()
                # Keep draining its output so that a full pipe never stalls it.
                _draining.update(asyncio.ensure_future(_drain(s)) for s in streams)
                return process, found
            if line:
                pending[asyncio.ensure_future(stream.readline())] = stream
    raise RuntimeError(f"{args} exited before it was ready")


_draining: set[asyncio.Future[None]] = set()


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass


async def stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """A process's user + system CPU so far, in seconds (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def summary(latencies: list[float]) -> tuple[float, float]:
    """Median and 99th percentile."""
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def versus_floor(
    label: str, ours: dict[str, list[float]], floor: dict[str, list[float]], target: float
) -> str:
    """One line: quotebot's CPU per request over the floor's, the median of each round's
    ratio (from the same round's pair, so noise common to both cancels) with the spread,
    the latencies' ratios, and whether ``target`` is met."""
    ratios = [q / f for q, f in zip(ours["cpu"], floor["cpu"], strict=True)]
    q, f = summary(ours["latency"]), summary(floor["latency"])
    middle = statistics.median(ratios)
    verdict = "met" if middle <= target else "NOT met"
    return (
        f"quotebot / floor, {label}: CPU per request median {middle:.2f}x "
        f"(rounds {min(ratios):.2f}-{max(ratios):.2f}); latency median {q[0] / f[0]:.2f}x, "
        f"p99 {q[1] / f[1]:.2f}x; target {target}x CPU: {verdict}"
    )
