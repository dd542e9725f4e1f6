"""A suggestion's review post on Discord: the quote as an embed (escaped, mentioning no
one), who suggested it, what checking its source found, what was decided, and the review
buttons ``verbs_for`` gives; posted, edited and told to the suggester over REST."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.http import Route

from bot.adapters.discord.payload import EPHEMERAL
from bot.adapters.discord.render import NO_MENTIONS, safe
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

log = logging.getLogger("quotebot.discord")
ACTION_ROW, BUTTON = 1, 2
STYLES = {"ap": 3, "aa": 3, "rj": 4, "ed": 2, "rm": 4}  # green, red, grey


def review_message(record: SuggestionRecord, locale: str = "") -> dict[str, Any]:
    """The review post of ``record`` as it stands: a message's data."""
    embed = discord.Embed(description=safe(f"“{record.text}”")[:4000])
    embed.title = safe(record.director)[:250]
    embed.add_field(name="Source", value=safe(record.source_url)[:1000], inline=False)
    if record.context:
        embed.add_field(name="Context", value=safe(record.context)[:1000], inline=False)
    if record.topic:
        embed.add_field(name="Topic", value=safe(record.topic)[:250], inline=True)
    embed.add_field(
        name="\u200b", value=say(SUGGESTED_BY, locale, who=f"<@{record.suggester}>"), inline=False
    )
    embed.set_footer(text=verification_line(record, locale)[:2000])
    who = f"<@{record.decided_by}>" if record.decided_by else "?"
    data: dict[str, Any] = {
        "content": decision_line(record, who, locale),
        "embeds": [embed.to_dict()],
        "allowed_mentions": NO_MENTIONS.to_dict(),
        "components": buttons(record, locale),
    }
    return data


def buttons(record: SuggestionRecord, locale: str = "") -> list[dict[str, Any]]:
    row = [
        {"type": BUTTON, "style": STYLES[verb], "label": translate(LABELS[verb], locale),
         "custom_id": review_id(verb, record.id)}
        for verb in verbs_for(record)
    ]  # fmt: skip
    return [{"type": ACTION_ROW, "components": row}] if row else []


def queue_message(queue: list[SuggestionRecord], locale: str = "") -> dict[str, Any]:
    """The open suggestions, numbered, each with its review buttons: a private message."""
    data: dict[str, Any] = {"flags": EPHEMERAL, "allowed_mentions": NO_MENTIONS.to_dict()}
    data["embeds"], data["components"] = [], []
    for n, record in enumerate(queue, 1):
        shown = review_message(record, locale)
        embed = shown["embeds"][0]
        embed["title"] = f"{n}. {embed.get('title', '')}"[:256]
        data["embeds"].append(embed)
        for row in shown["components"]:
            for button in row["components"]:
                button["label"] = f"{n}. {button['label']}"[:80]
            data["components"].append(row)
    return data


async def post(http: discord.http.HTTPClient, channel: str, data: dict[str, Any]) -> str:
    """Post ``data`` in ``channel``: the new message's id."""
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
    made = await http.request(route, json=data)
    return str(made["id"])


async def edit(http: discord.http.HTTPClient, record: SuggestionRecord, locale: str = "") -> None:
    """The review post of ``record`` brought up to date (failure only logged)."""
    if not record.review_channel or not record.review_message:
        return
    route = Route(
        "PATCH", "/channels/{channel_id}/messages/{message_id}",
        channel_id=record.review_channel, message_id=record.review_message,
    )  # fmt: skip
    try:
        await http.request(route, json=review_message(record, locale))
    except (discord.HTTPException, OSError) as exc:
        log.warning("Discord: could not update a review post (%s)", exc.__class__.__name__)


async def tell(http: discord.http.HTTPClient, record: SuggestionRecord, locale: str = "") -> None:
    """Tell the suggester, by DM, what was decided (failure only logged: DMs closed)."""
    if record.status == "approved":
        start = " ".join(record.text.split()[:8])
        said = say(TOLD_APPROVED, locale, director=record.director, start=start)
    elif record.status == "rejected":
        said = say(TOLD_REJECTED, locale, director=record.director, reason=record.reason or "—")
    else:
        return
    try:
        route = Route("POST", "/users/@me/channels")
        channel = await http.request(route, json={"recipient_id": record.suggester})
        data = {"content": safe(said)[:2000], "allowed_mentions": NO_MENTIONS.to_dict()}
        await post(http, str(channel["id"]), data)
    except (discord.HTTPException, OSError, KeyError, TypeError) as exc:
        log.info("Discord: could not tell a suggester (%s)", exc.__class__.__name__)


__all__ = ["buttons", "edit", "post", "queue_message", "review_message", "tell"]
