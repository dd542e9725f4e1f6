"""``quotebot daily``: a date's quote of the day, and with ``--post`` sending it now."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from bot import serve
from bot.adapters import terminal
from bot.answers import QuoteAnswer
from bot.cli.context import EXIT_MISS, EXIT_OK, Context
from bot.daily import day_label
from bot.delivery import Daily, ShiftedClock, SystemClock, said
from bot.environment import SettingsError


def daily(context: Context) -> int:
    """Print the date's quote; with --post, post it where it has not been posted today."""
    args = context.args
    config = context.config()
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
