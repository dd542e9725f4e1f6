"""Running the bots: every platform's service and the quote of the day's scheduler in one
event loop, each supervised on its own, so one platform failing stops nothing else.

A platform that cannot work with its settings (a refused token, intents not granted)
stops alone with one log line; one that fails while serving is restarted with backoff.
SIGINT or SIGTERM stops everything cleanly; SIGHUP reloads the quote files in a worker
thread, answers flowing meanwhile.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import metrics
from bot.adapters.contract import Service
from bot.adapters.http.server import HttpFront
from bot.answers.answerer import Answerer
from bot.answers.catalogue import cap_warnings
from bot.app import hangup, observing
from bot.app.wiring import FIRST_BACKOFF_S, MAX_BACKOFF_S, DailyService, wait_or_stop
from bot.book.loader import LoadResult, load_book
from bot.book.quote_book import QuoteBook
from bot.errors import Fatal, SettingsError, one_line

log = logging.getLogger("quotebot")

# A service that served this long before failing starts its backoff afresh.
HEALTHY_S = 300.0
# Failures in a row (each within HEALTHY_S of its start) before a service is given up.
MAX_FAILURES = 8


async def supervise(service: Service, stop: asyncio.Event) -> str | None:
    """Run ``service`` until ``stop``; None when stopped, else why it stopped for good."""
    loop = asyncio.get_running_loop()
    failures = 0
    while not stop.is_set():
        began = loop.time()
        try:
            await service.start()
            metrics.PLATFORM_STATE.state("serving", service.name)
            await service.serve(stop)
        except (SettingsError, Fatal) as exc:
            await service.close()
            metrics.PLATFORM_STATE.state("stopped", service.name)
            log.error("%s stopped: %s", service.name, exc, extra={"platform": service.name})
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure of one service is its own
            await service.close()
            failures = 1 if loop.time() - began > HEALTHY_S else failures + 1
            reason = one_line(exc)
            if failures > MAX_FAILURES:
                metrics.PLATFORM_STATE.state("stopped", service.name)
                log.error(
                    "%s stopped after %d failures in a row: %s", service.name, failures, reason
                )
                return reason
            delay = min(FIRST_BACKOFF_S * 2 ** (failures - 1), MAX_BACKOFF_S)
            metrics.PLATFORM_STATE.state("restarting", service.name)
            metrics.RESTARTS.inc(service.name)
            log.error(
                "%s failed (%s); restarting in %.0f s", service.name, reason, delay,
                extra={"platform": service.name, "outcome": "restarting"},
            )  # fmt: skip
            await wait_or_stop(stop, delay)
            continue
        await service.close()
    metrics.PLATFORM_STATE.state("stopped", service.name)
    return None


def log_caps(book: QuoteBook, platforms: Sequence[str], prefix: str = "") -> None:
    """Say, for each platform served, who its command cap leaves reachable only through
    ``/quote``: at start, and again after each reload (a new director may go past it)."""
    for warning in cap_warnings(book, platforms):
        log.warning("%s%s", prefix, warning)


class Reloader:
    """Reloads the quote files on request, off the event loop; a broken file keeps the
    book the bot has. Requests that arrive during a reload are folded into one more."""

    def __init__(
        self,
        answerer: Answerer,
        quotes: Path,
        services: Sequence[Service] = (),
        load: Callable[[list[Path]], LoadResult] = load_book,
    ) -> None:
        self.answerer = answerer
        self.quotes = quotes
        self.services = services
        self._load = load
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def request(self) -> None:
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._reload())

    async def wait(self) -> None:
        """Until the reload under way (if any) is done: for tests and shutdown."""
        while self._task is not None and not self._task.done():
            await asyncio.gather(self._task, return_exceptions=True)

    async def _reload(self) -> None:
        while True:
            self._again = False
            # Loading, the swap and dropping the old book (freeing it is slow for a big
            # one) all happen in the worker thread: the loop keeps answering.
            swapped = await asyncio.to_thread(self._load_and_swap)
            if swapped:
                for service in self.services:
                    try:
                        await service.refresh()
                    except Exception:
                        log.exception("reload: %s could not update its commands", service.name)
            if not self._again:
                return

    def _load_and_swap(self) -> bool:
        # A compiled book is a few hundred objects whatever its size, so building the new
        # one and dropping the old is quick; the cyclic collector is paused meanwhile all
        # the same (reading YAML makes many objects), and then kept off the new book.
        collecting = gc.isenabled()
        gc.disable()
        try:
            loaded = self._load([self.quotes])
            if loaded.problems:
                for problem in loaded.problems:
                    log.warning("reload: %s", problem)
                kept = len(self.answerer.book.quotes)
                log.warning("reload: kept the last good quote book (%d quotes)", kept)
                observing.reloaded(self.answerer.book, kept_new=False)
                return False
            Answerer(loaded.book).warm_up()  # before it answers anyone
            self.answerer.book = loaded.book
            observing.reloaded(loaded.book, kept_new=True)
            files = len(loaded.files)
            log.info("reload: %d quotes from %d file(s)", len(loaded.book.quotes), files)
            log_caps(loaded.book, [service.name for service in self.services], "reload: ")
            del loaded
            gc.collect()
            gc.freeze()
        finally:
            if collecting:
                gc.enable()
        return True


async def serve(services: Sequence[Service], reloader: Reloader) -> list[str]:
    """Run every service until SIGINT or SIGTERM. Returns [] when stopped, or, when every
    platform ended on its own, why each stopped. The quote of the day's scheduler (a
    companion) serves the platforms: it stops when they have all stopped."""
    stop = asyncio.Event()
    no_platforms = asyncio.Event()

    def stop_all() -> None:
        stop.set()
        no_platforms.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_all)
    loop.add_signal_handler(signal.SIGHUP, reloader.request)
    # The book loaded at start stays: keep the cyclic collector from walking it again and again.
    gc.freeze()
    if hangup.take():  # a SIGHUP while starting: reload now
        reloader.request()
    # The HTTP server is served like a companion, but if it cannot listen at all there is
    # nothing to serve: everything stops, and why is the answer.
    fronts = [s for s in services if isinstance(s, HttpFront)]
    companions = [s for s in services if isinstance(s, DailyService)]
    platforms = [s for s in services if s not in fronts and s not in companions]
    front_reasons: list[str] = []

    async def every_platform() -> list[str | None]:
        reasons = await asyncio.gather(*(supervise(s, stop) for s in platforms))
        no_platforms.set()
        return reasons

    async def front(service: Service) -> None:
        reason = await supervise(service, no_platforms)
        if reason is not None:
            front_reasons.append(reason)
            stop.set()
            no_platforms.set()

    serving = asyncio.ensure_future(every_platform())
    await asyncio.gather(
        serving,
        *(supervise(s, no_platforms) for s in companions),
        *(front(s) for s in fronts),
    )
    reasons = serving.result()
    await reloader.wait()
    if front_reasons:
        return front_reasons
    if stop.is_set():
        log.info("stopped")
        return []
    return [reason for reason in reasons if reason]
