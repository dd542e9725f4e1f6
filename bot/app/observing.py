"""``quotebot run``'s metrics, put together: turned on (unless QUOTEBOT_METRICS=off),
``GET /metrics`` on the HTTP server of ``--http`` and on a small one of its own for
``--metrics HOST:PORT`` (the gateway, Socket Mode), the store pinged at each scrape, and
the book's size and each reload's result. (:mod:`bot.metrics` holds the metrics.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from bot import metrics
from bot.adapters.contract import Service
from bot.adapters.http.server import HttpFront
from bot.book import QuoteBook
from bot.daily.desk import QotdDesk

PING_S = 3.0


def page(
    ping: Callable[[], Awaitable[None]] | None = None,
) -> Callable[..., Awaitable[web.Response]]:
    """The ``/metrics`` handler: the store pinged (its gauge), then every metric in
    Prometheus' text format, made by prometheus_client."""

    async def metrics_page(_: web.Request) -> web.Response:
        if ping is not None:
            await ping()
        data, content_type = metrics.exposition()
        return web.Response(body=data, headers={"Content-Type": content_type})

    return metrics_page


def store_ping(desk: QotdDesk) -> Callable[[], Awaitable[None]]:
    """Ask the state store whether it answers (the call sets quotebot_store_up)."""

    async def ping() -> None:
        try:
            await asyncio.wait_for(asyncio.to_thread(desk.ready), PING_S)
        except TimeoutError:
            metrics.STORE_UP.set(0.0)

    return ping


def book_served(book: QuoteBook) -> None:
    metrics.BOOK_QUOTES.set(len(book.quotes))
    metrics.BOOK_DIRECTORS.set(len(book))


def reloaded(book: QuoteBook, kept_new: bool) -> None:
    """A reload's result: the new book taken, or the last good one kept (``book``)."""
    outcome = "ok" if kept_new else "failed"
    metrics.RELOADS.inc(outcome)
    metrics.RELOAD_OK.set(1.0 if kept_new else 0.0)
    metrics.RELOAD_AT.set(time.time())
    book_served(book)


def metrics_services(
    env: Mapping[str, str],
    front: HttpFront | None,
    listen: tuple[str, int] | None,
    desk: QotdDesk,
    book: QuoteBook,
) -> list[Service]:
    """Turn the metrics on and mount ``/metrics`` on ``front``; with ``listen``, a server
    of its own too (to append to the services). Nothing when QUOTEBOT_METRICS=off."""
    if not metrics.start(env):
        return []
    book_served(book)
    metrics.RELOAD_OK.set(1.0)
    handler = page(store_ping(desk))
    if front is not None:
        front.mount("metrics", "GET", "/metrics", handler)
    if listen is None:
        return []
    own = HttpFront(*listen)
    own.name = "metrics"
    own.mount("metrics", "GET", "/metrics", handler)
    return [own]
