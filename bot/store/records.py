"""What the state store keeps, as its callers see it: a channel's subscription, one
target's post of one date, a member's suggested quote and a community's review settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

Status = Literal["claimed", "sent", "failed", "released"]
# choose(used keys of the current cycle, current cycle, last key picked) -> (key, cycle)
Chooser = Callable[[set[str], int, str | None], tuple[str, int]]
# A claim of one post, as PostLedger.claim takes it: (day, target, owner, now, lease).
Claim = tuple[date, str, str, float, float]
# A post recorded sent, as PostLedger.mark_sent takes it: (day, target, owner, now, message id).
Sent = tuple[date, str, str, float, str]


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


SuggestionStatus = Literal["open", "approved", "rejected", "removed"]
Outcome = Literal["found", "not_found", "unfetched", "pending"]
SUGGESTION_STATUSES: tuple[SuggestionStatus, ...] = ("open", "approved", "rejected", "removed")
OUTCOMES: tuple[Outcome, ...] = ("found", "not_found", "unfetched", "pending")
# A suggestion's id: 10 characters of lower-case base32 (50 random bits), safe in a URL
# and in a button's custom_id (q1|ap|<id>).
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
ID_LENGTH = 10


def new_suggestion_id() -> str:
    """A fresh suggestion id, from the operating system's randomness."""
    import secrets

    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


def is_suggestion_id(text: str) -> bool:
    """Whether ``text`` (from a button, a URL: outside input) could be a suggestion's id."""
    return len(text) == ID_LENGTH and all(c in ID_ALPHABET for c in text)


@dataclass(frozen=True)
class NewSuggestion:
    """What a member suggests: the store gives it an id, a time and its status."""

    platform: str  # "discord" or "slack"
    community: str  # Discord server (guild) ID or Slack team ID
    suggester: str  # the member's user ID
    director: str  # the director's name, "Spike Jonze"
    command: str  # the director's command: one in the book, or a new one
    text: str  # the quote
    source_url: str  # where it was said
    context: str | None = None  # what it was said about, if given
    topic: str | None = None  # a topic, if given


@dataclass(frozen=True)
class SuggestionRecord:
    """A suggested quote as the store keeps it, from suggestion to decision."""

    id: str
    platform: str
    community: str
    suggester: str
    suggested_at: float
    director: str
    command: str
    text: str
    source_url: str
    context: str | None
    topic: str | None
    status: SuggestionStatus
    outcome: Outcome  # the verification's outcome ("pending" until it has one)
    verification: str  # its detail, JSON as the verifier wrote it ("" until then)
    decided_by: str | None  # who approved, rejected or removed it (the latest)
    decided_at: float | None
    reason: str  # a rejection's or removal's reason ("" for none)
    as_attributed: bool  # approved though its source did not show it
    review_channel: str | None  # the review post, to edit it: its channel and message
    review_message: str | None
    edited_by: str | None  # who edited it last, if anyone did
    updated_at: float


@dataclass(frozen=True)
class ReviewSettings:
    """A community's review settings."""

    platform: str
    community: str
    review_channel: str | None  # where suggestions are posted for review; None: nowhere
    published: bool  # whether its approved quotes are published on the web
    set_by: str
    updated_at: float
