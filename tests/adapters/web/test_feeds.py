"""The Atom feeds, read by a feed library: valid (no bozo), stable entry IDs, and every
entry's link answering 200 from the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import feedparser  # type: ignore[import-untyped]
from yarl import URL

from bot.book import quote_id, quote_key
from tests.adapters.web.helpers import client, make_book


def parsed(text: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


async def test_a_directors_feed_newest_first_every_link_answering(tmp_path):
    book = make_book()
    async with client(book, tmp_path) as c:
        feed = parsed(await (await c.get("/varda/feed.atom")).text())
        assert feed.version == "atom10"
        texts = [e.summary.split("\n")[0] for e in feed.entries]
        assert texts == [q.text for q in reversed(book.quotes)]
        ids = [e.id for e in feed.entries]
        assert ids == [f"tag:quotebot,2025:varda/{quote_id(q)}" for q in reversed(book.quotes)]
        for entry in feed.entries:
            assert (await c.get(URL(entry.link).path)).status == 200
        # The same quotes in another order: the same entries' IDs.
        again = make_book(list(reversed(book.quotes)))
    async with client(again, tmp_path) as c:
        other = parsed(await (await c.get("/varda/feed.atom")).text())
        assert sorted(e.id for e in other.entries) == sorted(ids)


async def test_the_quote_of_the_day_feed_reads_the_ledger_for_30_days(tmp_path):
    book = make_book()
    today = datetime.now(UTC).date()
    days = [today - timedelta(days=n) for n in (0, 1, 29, 30)]
    picks = [(d.isoformat(), quote_key(book.quotes[n])) for n, d in enumerate(days)]
    picks.append(((today - timedelta(days=2)).isoformat(), "Agnès Varda:gone0000"))
    async with client(book, tmp_path, picks=lambda: picks) as c:
        response = await c.get("/feed.atom")
        assert response.content_type == "application/atom+xml"
        feed = parsed(await response.text())
        # Day 30 is past the window, the gone quote is left out; newest first.
        assert [e.id for e in feed.entries] == [f"tag:quotebot,2025:qotd/{d}" for d in days[:3]]
        assert [e.summary.split("\n")[0] for e in feed.entries] == [q.text for q in book.quotes[:3]]
        for entry in feed.entries:
            assert (await c.get(URL(entry.link).path)).status == 200


async def test_the_daily_feed_without_a_store_is_valid_and_empty_and_one_failing_is_503(tmp_path):
    async with client(make_book(), tmp_path) as c:
        assert parsed(await (await c.get("/feed.atom")).text()).entries == []

    def failing() -> list[tuple[str, str]]:
        raise OSError("down")

    async with client(make_book(), tmp_path, picks=failing) as c:
        assert (await c.get("/feed.atom")).status == 503
