"""The quote of the day's scheduler: one loop over the subscriptions the store says are
due (an indexed next slot), never a timer per subscription.

It wakes at the earliest next slot (or every minute, to see subscriptions set on another
instance), runs a round (:func:`bot.daily.rounds.post_round`) over what is due, and sleeps
again. Posts left unfinished (another instance's claim, a failure worth retrying, the
store out of reach) come round again a minute later while their grace period lasts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

from bot import metrics
from bot.daily.delivery import Daily
from bot.daily.poster import Result
from bot.daily.rounds import post_round, sync_operator
from bot.errors import one_line
from bot.store.records import SubscriptionRecord

log = logging.getLogger("quotebot.daily")

# Subscriptions taken from the store per round; a full batch is followed at once by another.
BATCH = 500
# Longest sleep: a subscription set on another instance is seen within this.
POLL_S = 60.0
# Shortest pause between rounds that did not empty the queue (a store refusing to move
# a subscription on must not turn the loop into a spin).
MIN_PAUSE_S = 1.0


async def run_schedule(daily: Daily, stop: asyncio.Event, poll_s: float = POLL_S) -> None:
    """Post every subscription's quote of the day at its slot (or late, within the grace
    period) until ``stop`` is set. Only the platforms ``daily`` has posters for are
    served: an instance never moves on a subscription it cannot post. ``poll_s``: the
    longest sleep (a simulation with no one subscribing meanwhile may sleep longer)."""
    cfg = daily.config
    platforms = set(daily.posters)
    targets = ", ".join(str(t) for t in cfg.targets)
    # The operator's targets only when quotebot.toml names some: "to no targets" read as
    # a fault to everyone who never wrote one.
    operator = f"; quotebot.toml: {cfg.schedule} ({cfg.timezone.key}) to {targets}"
    log.info(
        "daily: subscriptions on %s%s",
        ", ".join(sorted(platforms)) or "no platform",
        operator if targets else "",
    )
    synced = False
    announced: float | None = None
    while not stop.is_set():
        now = daily.clock.now()
        wake = now + timedelta(seconds=poll_s)
        full = failed = bad = False  # bad: a post failed (counted, not retried sooner)
        try:
            if not synced:
                await asyncio.to_thread(sync_operator, daily.store, cfg, now)
                synced = True
            records = await asyncio.to_thread(
                daily.store.due_subscriptions, now.timestamp(), BATCH, platforms
            )
            if records:
                results = await _round(daily, records, now, stop)
                if results is None:  # stopped mid-round
                    break
                for result in results:
                    said = {"platform": result.target.platform, "outcome": result.outcome}
                    log.info("daily %s", result, extra=said)
                    bad = _counted(result) or bad
                full = len(records) == BATCH
            upcoming = await asyncio.to_thread(daily.store.next_due, platforms)
            if upcoming is not None:
                wake = min(wake, datetime.fromtimestamp(upcoming, now.tzinfo))
            if upcoming != announced:
                announced = upcoming
                log.info("daily: next slot %s", _shown(upcoming))
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down: the bots go on
            log.error("daily: this round failed (%s); trying again shortly", one_line(exc))
            failed = True
        metrics.DAILY_ROUNDS.inc("failed" if failed or bad else "ok")
        if not (failed or bad):
            metrics.DAILY_LAST_GOOD.set(time.time())
        if full and not failed:
            continue
        if wake <= now or failed:
            wake = max(wake, now + timedelta(seconds=MIN_PAUSE_S))
        await _sleep_until(daily, wake, stop)


# A post's outcome as its metric's label says it.
_OUTCOMES = {
    "already posted": "already_there", "claimed elsewhere": "claimed_elsewhere",
    "gave up for now": "retrying",
}  # fmt: skip


def _counted(result: Result) -> bool:
    """Count a post by outcome (a closed channel's as paused); True when it failed."""
    outcome = "paused" if result.channel_closed else _OUTCOMES.get(result.outcome, result.outcome)
    metrics.DAILY_POSTS.inc(result.target.platform, outcome)
    return outcome == "failed"


def _shown(moment: float | None) -> str:
    if moment is None:
        return "none (no subscriptions)"
    return f"{datetime.fromtimestamp(moment, UTC):%Y-%m-%d %H:%M} UTC"


async def _round(
    daily: Daily, records: list[SubscriptionRecord], now: datetime, stop: asyncio.Event
) -> list[Result] | None:
    """A round, cut short (None) if ``stop`` is set meanwhile (e.g. waiting out a 429)."""
    posting = asyncio.ensure_future(post_round(daily, records, now))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({posting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not posting.done():
        posting.cancel()
        await asyncio.gather(posting, return_exceptions=True)
        return None
    return posting.result()


async def _sleep_until(daily: Daily, wake: datetime, stop: asyncio.Event) -> None:
    seconds = (wake - daily.clock.now()).total_seconds()
    sleeper = asyncio.ensure_future(daily.clock.sleep(max(seconds, 0.0)))
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    sleeper.cancel()
    stopper.cancel()
