"""What ``quotebot run`` and ``quotebot daily`` put together: the platforms' services, the
state store, the quote of the day's posters and scheduler, /qotd's desk, and the one HTTP
server. (:mod:`bot.app.supervisor` runs them.)"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future

from bot.adapters.contract import ServeOptions, Service
from bot.adapters.http.server import HttpFront
from bot.adapters.registry import BY_NAME
from bot.answers.answerer import Answerer
from bot.book import QuoteBook
from bot.community import CommunityBooks
from bot.daily.clock import SystemClock
from bot.daily.delivery import Daily
from bot.daily.desk import QotdDesk
from bot.daily.poster import Poster
from bot.daily.scheduler import run_schedule
from bot.daily.settings_file import DailyConfig
from bot.errors import SettingsError
from bot.store import ALL_TABLES, DAILY_TABLES, is_postgres, open_store, store_location
from bot.store.errors import StoreError, StoreUnwritable, without_password
from bot.store.roles import Store
from bot.store.shared import SharedStore, in_background

log = logging.getLogger("quotebot")

FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0


def platform_services(
    platforms: Sequence[str], env: Mapping[str, str], answerer: Answerer, options: ServeOptions
) -> list[Service]:
    """One service per platform, its settings checked now (SettingsError names a variable)."""
    return [BY_NAME[name].load().service(answerer, env, options) for name in platforms]


def open_state_store(env: Mapping[str, str], uses: Collection[str] = DAILY_TABLES) -> Store:
    """The store of QUOTEBOT_DB, made sure quotebot may write the tables it ``uses`` (the
    daily's, unless told); SettingsError, one line without the password, when it cannot
    be opened or written (then with the fix)."""
    where = store_location(env)
    try:
        return open_store(where, uses)
    except StoreError as exc:
        raise SettingsError(store_problem(exc)) from None
    except Exception as exc:  # noqa: BLE001 - sqlite3's and psycopg's errors alike
        shown = without_password(where)
        raise SettingsError(
            f"cannot open the state store QUOTEBOT_DB ({shown}): {exc.__class__.__name__}"
        ) from None


def store_problem(exc: StoreError) -> str:
    """What is wrong with the store, in one line: StoreUnwritable names QUOTEBOT_DB itself."""
    return str(exc) if isinstance(exc, StoreUnwritable) else f"the state store QUOTEBOT_DB: {exc}"


def posters_for(
    config: DailyConfig, env: Mapping[str, str], platforms: Sequence[str] = (),
    book: Callable[[], QuoteBook] | None = None,
) -> dict[str, Poster]:  # fmt: skip
    """A poster for each platform the targets name, and for ``platforms`` (those being
    served, whose channels may subscribe with /qotd); SettingsError names a missing token.
    With ``[daily] card = true`` (and the ``book`` the cards' addresses are made from),
    each posts the quote's card too."""
    names = sorted(config.platforms() | {name for name in platforms if name in BY_NAME})
    posters = {name: BY_NAME[name].load().poster(env) for name in names}
    if config.card and book is not None:
        from bot.adapters.web.cards import CardPoster, card_post

        card = card_post(book, env)
        for poster in posters.values():
            if isinstance(poster, CardPoster):
                poster.use_card(card)
    return posters


def make_desk(config: DailyConfig, env: Mapping[str, str], answerer: Answerer) -> QotdDesk:
    """What answers /qotd on every platform, and whose store the replay guard remembers
    in: the state store, opened from now on in the background (no answer waits for it)."""
    networked = is_postgres(store_location(env))
    shared = SharedStore(lambda: open_state_store(env, ALL_TABLES), networked)
    shared.open_soon()
    return QotdDesk(shared, config, lambda: answerer.book)


READY_TIMEOUT_S = 3.0
# `quotebot run` waits this long at start for the store to open (a connection time-out, and
# some): a store it may not write stops it then; one out of reach does not.
START_CHECK_S = 5.0


def make_front(
    host: str, port: int, desk: QotdDesk, env: Mapping[str, str] | None = None
) -> HttpFront:
    """The one HTTP server of ``quotebot run --http``; ready when the state store answers.
    With ``env``, it serves the book's pages and feeds too (SettingsError: a bad
    QUOTEBOT_PUBLIC_URL)."""

    async def ready() -> str | None:
        try:
            return await asyncio.wait_for(asyncio.to_thread(desk.ready), READY_TIMEOUT_S)
        except TimeoutError:
            return f"the state store did not answer within {READY_TIMEOUT_S:.0f} s"

    front = HttpFront(host, port, ready)
    if env is not None:
        from bot.adapters.web.communities import read_shelf
        from bot.adapters.web.routes import mount

        store = desk.store
        from bot.adapters.web.cards import mount_cards

        mount_cards(front, desk.book)  # /<command>/<id>.png
        mount(front, desk.book, env, lambda: store.call(lambda opened: opened.picks("")),
              lambda p, c: store.call(lambda opened: read_shelf(opened, p, c)))  # fmt: skip
    return front


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
        self.posters = posters_for(config, env, platforms, lambda: answerer.book)
        self.env = env
        self.store: Store | None = None
        # The store, opened now: one quotebot may not write (or not its store) is an error
        # at start, not at the first write. One out of reach is not: serve() waits for it.
        self._opening: Future[Store] | None = self._open_soon()
        try:
            self.store, self._opening = self._opening.result(timeout=START_CHECK_S), None
        except StoreError as exc:
            raise SettingsError(store_problem(exc)) from None
        except Exception:  # noqa: BLE001 - out of reach, or not open yet: serve() says so
            return

    def _open_soon(self) -> Future[Store]:
        where = store_location(self.env)
        return in_background(lambda: open_store(where, ALL_TABLES))

    async def start(self) -> None:
        """Nothing to check: the store was opened at construction, and is opened again by
        serve() for as long as it is out of reach (a database down at start must not end
        the daily for good)."""

    async def serve(self, stop: asyncio.Event) -> None:
        if self.store is None:
            self.store = await self._open(stop)
        if self.store is None:
            return
        store = self.store
        books = CommunityBooks(
            self.answerer, store.approved_version, store.approved, local=store.local
        )

        async def community(platform: str, workspace: str) -> QuoteBook:
            return (await books.answerer(platform, workspace)).book

        runner = Daily(
            self.config, store, self.posters, lambda: self.answerer.book, SystemClock(),
            community=community,
        )  # fmt: skip
        await run_schedule(runner, stop)

    async def _open(self, stop: asyncio.Event) -> Store | None:
        where = store_location(self.env)
        delay = FIRST_BACKOFF_S
        while not stop.is_set():
            opening, self._opening = self._opening or self._open_soon(), None
            try:
                return await asyncio.wrap_future(opening)
            except StoreError as exc:  # not a quotebot store, a newer one, read-only
                raise SettingsError(store_problem(exc)) from None
            except Exception as exc:  # noqa: BLE001 - out of reach: the daily waits for it
                log.error(
                    "daily: the state store %s is out of reach (%s); trying again in %.0f s",
                    without_password(where), exc.__class__.__name__, delay,
                )  # fmt: skip
                await wait_or_stop(stop, delay)
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


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
