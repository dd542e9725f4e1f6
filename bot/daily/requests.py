"""A channel's own quote of the day: what `/qotd` asks for, read from what people type.

Slack's ``/qotd 09:00 Europe/Paris weekdays jonze`` (words in any order), ``/qotd off``,
``/qotd list`` and ``/qotd`` alone are read here into a :class:`QotdRequest`; Discord's
options go through the same checks (:func:`read_time`, :func:`read_zone`). A
subscription's posting time becomes a cron schedule, so :mod:`bot.daily.slots`'s daylight
saving rules hold for it too. :mod:`bot.daily.desk` answers the request.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import time

from bot.answers.language import ENGLISH, N_, say
from bot.answers.user_text import clean_input
from bot.daily.zones import closest_zones, read_zone

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    Days = Literal["daily", "weekdays"]
    Action = Literal["show", "set", "off", "list"]

# 9, 09:00, 9.30, 9h30, 0930, 9am, 9:15 pm: the ways people write a time of day.
_CLOCK = re.compile(
    r"(?:(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?|(?P<hh>\d{2})(?P<mm>\d{2}))\s*(?P<half>[ap]\.?m\.?)?",
    re.IGNORECASE,
)
_DAYS = {"daily": "daily", "everyday": "daily", "every day": "daily", "weekdays": "weekdays"}


class QotdError(Exception):
    """What was typed cannot be a /qotd request; the message says why and what would do.

    ``str(error)`` is the English; :meth:`said` the asker's language. What was typed and
    the zones suggested are data, the same in every language."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.message = message
        self.values = values

    def said(self, locale: str | None = ENGLISH) -> str:
        """The message in ``locale``'s language."""
        return say(self.message, locale, **self.values)


NOT_A_TIME = N_("“{typed}” is not a time of day: 09:00, 21:30 or 9am.")
NO_ZONE = N_("There is no time zone “{typed}”. Did you mean {close}?")
DAYS_ARE = N_("days is “every day” or “weekdays”.")
NO_DIRECTOR = N_("There is no director /{command} here.")
NOT_A_WORD = N_(
    "“{typed}” is not a time (09:00, 9am), a time zone (Europe/Paris), "
    "weekdays or daily, or a director's command."
)
SAY_WHEN = N_("Say when: /qotd 09:00 Europe/Paris (or 9am), optionally weekdays.")
SAY_ZONE = N_("Say which time zone: /qotd 09:00 Europe/Paris")


@dataclass(frozen=True)
class QotdRequest:
    """A /qotd request: show, set, off or list; for set, when and from whom."""

    action: Action
    at: time | None = None
    zone: str | None = None
    days: Days = "daily"
    director: str | None = None

    def schedule(self) -> str:
        """The posting time as a cron schedule in the subscription's zone."""
        assert self.at is not None
        return cron_for(self.at, self.days)


def cron_for(at: time, days: str) -> str:
    """A daily (or weekday) posting time as a cron schedule."""
    weekdays = "1-5" if days == "weekdays" else "*"
    return f"{at.minute} {at.hour} * * {weekdays}"


def read_time(text: str) -> time | None:
    """``09:00``, ``9:30``, ``9.30``, ``9h30``, ``0930``, ``21:30``, ``9am``, ``9:15 pm``
    or ``9`` as a time of day."""
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        return None
    hour = int(found["h"] or found["hh"])
    minute = int(found["m"] or found["mm"] or 0)
    half = (found["half"] or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def request_from_options(
    at: str, zone: str, days: str | None, director: str | None, directors: Collection[str]
) -> QotdRequest:
    """``/qotd set`` from a platform's separate options (Discord's), checked as the text
    form is. QotdError says what is wrong, with suggestions."""
    clock = read_time(at)
    if clock is None:
        raise QotdError(NOT_A_TIME, typed=cut_typed(at))
    named = read_zone(zone)
    if named is None:
        raise QotdError(NO_ZONE, typed=cut_typed(zone), close=", ".join(closest_zones(zone)))
    chosen = (days or "daily").casefold()
    if chosen not in _DAYS:
        raise QotdError(DAYS_ARE)
    command = (director or "").strip().casefold().lstrip("/") or None
    if command is not None and command not in directors:
        raise QotdError(NO_DIRECTOR, command=cut_typed(command))
    return QotdRequest(
        "set", clock, named, "weekdays" if _DAYS[chosen] == "weekdays" else "daily", command
    )


def cut_typed(text: str) -> str:
    """What someone typed, made safe to echo (as any answer's) and short enough to quote."""
    text = clean_input(text)
    return text if len(text) <= 40 else text[:39] + "…"


def read_request(
    text: str, directors: Collection[str], default_zone: str | None = None
) -> QotdRequest:
    """What ``/qotd text`` asks for. QotdError says what is wrong, with suggestions."""
    words = text.split()
    if not words:
        return QotdRequest("show")
    if len(words) == 1 and words[0].casefold() in ("off", "stop"):
        return QotdRequest("off")
    if len(words) == 1 and words[0].casefold() == "list":
        return QotdRequest("list")
    at = zone = director = None
    days: Days = "daily"
    rest = " ".join(words).casefold().replace("every day", "everyday").split()
    for word in rest:
        if word in _DAYS:
            days = "weekdays" if _DAYS[word] == "weekdays" else "daily"
        elif at is None and (clock := read_time(word)) is not None:
            at = clock
        elif word in ("am", "pm") and at is not None:
            at = read_time(f"{at.hour}:{at.minute:02d}{word}") or at
        elif zone is None and (named := read_zone(word)) is not None:
            zone = named
        elif director is None and word.lstrip("/") in directors:
            director = word.lstrip("/")
        elif "/" in word:
            close = ", ".join(closest_zones(word))
            raise QotdError(NO_ZONE, typed=cut_typed(word), close=close)
        else:
            raise QotdError(NOT_A_WORD, typed=cut_typed(word))
    if at is None:
        raise QotdError(SAY_WHEN)
    zone = zone or default_zone
    if zone is None:
        raise QotdError(SAY_ZONE)
    return QotdRequest("set", at, zone, days, director)
