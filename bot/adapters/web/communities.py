"""A published community's pages, ``/c/<platform>/<community>/``: its book (the shipped
one with the quotes its moderators approved, :func:`bot.community.with_approved`) through
the same page functions, every link under that prefix. Only a community whose moderators
chose to publish (``/quote publish on``, ``/review publish:True``) has pages: any other
path, an unknown or unpublished community or a malformed id among them, is the same 404,
so a page never tells whether a community exists.

The store is read in a worker thread, once a community a while (:data:`KEEP_FOR`
seconds, at most :data:`KEPT` communities kept); a store out of reach is a 503."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from aiohttp import web

from bot.adapters.web import pages, paths
from bot.adapters.web.layout import HEADERS, Page, render
from bot.adapters.web.paths import FEED, Link
from bot.book import QuoteBook, find, index, is_quote_id
from bot.community import with_approved
from bot.store import Store, SuggestionRecord

log = logging.getLogger("quotebot.web")
# A community's approved suggestions if its moderators publish them, else None.
Shelf = Callable[[str, str], Sequence[SuggestionRecord] | None]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
IDS = {
    "discord": re.compile(r"[1-9][0-9]{14,19}"),  # a server's snowflake
    "slack": re.compile(r"T[A-Z0-9]{2,20}"),  # a workspace's team ID
}
KEEP_FOR = 30.0
KEPT = 256
_AGE = "public, max-age=60"
_SERVER = Link("/")


def prefix(platform: str, community: str) -> str:
    return f"c/{platform}/{community}/"


def read_shelf(store: Store, platform: str, community: str) -> list[SuggestionRecord] | None:
    """What :data:`Shelf` answers, read from ``store`` (blocking)."""
    settings = store.review_settings(platform, community)
    return store.approved(platform, community) if settings and settings.published else None


def valid(platform: str, community: str) -> bool:
    pattern = IDS.get(platform)
    return pattern is not None and community.isascii() and bool(pattern.fullmatch(community))


class CommunityPages:
    """The handlers of the community pages, over ``shipped()`` and ``shelf``."""

    def __init__(self, shipped: Callable[[], QuoteBook], shelf: Shelf, public: str = "",
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.shipped, self.shelf, self.public, self.clock = shipped, shelf, public, clock
        self._kept: dict[tuple[str, str], tuple[float, QuoteBook, QuoteBook | None]] = {}

    def _build(self, shipped: QuoteBook, platform: str, community: str) -> QuoteBook | None:
        records = self.shelf(platform, community)
        if records is None:
            return None
        made = with_approved(shipped, records)
        index(made)
        return made

    async def book(self, platform: str, community: str) -> QuoteBook | None:
        """The community's book if it is published, else None (503 when unreadable)."""
        if not valid(platform, community):
            return None
        key, shipped, now = (platform, community), self.shipped(), self.clock()
        kept = self._kept.get(key)
        if kept is not None and kept[1] is shipped and now - kept[0] < KEEP_FOR:
            return kept[2]
        try:
            made = await asyncio.to_thread(self._build, shipped, platform, community)
        except Exception as exc:  # noqa: BLE001 - the store is out of reach: say so
            log.warning("web: a community's pages: the state store failed (%s)",
                        exc.__class__.__name__)  # fmt: skip
            raise web.HTTPServiceUnavailable(headers={"Retry-After": "60"}) from None
        self._kept.pop(key, None)
        while len(self._kept) >= KEPT:
            self._kept.pop(next(iter(self._kept)))
        self._kept[key] = (now, shipped, made)
        return made

    def _html(self, request: web.Request, page: Page, at: str = "") -> web.Response:
        public = self.public or str(request.url.origin())
        if at:  # the page's own address under the community's prefix; no card, no feed
            page = replace(page, path=at + page.path, image="", feed=FEED,
                           feed_title="quotebot: the quote of the day")  # fmt: skip
        text = render(page, _SERVER, public, search=False)
        headers = {**HEADERS, "Cache-Control": _AGE if page.status == 200 else "no-store"}
        return web.Response(text=text, status=page.status, content_type="text/html",
                            charset="utf-8", headers=headers)  # fmt: skip

    def _missing(self, request: web.Request) -> web.Response:
        return self._html(request, pages.not_found(_SERVER))

    async def _found(self, request: web.Request) -> tuple[QuoteBook, str, Link] | None:
        platform, community = request.match_info["platform"], request.match_info["community"]
        book = await self.book(platform, community)
        if book is None:
            return None
        at = prefix(platform, community)
        return book, at, Link("/" + paths.href(at))

    async def home(self, request: web.Request) -> web.StreamResponse:
        if (found := await self._found(request)) is None:
            return self._missing(request)
        book, at, link = found
        page = pages.home(book, link)
        note = ('<p class="muted">This community\'s book: the curated quotes, and those its '
                "moderators approved (each marked “suggested in this community”).</p>")  # fmt: skip
        return self._html(request, replace(page, body=page.body + "\n" + note), at)

    async def director(self, request: web.Request) -> web.StreamResponse:
        if (found := await self._found(request)) is None:
            return self._missing(request)
        book, at, link = found
        director = book.by_command(request.match_info["command"])
        if director is None or not director.quotes:
            return self._missing(request)
        return self._html(request, pages.director(book, director, link), at)

    async def topic(self, request: web.Request) -> web.StreamResponse:
        if (found := await self._found(request)) is None:
            return self._missing(request)
        book, at, link = found
        director = book.by_command(request.match_info["command"])
        name = paths.of(book).topic_of(director, request.match_info["topic"]) if director else None
        if director is None or name is None:
            return self._missing(request)
        return self._html(request, pages.topic(book, director, name, link), at)

    async def quote(self, request: web.Request) -> web.StreamResponse:
        if (found := await self._found(request)) is None:
            return self._missing(request)
        book, at, link = found
        wanted = request.match_info["id"]
        quote = find(book, wanted) if is_quote_id(wanted) else None
        if quote is None:
            return self._missing(request)
        command = paths.of(book).command_of(quote)
        if command != request.match_info["command"]:  # its director's command changed
            raise web.HTTPMovedPermanently(link.to(paths.quote_path(command, quote)))
        return self._html(request, pages.quote(book, quote, link), at)

    def routes(self) -> list[tuple[str, Handler]]:
        base, slash = "/c/{platform:[^/.]+}/{community:[^/.]+}", "{slash:/?}"
        command = "{command:[^/.]+}"
        return [
            (f"{base}{slash}", self.home),
            (f"{base}/{command}{slash}", self.director),
            (f"{base}/{command}/q/{{id:[^/.]+}}{slash}", self.quote),
            (f"{base}/{command}/{{topic:[^/.]+}}{slash}", self.topic),
        ]


__all__ = ["IDS", "KEEP_FOR", "CommunityPages", "Shelf", "prefix", "read_shelf", "valid"]
