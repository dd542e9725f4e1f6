"""The state store as the serving side holds it: opened in the background, and opened again
after a failure, so that a database that is down costs each answer a fraction of a second
and a fallback (the replay guard remembers in the process, /qotd says the store cannot be
reached), never a stall. Shared by /qotd, the replay guard, Slack's installations and
readiness checks, all of them on the answer path: every call gives up within ANSWER_S.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as NotYet
from typing import TypeVar

from bot import metrics
from bot.errors import SettingsError, one_line
from bot.store.errors import StoreUnavailable
from bot.store.roles import Store

log = logging.getLogger("quotebot.store")
T = TypeVar("T")

# A call on the answer path gives up after this long, waiting for a connection included.
ANSWER_S = 0.5
# The first opening of a SQLite file may take this long (a new store's migrations; no
# network involved). A network database's is waited for ANSWER_S, like any call.
FIRST_OPEN_S = 5.0
# After an opening failed, calls fail at once for this long; then one more is tried.
REOPEN_AFTER_S = 1.0


def in_background(work: Callable[[], T], name: str = "store-open") -> Future[T]:
    """``work()`` in a thread of its own (a daemon: a hung connect never holds up exit)."""
    done: Future[T] = Future()

    def run() -> None:
        try:
            done.set_result(work())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
            done.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return done


class SharedStore:
    """One store for the whole process, used from worker threads (its calls block) and,
    for a SQLite file, from the event loop (:meth:`call_here`)."""

    def __init__(self, open_store: Callable[[], Store], networked: bool = False) -> None:
        self._open = open_store
        # A database other machines share (PostgreSQL), as the caller knows it; the store
        # once open says itself whether its calls may be made on the loop (Store.local).
        self.networked = networked
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._opening: Future[Store] | None = None
        self._opened = False  # once: later openings are waited for ANSWER_S at most
        self._down: tuple[float, str] | None = None  # when the last opening failed, and why

    def open_soon(self) -> Future[Store]:
        """Start opening the store now, if it is not open or opening: what it came to."""
        with self._lock:
            if self._store is not None:
                done: Future[Store] = Future()
                done.set_result(self._store)
                return done
            if self._opening is None:
                self._opening = in_background(self._open_now)
            return self._opening

    def call(self, use: Callable[[Store], T], within: float = ANSWER_S) -> T:
        """:meth:`_call`, counted: its time, its failure, whether the store answered."""
        began = time.perf_counter()
        try:
            done = self._call(use, within)
        except BaseException as exc:
            _counted(exc, began)
            raise
        _counted(None, began)
        return done

    def _call(self, use: Callable[[Store], T], within: float = ANSWER_S) -> T:
        """``use(store)``, giving up after ``within`` seconds (waiting for the store to open
        included); on any failure the store is let go (the next call opens it again) and
        the failure raised. While it cannot be opened, or after it did not answer in
        time, StoreUnavailable at once (for REOPEN_AFTER_S, or until it opens again)."""
        try:
            store = self._ready(within)
        except TimeoutError as exc:
            self._give_up(exc)
            raise
        try:
            with store.within(within):
                return use(store)
        except TimeoutError as exc:  # it did not answer: not worth waiting for just now
            self._let_go(store)
            self._give_up(exc)
            raise
        except BaseException:
            self._let_go(store)
            raise

    def call_here(self, use: Callable[[Store], T]) -> T:
        """``use(store)`` on the event loop, for a store whose calls never wait (a SQLite
        file); BlockingIOError, changing nothing, where it would wait (not open yet, a
        network database, a lock held): then :meth:`call` it in a worker thread."""
        store = self._store
        if store is None or not store.local:
            raise BlockingIOError("not a store the loop may call")
        began = time.perf_counter()
        try:
            with store.within(0):
                done = use(store)
        except BlockingIOError:
            raise
        except BaseException as exc:
            _counted(exc, began)
            self._let_go(store)
            raise
        _counted(None, began)
        return done

    def _ready(self, within: float) -> Store:
        with self._lock:
            if self._store is not None:
                return self._store
            down = self._down
            if self._opening is None and (
                down is None or time.monotonic() - down[0] >= REOPEN_AFTER_S
            ):
                self._opening = in_background(self._open_now)
            opening, first = self._opening, not (self._opened or self.networked)
        if down is not None:  # still down: at once, while another opening is tried
            raise StoreUnavailable(down[1])
        assert opening is not None
        wait = max(within, FIRST_OPEN_S) if first else within
        try:
            return opening.result(timeout=wait)
        except NotYet:
            raise TimeoutError(f"the state store did not open within {wait:.2g} s") from None

    def _open_now(self) -> Store:
        try:
            store = self._open()
        except BaseException as exc:
            # Said as opening said it (a SettingsError names QUOTEBOT_DB, no password).
            said = str(exc) if isinstance(exc, SettingsError) else one_line(exc)
            with self._lock:
                self._opening = None
                self._down = (time.monotonic(), said)
            raise
        with self._lock:
            self._store, self._opening, self._down, self._opened = store, None, None, True
        return store

    def _give_up(self, exc: BaseException) -> None:
        with self._lock:
            self._down = (time.monotonic(), one_line(exc))

    def _let_go(self, store: Store) -> None:
        """Forget ``store`` after a failure (unless already forgotten), closing it in the
        background: closing waits for its other callers, which the answer must not."""
        with self._lock:
            if self._store is not store:
                return
            self._store = None
        in_background(lambda: _close(store), name="store-close")

    def drop(self) -> None:
        """Let go of the store, closing it now; the next call opens it again."""
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            _close(store)


def _counted(failure: BaseException | None, began: float) -> None:
    """A call's time, and whether the store answered (bot.metrics)."""
    metrics.STORE_SECONDS.observe(time.perf_counter() - began)
    if failure is None:
        metrics.STORE_UP.set(1.0)
        return
    how = "failed"
    if isinstance(failure, StoreUnavailable):
        how = "unavailable"
    elif isinstance(failure, TimeoutError):
        how = "timeout"
    metrics.STORE_ERRORS_TOTAL.inc(how)
    metrics.STORE_UP.set(0.0)


def _close(store: Store) -> None:
    try:
        store.close()
    except Exception as exc:  # noqa: BLE001 - closing a broken store may fail too
        log.debug("closing the state store failed: %s", exc.__class__.__name__)
