"""What a platform's poster is to the quote of the day: how it posts, and how a post
goes (a :class:`Result` per target; :class:`DeliveryError` when it does not go through)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from bot.book.model import Quote
from bot.daily.settings_file import Target


class DeliveryError(Exception):
    """A post did not go through: permanent (unknown channel, no permission) or not."""

    def __init__(
        self,
        reason: str,
        permanent: bool,
        retry_after: float | None = None,
        channel: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        # The channel is gone or closed to the bot: its subscription pauses until set again.
        self.channel = channel


class Poster(Protocol):
    """One platform's way of posting a quote to a channel (an adapter provides it)."""

    async def post(self, channel: str, quote: Quote, day: date, workspace: str = "") -> str:
        """Post (in ``workspace``, where the platform needs to know); return the message's
        ID. Raises DeliveryError."""

    async def find(self, channel: str, day: date, since: float, workspace: str = "") -> str | None:
        """This bot's post for ``day`` in ``channel`` since ``since`` (epoch seconds): its
        message ID, or None. Raises DeliveryError when the platform cannot say."""

    async def close(self) -> None: ...


Outcome = Literal["posted", "already posted", "claimed elsewhere", "failed", "gave up for now"]


@dataclass(frozen=True)
class Result:
    """What happened to one target's post."""

    target: Target
    outcome: Outcome
    detail: str = ""
    # Failed because the channel is gone or closed to the bot: pause its subscription.
    channel_closed: bool = False

    def __str__(self) -> str:
        return f"{self.target}: {self.outcome}{f' ({self.detail})' if self.detail else ''}"
