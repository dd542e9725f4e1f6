"""Quote cards: a PNG per quote (the quote, its director and source line, drawn by
:mod:`bot.adapters.web.cards_draw` in the fonts of :mod:`bot.adapters.web.cards_fonts`),
kept by :mod:`bot.adapters.web.cards_cache`; its alt text; its address; and the HTTP route
``GET /<command>/<id>.png`` of ``quotebot run --http``.

A card is keyed by the quote's ID, a digest of everything drawn on it (a source corrected
under an unchanged ID draws a new card) and :data:`VERSION`, which changes whenever the
drawing does. Importing this module imports neither Pillow nor fontTools.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from aiohttp import web

from bot import limits
from bot.adapters.http.server import HttpFront
from bot.adapters.web.cards_cache import CardCache
from bot.adapters.web.cards_fonts import CardError, chains, font_dirs
from bot.book import Quote, QuoteBook, find, is_quote_id, quote_id

log = logging.getLogger("quotebot.web")

VERSION = "1"
CONTENT_TYPE = "image/png"
# Cards change only with the renderer (VERSION) or the quote (its ETag says which).
CACHE_CONTROL = "public, max-age=86400"
PATH = "/{command}/{id}.png"
__all__ = ["CardError", "alt_text", "card_key", "card_url", "mount_cards", "render_card"]


def source_line(quote: Quote) -> str:
    """The card's line under the director: what the quote is about, and where it is from."""
    where = quote.source.citation
    if quote.locator:
        where = f"{where}, {quote.locator}" if where else quote.locator
    if quote.status == "disputed":
        where += "; attribution disputed"
    return " · ".join(part for part in (quote.context, where) if part)


def card_key(quote: Quote) -> str:
    """The name a card is kept and tagged by: ID, a digest of what is drawn, VERSION."""
    drawn = "\0".join((quote.director, quote.text, source_line(quote)))
    digest = hashlib.sha256(drawn.encode()).hexdigest()[:12]
    return f"{quote_id(quote)}-{digest}-v{VERSION}"


_cache: CardCache | None = None


def default_cache(env: Mapping[str, str] = os.environ) -> CardCache:
    """The process's cache: memory, and the folder ``QUOTEBOT_CARD_CACHE`` if set."""
    global _cache
    if _cache is None:
        _cache = CardCache((env.get("QUOTEBOT_CARD_CACHE") or "").strip() or None)
    return _cache


def render_card(quote: Quote, cache: CardCache | None = None) -> bytes:
    """``quote``'s card as PNG bytes, 1,200 x 630: drawn once, then from the cache.
    CardError when it cannot be drawn here (no Pillow, no font)."""
    cache = default_cache() if cache is None else cache
    key = card_key(quote)
    found = cache.get(key)
    if found is not None:
        return found
    try:
        from bot.adapters.web.cards_draw import CardText, draw_card
    except ImportError as exc:  # pragma: no cover - Pillow is a dependency
        raise CardError(f"cannot draw cards: {exc}") from None
    regular, bold = chains(font_dirs())
    text = CardText(quote.text, quote.director, source_line(quote), f"#{quote_id(quote)}")
    data = draw_card(text, regular, bold)
    cache.put(key, data)
    return data


def alt_text(quote: Quote, size: int = limits.DISCORD_ALT_TEXT_MAX) -> str:
    """The card's alt text: the quote and its attribution, within ``size`` characters
    (Discord's attachment description by default; Slack's image alt_text allows more).
    A long quote is cut (…) so that its attribution is always said whole where it fits."""
    said = f"“{quote.text}” {quote.attribution}"
    if len(said) <= size:
        return said
    room = size - len(quote.attribution) - len("“…” ")
    if room < 40:
        return said[: size - 1] + "…"
    return f"“{quote.text[:room].rstrip()}…” {quote.attribution}"


def card_url(public_url: str, command: str, quote: Quote) -> str:
    """The card's address under the public URL (``QUOTEBOT_PUBLIC_URL``)."""
    return f"{public_url.rstrip('/')}/{command}/{quote_id(quote)}.png"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def card_handler(book: Callable[[], QuoteBook], cache: CardCache | None = None) -> Handler:
    """``GET /<command>/<id>.png``: the card (ETag, Cache-Control; 304 when unchanged), or
    404 for a command or ID the book does not have."""

    async def handle(request: web.Request) -> web.StreamResponse:
        command, ident = request.match_info["command"], request.match_info["id"]
        current = book()
        director = current.by_command(command)
        quote = find(current, ident) if is_quote_id(ident) and ident.islower() else None
        if director is None or quote is None or quote.director != director.name:
            return web.Response(status=404, text="No such quote card.\n")
        key = card_key(quote)
        headers = {"ETag": f'"{key}"', "Cache-Control": CACHE_CONTROL}
        if f'"{key}"' in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        used = default_cache() if cache is None else cache
        data = used.remembered(key)
        if data is None:
            try:
                data = await asyncio.to_thread(render_card, quote, used)
            except CardError as exc:
                log.error("cards: %s", exc)
                return web.Response(status=503, text="Cards cannot be drawn here.\n")
        headers["X-Content-Type-Options"] = "nosniff"
        return web.Response(body=data, content_type=CONTENT_TYPE, headers=headers)

    return handle


def mount_cards(
    front: HttpFront, book: Callable[[], QuoteBook], cache: CardCache | None = None
) -> None:
    """Serve the cards on ``front``. Mount before a route of the same shape
    (``/<command>/<topic>``): aiohttp tries routes in the order they were added."""
    front.mount("cards", "GET", PATH, card_handler(book, cache))


@dataclass(frozen=True)
class CardPost:
    """The quote of the day's card, as a poster needs it: where cards are public (for
    Slack, which fetches the image; "" when not public) and a director's command."""

    public_url: str
    command_of: Callable[[str], str | None]

    def url(self, quote: Quote) -> str | None:
        """The card's public address, or None (no public URL; a director not in the book)."""
        command = self.command_of(quote.director) if self.public_url else None
        return card_url(self.public_url, command, quote) if command else None


def card_post(book: Callable[[], QuoteBook], env: Mapping[str, str] = os.environ) -> CardPost:
    """What posters need to post cards: ``QUOTEBOT_PUBLIC_URL`` and ``book``'s commands."""

    def command_of(name: str) -> str | None:
        director = book().director(name)
        return director.command if director is not None else None

    return CardPost((env.get("QUOTEBOT_PUBLIC_URL") or "").strip(), command_of)


@runtime_checkable
class CardPoster(Protocol):
    """A quote-of-the-day poster that can post the card (``[daily] card = true``)."""

    def use_card(self, card: CardPost) -> None: ...
