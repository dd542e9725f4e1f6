"""Reviewing suggestions, for every platform: the buttons' ids on a review post, what the
post says, and the steps (submit, verify, decide) over the state store.

A review button's id is ``q1|r|<verb>|<suggestion id>``: ``ap`` approve, ``aa`` approve as
attributed (offered only when the source did not show the quote), ``rj`` reject (a modal
asks the reason), ``ed`` edit (a modal), ``rm`` remove an approved one. The id says what
was pressed, never who may: every press is checked against the presser's own rights
(the platform's), and a decision is compare-and-set in the store, so two moderators at
once give one decision and the other is told it was already made.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot import metrics
from bot.answers import N_, say
from bot.community.verification import detail_of
from bot.store import (
    NewSuggestion,
    SharedStore,
    Store,
    SuggestionRecord,
    SuggestionRefused,
    SuggestionStatus,
)

Verb = Literal["ap", "aa", "rj", "ed", "rm"]
VERBS: tuple[Verb, ...] = ("ap", "aa", "rj", "ed", "rm")
_ID = re.compile(r"q1\|r\|(ap|aa|rj|ed|rm)\|([a-z2-7]{10})")

LABELS: dict[Verb, str] = {
    "ap": N_("Approve"),
    "aa": N_("Approve as attributed"),
    "rj": N_("Reject"),
    "ed": N_("Edit"),
    "rm": N_("Remove"),
}
RECEIPT = N_(
    "Thanks! Your suggestion is kept: quotebot checks it against its source now, then this "
    "community's moderators review it. You will be told what they decide."
)
TOO_MANY = N_("You have made as many suggestions as an hour allows. Try again in {minutes} min.")
QUEUE_FULL = N_("This community's review queue is full. Try again once its moderators catch up.")
NOT_A_MODERATOR = N_("Only this community's moderators can review suggestions.")
ALREADY = N_("That suggestion was already decided ({status}).")
GONE = N_("That suggestion no longer exists.")
APPROVED = N_("Approved by {who}: now answered in this community.")
APPROVED_AS = N_("Approved as attributed by {who} (its source did not show it).")
REJECTED = N_("Rejected by {who}: {reason}")
REMOVED = N_("Removed by {who}: no longer answered here.")
TOLD_APPROVED = N_("Your suggested quote of {director} was approved: “{start}…”")
TOLD_REJECTED = N_("Your suggested quote of {director} was not approved: {reason}")
FOUND = N_("Found in its source.")
NOT_FOUND = N_("Not found in its source: approve it only as attributed.")
UNFETCHED = N_("Its source could not be read ({reason}): approve it only as attributed.")
PENDING = N_("Being checked against its source…")
SUGGESTED_BY = N_("Suggested by {who}")
QUEUE_EMPTY = N_("No suggestion is waiting for review.")
NEEDS_REVIEWER = N_("Set where suggestions are reviewed first: {usage} in that channel.")
REVIEW_CHANNEL_SET = N_("Suggestions will be posted in {channel} for review.")
PUBLISHED = N_("This community's approved quotes are now published on its own web pages.")
UNPUBLISHED = N_(
    "This community's approved quotes are no longer published: the site shows the curated book."
)
PUBLISH_USAGE = N_(
    "Say {on} to publish this community's approved quotes on the web, {off} to stop."
)


_STATUS: dict[Verb, SuggestionStatus] = {
    "ap": "approved", "aa": "approved", "rj": "rejected", "ed": "open", "rm": "removed",
}  # fmt: skip


@dataclass(frozen=True)
class Press:
    """A review button pressed: what, on which suggestion."""

    verb: Verb
    id: str


def review_id(verb: Verb, id: str) -> str:
    return f"q1|r|{verb}|{id}"


def read_press(text: object) -> Press | None:
    """A review button's id read strictly; None for anything else."""
    if not isinstance(text, str) or len(text) > 40 or not (found := _ID.fullmatch(text)):
        return None
    verb = found[1]
    for known in VERBS:  # the verb as its Literal
        if known == verb:
            return Press(known, found[2])
    return None


