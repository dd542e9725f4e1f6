"""SIGHUP before the event loop serves: remembered, never fatal.

A SIGHUP's default action ends the process, and ``systemctl reload`` may send one while
``quotebot run`` is still starting (importing the platforms' libraries, loading the
book). The face catches it first thing, before anything heavy is imported (this module
imports only :mod:`signal`); the supervisor reloads once serving starts."""

from __future__ import annotations

import signal

_pending = False


def catch() -> None:
    """From now on a SIGHUP is remembered, not fatal."""

    def remember(_signum: int, _frame: object) -> None:
        global _pending
        _pending = True

    signal.signal(signal.SIGHUP, remember)


def take() -> bool:
    """Whether a SIGHUP came since :func:`catch` (or the last take), forgetting it."""
    global _pending
    pending, _pending = _pending, False
    return pending
