"""Running the bots: one job per platform and the quote of the day's scheduler in one
event loop, stopped by SIGINT or SIGTERM, the quote files reloaded on SIGHUP."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.answers import Answerer
from bot.config import DailyConfig, Platform
from bot.daily import Daily, Poster, SystemClock
from bot.loader import load_book
from bot.settings import DiscordSettings, SettingsError, SlackSettings
from bot.store import Store, open_store, without_password

log = logging.getLogger("quotebot")

# A platform is started by `quotebot run` with no arguments when its variable is set.
CREDENTIALS = {"discord": "DISCORD_TOKEN", "slack": "SLACK_BOT_TOKEN"}

Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
# Called after a reload, e.g. to register a new director's command with Discord.
Refresh = Callable[[], Coroutine[Any, Any, None]]


def platform_jobs(
    platforms: Sequence[str],
    env: Mapping[str, str],
    answerer: Answerer,
    refreshers: list[Refresh],
    http: tuple[str, int] | None = None,
) -> list[Job]:
    """One coroutine function per platform, its settings checked before anything starts."""
    jobs: list[Job] = []
    if "discord" in platforms:
        from bot.adapters import discord

        discord_settings = DiscordSettings.from_environ(env)

        def on_login(client: discord.QuoteClient) -> None:
            # From login on, a reload re-syncs: setup_hook synced the book as it was then.
            refreshers.append(client.refresh)

        jobs.append(lambda stop: discord.run(answerer, discord_settings, stop, on_login=on_login))
    if "slack" in platforms:
        from bot.adapters import slack

        settings = SlackSettings.from_environ(env, http=http is not None)
        jobs.append(lambda stop: slack.run(answerer, settings, stop, http))
    return jobs


async def serve(jobs: Sequence[Job], reload: Callable[[], None]) -> None:
    """Run every platform until SIGINT or SIGTERM, or until one of them fails."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, reload)
    tasks = [asyncio.create_task(job(stop)) for job in jobs]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        task.result()  # re-raise the first failure, if any
    log.info("stopped")


def reload_book(answerer: Answerer, quotes: Path, refreshers: Sequence[Refresh] = ()) -> None:
    """Load the quote files again; any problem keeps the book the bot already has."""
    loaded = load_book([quotes])
    if loaded.problems:
        for problem in loaded.problems:
            log.warning("reload: %s", problem)
        log.warning("reload: kept the last good quote book (%d quotes)", len(answerer.book.quotes))
        return
    answerer.book = loaded.book
    log.info("reload: %d quotes from %d file(s)", len(loaded.book.quotes), len(loaded.files))
    for refresh in refreshers:
        task = asyncio.get_running_loop().create_task(refresh())
        _background.add(task)
        task.add_done_callback(_refreshed)


_background: set[asyncio.Task[None]] = set()


def _refreshed(task: asyncio.Task[None]) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("reload: could not update the commands", exc_info=task.exception())


def open_state_store(env: Mapping[str, str]) -> Store:
    where = env.get("QUOTEBOT_DB") or "quotebot.db"
    try:
        return open_store(where)
    except Exception as exc:  # noqa: BLE001 - sqlite3's and psycopg's errors alike
        shown = without_password(where)
        raise SettingsError(
            f"cannot open the state store QUOTEBOT_DB ({shown}): {exc.__class__.__name__}"
        ) from None


def posters_for(config: DailyConfig, env: Mapping[str, str]) -> dict[Platform, Poster]:
    """A poster for each platform the targets name; SettingsError names a missing token."""
    posters: dict[Platform, Poster] = {}
    if "discord" in config.platforms():
        from bot.adapters import discord

        posters["discord"] = discord.DiscordPoster(DiscordSettings.from_environ(env))
    if "slack" in config.platforms():
        from bot.adapters import slack

        posters["slack"] = slack.SlackPoster(SlackSettings.for_posting(env))
    return posters


def daily_job(config: DailyConfig, env: Mapping[str, str], answerer: Answerer) -> Job:
    """The scheduler, as a job beside the platforms; its settings are checked now."""
    posters = posters_for(config, env)
    store = open_state_store(env)

    async def job(stop: asyncio.Event) -> None:
        runner = Daily(config, store, posters, lambda: answerer.book, SystemClock())
        try:
            await runner.run(stop)
        finally:
            for poster in posters.values():
                await poster.close()
            store.close()

    return job
