"""When the quote of the day is due: pure functions of the cron schedule and the time.

The schedule's first time on a date is that date's slot. cronsim reads the cron
expression in local wall time and handles daylight saving as cron does: a 02:30 slot on
the spring-forward day runs at 03:00, and on the fall-back day 01:30 counts once, not
twice. A date has at most one slot, so it gets at most one post.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim

_UTC = ZoneInfo("UTC")


def slot_on(schedule: str, zone: ZoneInfo, day: date) -> datetime | None:
    """The first time ``schedule`` fires on ``day`` (local to ``zone``), or None."""
    midnight = datetime.combine(day, time(0), zone).astimezone(_UTC)
    # Start just before the day's first instant (midnight may itself be skipped by DST).
    start = (midnight - timedelta(seconds=1)).astimezone(zone)
    first = next(CronSim(schedule, start), None)
    if first is None or first.astimezone(zone).date() != day:
        return None
    return first


def due(schedule: str, zone: ZoneInfo, now: datetime, grace: timedelta) -> date | None:
    """The date whose slot has come and is not older than ``grace`` at ``now``, if any.

    Yesterday counts too: a 23:30 slot with an hour's grace is still due at 00:15.
    """
    today = now.astimezone(zone).date()
    for day in (today, today - timedelta(days=1)):
        slot = slot_on(schedule, zone, day)
        if slot is not None and slot <= now <= slot + grace:
            return day
    return None


def next_slot(schedule: str, zone: ZoneInfo, now: datetime) -> datetime:
    """The first slot strictly after ``now``."""
    day = now.astimezone(zone).date()
    for offset in range(0, 366 * 8):
        slot = slot_on(schedule, zone, day + timedelta(days=offset))
        if slot is not None and slot > now:
            return slot
    raise ValueError(f"schedule {schedule!r} never fires")
