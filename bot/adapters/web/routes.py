"""The pages and feeds on the shared HTTP server (``quotebot run --http``): GET routes
mounted on the HttpFront, each answer with a strict Content-Security-Policy.

``/`` the directors · ``/search?q=`` · ``/feed.atom`` the quote of the day ·
``/<command>/`` · ``/<command>/feed.atom`` · ``/<command>/<topic>/`` ·
``/<command>/q/<id>/`` a permalink (410 once removed) · ``/style.css`` · ``/c/<platform>/
<community>/...`` a published community's own pages (communities.py). Paths work
with or without their last slash. ``/<command>/<id>.png`` is left to the cards."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from aiohttp import web

from bot.adapters.web import feeds, pages, paths
from bot.adapters.web.communities import CommunityPages, Shelf
from bot.adapters.web.layout import HEADERS, STYLESHEET, Page, render
from bot.adapters.web.paths import Link
from bot.adapters.web.published import Published, location
from bot.book import QuoteBook, find, index, is_quote_id, quote_id
from bot.environment import setting, url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.adapters.http.server import HttpFront

log = logging.getLogger("quotebot.web")
Picks = Callable[[], Sequence[tuple[str, str]]]
_SERVER = Link("/")
_AGE = "public, max-age=300"


def public_url(env: Mapping[str, str]) -> str:
    """QUOTEBOT_PUBLIC_URL without its last slash, or "" when it is not set."""
    return url(env, "QUOTEBOT_PUBLIC_URL", "") if setting(env, "QUOTEBOT_PUBLIC_URL") else ""


def remember(book: QuoteBook, record: Published) -> None:
    """Index ``book``'s IDs and add them to the record of IDs once published (blocking)."""
    commands = paths.of(book).commands
    index(book)
    record.remember((commands.get(q.director, ""), quote_id(q)) for q in book.quotes)


class WebPages:
    """The handlers, reading the current book (``book()``) at every request."""

    def __init__(self, book: Callable[[], QuoteBook], picks: Picks | None,
                 record: Published, public: str = "") -> None:  # fmt: skip
        self.book = book
        self.picks = picks
        self.record = record
        self.public = public
        self._ready: QuoteBook | None = None
        self._lock = asyncio.Lock()

    async def _current(self) -> QuoteBook:
        book = self.book()
        if book is not self._ready:  # a new book (a reload): index it off the loop, once
            async with self._lock:
                if book is not self._ready:
                    await asyncio.to_thread(remember, book, self.record)
                    self._ready = book
        return book

    def _html(self, request: web.Request, page: Page) -> web.Response:
        public = self.public or str(request.url.origin())
        text = render(page, _SERVER, public, search=True)
        headers = {**HEADERS, "Cache-Control": _AGE if page.status == 200 else "no-store"}
        return web.Response(text=text, status=page.status, content_type="text/html",
                            charset="utf-8", headers=headers)  # fmt: skip

    async def home(self, request: web.Request) -> web.StreamResponse:
        return self._html(request, pages.home(await self._current(), _SERVER))

    async def style(self, _: web.Request) -> web.StreamResponse:
        return web.Response(text=STYLESHEET, content_type="text/css", charset="utf-8",
                            headers={**HEADERS, "Cache-Control": _AGE})  # fmt: skip

    async def search(self, request: web.Request) -> web.StreamResponse:
        book = await self._current()
        words = request.query.get("q", "")
        page = await asyncio.to_thread(pages.search, book, words, _SERVER)
        return self._html(request, page)

    async def director(self, request: web.Request) -> web.StreamResponse:
        book = await self._current()
        found = book.by_command(request.match_info["command"])
        if found is None or not found.quotes:
            return self._html(request, pages.not_found(_SERVER))
        return self._html(request, pages.director(book, found, _SERVER))

    async def topic(self, request: web.Request) -> web.StreamResponse:
        book = await self._current()
        found = book.by_command(request.match_info["command"])
        name = paths.of(book).topic_of(found, request.match_info["topic"]) if found else None
        if found is None or name is None:
            return self._html(request, pages.not_found(_SERVER))
        return self._html(request, pages.topic(book, found, name, _SERVER))

    async def quote(self, request: web.Request) -> web.StreamResponse:
        book = await self._current()
        command, wanted = request.match_info["command"], request.match_info["id"]
        found = find(book, wanted) if is_quote_id(wanted) else None
        if found is not None and paths.of(book).command_of(found) == command:
            return self._html(request, pages.quote(book, found, _SERVER))
        if found is not None:  # its director's command changed: where it is now
            moved = paths.quote_path(paths.of(book).command_of(found), found)
            raise web.HTTPMovedPermanently("/" + paths.href(moved))
        if self.record.command_of(wanted) is not None:
            return self._html(request, pages.gone(_SERVER))
        return self._html(request, pages.not_found(_SERVER))

    def _atom(self, text: str) -> web.Response:
        return web.Response(text=text, content_type="application/atom+xml", charset="utf-8",
                            headers={**HEADERS, "Cache-Control": _AGE})  # fmt: skip

    async def daily_feed(self, request: web.Request) -> web.StreamResponse:
        book = await self._current()
        picks: Sequence[tuple[str, str]] = ()
        if self.picks is not None:
            try:
                picks = await asyncio.to_thread(self.picks)
            except Exception as exc:  # noqa: BLE001 - the store is out of reach: say so
                log.warning("web: the quote of the day's feed: the state store failed (%s)",
                            exc.__class__.__name__)  # fmt: skip
                raise web.HTTPServiceUnavailable(headers={"Retry-After": "60"}) from None
        public = self.public or str(request.url.origin())
        return self._atom(feeds.daily(book, picks, datetime.now(UTC).date(), public))

    async def director_feed(self, request: web.Request) -> web.StreamResponse:
        book = await self._current()
        found = book.by_command(request.match_info["command"])
        if found is None or not found.quotes:
            return self._html(request, pages.not_found(_SERVER))
        return self._atom(feeds.director(book, found, self.public or str(request.url.origin())))


def mount(front: HttpFront, book: Callable[[], QuoteBook], env: Mapping[str, str],
          picks: Picks | None = None, shelf: Shelf | None = None) -> WebPages:  # fmt: skip
    """Serve the pages and feeds on ``front``; ``picks`` reads the ledger's picks (the
    quote of the day's feed), ``shelf`` a published community's approved quotes (its
    pages, /c/...), each None without a state store. SettingsError for a bad
    QUOTEBOT_PUBLIC_URL."""
    web_pages = WebPages(book, picks, Published(location(env)), public_url(env))
    command, slash = "{command:[^/.]+}", "{slash:/?}"
    routes = [] if shelf is None else CommunityPages(book, shelf, web_pages.public).routes()
    routes += [
        ("/", web_pages.home), ("/style.css", web_pages.style),
        ("/search", web_pages.search), ("/feed.atom", web_pages.daily_feed),
        (f"/{command}{slash}", web_pages.director),
        (f"/{command}/feed.atom", web_pages.director_feed),
        (f"/{command}/q/{{id:[^/.]+}}{slash}", web_pages.quote),
        (f"/{command}/{{topic:[^/.]+}}{slash}", web_pages.topic),
    ]  # fmt: skip
    for path, handler in routes:
        front.app.router.add_get(path, handler)
    front.labels.append("web /")
    return web_pages
