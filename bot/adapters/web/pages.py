"""The pages, as :class:`~bot.adapters.web.layout.Page` values: the directors, a
director's topics and quotes, one topic, one quote's permalink with its full source,
a search's results, and the answers for a quote gone (410) or never there (404)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.adapters.web import paths
from bot.adapters.web.layout import Page, esc
from bot.adapters.web.paths import Link
from bot.book import Director, Quote, QuoteBook, quote_id

SEARCH_RESULTS = 20
MAX_QUERY = 200


def home(book: QuoteBook, link: Link) -> Page:
    items = "\n".join(
        f'<li><a href="{esc(link.to(paths.director_path(d.command)))}">{esc(d.name)}</a> '
        f'<span class="muted">({len(d.quotes)} quote{"" if len(d.quotes) == 1 else "s"}, '
        f"/{esc(d.command)})</span></li>"
        for d in book
        if d.quotes
    )
    body = f"<h1>Film directors in their own words</h1>\n<ul>\n{items}\n</ul>"
    return Page("", "quotebot: the directors", "Quotes of film directors, each with its source.",
                body)  # fmt: skip


def _figure(book: QuoteBook, quote: Quote, link: Link, about: bool = True) -> str:
    command = paths.of(book).command_of(quote)
    where = link.to(paths.quote_path(command, quote))
    context = f"{esc(quote.context)}, " if about and quote.context else ""
    disputed = (
        ' <span class="disputed">attribution disputed</span>' if quote.status == "disputed" else ""
    )
    return (
        f"<figure><blockquote><p>{esc(quote.text)}</p></blockquote>"
        f"<figcaption>— {esc(quote.director)}, {context}{esc(quote.source.citation)}{disputed} "
        f'· <a href="{esc(where)}">permalink {esc(quote_id(quote))}</a></figcaption></figure>'
    )


def _quotes(book: QuoteBook, quotes: Iterable[Quote], link: Link) -> str:
    items = "\n".join(f"<li>{_figure(book, q, link)}</li>" for q in quotes)
    return f'<ul class="quotes">\n{items}\n</ul>'


def director(book: QuoteBook, found: Director, link: Link) -> Page:
    topics = "\n".join(
        f'<li><a href="{esc(link.to(paths.topic_path(found.command, name)))}">{esc(name)}</a> '
        f'<span class="muted">({len(found.by_topic[name])})</span></li>'
        for name in found.topic_names
    )
    body = (
        f'<h1>{esc(found.name)}</h1>\n<p class="muted">On chat: /{esc(found.command)} '
        f'TOPIC · <a href="{esc(link.to(paths.director_feed(found.command)))}">Atom feed</a></p>'
        f"\n<h2>Topics</h2>\n<ul>\n{topics}\n</ul>\n<h2>Quotes</h2>\n"
        + _quotes(book, found.quotes, link)
    )
    return Page(paths.director_path(found.command), f"{found.name}: quotes",
                f"{len(found.quotes)} quotes of {found.name}, each with its source.", body,
                paths.director_feed(found.command), f"{found.name}: quotes")  # fmt: skip


def topic(book: QuoteBook, found: Director, name: str, link: Link) -> Page:
    quotes = found.by_topic[name]
    back = esc(link.to(paths.director_path(found.command)))
    body = (
        f'<h1>{esc(found.name)} on {esc(name)}</h1>\n<p><a href="{back}">All of '
        f"{esc(found.name)}'s topics</a></p>\n" + _quotes(book, quotes, link)
    )
    return Page(paths.topic_path(found.command, name), f"{found.name} on {name}",
                f"{len(quotes)} quotes of {found.name} on {name}.", body,
                paths.director_feed(found.command), f"{found.name}: quotes")  # fmt: skip


def _source(quote: Quote) -> str:
    source = quote.source
    rows = [("Title", esc(source.title)), ("Venue", esc(source.venue)),
            ("Date", esc(source.date)), ("Where in it", esc(quote.locator))]  # fmt: skip
    if source.url:
        rows.append(("Link", f'<a href="{esc(source.url)}" rel="nofollow">{esc(source.url)}</a>'))
    status = esc(quote.status)
    if quote.status == "disputed":
        status = '<span class="disputed">attribution disputed</span>'
    rows.append(("Status", status))
    return (
        '<dl class="source">\n'
        + "\n".join(f"<dt>{what}</dt><dd>{value}</dd>" for what, value in rows if value)
        + "\n</dl>"
    )


def quote(book: QuoteBook, found: Quote, link: Link) -> Page:
    command = paths.of(book).command_of(found)
    back = esc(link.to(paths.director_path(command)))
    on = esc(link.to(paths.topic_path(command, found.topic)))
    body = (
        f"<article>\n<h1>{esc(found.director)}</h1>\n{_figure(book, found, link)}\n"
        f"<p>{esc(found.context)}</p>\n<h2>Source</h2>\n{_source(found)}\n"
        f'<p>More: <a href="{on}">{esc(found.director)} on {esc(found.topic)}</a> · '
        f'<a href="{back}">all of {esc(found.director)}</a></p>\n</article>'
    )
    return Page(paths.quote_path(command, found), f"{found.director}: “{_short(found.text)}”",
                found.text, body, paths.director_feed(command), f"{found.director}: quotes",
                paths.card_path(command, found))  # fmt: skip


def _short(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def clean_query(text: str) -> str:
    """What a search was given, as the bot would read it: printable, one line, bounded."""
    return " ".join("".join(c for c in text if c.isprintable()).split())[:MAX_QUERY]


def search(book: QuoteBook, words: str, link: Link) -> Page:
    words = clean_query(words)
    found: list[Quote] = []
    cursor = None
    while words and len(found) < SEARCH_RESULTS:
        hit = book.search(words, None, cursor)
        if hit is None:
            break
        quote_found, cursor = hit  # phrase matches first, then every word anywhere
        found.append(quote_found)
    said = f"“{esc(words)}”" if words else "nothing"
    title = f"Quotes holding {words}" if words else "Search"
    listed = _quotes(book, found, link) if found else "<p>No quote holds those words.</p>"
    body = f'<h1>Search: {said}</h1>\n<p class="muted">{len(found)} shown.</p>\n{listed}'
    return Page("search", title, f"Quotes of film directors holding {words}.", body)


def gone(link: Link) -> Page:
    body = (
        "<h1>This quote was removed</h1>\n<p>It was in the book once, and is no longer: "
        f'its attribution may not have held. <a href="{esc(link.to(""))}">The directors</a></p>'
    )
    return Page("", "Quote removed", "This quote was removed from the book.", body, status=410)


def not_found(link: Link) -> Page:
    body = f'<h1>Not here</h1>\n<p>No such page. <a href="{esc(link.to(""))}">The directors</a></p>'
    return Page("", "Not found", "No such page.", body, status=404)
