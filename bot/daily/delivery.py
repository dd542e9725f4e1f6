"""Posting the quote of the day exactly once per target.

Each post is claimed in the store before it is sent and marked sent after, so instances
racing for it produce one post; a claim left by a crash expires after the lease and is
taken over while the slot's grace period lasts. 429s and 5xx are retried with backoff
(honouring Retry-After); a permanent failure is recorded with its reason and does not
hold up the other targets.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.book.model import Quote
from bot.book.quote_book import QuoteBook
from bot.daily.clock import Clock
from bot.daily.poster import DeliveryError, Poster, Result
from bot.daily.selection import quote_of_the_day
from bot.daily.settings_file import DailyConfig, Target
from bot.errors import one_line
from bot.grouped import Grouped, each_none
from bot.store.roles import DailyStore

log = logging.getLogger("quotebot.daily")

# A claim not marked sent after this long is taken to be a crashed instance's. It must
# outlast one delivery's retries (MAX_ATTEMPTS waits of at most MAX_WAIT).
LEASE_S = 600.0
MAX_ATTEMPTS = 5
BACKOFF_S = 2.0
MAX_WAIT_S = 60.0
# Looking for an earlier try's post starts this long before that try's claim (room for
# the instance's clock and the platform's to disagree).
LOOK_MARGIN_S = 300.0


class _Groups:
    """The ledger's calls of many posts at once: claims, and posts recorded sent."""

    def __init__(self, store: DailyStore) -> None:
        self.claims = Grouped(store.claim_many)
        self.sent = Grouped(each_none(store.mark_sent_many))
        self.moves = Grouped(each_none(store.reschedule_many))


