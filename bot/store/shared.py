"""The state store as the serving side holds it: opened on first use, and opened again
after a failure, so that a database that is down costs each request a clear answer (or a
fallback) and nothing else. Shared by /qotd, the replay guard and readiness checks."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from bot.store.roles import Store

log = logging.getLogger("quotebot.store")
T = TypeVar("T")


class SharedStore:
    """One store for the whole process, used from worker threads (its calls block)."""

    def __init__(self, open_store: Callable[[], Store], networked: bool = False) -> None:
        self._open = open_store
        # A database other machines share (PostgreSQL): what one instance must know of
        # another's requests (the replay guard's memory) is worth a round trip to it.
        self.networked = networked
        self._store: Store | None = None
        self._opening = threading.Lock()

    def call(self, use: Callable[[Store], T]) -> T:
        """``use(store)``; on any failure the store is let go (the next call opens it
        again) and the failure raised."""
        try:
            return use(self._get())
        except BaseException:
            self.drop()
            raise

    def _get(self) -> Store:
        with self._opening:
            if self._store is None:
                self._store = self._open()
            return self._store

    def drop(self) -> None:
        """Let go of the store (closing it); the next call opens it again."""
        with self._opening:
            store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception as exc:  # noqa: BLE001 - closing a broken store may fail too
                log.debug("closing the state store failed: %s", exc.__class__.__name__)
