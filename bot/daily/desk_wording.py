"""What /qotd says, in the asker's language: every message of :mod:`bot.daily.desk` written
once in English (``N_``, named placeholders) and said with :func:`bot.answers.language.say`.

Data stays data in every language: time zone names, times (``09:00``), cron schedules,
commands, channel and user references. Dates inside a reply are the English day label
(``Thursday 26 November 2026``) in English, byte for byte as before, and Babel's full date
for the locale elsewhere (``jeudi 26 novembre 2026``): Babel is already loaded for any
non-English catalogue, so it costs nothing more. The quote of the day's post keeps its
English dated title (bot.daily.selection.day_label): it is how a day's post is found again.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.answers.language import ENGLISH, N_, language_of, say
from bot.daily.rounds import OPERATOR
from bot.daily.selection import day_label
from bot.daily.slots import next_slot
from bot.store.records import SubscriptionRecord

NO_DESK = N_("The quote of the day is not set up on this bot.")
UNREACHABLE = N_(
    "The quote of the day's settings cannot be reached just now, so nothing was changed. "
    "Please try again in a minute."
)
NOT_A_CHANNEL = N_("The quote of the day goes to a channel: use /qotd in one.")
ONLY = N_("Only {who} can set up the quote of the day here. Ask one of them to use /qotd.")
OPERATORS = N_(
    "This channel's quote of the day is set in quotebot.toml ({schedule}), "
    "so it can only be changed there. Ask whoever runs the bot."
)
NOTHING_TO_STOP = N_("There is no quote of the day here. Start one: {usage}")
SWITCHED_OFF = N_("Switched off: no more quote of the day here.")
SET = N_(
    "Quote of the day set: {schedule}. Next post: {next}.{resumed} Switch it off with /qotd off."
)
RESUMED = N_(" It was paused ({why}); it is back on.")
NONE_HERE = N_("There is no quote of the day in this channel. Start one: {usage}")
BY_OPERATOR = N_("the operator, in quotebot.toml (it can only be changed there)")
PAUSED = N_("Paused: {why}. Once the bot can post here again, set it again to resume it.")
NEXT = N_("Next post: {next}.")
SHOWN = N_("Quote of the day here: {schedule}. {state} Set by {who}.")
NONE_AROUND = N_("No channel here has a quote of the day. Start one: {usage}")
LISTED_PAUSED = N_("• {channel}: {schedule} (paused: {why})")
LISTED = N_("• {channel}: {schedule}, next {next}")
HEADING = N_("Quote of the day in {count} channel(s):")
ON_SCHEDULE = N_("on the schedule “{cron}” ({zone})")
WEEKDAYS_AT = N_("weekdays at {time} {zone}")
DAILY_AT = N_("every day at {time} {zone}")
ONLY_FROM = N_("{schedule}, from /{director} only")
DAY_AT = N_("{day} at {time}")


def describe(record: SubscriptionRecord, locale: str | None = ENGLISH) -> str:
    """``every day at 09:00 Europe/Paris, from /jonze only`` (or the operator's cron)."""
    if record.owner == OPERATOR:
        when = say(ON_SCHEDULE, locale, cron=record.cron, zone=record.zone)
    else:
        days = WEEKDAYS_AT if record.days == "weekdays" else DAILY_AT
        when = say(days, locale, time=record.at_time, zone=record.zone)
    if record.director:
        return say(ONLY_FROM, locale, schedule=when, director=record.director)
    return when


def date_in(day: date, locale: str | None = ENGLISH) -> str:
    """A day as the locale writes it in full; English's is the posts' own day label."""
    name = language_of(locale)
    if name == ENGLISH:
        return day_label(day)
    from babel.dates import format_date

    return str(format_date(day, format="full", locale=name))


def next_post(record: SubscriptionRecord, now: datetime, locale: str | None = ENGLISH) -> str:
    """When it posts next, in its own zone: ``Thursday 26 November 2026 at 09:00``."""
    zone = ZoneInfo(record.zone)
    upcoming = next_slot(record.cron, zone, now).astimezone(zone)
    return say(DAY_AT, locale, day=date_in(upcoming.date(), locale), time=f"{upcoming:%H:%M}")
