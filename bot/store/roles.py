"""The state store's interfaces, one per role: a caller asks for the role it uses
(the ledger, subscriptions, seen requests, installations, suggestions), and :class:`Store` is all of
them, as each back end provides.

Every change is one atomic statement or one short transaction, so instances racing for
the same post see one winner. Times are the caller's clock (epoch seconds), so tests can
move time; except the seen requests', which are the database's: there one instance's
clock running ahead would forget what the others still need.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Protocol

from bot.store.records import (
    Chooser,
    Claim,
    NewSuggestion,
    Outcome,
    PostRecord,
    ReviewSettings,
    Sent,
    SubscriptionRecord,
    SuggestionRecord,
    SuggestionStatus,
)


class PostLedger(Protocol):
    """The quote of the day's ledger: which quote each date has, and which posts were
    claimed and sent."""

    def pick(self, day: date, valid: set[str], choose: Chooser, now: float, pool: str = "") -> str:
        """The quote key of ``day`` in ``pool`` ("" the whole book, else a director's
        command): the one already picked if still ``valid``, else ``choose``'s, recorded
        atomically (two instances asking at once get one answer)."""

    def claim(self, day: date, target: str, owner: str, now: float, lease: float) -> bool:
        """Take the post of ``day`` to ``target`` for ``owner``: True if it was free, was
        released, or was claimed more than ``lease`` seconds ago and never sent."""

    def claim_many(self, claims: Sequence[Claim]) -> list[tuple[bool, PostRecord | None]]:
        """Several claims in one transaction: each taken or not, and the record it found."""

    def mark_sent(self, day: date, target: str, owner: str, now: float, message_id: str) -> None:
        """Record the post as sent."""

    def mark_sent_many(self, sent: Sequence[Sent]) -> None:
        """Several :meth:`mark_sent`s in one transaction."""

    def mark_failed(self, day: date, target: str, owner: str, reason: str) -> None:
        """Record a permanent failure: the post is not tried again that date."""

    def release(self, day: date, target: str, owner: str, reason: str) -> None:
        """Give the claim back after a temporary failure, for a later try."""

    def post(self, day: date, target: str) -> PostRecord | None:
        """One target's record for ``day``, if there is one."""

    def posts(self, day: date) -> dict[str, PostRecord]:
        """Every target's record for ``day``."""

    def picks(self, pool: str = "") -> list[tuple[str, str]]:
        """Every (day, quote key) picked in ``pool``, by day."""


class SubscriptionBook(Protocol):
    """Channels' own quotes of the day: set, switched off, and found when due."""

    def subscribe(self, record: SubscriptionRecord) -> None:
        """Create or replace a channel's subscription (setting it again resumes it)."""

    def unsubscribe(self, platform: str, workspace: str, channel: str) -> bool:
        """Remove a channel's subscription; True if there was one."""

    def subscription(
        self, platform: str, workspace: str, channel: str
    ) -> SubscriptionRecord | None:
        """A channel's subscription, if it has one."""

    def unsubscribe_workspace(self, platform: str, workspace: str) -> int:
        """Remove every subscription of a workspace (it uninstalled the app); how many."""

    def subscriptions(
        self, platform: str | None = None, workspace: str | None = None, owner: str | None = None
    ) -> list[SubscriptionRecord]:
        """Every subscription (of one platform, workspace or owner), by platform and channel."""

    def due_subscriptions(
        self, now: float, limit: int, platforms: Collection[str] | None = None
    ) -> list[SubscriptionRecord]:
        """Active subscriptions (of ``platforms``, or all) whose next slot has come by
        ``now``, earliest first."""

    def next_due(self, platforms: Collection[str] | None = None) -> float | None:
        """The earliest next slot of the active subscriptions (of ``platforms``), if any."""

    def reschedule(self, platform: str, workspace: str, channel: str, next_due: float) -> None:
        """Move a subscription's next slot on (after its post, or past a missed one)."""

    def reschedule_many(self, moves: Sequence[tuple[str, str, str, float]]) -> None:
        """Several :meth:`reschedule`s at once: (platform, workspace, channel, next_due) each."""

    def pause(self, platform: str, workspace: str, channel: str, reason: str, now: float) -> None:
        """Stop posting to a channel until its subscription is set again, saying why."""


class SeenRequests(Protocol):
    """Signed requests already answered, remembered for the replay guard."""

    def first_time(self, request: str, window: float) -> bool:
        """True the first time ``request`` (a signed request's signature) is offered within
        ``window`` seconds by the database's clock, on any instance sharing this store;
        forgets older ones."""

    def first_times(self, requests: Sequence[str], window: float) -> set[str]:
        """Those of ``requests`` offered for the first time, as :meth:`first_time` says,
        in one statement (a request given twice is first-time once, at most)."""


