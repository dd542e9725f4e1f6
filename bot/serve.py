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
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

from bot.adapters.contract import Fatal, ServeOptions, Service
from bot.adapters.http_server import HttpFront
from bot.adapters.registry import BY_NAME
from bot.answers import Answerer
from bot.book import Quote
from bot.delivery import Daily, Poster, SystemClock, said
from bot.environment import SettingsError
from bot.loader import LoadResult, load_book
from bot.qotd import QotdDesk
from bot.scheduler import run_schedule
from bot.settings_file import DailyConfig
from bot.shared_store import SharedStore
from bot.store import Store, StoreError, open_store, store_location, without_password

log = logging.getLogger("quotebot")

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
# A service that served this long before failing starts its backoff afresh.
HEALTHY_S = 300.0
# Quotes freed at a time when a reload lets go of the old book.
FREE_CHUNK = 1_000
# Failures in a row (each within HEALTHY_S of its start) before a service is given up.
MAX_FAILURES = 8

_early_reload = False


def catch_early_reloads() -> None:
    """From now on a SIGHUP does not kill the process: before the loop serves, it is
    remembered, and the book is reloaded once serving starts."""

    def remember(_signum: int, _frame: FrameType | None) -> None:
        global _early_reload
        _early_reload = True

    signal.signal(signal.SIGHUP, remember)


def platform_services(
    platforms: Sequence[str], env: Mapping[str, str], answerer: Answerer, options: ServeOptions
) -> list[Service]:
    """One service per platform, its settings checked now (SettingsError names a variable)."""
    return [BY_NAME[name].load().service(answerer, env, options) for name in platforms]


