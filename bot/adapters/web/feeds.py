"""Atom feeds: the quote of the day for the last 30 days (read from the state store's
ledger of picks, never picking one itself), and one per director (newest first: the
quote file's last quotes, which are its newest where no dates say otherwise).

Entry IDs are tag: URIs made from what the entry is (a day; a director's command and a
quote's stable ID), so they hold whatever host serves the feed; each entry links to its
quote's permalink (absolute with the public base URL, else relative to the feed)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape as xml_escape

from bot.adapters.web import paths
from bot.book import Director, Quote, QuoteBook, quote_id, quote_key

DAYS = 30
PER_DIRECTOR = 50
TAG = "tag:quotebot,2025:"
_EPOCH = "1970-01-01T00:00:00Z"
_KEYS: weakref.WeakKeyDictionary[QuoteBook, dict[str, int]] = weakref.WeakKeyDictionary()


def _x(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


def _stamp(day: str) -> str:
    """A source's date (YYYY, YYYY-MM or YYYY-MM-DD) as an Atom date; the epoch if none."""
    parts = day.split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return _EPOCH
    parts += ["01"] * (3 - len(parts))
    try:
        made = date(*(int(p) for p in parts[:3]))
    except ValueError:
        return _EPOCH
    return f"{made.isoformat()}T00:00:00Z"


def by_key(book: QuoteBook) -> dict[str, int]:
    """Each quote's store key (the ledger's) to its place in ``book.quotes``; once a book."""
    found = _KEYS.get(book)
    if found is None:
        ready: Callable[[], list[str]] | None = getattr(book.quotes, "quote_keys", None)
        keys = ready() if ready is not None else [quote_key(q) for q in book.quotes]
        found = _KEYS[book] = {key: place for place, key in reversed(list(enumerate(keys)))}
    return found


def _entry(book: QuoteBook, quote: Quote, entry_id: str, title: str, updated: str,
           base: str) -> str:  # fmt: skip
    command = paths.of(book).command_of(quote)
    href = base + paths.href(paths.quote_path(command, quote))
    said = f"{quote.text}\n{quote.attribution}"
    return (
        f"<entry><title>{_x(title)}</title><id>{_x(entry_id)}</id>"
        f"<updated>{updated}</updated><author><name>{_x(quote.director)}</name></author>"
        f'<link rel="alternate" type="text/html" href="{_x(href)}"/>'
        f'<summary type="text">{_x(said)}</summary></entry>'
    )


def _feed(title: str, feed_id: str, self_href: str, home: str, entries: Sequence[str],
          updated: str) -> str:  # fmt: skip
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{_x(title)}</title><id>{_x(feed_id)}</id><updated>{updated}</updated>"
        f'<link rel="self" type="application/atom+xml" href="{_x(self_href)}"/>'
        f'<link rel="alternate" type="text/html" href="{_x(home)}"/>'
        "<author><name>quotebot</name></author>" + "".join(entries) + "</feed>\n"
    )


def daily(book: QuoteBook, picks: Sequence[tuple[str, str]], today: date, public: str) -> str:
    """The quote of the day's feed from the ledger's ``picks`` (day, quote key): the last
    30 days up to ``today``, newest first; a pick whose quote left the book is left out.
    ``public``: the site's base URL ("" for links relative to the feed, at the root)."""
    base = f"{public}/" if public else ""
    first = (today - timedelta(days=DAYS - 1)).isoformat()
    places = by_key(book)
    entries: list[str] = []
    latest = _EPOCH
    for day, key in sorted(picks, reverse=True):
        if not first <= day <= today.isoformat():
            continue
        place = places.get(key)
        if place is None:
            continue
        quote = book.quotes[place]
        stamp = f"{day}T00:00:00Z"
        latest = max(latest, stamp)
        title = f"{day}: {quote.director}"
        entries.append(_entry(book, quote, f"{TAG}qotd/{day}", title, stamp, base))
    return _feed("quotebot: the quote of the day", f"{TAG}qotd", base + paths.FEED,
                 base or "./", entries, latest)  # fmt: skip


def director(book: QuoteBook, found: Director, public: str) -> str:
    """A director's feed: their last quotes in file order first (at most 50). Links are
    relative to the feed (in the director's folder) without ``public``."""
    base = f"{public}/" if public else "../"
    quotes = found.quotes
    chosen = [
        quotes[i] for i in range(len(quotes) - 1, max(-1, len(quotes) - 1 - PER_DIRECTOR), -1)
    ]
    entries = []
    latest = _EPOCH
    for quote in chosen:
        stamp = _stamp(quote.source.date)
        latest = max(latest, stamp)
        words = quote.text if len(quote.text) <= 80 else quote.text[:79].rstrip() + "…"
        entry_id = f"{TAG}{found.command}/{quote_id(quote)}"
        entries.append(_entry(book, quote, entry_id, words, stamp, base))
    feed = base + paths.href(paths.director_feed(found.command))
    page = base + paths.href(paths.director_path(found.command))
    return _feed(f"{found.name}: quotes", f"{TAG}{found.command}", feed, page, entries, latest)
