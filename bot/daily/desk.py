"""``/qotd``, platform-neutral: show, set, switch off and list a channel's quote of the day.

Adapters read who asks (:class:`Asker`: may they manage the channel, their own time zone)
and how their platform words things (:class:`Wording`), then call :meth:`QotdDesk.handle`
in a worker thread (the store blocks). The answer is a :class:`QotdReply`: a private text
for the asker, and a short public line for the channel when posting is switched on or off.

The private text is in the asker's language (``locale=``, English by default; the messages
live in :mod:`bot.daily.desk_wording`). The public line is always English: the whole
channel reads it, not only the asker, and one member's language is no better guess for
everyone than the bot's default, which is also the language of the post it announces.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot import limits
from bot.answers.language import ENGLISH, say, translate
from bot.answers.replies import cut, fit_list
from bot.book.quote_book import QuoteBook
from bot.daily import desk_wording as w
from bot.daily.desk_wording import NO_DESK, UNREACHABLE, describe, next_post
from bot.daily.requests import QotdRequest, cron_for
from bot.daily.rounds import OPERATOR, with_next_due
from bot.daily.settings_file import DailyConfig
from bot.errors import SettingsError, one_line
from bot.store.errors import StoreUnavailable
from bot.store.records import SubscriptionRecord
from bot.store.roles import Store, SubscriptionBook
from bot.store.shared import SharedStore

log = logging.getLogger("quotebot.qotd")

NAME_MAX = 80  # a person's name in the public line
__all__ = ["NO_DESK", "UNREACHABLE", "Asker", "QotdDesk", "QotdReply", "Wording", "describe",
           "next_post"]  # fmt: skip


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
    who_may: str  # "workspace admins and owners, or …" (English, translated where said)
    channel: Callable[[str], str]  # a channel ID as a reference people can click
    user: Callable[[str], str]  # a user ID as shown (never a ping)
    budget: int = limits.DISCORD_CONTENT_MAX  # characters in one private answer


@dataclass(frozen=True)
class QotdReply:
    """What /qotd answers: privately always; publicly when posting is switched on or off."""

    private: str
    public: str | None = None


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

    def handle(
        self, request: QotdRequest, asker: Asker, wording: Wording, locale: str | None = ENGLISH
    ) -> QotdReply:
        """Answer one /qotd (blocking: call it from a worker thread), privately in
        ``locale``'s language."""
        if not asker.in_channel:
            return QotdReply(say(w.NOT_A_CHANNEL, locale))
        if not asker.may_manage:
            return QotdReply(say(w.ONLY, locale, who=translate(wording.who_may, locale)))
        # Fallback: when the store fails, or does not answer within a fraction of a second
        # (bot.store.shared.ANSWER_S), the answer says it cannot be reached (UNREACHABLE).
        try:
            return self.store.call(
                lambda store: self._handle(store, request, asker, wording, locale)
            )
        except Exception as exc:  # noqa: BLE001 - any failure: say so, change nothing
            log.error("/qotd in %s:%s: the state store failed: %s", asker.platform,
                      asker.channel, one_line(exc))  # fmt: skip
            return QotdReply(say(UNREACHABLE, locale))

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
        self,
        store: SubscriptionBook,
        request: QotdRequest,
        asker: Asker,
        wording: Wording,
        locale: str | None,
    ) -> QotdReply:
        if request.action == "list":
            return QotdReply(self._list(store, asker, wording, locale))
        operator = store.subscription(asker.platform, "", asker.channel)
        mine = store.subscription(asker.platform, asker.workspace, asker.channel)
        if request.action == "show":
            return QotdReply(self._show(operator or mine, wording, locale))
        if operator is not None:
            return QotdReply(say(w.OPERATORS, locale, schedule=describe(operator, locale)))
        if request.action == "off":
            key = (asker.platform, asker.workspace, asker.channel)
            if mine is None or not store.unsubscribe(*key):
                return QotdReply(say(w.NOTHING_TO_STOP, locale, usage=wording.set_usage))
            return QotdReply(
                say(w.SWITCHED_OFF, locale),
                f"Quote of the day: switched off by {cut(asker.name, NAME_MAX)}.",
            )
        return self._set(store, request, asker, mine, locale)

    def _set(
        self,
        store: SubscriptionBook,
        request: QotdRequest,
        asker: Asker,
        before: SubscriptionRecord | None,
        locale: str | None,
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
            say(w.RESUMED, locale, why=before.paused)
            if before is not None and before.paused
            else ""
        )
        return QotdReply(
            say(
                w.SET,
                locale,
                schedule=describe(record, locale),
                next=next_post(record, now, locale),
                resumed=resumed,
            ),
            f"Quote of the day: {describe(record)}, set by {cut(asker.name, NAME_MAX)}.",
        )

    def _show(self, record: SubscriptionRecord | None, wording: Wording, locale: str | None) -> str:
        if record is None:
            return say(w.NONE_HERE, locale, usage=wording.set_usage)
        who = (
            say(w.BY_OPERATOR, locale) if record.owner == OPERATOR else wording.user(record.set_by)
        )
        if record.paused:
            state = say(w.PAUSED, locale, why=record.paused)
        else:
            state = say(w.NEXT, locale, next=next_post(record, self.now(), locale))
        return say(w.SHOWN, locale, schedule=describe(record, locale), state=state, who=who)

    def _list(
        self, store: SubscriptionBook, asker: Asker, wording: Wording, locale: str | None
    ) -> str:
        found = store.subscriptions(asker.platform, asker.workspace)
        here = store.subscription(asker.platform, "", asker.channel)
        if here is not None:
            found.insert(0, here)
        if not found:
            return say(w.NONE_AROUND, locale, usage=wording.set_usage)
        now = self.now()
        lines = [
            say(w.LISTED_PAUSED, locale, channel=wording.channel(r.channel),
                schedule=describe(r, locale), why=r.paused)
            if r.paused
            else say(w.LISTED, locale, channel=wording.channel(r.channel),
                     schedule=describe(r, locale), next=next_post(r, now, locale))
            for r in found
        ]  # fmt: skip
        heading = say(w.HEADING, locale, count=len(found))
        return heading + "\n" + fit_list(lines, wording.budget - len(heading) - 1, sep="\n")
