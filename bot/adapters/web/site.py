"""``quotebot site DIR``: the same pages and feeds as files for any static host, with
relative links (a folder's page is its ``index.html``), the cards where
``bot.adapters.web.cards`` can make them, and a page saying so for each quote removed
since it was published (a static host cannot answer 410).

No search page: it needs the server (the form is left out of static pages)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from multiprocessing import get_context
from pathlib import Path

from bot.adapters.web import feeds, pages, paths
from bot.adapters.web.layout import STYLESHEET, Page, render
from bot.adapters.web.paths import Link
from bot.adapters.web.published import Published
from bot.book import Quote, QuoteBook, is_quote_id, load_book, quote_id

Cards = Callable[[Quote], bytes]
WORKERS = 2  # processes writing a big book's pages (this machine's cores, CI's)
PARALLEL_FROM = 5_000  # quotes: below this one process is quicker than starting two


@dataclass
class Built:
    """What a build wrote."""

    pages: int = 0
    feeds: int = 0
    cards: int = 0
    gone: int = 0


def card_renderer() -> Cards | None:
    """The card engineer's ``render_card(quote) -> bytes``, if that module is there."""
    try:
        module = import_module("bot.adapters.web.cards")
    except ImportError:
        return None
    found: Cards | None = getattr(module, "render_card", None)
    return found


class _Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self._made: set[str] = set()

    def write(self, path: str, data: bytes) -> None:
        folder, _, _name = path.rpartition("/")
        if folder not in self._made:
            os.makedirs(self.out / folder, exist_ok=True)
            self._made.add(folder)
        (self.out / path).write_bytes(data)

    def page(self, page: Page, public: str) -> None:
        html = render(page, Link(paths.root_of(page.path)), public, search=False)
        self.write(f"{page.path}index.html", html.encode())


def build(book: QuoteBook, out: Path, public: str = "", picks: Sequence[tuple[str, str]] = (),
          today: date | None = None, record: Published | None = None,
          cards: Cards | None = None, folders: Sequence[Path] = ()) -> Built:  # fmt: skip
    """Write ``book``'s site into ``out`` (made if need be; files there replaced). Given
    the ``folders`` it was loaded from, a big book is written by :data:`WORKERS`
    processes, each a part of the directors: the time goes to making the files (two
    system calls a page), which one process cannot overlap."""
    writer, built = _Writer(out), Built()
    writer.write("style.css", STYLESHEET.encode())
    writer.page(pages.home(book, Link("")), public)
    missing = pages.not_found(Link("/"))  # a host's 404 page is served at any depth
    writer.write("404.html", render(missing, Link("/"), public, search=False).encode())
    # The quote of the day's feed at the root: links relative to it without a public URL.
    daily = feeds.daily(book, picks, today or date.today(), public)
    writer.write(paths.FEED, daily.encode())
    built.pages, built.feeds = 1, 1
    published: list[tuple[str, str]] = []
    if folders and len(book) > 1 and sum(len(d.quotes) for d in book) >= PARALLEL_FROM:
        parts = split(book)
        with ProcessPoolExecutor(len(parts), mp_context=get_context("fork")) as pool:
            done = [pool.submit(_part, folders, part, out, public, cards is not None)
                    for part in parts]  # fmt: skip
            for future in done:
                part_built, part_published = future.result()
                built.pages += part_built.pages
                built.feeds += part_built.feeds
                built.cards += part_built.cards
                published += part_published
    else:
        published = _directors(book, [d.command for d in book], writer, public, cards, built)
    link_up3 = Link("../../../")
    if record is not None:
        record.remember(published)
        here = {found for _command, found in published}
        gone = pages.gone(link_up3)
        for found, command in record.all().items():
            # The record is a file: a command read from it is never a path out of ``out``.
            if found not in here and is_quote_id(found) and _plain(command):
                writer.page(Page(f"{paths.director_path(command)}q/{found}/", gone.title,
                                 gone.description, gone.body), public)  # fmt: skip
                built.gone += 1
    return built


def _directors(
    book: QuoteBook, commands: Sequence[str], writer: _Writer, public: str,
    cards: Cards | None, built: Built,
) -> list[tuple[str, str]]:  # fmt: skip
    """Each of ``commands``' pages, feed and cards: the (command, ID) of every quote."""
    known = paths.of(book)
    published: list[tuple[str, str]] = []
    link_up1, link_up2, link_up3 = Link("../"), Link("../../"), Link("../../../")
    for command in commands:
        director = book.by_command(command)
        if director is None or not director.quotes:
            continue
        writer.page(pages.director(book, director, link_up1), public)
        writer.write(paths.director_feed(director.command),
                     feeds.director(book, director, public).encode())  # fmt: skip
        built.pages, built.feeds = built.pages + 1, built.feeds + 1
        for name in director.topic_names:
            if known.topic_of(director, paths.slug(name)) == name:  # the first of a clash
                writer.page(pages.topic(book, director, name, link_up2), public)
                built.pages += 1
        for quote in director.quotes:
            page = pages.quote(book, quote, link_up3)
            writer.page(page, public)
            published.append((director.command, quote_id(quote)))
            built.pages += 1
            if cards is not None:
                writer.write(paths.card_path(director.command, quote), cards(quote))
                built.cards += 1
    return published


def split(book: QuoteBook, parts: int = WORKERS) -> list[list[str]]:
    """The directors' commands in ``parts`` groups of about as many quotes each."""
    groups: list[tuple[int, list[str]]] = [(0, []) for _ in range(parts)]
    for director in sorted(book, key=lambda d: -len(d.quotes)):
        size, commands = min(groups, key=lambda g: g[0])
        groups[groups.index((size, commands))] = (size + len(director.quotes), commands)
        commands.append(director.command)
    return [commands for _size, commands in groups if commands]


def _part(
    folders: Sequence[Path], commands: list[str], out: Path, public: str, with_cards: bool
) -> tuple[Built, list[tuple[str, str]]]:
    """In a worker process: the book opened afresh (its compiled file, a cache hit; never
    the parent's connection) and ``commands``' part of the site written."""
    book = load_book(folders).book
    built = Built()
    cards = card_renderer() if with_cards else None
    return built, _directors(book, commands, _Writer(out), public, cards, built)


def _plain(command: str) -> bool:
    return bool(command) and command not in (".", "..") and not set(command) & set("/\\\0")