def instance_id() -> str:
    """Who holds a claim, for the logs: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Daily:
    """Posts the quote of the day for one configuration, store and set of posters."""

    config: DailyConfig
    store: DailyStore
    posters: Mapping[str, Poster]
    book: Callable[[], QuoteBook]
    clock: Clock
    owner: str = ""
    lease_s: float = LEASE_S
    # A community's book (its approved quotes beside the shipped ones), if there are any.
    community: Callable[[str, str], Awaitable[QuoteBook]] | None = None

    def __post_init__(self) -> None:
        self.owner = self.owner or instance_id()
        self._groups: _Groups | None = None

    async def moves(self, move: tuple[str, str, str, float]) -> None:
        """A subscription's next slot moved on (grouped with others under way)."""
        await self._grouped().moves(move)

    def _grouped(self) -> _Groups:
        """The store's calls that posts make together (made on first use, in the loop)."""
        if self._groups is None:
            self._groups = _Groups(self.store)
        return self._groups

    def _epoch(self) -> float:
        return self.clock.now().timestamp()

    async def quote(
        self, day: date, director: str | None = None, book: QuoteBook | None = None,
        community: str = "",
    ) -> Quote:  # fmt: skip
        """``day``'s quote (``director``'s own, for a subscription to one director; from a
        ``community``'s ``book`` when it has approved quotes of its own)."""
        # The store's drivers block: every call goes through a thread, off the event loop.
        book, now = book or self.book(), self._epoch()
        return await asyncio.to_thread(
            quote_of_the_day, day, book, self.store, now, director, community
        )

    async def book_of(self, platform: str, workspace: str) -> QuoteBook:
        """The book a workspace's channels draw from: its own with its approved quotes,
        or the shipped one."""
        if self.community is None:
            return self.book()
        return await self.community(platform, workspace)

    async def post(self, day: date) -> list[Result]:
        """Post ``day``'s quote to every target that has not had it; one result each."""
        quote = await self.quote(day)
        # A task group: cancelling the post (shutdown) cancels every target's post with it.
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self.deliver(day, t, quote)) for t in self.config.targets]
        return [task.result() for task in tasks]

    async def deliver(self, day: date, target: Target, quote: Quote) -> Result:
        """Post ``quote`` as ``day``'s to ``target`` unless it has been; never raises for
        the store or the platform failing (the result says so)."""
        try:
            return await self._deliver(day, target, quote)
        except Exception as exc:  # noqa: BLE001 - the store failed: this target's result says so
            log.error("daily %s %s: the state store failed: %s", day, target, one_line(exc))
            return Result(target, "gave up for now", f"the state store failed: {one_line(exc)}")

    async def _deliver(self, day: date, target: Target, quote: Quote) -> Result:
        name = str(target)
        # One call: the record as it was, and the claim (grouped with others under way).
        claimed, record = await self._grouped().claims(
            (day, name, self.owner, self._epoch(), self.lease_s)
        )
        if record is not None and record.status == "sent":
            return Result(target, "already posted", f"message {record.message_id}")
        if record is not None and record.status == "failed":
            return Result(target, "failed", f"earlier: {record.reason}")
        if not claimed:
            return Result(target, "claimed elsewhere")
        poster = self.posters.get(target.platform)
        if poster is None:
            reason = f"no {target.platform} credentials"
            await asyncio.to_thread(self.store.release, day, name, self.owner, reason)
            return Result(target, "gave up for now", reason)
        # An earlier try (a crashed instance's, or one whose answer was lost) may have
        # reached the platform: look in the channel before sending again.
        since = (record.claimed_at if record is not None else self._epoch()) - LOOK_MARGIN_S
        look = record is not None
        reason = ""
        for attempt in range(MAX_ATTEMPTS):
            found = await self._find(poster, target, day, since) if look else None
            if found is not None:
                return await self._record_sent(day, target, found, "found in the channel")
            try:
                message_id = await poster.post(target.channel, quote, day, target.workspace)
            except DeliveryError as exc:
                failure: DeliveryError = exc
                # Refused with a wait (429) is known not sent; anything else may have been.
                look = exc.retry_after is None
            except Exception as exc:  # a bug in one poster must not stop the others
                log.exception("daily %s %s: the post failed unexpectedly", day, name)
                reason = f"unexpected error: {exc.__class__.__name__}"
                await asyncio.to_thread(self.store.release, day, name, self.owner, reason)
                return Result(target, "gave up for now", reason)
            else:
                return await self._record_sent(day, target, message_id)
            reason = failure.reason
            if failure.permanent:
                log.error("daily %s %s: failed for good: %s", day, name, reason)
                await asyncio.to_thread(self.store.mark_failed, day, name, self.owner, reason)
                return Result(target, "failed", reason, failure.channel)
            if attempt == MAX_ATTEMPTS - 1:
                break
            wait = failure.retry_after
            if wait is not None and wait > MAX_WAIT_S:
                # Honour it, but not while holding the claim: a later round tries again.
                reason = f"{reason}: retry after {wait:.0f} s"
                break
            wait = min(BACKOFF_S * 2**attempt if wait is None else wait, MAX_WAIT_S)
            log.warning("daily %s %s: %s; trying again in %.1f s", day, name, reason, wait)
            try:
                await self.clock.sleep(wait)
            except asyncio.CancelledError:
                # Stopped while waiting: nothing is in flight, so the next try may be anyone's.
                await asyncio.shield(
                    asyncio.to_thread(self.store.release, day, name, self.owner, "stopped")
                )
                raise
        await asyncio.to_thread(self.store.release, day, name, self.owner, reason)
        log.warning(
            "daily %s %s: gave up for now after %d tries: %s", day, name, MAX_ATTEMPTS, reason
        )
        return Result(target, "gave up for now", reason)

    async def _record_sent(
        self, day: date, target: Target, message_id: str, found: str = ""
    ) -> Result:
        try:
            await self._grouped().sent((day, str(target), self.owner, self._epoch(), message_id))
        except Exception as exc:  # noqa: BLE001 - posted, but not recorded: say so
            detail = (
                f"posted as message {message_id}, but the state store could not record it "
                f"({one_line(exc)})"
            )
            log.error("daily %s %s: %s", day, target, detail)
            return Result(target, "failed", detail)
        if found:
            log.info(
                "daily %s %s: message %s was already there (%s)", day, target, message_id, found
            )
            return Result(target, "already posted", f"message {message_id}, {found}")
        return Result(target, "posted", f"message {message_id}")

    async def _find(self, poster: Poster, target: Target, day: date, since: float) -> str | None:
        """This date's post already in the channel, if the platform says there is one. If
        it cannot say (no permission to read the channel), the post goes ahead."""
        try:
            return await poster.find(target.channel, day, since, target.workspace)
        except Exception as exc:  # noqa: BLE001 - not knowing is no reason to lose the post
            why = exc.reason if isinstance(exc, DeliveryError) else one_line(exc)
            log.warning("daily %s %s: could not look for an earlier post (%s)", day, target, why)
            return None
