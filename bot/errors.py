"""The errors every layer shares, and how an exception is said in one line.

:class:`SettingsError` and :class:`Fatal` cross layers (a platform's settings are read by
its adapter, reported by the face), so they live below all of them."""

from __future__ import annotations


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it, never its value."""


class Fatal(Exception):
    """This platform cannot work until its settings change (a refused token, intents
    not granted): it stops alone, the others go on. The message says why, never a secret."""


def one_line(exc: BaseException) -> str:
    """An exception in one line: its class and the first line of its message."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{exc.__class__.__name__}: {first}" if first else exc.__class__.__name__


def warn(logger: str, message: str, *args: object) -> None:
    """Log a warning on ``logger``, importing logging only when there is one to log: it
    was a tenth of what ``quotebot ask`` cost, for warnings an ask rarely has."""
    import logging

    logging.getLogger(logger).warning(message, *args)
