"""A round of the quote of the day: every subscription whose slot has come, posted once.

What is due at a moment is a pure function of the subscription and the moment: its slot on
the current local date (or yesterday's, for a late slot whose grace runs past midnight) if
that slot has passed and is within the grace period. Earlier dates are never caught up.
The scheduler (:mod:`bot.daily.scheduler`) runs a round over what the store's ``next_due`` index
says has come; ``quotebot daily --post`` runs the same round over every subscription.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.book.model import Quote
from bot.daily.delivery import Daily
from bot.daily.poster import Result
from bot.daily.selection import pool_of
from bot.daily.settings_file import DailyConfig, Target
from bot.daily.slots import due, next_slot, slot_on
from bot.errors import one_line
from bot.store.records import SubscriptionRecord
from bot.store.roles import SubscriptionBook

log = logging.getLogger("quotebot.daily")

# Posts in flight at once in a round; each platform's poster keeps to its own rate limits.
IN_FLIGHT = 64
# A post another instance holds, or one that failed for now, is looked at again this soon.
RETRY_S = 60.0
OPERATOR = "operator"
FROM_FILE = "quotebot.toml"


def open_slot(cron: str, zone: ZoneInfo, now: datetime, grace: timedelta) -> datetime:
    """The slot a subscription waits for at ``now``: one that has come and is still within
    its grace period, or else the next one."""
    day = due(cron, zone, now, grace)
    slot = slot_on(cron, zone, day) if day is not None else None
    return slot if slot is not None else next_slot(cron, zone, now)


def operator_subscriptions(config: DailyConfig, now: datetime) -> list[SubscriptionRecord]:
    """``quotebot.toml``'s targets as subscriptions the operator owns."""
    first = open_slot(config.schedule, config.timezone, now, config.grace).timestamp()
    return [
        SubscriptionRecord(
            platform=target.platform,
            workspace="",
            channel=target.channel,
            at_time="",
            zone=config.timezone.key,
            days="",
            director=None,
            owner=OPERATOR,
            set_by=FROM_FILE,
            paused=None,
            next_due=first,
            updated_at=now.timestamp(),
            schedule=config.schedule,
        )
        for target in config.targets
    ]


def sync_operator(store: SubscriptionBook, config: DailyConfig, now: datetime) -> None:
    """Make the store's operator-owned subscriptions those of ``quotebot.toml``: new and
    changed targets set (which resumes a paused one), targets no longer there removed.
    An unchanged target keeps its place, so a restart posts nothing twice."""
    wanted = {(r.platform, r.channel): r for r in operator_subscriptions(config, now)}
    for kept in store.subscriptions(owner=OPERATOR):
        record = wanted.get((kept.platform, kept.channel))
        if record is None:
            store.unsubscribe(kept.platform, kept.workspace, kept.channel)
        elif (kept.cron, kept.zone) == (record.cron, record.zone) and kept.paused is None:
            del wanted[(kept.platform, kept.channel)]
    for record in wanted.values():
        store.subscribe(record)


@dataclass(frozen=True)
class Planned:
    """One subscription's post in a round: the date and its slot."""

    record: SubscriptionRecord
    day: date
    slot: datetime


async def post_round(
    daily: Daily, records: Sequence[SubscriptionRecord], now: datetime
) -> list[Result]:
    """Post each of ``records`` whose slot is due at ``now`` and has not gone out, then
    move each one's ``next_due`` on (or pause it when its channel is gone). One result per
    post tried; subscriptions past their grace period just move on to their next slot."""
    grace = daily.config.grace
    planned: list[Planned] = []
    passed: list[tuple[SubscriptionRecord, float]] = []
    for record in records:
        zone = ZoneInfo(record.zone)
        day = due(record.cron, zone, now, grace)
        slot = slot_on(record.cron, zone, day) if day is not None else None
        if day is None or slot is None:
            if record.next_due <= now.timestamp():
                passed.append((record, next_slot(record.cron, zone, now).timestamp()))
            continue
        planned.append(Planned(record, day, slot))
    if passed:
        moves = [(r.platform, r.workspace, r.channel, upcoming) for r, upcoming in passed]
        try:
            await asyncio.to_thread(daily.store.reschedule_many, moves)
        except Exception as exc:  # noqa: BLE001 - bookkeeping: they stay due, tried again
            log.error("daily: moving %d passed slots on failed: %s", len(moves), one_line(exc))
    # One quote per date and pool, picked once however many channels share it.
    book = daily.book()
    picked: dict[tuple[date, str, str], Quote] = {}
    quotes: list[Quote] = []
    for plan in planned:
        record = plan.record
        here = await daily.book_of(record.platform, record.workspace)
        # A community with approved quotes of its own has its own cycle.
        community = "" if here is book else f"{record.platform}:{record.workspace}"
        pool, _ = pool_of(here, record.director)
        if (plan.day, community, pool) not in picked:
            made = await daily.quote(plan.day, pool or None, here, community)
            picked[plan.day, community, pool] = made
        quotes.append(picked[plan.day, community, pool])
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(plan: Planned, quote: Quote) -> Result:
        record = plan.record
        async with gate:
            target = Target(record.platform, record.channel, record.workspace)
            result = await daily.deliver(plan.day, target, quote)
        await _follow_up(daily, plan, result)
        return result

    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(one(plan, quote)) for plan, quote in zip(planned, quotes, strict=True)
        ]
    return [task.result() for task in tasks]


async def _follow_up(daily: Daily, plan: Planned, result: Result) -> None:
    """Move the subscription on after its post: to its next slot when the date is settled,
    a minute on when it is not (another instance's claim, a failure worth retrying)."""
    record, zone = plan.record, ZoneInfo(plan.record.zone)
    if result.channel_closed:
        log.warning("daily: %s paused: %s", record.target, result.detail)
        await _store_call(daily.store.pause, record, result.detail, daily.clock.now().timestamp())
    if result.outcome in ("claimed elsewhere", "gave up for now"):
        upcoming = daily.clock.now().timestamp() + RETRY_S
    else:
        upcoming = next_slot(record.cron, zone, plan.slot).timestamp()
    try:  # grouped with the other posts' moves under way
        await daily.moves((record.platform, record.workspace, record.channel, upcoming))
    except Exception as exc:  # noqa: BLE001 - one subscription's bookkeeping, not the round's
        log.error("daily: %s: the state store failed: %s", record.target, one_line(exc))


async def _store_call(
    method: Callable[..., object], record: SubscriptionRecord, *args: object
) -> None:
    """``method(platform, workspace, channel, *args)`` in a thread; a store failure is
    logged (the subscription stays due, and the next round tries again)."""
    try:
        await asyncio.to_thread(method, record.platform, record.workspace, record.channel, *args)
    except Exception as exc:  # noqa: BLE001 - one subscription's bookkeeping, not the round's
        log.error("daily: %s: the state store failed: %s", record.target, one_line(exc))


def with_next_due(
    record: SubscriptionRecord, now: datetime, grace: timedelta
) -> SubscriptionRecord:
    """``record`` waiting for its first open slot from ``now``, not paused."""
    first = open_slot(record.cron, ZoneInfo(record.zone), now, grace)
    return replace(record, next_due=first.timestamp(), paused=None, updated_at=now.timestamp())