def open_state_store(env: Mapping[str, str]) -> Store:
    where = store_location(env)
    try:
        return open_store(where)
    except StoreError as exc:
        raise SettingsError(f"the state store QUOTEBOT_DB: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - sqlite3's and psycopg's errors alike
        shown = without_password(where)
        raise SettingsError(
            f"cannot open the state store QUOTEBOT_DB ({shown}): {exc.__class__.__name__}"
        ) from None


def posters_for(
    config: DailyConfig, env: Mapping[str, str], platforms: Sequence[str] = ()
) -> dict[str, Poster]:
    """A poster for each platform the targets name, and for ``platforms`` (those being
    served, whose channels may subscribe with /qotd); SettingsError names a missing token."""
    names = sorted(config.platforms() | {name for name in platforms if name in BY_NAME})
    return {name: BY_NAME[name].load().poster(env) for name in names}


def make_desk(config: DailyConfig, env: Mapping[str, str], answerer: Answerer) -> QotdDesk:
    """What answers /qotd on every platform: the state store, opened on first use."""
    networked = store_location(env).startswith(("postgresql://", "postgres://"))
    shared = SharedStore(lambda: open_state_store(env), networked)
    return QotdDesk(shared, config, lambda: answerer.book)


READY_TIMEOUT_S = 3.0


def make_front(host: str, port: int, desk: QotdDesk) -> HttpFront:
    """The one HTTP server of ``quotebot run --http``; ready when the state store answers."""

    async def ready() -> str | None:
        try:
            return await asyncio.wait_for(asyncio.to_thread(desk.ready), READY_TIMEOUT_S)
        except TimeoutError:
            return f"the state store did not answer within {READY_TIMEOUT_S:.0f} s"

    return HttpFront(host, port, ready)


class DailyService:
    """The quote of the day's scheduler, supervised like a platform."""

    name = "daily"

    def __init__(
        self,
        config: DailyConfig,
        env: Mapping[str, str],
        answerer: Answerer,
        platforms: Sequence[str] = (),
    ) -> None:
        self.config = config
        self.answerer = answerer
        # Settings checked before anything starts.
        self.posters = posters_for(config, env, platforms)
        self.env = env
        self.store: Store | None = None

    async def start(self) -> None:
        """Nothing to check: the store is opened by serve(), and opened again for as long
        as it is out of reach (a database down at start must not end the daily for good)."""

    async def serve(self, stop: asyncio.Event) -> None:
        self.store = await self._open(stop)
        if self.store is None:
            return
        runner = Daily(
            self.config, self.store, self.posters, lambda: self.answerer.book, SystemClock()
        )
        await run_schedule(runner, stop)

    async def _open(self, stop: asyncio.Event) -> Store | None:
        where = store_location(self.env)
        delay = FIRST_BACKOFF_S
        while not stop.is_set():
            try:
                return await asyncio.to_thread(open_store, where)
            except StoreError as exc:  # not a quotebot store, or a newer one: settings
                raise SettingsError(f"the state store QUOTEBOT_DB: {exc}") from None
            except Exception as exc:  # noqa: BLE001 - out of reach: the daily waits for it
                log.error(
                    "daily: the state store %s is out of reach (%s); trying again in %.0f s",
                    without_password(where), exc.__class__.__name__, delay,
                )  # fmt: skip
                await _wait(stop, delay)
                delay = min(delay * 2, MAX_BACKOFF_S)
        return None

    async def refresh(self) -> None:
        """Nothing to do: each round reads the answerer's current book."""

    async def close(self) -> None:
        for poster in self.posters.values():
            await poster.close()
        store, self.store = self.store, None
        if store is not None:
            store.close()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


async def supervise(service: Service, stop: asyncio.Event) -> str | None:
    """Run ``service`` until ``stop``; None when stopped, else why it stopped for good."""
    loop = asyncio.get_running_loop()
    failures = 0
    while not stop.is_set():
        began = loop.time()
        try:
            await service.start()
            await service.serve(stop)
        except (SettingsError, Fatal) as exc:
            await service.close()
            log.error("%s stopped: %s", service.name, exc)
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure of one service is its own
            await service.close()
            failures = 1 if loop.time() - began > HEALTHY_S else failures + 1
            reason = said(exc)
            if failures > MAX_FAILURES:
                log.error(
                    "%s stopped after %d failures in a row: %s", service.name, failures, reason
                )
                return reason
            delay = min(FIRST_BACKOFF_S * 2 ** (failures - 1), MAX_BACKOFF_S)
            log.error("%s failed (%s); restarting in %.0f s", service.name, reason, delay)
            await _wait(stop, delay)
            continue
        await service.close()
    return None


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
        # The cyclic collector is paused while the new book is built and the old one freed:
        # a full collection walks every object of both, and holds the GIL throughout.
        collecting = gc.isenabled()
        gc.disable()
        try:
            loaded = self._load([self.quotes])
            if loaded.problems:
                for problem in loaded.problems:
                    log.warning("reload: %s", problem)
                kept = len(self.answerer.book.quotes)
                log.warning("reload: kept the last good quote book (%d quotes)", kept)
                quotes = list(loaded.book.quotes)
                del loaded
                _release(quotes)
                return False
            old, self.answerer.book = self.answerer.book, loaded.book
            files = len(loaded.files)
            log.info("reload: %d quotes from %d file(s)", len(loaded.book.quotes), files)
            # Only this thread holds the old book now (or an answer about to finish with it).
            quotes = list(old.quotes)
            del loaded, old
            _release(quotes)
            # What is left is the new book, here to stay: keep collections from walking it.
            gc.freeze()
        finally:
            if collecting:
                gc.enable()
        return True


def _release(quotes: list[Quote]) -> None:
    """Let go of a book's quotes a thousand at a time, the GIL given up in between: freed in
    one go, a large book's objects are released in one long call the loop waits behind."""
    while quotes:
        del quotes[-FREE_CHUNK:]
        time.sleep(0)


async def serve(services: Sequence[Service], reloader: Reloader) -> list[str]:
    """Run every service until SIGINT or SIGTERM. Returns [] when stopped, or, when every
    platform ended on its own, why each stopped. The quote of the day's scheduler (a
    companion) serves the platforms: it stops when they have all stopped."""
    global _early_reload
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
    if _early_reload:
        _early_reload = False
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
