"""Each community's book: the shipped book with the quotes its moderators approved beside
it, answered by the same commands, search, autocomplete and rotation.

Built on a community's first ask and kept; before an ask quotebot compares the
community's ``approved_version`` with the one its book was built from, at most every
:data:`CHECK_EVERY` seconds (so a community's p99 carries no store call, and one that
approved nothing costs one cheap read a while and shares the shipped answerer). The book
is rebuilt when the version moved, or when the shipped book was reloaded. A store that
does not answer keeps the book as it was: community quotes are a courtesy beside the
shipped book, never a reason not to answer.

An approved quote is attributed as its suggestion says, to the director named (their
book entry's name when the command is one of the book's), its source the page it was
checked against: the URL, its host as the title, "suggested in this community" as the
venue, and its status ``verified`` when found there, else ``attributed`` (approved as
attributed: the moderator's word, marked so).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from bot.answers import Answerer
from bot.book import Director, Quote, QuoteBook, Source, Topic
from bot.store import SharedStore, SuggestionRecord

log = logging.getLogger("quotebot.community")
T = TypeVar("T")

CHECK_EVERY = 10.0  # seconds between looks at a community's approved_version
NO_TOPIC = "suggested"  # the topic of an approved quote that named none
VENUE = "suggested in this community"
NEVER = "none"  # approved_version of a community that never had a suggestion

# The store's calls, as the answering side makes them: (platform, community) -> ...
Version = Callable[[str, str], str]
Approved = Callable[[str, str], Sequence[SuggestionRecord]]


def quote_of(record: SuggestionRecord, name: str) -> Quote:
    """An approved suggestion as a quote of the book's model."""
    host = urlsplit(record.source_url).hostname or record.source_url
    source = Source(f"community:{record.id}", host, VENUE, url=record.source_url)
    status = "verified" if record.outcome == "found" and not record.as_attributed else "attributed"
    topic = record.topic or NO_TOPIC
    return Quote(name, topic, record.text, record.context or "", source, status=status)


def with_approved(book: QuoteBook, records: Sequence[SuggestionRecord]) -> QuoteBook:
    """``book`` with ``records`` (approved suggestions) beside its own quotes."""
    if not records:
        return book
    by_command: dict[str, list[SuggestionRecord]] = {}
    for record in records:
        by_command.setdefault(record.command, []).append(record)
    directors = []
    for director in book:
        added = by_command.pop(director.command, [])
        if not added:
            directors.append(director)
            continue
        quotes = [*director.quotes, *(quote_of(r, director.name) for r in added)]
        names = {t.name for t in director.topics}
        topics = director.topics + tuple(
            Topic(t) for t in dict.fromkeys(q.topic for q in quotes) if t not in names
        )
        directors.append(
            Director(director.name, director.command, topics, quotes, director.aliases)
        )
    for command, added in by_command.items():
        name = added[0].director
        quotes = [quote_of(r, name) for r in added]
        topics = tuple(Topic(t) for t in dict.fromkeys(q.topic for q in quotes))
        directors.append(Director(name, command, topics, quotes))
    return QuoteBook(directors)


class _Kept:
    __slots__ = ("answerer", "checked", "shipped", "version")

    def __init__(self, answerer: Answerer, version: str, shipped: QuoteBook, now: float) -> None:
        self.answerer, self.version, self.shipped, self.checked = answerer, version, shipped, now


class CommunityBooks:
    """The answerer for each community: ``shipped``'s own when it approved nothing."""

    def __init__(
        self,
        shipped: Answerer,
        version: Version,
        approved: Approved,
        clock: Callable[[], float] = time.monotonic,
        local: bool = True,
    ) -> None:
        self.shipped = shipped
        self._version, self._approved, self._clock = version, approved, clock
        self._local = local  # the store's calls never wait on a network: made on the loop
        self._kept: dict[tuple[str, str], _Kept] = {}

    async def answerer(self, platform: str, community: str) -> Answerer:
        """The answerer of ``community`` (a Discord server, a Slack workspace; "" for a
        DM or a user-installed app's context: the shipped book)."""
        if not community:
            return self.shipped
        key = (platform, community)
        kept = self._kept.get(key)
        now = self._clock()
        book = self.shipped.book
        if kept is not None and kept.shipped is book and now - kept.checked < CHECK_EVERY:
            return kept.answerer
        try:
            version = await self._call(self._version, platform, community)
            if kept is None or kept.version != version or kept.shipped is not book:
                # Reading and building a community's book (10,000 quotes: a quarter of a
                # second) happens in a thread, so the loop answers everyone meanwhile.
                made = None
                if version != NEVER:  # a community that never had a suggestion: no read
                    made = await asyncio.to_thread(self._build, book, platform, community)
                kept = _Kept(made or self.shipped, version, book, now)
            kept.checked = now
        except Exception:  # noqa: BLE001 - the store is down: answer from what is known
            log.warning("community quotes of %s unreadable: answering without them", platform)
            if kept is None:
                return self.shipped
            kept.checked = now
        self._kept[key] = kept
        return kept.answerer

    @classmethod
    def over(cls, shipped: Answerer, shared: SharedStore) -> CommunityBooks:
        """Books over the process's store, each call made in a worker thread."""
        return cls(
            shipped,
            lambda p, c: shared.call(lambda store: store.approved_version(p, c)),
            lambda p, c: shared.call(lambda store: store.approved(p, c)),
            local=False,
        )

    @classmethod
    def shipped_only(cls, shipped: Answerer) -> CommunityBooks:
        """Books with no store behind them: every community answers from ``shipped``."""
        return cls(shipped, lambda _platform, _community: NEVER, lambda _p, _c: ())

    def _build(self, book: QuoteBook, platform: str, community: str) -> Answerer | None:
        records = self._approved(platform, community)
        return Answerer(with_approved(book, records), random.Random()) if records else None

    def forget(self, platform: str, community: str) -> None:
        """Look again at the next ask (its moderators just decided something here)."""
        self._kept.pop((platform, community), None)

    async def _call(self, call: Callable[[str, str], T], platform: str, community: str) -> T:
        if self._local:
            return call(platform, community)
        return await asyncio.to_thread(call, platform, community)


__all__ = ["CHECK_EVERY", "CommunityBooks", "quote_of", "with_approved"]
