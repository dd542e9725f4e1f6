"""``quotebot daily``: a date's quote of the day; ``--post`` posts what is due now, as a
round of the scheduler would; ``--list`` shows every channel that gets it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.adapters import terminal
from bot.adapters.registry import BY_NAME
from bot.answers.answerer import QuoteAnswer
from bot.app import wiring
from bot.cli.context import EXIT_MISS, EXIT_OK, Context
from bot.daily.clock import ShiftedClock, SystemClock
from bot.daily.delivery import Daily
from bot.daily.poster import Poster, Result
from bot.daily.rounds import OPERATOR, post_round, sync_operator
from bot.daily.selection import day_label
from bot.daily.settings_file import DailyConfig
from bot.daily.slots import next_slot
from bot.errors import SettingsError, one_line
from bot.store.records import SubscriptionRecord
from bot.store.roles import Store


def daily(context: Context) -> int:
    """Print the date's quote; with --post, post what is due; with --list, list channels."""
    args = context.args
    config = context.config()
    now: datetime = args.now or datetime.now(UTC)
    if args.list:
        return list_subscriptions(context, config, now)
    answerer = context.answerer()
    clock = ShiftedClock(now - datetime.now(UTC)) if args.now else SystemClock()
    if args.post and args.date:
        raise context.fail("--post posts what is due now (or at --now); --date is for looking")
    try:
        store = wiring.open_state_store(context.env)
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    try:
        # Posters for the settings file's targets are required (a missing token is a usage
        # error, as before); chat subscriptions on a platform without one say so instead.
        book = lambda: answerer.book  # noqa: E731 - the cards' addresses
        posters = wiring.posters_for(config, context.env, (), book) if args.post else {}
    except SettingsError as exc:
        store.close()
        raise context.fail(str(exc)) from None
    runner = Daily(config, store, posters, lambda: answerer.book, clock)
    try:
        if args.post:
            return asyncio.run(_post(runner, context))
        day: date = args.date or now.astimezone(config.timezone).date()
        # context.answerer() refused an empty book: there is a quote for every date.
        quote = asyncio.run(runner.quote(day))
        context.out.write(f"Quote of the day, {day_label(day)}:\n")
        context.out.write(terminal.render(QuoteAnswer(quote, "any")) + "\n")
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the store failed: one line, not a traceback
        raise context.fail(f"the state store failed: {one_line(exc)}", EXIT_MISS) from None
    finally:
        store.close()


def more_posters(
    records: list[SubscriptionRecord], have: Mapping[str, Poster], env: Mapping[str, str]
) -> dict[str, Poster]:
    """Posters for the other platforms the subscriptions name whose credentials are set."""
    wanted = {r.platform for r in records} - set(have)
    ready = [name for name in wanted if name in BY_NAME and BY_NAME[name].configured(env)]
    return wiring.posters_for(DailyConfig(), env, ready)


async def _post(runner: Daily, context: Context) -> int:
    now = runner.clock.now()
    store = runner.store
    try:
        await asyncio.to_thread(sync_operator, store, runner.config, now)
        records = [r for r in await asyncio.to_thread(store.subscriptions) if r.paused is None]
        runner.posters = {**runner.posters, **more_posters(records, runner.posters, context.env)}
        results: list[Result] = await post_round(runner, records, now)
    finally:
        for poster in runner.posters.values():
            await poster.close()
    for result in results:
        context.out.write(f"{result}\n")
    if not results:
        context.out.write(
            f"nothing due at {now.isoformat(timespec='minutes')} "
            f"({len(records)} active subscription(s))\n"
        )
    failed = any(r.outcome in ("failed", "gave up for now") for r in results)
    return EXIT_MISS if failed else EXIT_OK


def list_subscriptions(context: Context, config: DailyConfig, now: datetime) -> int:
    """Every channel that gets the quote of the day: from quotebot.toml, and from chat."""
    try:
        store: Store = wiring.open_state_store(context.env)
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    try:
        kept = store.subscriptions()
    except Exception as exc:  # noqa: BLE001 - the store failed: one line, not a traceback
        raise context.fail(f"the state store failed: {one_line(exc)}", EXIT_MISS) from None
    finally:
        store.close()
    paused = {(r.platform, r.channel): r.paused for r in kept if r.owner == OPERATOR}
    rows = [("platform", "channel", "when", "zone", "days", "director", "next post", "set by")]
    for target in config.targets:
        zone = config.timezone
        upcoming = next_slot(config.schedule, zone, now).astimezone(zone)
        reason = paused.get((target.platform, target.channel))
        shown = f"paused: {reason}" if reason else f"{upcoming:%Y-%m-%d %H:%M}"
        rows.append((target.platform, target.channel, config.schedule, zone.key, "(cron)", "any",
                     shown, "quotebot.toml"))  # fmt: skip
    for sub in kept:
        if sub.owner == OPERATOR:
            continue  # the settings file's, listed above as the file says now
        zone = ZoneInfo(sub.zone)
        upcoming = next_slot(sub.cron, zone, now).astimezone(zone)
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
