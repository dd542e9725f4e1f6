"""aiohttp's server log, in quotebot's words. A request aiohttp refuses before any handler
sees it (a URL or a header line over 8 KiB, too many headers, a malformed request line, a
bad Content-Length, chunk size or Content-Encoding) and a client gone mid-request are
traffic, not faults: one line a minute per kind says how many there were, never with the
request's bytes (they may hold anything, secrets included) nor a traceback. Anything else
a handler raises is a fault and keeps its traceback, one a minute per kind."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot import metrics
from bot.adapters.http.throttle import Throttle

log = logging.getLogger("quotebot.http")

# aiohttp's own words for what it refused come before the first colon; after it, often
# the offending bytes. Words only: anything else (a quote, a byte) leaves just the class.
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9 ,()-]{0,79}")


def refused_kind(exc: BaseException | None) -> str | None:
    """What was wrong with a request aiohttp gave up on, in aiohttp's fixed words (never
    the request's); None when ``exc`` is not that but a fault of the server's."""
    if isinstance(exc, web.RequestPayloadError) and exc.__cause__ is not None:
        exc = exc.__cause__  # the body's own fault: a bad chunk, a bad Content-Encoding
    if isinstance(exc, ConnectionError):
        return "the client went away mid-request"
    if isinstance(exc, web.RequestPayloadError):
        return "RequestPayloadError"
    if not isinstance(exc, HttpProcessingError):
        return None
    words = str(exc.message).split(":", 1)[0].strip()
    name = type(exc).__name__
    return f"{name}: {words}" if _WORDS.fullmatch(words) else name


def _exception(exc_info: object) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        found = exc_info[1]
        return found if isinstance(found, BaseException) else None
    return sys.exc_info()[1] if exc_info else None


class RefusalLog(logging.Logger):
    """Stands in for aiohttp's ``aiohttp.server`` logger on one server (``logger=``):
    refused requests as throttled lines of ``quotebot.http``, faults with tracebacks."""

    def __init__(self, throttle: Throttle | None = None) -> None:
        super().__init__("quotebot.http.aiohttp")
        self.parent = log  # never registered: whatever it says goes to quotebot.http's handlers
        self._throttle = throttle if throttle is not None else Throttle()

    # (Logger's own signatures: aiohttp calls these as it would call its logger's.)
    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:  # noqa: ANN401
        # aiohttp says a first request's bad method at debug level (port scanners send
        # them); a refusal all the same.
        exc = _exception(kwargs.get("exc_info"))
        if refused_kind(exc) is None:
            super().debug(msg, *args, **kwargs)
        else:
            self._refused(exc)

    def exception(self, msg: object, *args: object, **kwargs: Any) -> None:  # noqa: ANN401
        exc = _exception(kwargs.pop("exc_info", True))
        if refused_kind(exc) is not None:
            self._refused(exc)
            return
        count = self._throttle.due(f"fault:{type(exc).__name__}")
        if count:
            also = f" ({count - 1} more like it since the last line)" if count > 1 else ""
            self.error(f"{msg}{also}", *args, exc_info=exc, **kwargs)

    def _refused(self, exc: BaseException | None) -> None:
        kind = refused_kind(exc)
        gone = isinstance(exc, ConnectionError)
        metrics.HTTP_REFUSALS.inc("client_gone" if gone else "unreadable")
        count = self._throttle.due(f"refused:{kind}")
        if count:
            log.warning("HTTP: refused %d request(s) aiohttp could not read (%s)", count, kind)