def verbs_for(record: SuggestionRecord) -> list[Verb]:
    """The buttons a review post of ``record`` carries now."""
    if record.status == "open":
        approve: list[Verb] = ["ap"] if record.outcome == "found" else ["aa"]
        return [*approve, "rj", "ed"]
    return ["rm"] if record.status == "approved" else []


def verification_line(record: SuggestionRecord, locale: str) -> str:
    """What checking the source found, in a line."""
    detail = detail_of(record.verification)
    if record.outcome == "found":
        return say(FOUND, locale)
    if record.outcome == "not_found":
        return say(NOT_FOUND, locale)
    if record.outcome == "unfetched":
        return say(UNFETCHED, locale, reason=detail.get("reason", "?"))
    return say(PENDING, locale)


def decision_line(record: SuggestionRecord, who: str, locale: str) -> str:
    """What the moderators decided, in a line (``who``: how the platform names them)."""
    if record.status == "approved":
        return say(APPROVED_AS if record.as_attributed else APPROVED, locale, who=who)
    if record.status == "rejected":
        return say(REJECTED, locale, who=who, reason=record.reason or "—")
    if record.status == "removed":
        return say(REMOVED, locale, who=who)
    return ""


def refusal(exc: SuggestionRefused, locale: str) -> str:
    """A cap reached, said to the member."""
    if exc.reason == "member_hourly":
        return say(TOO_MANY, locale, minutes=max(1, round(exc.retry_after / 60)))
    return say(QUEUE_FULL, locale)


class Review:
    """The steps of a suggestion's life over the process's store (each call blocks: make
    it in a worker thread)."""

    def __init__(self, shared: SharedStore, clock: Callable[[], float] = time.time) -> None:
        self._shared, self._clock = shared, clock

    def submit(self, new: NewSuggestion) -> SuggestionRecord:
        """Keep a new suggestion; SuggestionRefused when a cap is reached."""
        now = self._clock()
        try:
            kept = self._shared.call(lambda store: store.suggest(new, now))
        except SuggestionRefused:
            metrics.SUGGESTIONS.inc(new.platform, "refused")
            raise
        metrics.SUGGESTIONS.inc(new.platform, "submitted")
        return kept

    def decide(
        self, press: Press, by: str, reason: str = ""
    ) -> tuple[bool, SuggestionRecord | None]:
        """Carry out an approve, approve-as-attributed, reject or remove: (whether this
        press made the decision, the suggestion as it is now)."""
        now = self._clock()
        status: SuggestionStatus = _STATUS[press.verb]
        expected: SuggestionStatus = "approved" if press.verb == "rm" else "open"

        def step(store: Store) -> tuple[bool, SuggestionRecord | None]:
            found = store.suggestion(press.id)
            if found is None or found.status != expected:
                return False, found
            if press.verb == "ap" and found.outcome != "found":
                return False, found  # not shown in its source: only "as attributed"
            moved = store.decide(
                press.id, status, by, now, reason=reason, as_attributed=press.verb == "aa",
                expected_status=expected,
            )  # fmt: skip
            return moved, store.suggestion(press.id)

        moved, record = self._shared.call(step)
        if record is not None:
            label = ("edited" if press.verb == "ed" else status) if moved else "conflict"
            metrics.SUGGESTIONS_DECIDED.inc(record.platform, label)
        return moved, record


def apply_edit(
    store: Store, id: str, new: NewSuggestion, by: str, now: float
) -> tuple[bool, bool, SuggestionRecord | None]:
    """A moderator's edit of suggestion ``id`` to ``new``'s fields, if it is still open:
    (made, its quote or source changed — check it again —, the suggestion now). The text
    and URL are given the store only when they changed: giving them resets the check."""
    was = store.suggestion(id)
    if was is None:
        return False, False, None
    text = new.text if new.text != was.text else None
    url = new.source_url if new.source_url != was.source_url else None
    made = store.edit(
        id, by, now, director=new.director, command=new.command, text=text, source_url=url,
        context=new.context or "", topic=new.topic or "",
    )  # fmt: skip
    return made, made and (text is not None or url is not None), store.suggestion(id)


__all__ = [
    "LABELS", "VERBS", "Press", "Review", "apply_edit", "decision_line", "read_press",
    "refusal", "review_id", "verbs_for", "verification_line",
]  # fmt: skip
