"""``quotebot run``: every platform with credentials, and the quote of the day, in one process;
with none, a prompt in the terminal."""

from __future__ import annotations

import asyncio
import gc

from bot.adapters import terminal
from bot.adapters.contract import ServeOptions, Service
from bot.adapters.registry import BY_NAME, configured
from bot.app import hangup, observing, supervisor, wiring
from bot.cli.context import EXIT_OK, EXIT_USAGE, Context
from bot.errors import SettingsError


def run(context: Context) -> int:
    """Serve until SIGINT or SIGTERM; exit 2 when every platform stopped on its own."""
    args = context.args
    hangup.catch()  # again, in case main() was not the way in (tests call run())
    config = context.config()
    answerer = context.answerer()
    platforms = list(args.platforms) or [entry.name for entry in configured(context.env)]
    if not platforms and args.http is not None:
        raise context.fail(
            "--http serves Slack and Discord, and neither is set up: set SLACK_BOT_TOKEN "
            "(or SLACK_CLIENT_ID) and SLACK_SIGNING_SECRET, or DISCORD_TOKEN and "
            "DISCORD_PUBLIC_KEY"
        )
    if not platforms or platforms == ["terminal"]:
        terminal.run_prompt(answerer, context.stdin, context.out)
        return EXIT_OK
    if context.log_format() is None:
        raise context.fail("QUOTEBOT_LOG_FORMAT must be text or json")
    desk = wiring.make_desk(config, context.env, answerer)
    http = (args.host, args.http) if args.http is not None else None
    served = [p for p in platforms if p in BY_NAME]
    try:
        front = None
        if args.http is not None:
            front = wiring.make_front(args.host, args.http, desk, context.env)
        options = ServeOptions(http=http, desk=desk, front=front)
        services: list[Service] = wiring.platform_services(served, context.env, answerer, options)
        if front is not None:
            services.append(front)
        services += observing.metrics_services(
            context.env, front, args.metrics, desk, answerer.book
        )
        # Always: channels on the platforms served may subscribe with /qotd at any time.
        services.append(wiring.DailyService(config, context.env, answerer, served))
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    context.configure_logging()
    supervisor.log_caps(answerer.book, served)
    answerer.warm_up()
    # Everything made so far (the book, the platforms' libraries) is here for good: keep
    # the cyclic collector's full collections from walking it again and again.
    gc.collect()
    gc.freeze()
    reloader = supervisor.Reloader(answerer, context.quotes, services)
    try:
        reasons = asyncio.run(supervisor.serve(services, reloader))
    finally:
        desk.close()
    for reason in reasons:
        context.err.write(f"error: {reason}\n")
    return EXIT_USAGE if reasons else EXIT_OK
