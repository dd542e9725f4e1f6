"""``quotebot site DIR``: the quote book's pages, feeds and cards written as a static site
(relative links, for any static host)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.cli.arguments import Verbs
from bot.cli.context import EXIT_MISS, EXIT_OK, Context, outside_failure
from bot.errors import SettingsError, one_line

Handler = Callable[[Context], int]


def add_verbs(
    verbs: Verbs, common: argparse.ArgumentParser, handler: Callable[[str, str], Handler]
) -> None:
    """The parser of quotebot site (its function imported when it runs)."""
    site = verbs.add_parser(
        "site",
        parents=[common],
        help="write the quote book's pages and feeds as a static site",
        description="Write the pages of `quotebot run --http` (the directors, each "
        "director's topics and quotes, a permalink per quote) and the Atom feeds into DIR as "
        "files with relative links, for any static host. The quote of the day's feed comes "
        "from the state store's ledger ($QUOTEBOT_DB) when there is one. OpenGraph URLs "
        "need the site's public URL: --public-url, else $QUOTEBOT_PUBLIC_URL.",
    )
    site.add_argument("dir", metavar="DIR", type=Path, help="the folder to write (made if need be)")
    site.add_argument("--public-url", metavar="URL", help="where the site is served from")
    site.add_argument("--no-cards", action="store_true", help="leave the PNG cards out")
    site.set_defaults(func=handler("site_verb", "site"))


def _picks(context: Context) -> Sequence[tuple[str, str]]:
    """The ledger's picks, if a state store is there (none is made for this)."""
    from bot.store import is_postgres, open_store, store_location

    where = store_location(context.env)
    if not is_postgres(where) and not Path(where).is_file():
        return ()
    try:
        store = open_store(where, ())
    except Exception as exc:  # noqa: BLE001 - any failure: the feed without picks, said
        context.err.write(f"warning: the quote of the day's feed is empty: {one_line(exc)}\n")
        return ()
    try:
        return store.picks("")
    finally:
        store.close()


def site(context: Context) -> int:
    """Write the site into DIR."""
    from bot.adapters.web.published import Published, location
    from bot.adapters.web.routes import public_url
    from bot.adapters.web.site import build, card_renderer

    args = context.args
    started = time.perf_counter()
    env = dict(context.env)
    if args.public_url:
        env["QUOTEBOT_PUBLIC_URL"] = args.public_url
    try:
        public = public_url(env)
    except SettingsError as exc:
        raise context.fail(str(exc)) from None
    book = context.answerer().book
    cards = None if args.no_cards else card_renderer()
    try:
        built = build(book, args.dir, public, _picks(context), record=Published(location(env)),
                      cards=cards, folders=[context.quotes])  # fmt: skip
    except Exception as exc:
        if not outside_failure(exc):
            raise
        raise context.fail(f"cannot write {args.dir}: {one_line(exc)}", EXIT_MISS) from None
    took = time.perf_counter() - started
    context.out.write(
        f"wrote {args.dir}: {built.pages} pages, {built.feeds} feeds, {built.cards} cards, "
        f"{built.gone} removed quotes' pages in {took:.1f} s\n"
    )
    if not public:
        context.out.write("note: no public URL (--public-url): no og:url nor og:image\n")
    if cards is None and not args.no_cards:
        context.out.write("note: no cards (bot.adapters.web.cards is not there)\n")
    return EXIT_OK
