"""``quotebot daily``: a date's quote of the day, and with ``--post`` sending it now."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot import serve
from bot.adapters import terminal
from bot.answers import QuoteAnswer
from bot.cli.context import EXIT_MISS, EXIT_OK, Context
from bot.daily import day_label
from bot.delivery import Daily, ShiftedClock, SystemClock, said
from bot.environment import SettingsError
from bot.schedule import next_slot
from bot.settings_file import DailyConfig
from bot.subscriptions import cron_for


def daily(context: Context) -> int:
    """Print the date's quote; with --post, post it where it has not been posted today."""
    args = context.args
    config = context.config()
    if args.list:
        return list_subscriptions(context, config, args.now or datetime.now(UTC))
    answerer = context.answerer()
    now: datetime = args.now or datetime.now(UTC)
    clock = ShiftedClock(now - datetime.now(UTC)) if args.now else SystemClock()
    today = now.astimezone(config.timezone).date()
    day: date = args.date or today
    if args.post and day != today:
        raise context.fail(f"--post posts today's quote ({today}); --date is for looking")
    if args.post and not config.targets:
        raise context.fail("no targets: add [daily] targets = [...] to the settings file")
    try:
        store = serve.open_state_store(context.env)
        posters = serve.posters_for(config, context.env) if args.post else {}
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    runner = Daily(config, store, posters, lambda: answerer.book, clock)
    try:
        # context.answerer() refused an empty book: there is a quote for every date.
        return asyncio.run(_daily(runner, day, args.post, context))
    except Exception as exc:  # noqa: BLE001 - the store failed: one line, not a traceback
        raise context.fail(f"the state store failed: {said(exc)}", EXIT_MISS) from None
    finally:
        store.close()


async def _daily(runner: Daily, day: date, post: bool, context: Context) -> int:
    quote = await runner.quote(day)
    context.out.write(f"Quote of the day, {day_label(day)}:\n")
    context.out.write(terminal.render(QuoteAnswer(quote, "any")) + "\n")
    if not post:
        return EXIT_OK
    try:
        results = await runner.post(day)
    finally:
        for poster in runner.posters.values():
            await poster.close()
    for result in results:
        context.out.write(f"{result}\n")
    failed = any(r.outcome in ("failed", "gave up for now") for r in results)
    return EXIT_MISS if failed else EXIT_OK


def list_subscriptions(context: Context, config: DailyConfig, now: datetime) -> int:
    """Every channel that gets the quote of the day: from chat, and from quotebot.toml."""
    try:
        store = serve.open_state_store(context.env)
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    try:
        chat = store.subscriptions()
    except Exception as exc:  # noqa: BLE001 - the store failed: one line, not a traceback
        raise context.fail(f"the state store failed: {said(exc)}", EXIT_MISS) from None
    finally:
        store.close()
    rows = [("platform", "channel", "when", "zone", "days", "director", "next post", "set by")]
    for target in config.targets:
        zone = config.timezone
        upcoming = next_slot(config.schedule, zone, now).astimezone(zone)
        rows.append((target.platform, target.channel, config.schedule, zone.key, "(cron)", "any",
                     f"{upcoming:%Y-%m-%d %H:%M}", "quotebot.toml"))  # fmt: skip
    for sub in chat:
        zone = ZoneInfo(sub.zone)
        hour, minute = (int(part) for part in sub.at_time.split(":"))
        upcoming = next_slot(cron_for(time(hour, minute), sub.days), zone, now).astimezone(zone)
        shown = f"paused: {sub.paused}" if sub.paused else f"{upcoming:%Y-%m-%d %H:%M}"
        rows.append((sub.platform, sub.channel, sub.at_time, sub.zone, sub.days,
                     sub.director or "any", shown, sub.set_by))  # fmt: skip
    if len(rows) == 1:
        context.out.write(
            "no subscriptions: /qotd in a channel, or [daily] targets in quotebot.toml\n"
        )
        return EXIT_OK
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        context.out.write(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        )
    return EXIT_OK
