"""The quote of the day's scheduler: each date's posts at its slot (or late, within the
grace period), retried every minute while posts are unfinished."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date, timedelta

from bot.delivery import Daily, Result
from bot.schedule import due, next_slot, slot_on

log = logging.getLogger("quotebot.daily")


def _unfinished(results: Sequence[Result]) -> bool:
    return any(r.outcome in ("claimed elsewhere", "gave up for now") for r in results)


async def run_schedule(daily: Daily, stop: asyncio.Event) -> None:
    """Post each date's quote at its slot (or late, within the grace period) until
    ``stop`` is set. A slot whose posts are unfinished (another instance's claim, a
    failure worth retrying, the store out of reach) is tried again every minute
    while its grace period lasts."""
    cfg = daily.config
    log.info(
        "daily: %s (%s) to %s", cfg.schedule, cfg.timezone.key,
        ", ".join(str(t) for t in cfg.targets) or "no targets",
    )  # fmt: skip
    done: set[date] = set()
    while not stop.is_set():
        now = daily.clock.now()
        day = due(cfg.schedule, cfg.timezone, now, cfg.grace)
        wake = next_slot(cfg.schedule, cfg.timezone, now)
        if day is not None and day not in done and cfg.targets:
            posting = asyncio.ensure_future(daily.post(day))
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({posting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not posting.done():  # stopped mid-post (e.g. waiting out a 429)
                posting.cancel()
                await asyncio.gather(posting, return_exceptions=True)
                break
            try:
                results: list[Result] | None = posting.result()
            except Exception:  # e.g. the database is down: the bots must not stop for it
                log.exception("daily %s: this round failed; trying again shortly", day)
                results = None
            for result in results or ():
                log.info("daily %s %s", day, result)
            if results is None or _unfinished(results):
                slot = slot_on(cfg.schedule, cfg.timezone, day)
                assert slot is not None
                retry = daily.clock.now() + timedelta(seconds=min(daily.lease_s, 60.0))
                wake = min(wake, retry, slot + cfg.grace + timedelta(seconds=1))
            else:
                done.add(day)
        seconds = (wake - daily.clock.now()).total_seconds()
        sleeper = asyncio.ensure_future(daily.clock.sleep(max(seconds, 0.0)))
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        sleeper.cancel()
        stopper.cancel()
