"""Where each page is: the paths of the directors', topics' and quotes' pages and feeds
(unencoded, as files on disk; :func:`href` encodes them for a link),
made relative to the page that links them (the same links serve the server and a static
copy), and what a path's parts name in a book."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from urllib.parse import quote as percent

from bot.book import Director, Quote, QuoteBook, normalise_key, quote_id

_NOT_WORD = re.compile(r"[^\w]+")
# Path parts a topic's slug may not take: the quote pages' folder.
_RESERVED = frozenset({"q"})
FEED = "feed.atom"
STYLE = "style.css"


def slug(topic: str) -> str:
    """A topic's name as a path part: folded, words joined by ``-`` (letters of any script
    kept, no dot, no slash), never a reserved part."""
    made = _NOT_WORD.sub("-", normalise_key(topic)).strip("-_") or "topic"
    return f"{made}-" if made in _RESERVED else made


def home() -> str:
    return ""


def director_path(command: str) -> str:
    return f"{command}/"


def topic_path(command: str, topic: str) -> str:
    return f"{command}/{slug(topic)}/"


def quote_path(command: str, quote: Quote) -> str:
    return f"{command}/q/{quote_id(quote)}/"


def card_path(command: str, quote: Quote) -> str:
    """The card engineer's PNG: ``/<command>/<id>.png``."""
    return f"{command}/{quote_id(quote)}.png"


def director_feed(command: str) -> str:
    return f"{command}/{FEED}"


def root_of(path: str) -> str:
    """From the page at ``path`` (relative to the site's root) back to the root."""
    return "../" * path.count("/")


@dataclass(frozen=True)
class Link:
    """Links from one page: ``to(path)`` is ``path`` as that page must write it."""

    root: str  # "/" on the server; "../.." from a static page two folders down

    def to(self, path: str) -> str:
        """``path`` (unencoded, as on disk) as a link from this page, percent-encoded."""
        return self.root + href(path) if (self.root or path) else "./"


def href(path: str) -> str:
    """A path as a URL writes it: percent-encoded (a command or topic may be any script)."""
    return percent(path)


class BookPaths:
    """What a book's paths name: each director's topics by slug, each director's command by
    name (quotes name their director by name). Made once per book (:func:`of`)."""

    def __init__(self, book: QuoteBook) -> None:
        self.commands = {d.name: d.command for d in book}
        self._topics: dict[str, dict[str, str]] = {}

    def topic_of(self, director: Director, part: str) -> str | None:
        """The topic (with quotes) whose slug is ``part``, if any (the first of a clash)."""
        found = self._topics.get(director.command)
        if found is None:
            found = {}
            for name in director.topic_names:
                found.setdefault(slug(name), name)
            self._topics[director.command] = found
        return found.get(part)

    def command_of(self, quote: Quote) -> str:
        return self.commands.get(quote.director, "")


_MADE: weakref.WeakKeyDictionary[QuoteBook, BookPaths] = weakref.WeakKeyDictionary()


def of(book: QuoteBook) -> BookPaths:
    found = _MADE.get(book)
    if found is None:
        found = _MADE[book] = BookPaths(book)
    return found
