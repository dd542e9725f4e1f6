"""A suggestion as Slack shows it to reviewers: the quote verbatim and escaped, its
director and source, who suggested it, what checking the source found, what was decided,
and the buttons its state allows (an open one's Edit among them).

Everything a member or a page wrote is escaped mrkdwn with ``verbatim`` on: the one
mention in a post is the suggester's (and a decider's), built here from validated user
IDs, never from what anyone typed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot import limits
from bot.adapters.slack.render import escape, fitted
from bot.answers import say, translate
from bot.community import (
    LABELS,
    SUGGESTED_BY,
    TOLD_APPROVED,
    TOLD_REJECTED,
    decision_line,
    review_id,
    verbs_for,
    verification_line,
)
from bot.store import SuggestionRecord

USER = re.compile(r"[UW][A-Z0-9]{2,20}")
CHANNEL = re.compile(r"[CGD][A-Z0-9]{2,20}")
QUEUE_MAX = 5  # suggestions /quote review shows at once


def mention(user: str | None) -> str:
    """A member's mention, only for an ID that is one; else a neutral word."""
    return f"<@{user}>" if isinstance(user, str) and USER.fullmatch(user) else "someone"


def _text(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def buttons(record: SuggestionRecord, locale: str) -> dict[str, Any] | None:
    """The review buttons ``record``'s state allows, labelled in ``locale``'s language."""
    elements = [
        {"type": "button", "action_id": review_id(verb, record.id),
         "value": review_id(verb, record.id),
         "text": {"type": "plain_text", "text": translate(LABELS[verb], locale), "emoji": False},
         **({"style": "primary"} if verb in ("ap", "aa") else {})}
        for verb in verbs_for(record)
    ]  # fmt: skip
    return (
        {"type": "actions", "block_id": f"r{record.id}", "elements": elements} if elements else None
    )


def review_blocks(record: SuggestionRecord, locale: str) -> list[dict[str, Any]]:
    """``record`` as a review post's blocks, in ``locale``'s language."""
    quote = "\n".join(f"> {line}" for line in fitted(record.text, 2_800).splitlines())
    about = f"— *{escape(record.director)}* · {fitted(record.source_url, 1_100)}"
    if record.topic:
        about += f" · {escape(record.topic)}"
    lines = [
        say(SUGGESTED_BY, locale, who=mention(record.suggester)),
        escape(verification_line(record, locale)),
    ]
    if record.status != "open":
        shown = replace(record, reason=escape(record.reason))  # a reviewer typed it
        lines.append(decision_line(shown, mention(record.decided_by), locale))
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": _text(quote)},
        {"type": "context", "elements": [_text(about)]},
        {"type": "context", "elements": [_text(line) for line in lines]},
    ]
    if record.context:
        blocks.insert(1, {"type": "context", "elements": [_text(fitted(record.context))]})
    if (actions := buttons(record, locale)) is not None:
        blocks.append(actions)
    return blocks


def review_post(record: SuggestionRecord, locale: str) -> dict[str, Any]:
    """A review post's ``text`` (the notification's fallback) and ``blocks``."""
    text = fitted(f"{record.director}: {record.text}", limits.SLACK_SECTION_MAX)
    return {"text": text, "blocks": review_blocks(record, locale)}


def queue_blocks(records: list[SuggestionRecord], locale: str) -> list[dict[str, Any]]:
    """The open queue's first :data:`QUEUE_MAX`, each with its buttons, a divider between."""
    blocks: list[dict[str, Any]] = []
    for record in records[:QUEUE_MAX]:
        if blocks:
            blocks.append({"type": "divider"})
        blocks += review_blocks(record, locale)
    return blocks


def told(record: SuggestionRecord, locale: str) -> str:
    """What the suggester is told of a decision, escaped."""
    director = escape(record.director)
    if record.status == "approved":
        return say(TOLD_APPROVED, locale, director=director, start=escape(record.text[:60]))
    return say(TOLD_REJECTED, locale, director=director, reason=escape(record.reason or "—"))


__all__ = [
    "CHANNEL", "USER", "buttons", "mention", "queue_blocks", "review_blocks", "review_post", "told",
]  # fmt: skip