class Installations(Protocol):
    """Slack workspaces' installations and OAuth states (many workspaces over HTTP)."""

    def save_installation(
        self, enterprise_id: str, team_id: str, installation: str, now: float
    ) -> None:
        """Keep a Slack workspace's installation (JSON), replacing an earlier one."""

    def installation(self, enterprise_id: str, team_id: str) -> str | None:
        """A Slack workspace's installation (JSON), if it installed the app."""

    def delete_installation(self, enterprise_id: str, team_id: str) -> None:
        """Forget a Slack workspace's installation (uninstalled, or tokens revoked)."""

    def issue_state(self, state: str, expires_at: float) -> None:
        """Remember an OAuth state parameter until it expires."""

    def consume_state(self, state: str, now: float) -> bool:
        """True once for a state issued and not expired; it cannot be used again."""


class Suggestions(Protocol):
    """Quotes members suggest from chat, each community's own: a queue its moderators
    review, and the approved ones it is served. Decisions are compare-and-set (two
    moderators at once: one wins); the caps hold across instances."""

    def suggest(
        self, record: NewSuggestion, now: float, per_member_hour: int = 10, open_cap: int = 500
    ) -> SuggestionRecord:
        """Keep a new suggestion (open, verification pending), with a fresh id; raises
        SuggestionRefused when the member made ``per_member_hour`` in the hour before
        ``now`` or the community has ``open_cap`` open. Checked and kept atomically."""

    def suggestion(self, id: str) -> SuggestionRecord | None:
        """A suggestion by its id (any text: None if there is none)."""

    def suggestions(
        self,
        platform: str,
        community: str,
        status: SuggestionStatus | None = None,
        limit: int = 50,
        after: str | None = None,
        oldest_first: bool | None = None,
    ) -> list[SuggestionRecord]:
        """A community's suggestions (of ``status``, or all), ``limit`` at most, after the
        one of id ``after`` (the last of the previous page). Open ones oldest first, any
        other newest first, unless ``oldest_first`` says."""

    def set_verification(self, id: str, outcome: Outcome, detail: str, now: float) -> bool:
        """Record what verifying it found (``detail``: JSON, kept as given); True if the
        suggestion exists."""

    def decide(
        self,
        id: str,
        status: SuggestionStatus,
        by: str,
        now: float,
        reason: str = "",
        as_attributed: bool = False,
        expected_status: SuggestionStatus = "open",
    ) -> bool:
        """Move it to ``status`` if it is ``expected_status`` still: True for the one
        caller that did. Approve or reject an open one, remove an approved one (else
        ValueError); ``as_attributed`` is for an approval (a removal keeps it)."""

    def edit(
        self,
        id: str,
        by: str,
        now: float,
        *,
        director: str | None = None,
        command: str | None = None,
        text: str | None = None,
        source_url: str | None = None,
        context: str | None = None,
        topic: str | None = None,
    ) -> bool:
        """Change the fields given (None: unchanged; "" clears context or topic) of an
        open suggestion; True if it was open. A changed text or source sets its
        verification back to pending."""

    def set_review_message(self, id: str, channel: str, message: str) -> bool:
        """Where its review post is (to edit it later); True if the suggestion exists."""

    def approved(self, platform: str, community: str) -> list[SuggestionRecord]:
        """A community's approved suggestions, oldest first."""

    def approved_version(self, platform: str, community: str) -> str:
        """A word that changes whenever the community's approved set may have (approve,
        remove, edit): compare it to a cached one instead of reading the set."""

    def set_review_channel(
        self, platform: str, community: str, channel: str | None, by: str, now: float
    ) -> None:
        """Where the community's suggestions are posted for review (None: nowhere)."""

    def review_settings(self, platform: str, community: str) -> ReviewSettings | None:
        """The community's review settings, if any were ever set."""

    def set_published(
        self, platform: str, community: str, published: bool, by: str, now: float
    ) -> None:
        """Whether the community's approved quotes are published on the web."""


class DailyStore(PostLedger, SubscriptionBook, Protocol):
    """What posting the quote of the day uses: the ledger, and the subscriptions it moves
    on or pauses."""


class Store(PostLedger, SubscriptionBook, SeenRequests, Installations, Suggestions, Protocol):
    """Every role, as a back end provides them, and the store's own upkeep."""

    # Whether a call never waits on a network (a SQLite file): it may be made on the loop.
    local: bool

    def within(self, seconds: float | None) -> AbstractContextManager[None]:
        """Calls made by this thread in the block give up after ``seconds`` (TimeoutError),
        or at once, for 0, when they would have to wait (BlockingIOError)."""

    def ping(self) -> None:
        """Ask the database something trivial: raises when it does not answer."""

    def close(self) -> None: ...
