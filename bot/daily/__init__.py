"""The quote of the day: which quote a date gets, when each channel's slot comes,
posting exactly once, rounds and the scheduler, ``/qotd`` requests and the desk that
answers them, and the operator's ``quotebot.toml``.
"""

from __future__ import annotations

from bot.daily.clock import SystemClock
from bot.daily.delivery import Daily
from bot.daily.desk import NO_DESK, Asker, QotdDesk, QotdReply, Wording
from bot.daily.desk_wording import describe
from bot.daily.poster import DeliveryError, Poster, Result
from bot.daily.requests import (
    QotdError,
    QotdRequest,
    read_request,
    request_from_options,
)
from bot.daily.selection import day_label
from bot.daily.settings_file import ChannelRule, DailyConfig, Target
from bot.daily.zones import zone_choices

__all__ = [
    "NO_DESK",
    "Asker",
    "ChannelRule",
    "Daily",
    "DailyConfig",
    "DeliveryError",
    "Poster",
    "QotdDesk",
    "QotdError",
    "QotdReply",
    "QotdRequest",
    "Result",
    "SystemClock",
    "Target",
    "Wording",
    "day_label",
    "describe",
    "read_request",
    "request_from_options",
    "zone_choices",
]
