"""Fault injection: `quotebot daily --post` killed at random points during the send.

Not a test: run ``python bench/exactly_once.py`` and read the figures. Target (issue 10):
200 trials per platform, on SQLite and on PostgreSQL: 0 double posts, 0 lost posts inside
the grace period.

Each trial takes a date of its own. A first `daily --post --now SLOT+1min` is killed with
SIGKILL: half the time at a random moment of its whole run, half the time a random
0-60 ms after the fake platform received its post (which the platform, answering in
5-40 ms, may or may not have accepted by then). A second `daily --post --now SLOT+12min`
(after the 10-minute claim has expired, inside the 60-minute grace) then runs to the end.
The trial passes when the channel holds exactly one post of that date. The fakes are the
test suite's fake Discord and fake Slack; PostgreSQL is $QUOTEBOT_TEST_PG (.ci/postgres
starts one) or the default test URL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.daily.selection import day_label
from tests.fakes.discord import CHANNEL_ID, TOKEN, FakeDiscord
from tests.fakes.slack import BOT_TOKEN, FakeSlack

SLACK_CHANNEL = "C0FILMCLB1"
FIRST_DAY = date(2030, 1, 1)


def config_for(folder: Path, platform: str) -> Path:
    channel = CHANNEL_ID if platform == "discord" else SLACK_CHANNEL
    path = folder / f"{platform}.toml"
    path.write_text(
        '[daily]\nschedule = "0 9 * * *"\ntimezone = "UTC"\ngrace_minutes = 60\n'
        f'targets = ["{platform}:{channel}"]\n'
    )
    return path


def posts_on(platform: str, fake: FakeDiscord | FakeSlack, day: date) -> int:
    if isinstance(fake, FakeSlack):
        return sum(
            1
            for m in fake.messages
            if (m.get("metadata") or {}).get("event_payload", {}).get("date") == day.isoformat()
        )
    title = f"Quote of the day · {day_label(day)}"
    return sum(1 for m in fake.messages if any(e.get("title") == title for e in m["embeds"]))


class Arrivals:
    """Tells the killer when the fake platform has received a post."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def delay(self, rng: random.Random) -> float:
        self.event.set()
        return rng.uniform(0.005, 0.040)


async def daily_post(
    env: dict[str, str], now: datetime, output: bool = False
) -> asyncio.subprocess.Process:
    out = asyncio.subprocess.PIPE if output else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "daily", "--post", "--now", now.isoformat(),
        env=env, stdout=out, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def trial(
    n: int, env: dict[str, str], platform: str, fake: FakeDiscord | FakeSlack,
    arrivals: Arrivals, rng: random.Random, typical_run_s: float,
) -> tuple[str, str]:  # fmt: skip
    """One trial: (how it was killed, outcome: ok / double / lost)."""
    day = FIRST_DAY + timedelta(days=n)
    slot = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    arrivals.event.clear()
    # The platform's clock agrees with the one quotebot is told to use (--now).
    began, at = time.time(), (slot + timedelta(minutes=1)).timestamp()
    if isinstance(fake, FakeSlack):
        fake.clock = lambda: at + (time.time() - began)
    first = await daily_post(env, slot + timedelta(minutes=1))
    if rng.random() < 0.5:
        how = "at a random moment"
        try:
            await asyncio.wait_for(first.wait(), rng.uniform(0, typical_run_s))
        except TimeoutError:
            pass
    else:
        how = "just after the post arrived"
        waiting = asyncio.ensure_future(arrivals.event.wait())
        ended = asyncio.ensure_future(first.wait())
        await asyncio.wait({waiting, ended}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        ended.cancel()
        await asyncio.sleep(rng.uniform(0, 0.060))
    if first.returncode is None:
        first.send_signal(signal.SIGKILL)
    await first.wait()
    if posts_on(platform, fake, day):
        how += ", post already taken"
    # Twelve minutes after the slot: the killed run's claim (taken a minute after the slot,
    # plus however long its start took) has surely passed its ten-minute lease.
    second = await daily_post(env, slot + timedelta(minutes=12), output=True)
    said, _ = await asyncio.wait_for(second.communicate(), 60)
    count = posts_on(platform, fake, day)
    outcome = "ok" if count == 1 else ("lost" if count == 0 else "double")
    if outcome != "ok":
        print(f"  trial {n} ({day}, killed {how}): {outcome}: {said.decode().strip()}", flush=True)
    return how, outcome


async def store_urls(folder: Path) -> dict[str, str]:
    import psycopg

    urls = {"sqlite": str(folder / "state.db")}
    base = os.environ.get("QUOTEBOT_TEST_PG", "postgresql://postgres@127.0.0.1:54329/postgres")
    name = f"quotebot_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    urls["postgres"] = base.rsplit("/", 1)[0] + "/" + name
    return urls


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=200, help="per platform and store")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    discord, slack = FakeDiscord(), FakeSlack()
    await discord.start()
    await slack.start()
    arrivals = Arrivals()
    discord.post_delay = slack.post_delay = lambda: arrivals.delay(rng)
    fakes: dict[str, FakeDiscord | FakeSlack] = {"discord": discord, "slack": slack}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        urls = await store_urls(folder)
        base_env = {
            "PATH": os.environ.get("PATH", ""),
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": discord.api_base,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": slack.api_url,
        }
        trial_no = 0
        print(
            f"{'store':<9} {'platform':<8} {'trials':>6} {'ok':>5} {'double':>6} {'lost':>5}  kills"
        )
        for store, url in urls.items():
            for platform, fake in fakes.items():
                env = {
                    **base_env,
                    "QUOTEBOT_DB": url,
                    "QUOTEBOT_CONFIG": str(config_for(folder, platform)),
                }
                began = time.perf_counter()
                warm = await daily_post(env, datetime(2029, 12, 31, 9, 1, tzinfo=UTC))
                await warm.wait()
                typical = time.perf_counter() - began
                outcomes: Counter[str] = Counter()
                kills: Counter[str] = Counter()
                for _ in range(args.trials):
                    trial_no += 1
                    how, outcome = await trial(
                        trial_no, env, platform, fake, arrivals, rng, typical
                    )
                    outcomes[outcome] += 1
                    kills[how] += 1
                print(
                    f"{store:<9} {platform:<8} {args.trials:>6} {outcomes['ok']:>5} "
                    f"{outcomes['double']:>6} {outcomes['lost']:>5}  "
                    + "; ".join(f"{k}: {v}" for k, v in sorted(kills.items())),
                    flush=True,
                )
    await discord.stop()
    await slack.stop()


if __name__ == "__main__":
    asyncio.run(main())
