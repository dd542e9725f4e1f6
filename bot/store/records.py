"""What the state store keeps, as its callers see it: a channel's subscription and one
target's post of one date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

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
