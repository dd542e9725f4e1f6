"""Refusing a signed request seen before (Slack's and Discord's alike): a captured request
could otherwise be sent again while its timestamp is still within the window."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

# Signed requests older than this are refused anyway: remembered only this long.
WINDOW_S = 300


class ReplayGuard:
    """Refuses a signed request seen before, while its signature could still be valid."""

    def __init__(
        self, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._window = window_s
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, signature: str) -> bool:
        """True the first time ``signature`` is offered within the window (only verified
        signatures are offered, so the memory holds only what Slack sent)."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._window:
            self._seen.popitem(last=False)
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)
