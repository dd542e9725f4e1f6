"""``/qotd``, platform-neutral: show, set, switch off and list a channel's quote of the day.

Adapters read who asks (:class:`Asker`: may they manage the channel, their own time zone)
and how their platform words things (:class:`Wording`), then call :meth:`QotdDesk.handle`
in a worker thread (the store blocks). The answer is a :class:`QotdReply`: a private text
for the asker, and a short public line for the channel when posting is switched on or off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import limits
from bot.answers.replies import cut, fit_list
from bot.book.quote_book import QuoteBook
from bot.daily.requests import QotdRequest, cron_for
from bot.daily.rounds import OPERATOR, with_next_due
from bot.daily.selection import day_label
from bot.daily.settings_file import DailyConfig
from bot.daily.slots import next_slot
from bot.errors import SettingsError, one_line
from bot.store.errors import StoreUnavailable
from bot.store.records import SubscriptionRecord
from bot.store.roles import Store, SubscriptionBook
from bot.store.shared import SharedStore

log = logging.getLogger("quotebot.qotd")

NAME_MAX = 80  # a person's name in the public line
NO_DESK = "The quote of the day is not set up on this bot."
UNREACHABLE = (
    "The quote of the day's settings cannot be reached just now, so nothing was changed. "
    "Please try again in a minute."
)


@dataclass(frozen=True)
class Asker:
    """Who typed /qotd, and where."""

    platform: str
    workspace: str  # Slack team or Discord server ID
    channel: str
    user: str  # the platform's user ID
    name: str  # shown in the public line
    may_manage: bool  # may manage this channel (admin, owner, Manage Channels)
    zone: str | None = None  # their own time zone, when the platform knows it
    in_channel: bool = True  # False in a direct message


@dataclass(frozen=True)
class Wording:
    """How one platform says what /qotd needs said."""

    set_usage: str  # how to start one: "/qotd 09:00 Europe/Paris [weekdays] [director]"
    who_may: str  # "workspace admins and owners, or …"
    channel: Callable[[str], str]  # a channel ID as a reference people can click
    user: Callable[[str], str]  # a user ID as shown (never a ping)
    budget: int = limits.DISCORD_CONTENT_MAX  # characters in one private answer


@dataclass(frozen=True)
class QotdReply:
    """What /qotd answers: privately always; publicly when posting is switched on or off."""

    private: str
    public: str | None = None


def describe(record: SubscriptionRecord) -> str:
    """``every day at 09:00 Europe/Paris, from /jonze only`` (or the operator's cron)."""
    if record.owner == OPERATOR:
        when = f"on the schedule “{record.cron}” ({record.zone})"
    else:
        days = "weekdays" if record.days == "weekdays" else "every day"
        when = f"{days} at {record.at_time} {record.zone}"
    return when + (f", from /{record.director} only" if record.director else "")


def next_post(record: SubscriptionRecord, now: datetime) -> str:
    """When it posts next, in its own zone: ``Thursday 26 November 2026 at 09:00``."""
    zone = ZoneInfo(record.zone)
    upcoming = next_slot(record.cron, zone, now).astimezone(zone)
    return f"{day_label(upcoming.date())} at {upcoming:%H:%M}"


class QotdDesk:
    """Answers /qotd against the state store, opened on first use (and again after it
    failed), so a database that is down costs /qotd a polite answer and nothing else."""

    def __init__(
        self,
        open_store: Callable[[], Store] | SharedStore,
        config: DailyConfig,
        book: Callable[[], QuoteBook],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = open_store if isinstance(open_store, SharedStore) else SharedStore(open_store)
        self.config = config
        self.book = book
        self.now = now

    def directors(self) -> set[str]:
        """The commands a subscription may be limited to."""
        return {director.command for director in self.book()}

    def handle(self, request: QotdRequest, asker: Asker, wording: Wording) -> QotdReply:
        """Answer one /qotd (blocking: call it from a worker thread)."""
        if not asker.in_channel:
            return QotdReply("The quote of the day goes to a channel: use /qotd in one.")
        if not asker.may_manage:
            return QotdReply(
                f"Only {wording.who_may} can set up the quote of the day here. "
                "Ask one of them to use /qotd."
            )
        # Fallback: when the store fails, or does not answer within a fraction of a second
        # (bot.store.shared.ANSWER_S), the answer says it cannot be reached (UNREACHABLE).
        try:
            return self.store.call(lambda store: self._handle(store, request, asker, wording))
        except Exception as exc:  # noqa: BLE001 - any failure: say so, change nothing
            log.error("/qotd in %s:%s: the state store failed: %s", asker.platform,
                      asker.channel, one_line(exc))  # fmt: skip
            return QotdReply(UNREACHABLE)

    def close(self) -> None:
        self.store.drop()

    def ready(self) -> str | None:
        """None when the state store answers, else why not (blocking: a worker thread; it
        gives up within a fraction of a second, as every call of the serving side does)."""
        try:
            self.store.call(lambda store: store.ping())
        except (SettingsError, StoreUnavailable) as exc:  # it cannot be opened: the message
            return str(exc)  # names QUOTEBOT_DB, without the password
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            return f"the state store does not answer ({exc.__class__.__name__})"
        return None

    def _handle(
        self, store: SubscriptionBook, request: QotdRequest, asker: Asker, wording: Wording
    ) -> QotdReply:
        if request.action == "list":
            return QotdReply(self._list(store, asker, wording))
        operator = store.subscription(asker.platform, "", asker.channel)
        mine = store.subscription(asker.platform, asker.workspace, asker.channel)
        if request.action == "show":
            return QotdReply(self._show(operator or mine, wording))
        if operator is not None:
            return QotdReply(
                f"This channel's quote of the day is set in quotebot.toml ({describe(operator)}), "
                "so it can only be changed there. Ask whoever runs the bot."
            )
        if request.action == "off":
            key = (asker.platform, asker.workspace, asker.channel)
            if mine is None or not store.unsubscribe(*key):
                return QotdReply(
                    f"There is no quote of the day here. Start one: {wording.set_usage}"
                )
            return QotdReply(
                "Switched off: no more quote of the day here.",
                f"Quote of the day: switched off by {cut(asker.name, NAME_MAX)}.",
            )
        return self._set(store, request, asker, mine)

    def _set(
        self,
        store: SubscriptionBook,
        request: QotdRequest,
        asker: Asker,
        before: SubscriptionRecord | None,
    ) -> QotdReply:
        assert request.at is not None and request.zone is not None
        now = self.now()
        record = with_next_due(
            SubscriptionRecord(
                platform=asker.platform, workspace=asker.workspace, channel=asker.channel,
                at_time=f"{request.at:%H:%M}", zone=request.zone, days=request.days,
                director=request.director, owner="chat", set_by=asker.user, paused=None,
                next_due=0.0, updated_at=0.0, schedule=cron_for(request.at, request.days),
            ),
            now,
            self.config.grace,
        )  # fmt: skip
        store.subscribe(record)
        resumed = (
            f" It was paused ({before.paused}); it is back on."
            if before is not None and before.paused
            else ""
        )
        return QotdReply(
            f"Quote of the day set: {describe(record)}. Next post: "
            f"{next_post(record, now)}.{resumed} Switch it off with /qotd off.",
            f"Quote of the day: {describe(record)}, set by {cut(asker.name, NAME_MAX)}.",
        )

    def _show(self, record: SubscriptionRecord | None, wording: Wording) -> str:
        if record is None:
            return f"There is no quote of the day in this channel. Start one: {wording.set_usage}"
        who = (
            "the operator, in quotebot.toml (it can only be changed there)"
            if record.owner == OPERATOR
            else wording.user(record.set_by)
        )
        if record.paused:
            state = (
                f"Paused: {record.paused}. Once the bot can post here again, set it again "
                "to resume it."
            )
        else:
            state = f"Next post: {next_post(record, self.now())}."
        return f"Quote of the day here: {describe(record)}. {state} Set by {who}."

    def _list(self, store: SubscriptionBook, asker: Asker, wording: Wording) -> str:
        found = store.subscriptions(asker.platform, asker.workspace)
        here = store.subscription(asker.platform, "", asker.channel)
        if here is not None:
            found.insert(0, here)
        if not found:
            return f"No channel here has a quote of the day. Start one: {wording.set_usage}"
        now = self.now()
        lines = [
            f"• {wording.channel(r.channel)}: {describe(r)}"
            + (f" (paused: {r.paused})" if r.paused else f", next {next_post(r, now)}")
            for r in found
        ]
        heading = f"Quote of the day in {len(found)} channel(s):"
        return heading + "\n" + fit_list(lines, wording.budget - len(heading) - 1, sep="\n")
