"""The state store: which quote each date has, and which posts were claimed and sent.

One small interface, two back ends: SQLite (a file; the default) and PostgreSQL (for
several instances). Every change is one atomic statement or one short transaction, so
instances racing for the same post see one winner. Times are the caller's clock (epoch
seconds), never the database's, so tests can move time.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from bot.store_postgres import PostgresStore
    from bot.store_sqlite import SQLiteStore

Status = Literal["claimed", "sent", "failed", "released"]
# choose(used keys of the current cycle, current cycle, last key picked) -> (key, cycle)
Chooser = Callable[[set[str], int, str | None], tuple[str, int]]


@dataclass(frozen=True)
class SubscriptionRecord:
    """A channel's own quote of the day, as the store keeps it."""

    platform: str
    workspace: str  # Slack team or Discord server ID; "" for operator targets
    channel: str
    at_time: str  # "HH:MM" in the zone
    zone: str  # an IANA name
    days: str  # "daily" or "weekdays"
    director: str | None  # a director's command, or None for any director
    owner: str  # "chat" (set with /qotd) or "operator" (quotebot.toml)
    set_by: str  # who set it: a user ID, or "quotebot.toml"
    paused: str | None  # why posting stopped (channel gone, no access), or None
    next_due: float  # the next slot, epoch seconds
    updated_at: float
    schedule: str = ""  # cron, in the zone; "" for the time and days above

    @property
    def cron(self) -> str:
        """When it posts, as a cron schedule in its zone."""
        if self.schedule:
            return self.schedule
        hour, minute = self.at_time.split(":")
        return f"{int(minute)} {int(hour)} * * {'1-5' if self.days == 'weekdays' else '*'}"

    @property
    def target(self) -> str:
        """Its posts' name in the ledger: one post per channel and date, whoever set it."""
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True)
class PostRecord:
    """What the store knows of one target's post for one date."""

    day: str
    target: str
    status: Status
    owner: str
    claimed_at: float
    attempts: int
    sent_at: float | None
    message_id: str | None
    reason: str | None


class Store(Protocol):
    """What the quote of the day needs remembered."""

    def pick(self, day: date, valid: set[str], choose: Chooser, now: float, pool: str = "") -> str:
        """The quote key of ``day`` in ``pool`` ("" the whole book, else a director's
        command): the one already picked if still ``valid``, else ``choose``'s, recorded
        atomically (two instances asking at once get one answer)."""

    def claim(self, day: date, target: str, owner: str, now: float, lease: float) -> bool:
        """Take the post of ``day`` to ``target`` for ``owner``: True if it was free, was
        released, or was claimed more than ``lease`` seconds ago and never sent."""

    def mark_sent(self, day: date, target: str, owner: str, now: float, message_id: str) -> None:
        """Record the post as sent."""

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

    def pause(self, platform: str, workspace: str, channel: str, reason: str, now: float) -> None:
        """Stop posting to a channel until its subscription is set again, saying why."""

    def ping(self) -> None:
        """Ask the database something trivial: raises when it does not answer."""

    def first_time(self, request: str, now: float, window: float) -> bool:
        """True the first time ``request`` (a signed request's signature) is offered within
        ``window`` seconds, on any instance sharing this store; forgets older ones."""

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

    def close(self) -> None: ...


DEFAULT_STORE = "quotebot.db"


def store_location(env: Mapping[str, str]) -> str:
    """Where the state store is: ``QUOTEBOT_DB``, or ``quotebot.db`` here."""
    return env.get("QUOTEBOT_DB", "").strip() or DEFAULT_STORE


def is_postgres(where: str) -> bool:
    """Whether ``where`` names a PostgreSQL database (else it is a SQLite file)."""
    return where.startswith(("postgresql://", "postgres://"))


def open_store(where: str) -> SQLiteStore | PostgresStore:
    """``postgresql://…`` (or ``postgres://…``) opens PostgreSQL; anything else is a
    SQLite file path."""
    from bot.store_postgres import PostgresStore
    from bot.store_sqlite import SQLiteStore

    if is_postgres(where):
        return PostgresStore(where)
    return SQLiteStore(where)


class StoreError(Exception):
    """The state store cannot be used as it is; the message says what was found."""


_SECRET_PARAMS = frozenset({"password", "passfile", "sslpassword", "sslkey"})


def without_password(url: str) -> str:
    """The URL for messages: a password, in the user part or the query, replaced by ***;
    a URL that cannot be read at all is not shown."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    if "://" not in url:  # a SQLite path
        return url
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}:***@{host}"
        query = [
            (key, "***" if key.casefold() in _SECRET_PARAMS else value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="*")))
    except ValueError:
        scheme = url.partition(":")[0] if url[:12].isascii() else ""
        return f"{scheme}://… (not a readable URL)" if scheme.isalpha() else "(not a readable URL)"
