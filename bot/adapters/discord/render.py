"""Answers as Discord messages: embeds and content within Discord's limits, mentions inert."""

from __future__ import annotations

from datetime import date
from typing import Any

import discord

from bot import limits
from bot.answers import (
    ENGLISH,
    MORE_TOPICS,
    Answer,
    Markup,
    Miss,
    QuoteAnswer,
    SourceAnswer,
    TopicsAnswer,
    cut,
    language_of,
    miss_text,
    say,
    topic_lines,
)
from bot.book import Quote, quote_id
from bot.daily import day_label
from bot.memo import memo

COLOUR = discord.Colour(0x1D1C1D)
NO_MENTIONS = discord.AllowedMentions.none()


def safe(text: str) -> str:
    """User-supplied text made inert: no markdown, and ``@everyone``, ``@here`` and
    ``<@id>`` broken with a zero-width space (``allowed_mentions`` also allows nothing)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


MARKDOWN = Markup(
    escape=safe,
    strong=lambda text: f"**{text}**",
    code=lambda text: f"`{text}`",
    max_length=limits.DISCORD_CONTENT_MAX,
)


def quote_embed(quote: Quote) -> discord.Embed:
    """A quote as an embed: the words, the director as author, context and source below."""
    embed = discord.Embed(
        description=cut(f"“{quote.text}”", limits.DISCORD_DESCRIPTION_MAX), colour=COLOUR
    )
    embed.set_author(
        name=cut(quote.director, limits.DIRECTOR_NAME_MAX), url=quote.source.url or None
    )
    about = f"{quote.context} · " if quote.context else ""
    embed.set_footer(text=with_id(f"{about}{quote.source.citation}", quote))
    return embed


def with_id(text: str, quote: Quote) -> str:
    """A footer's ``text`` ending in the quote's ID (its permalink's), the ID kept whole."""
    mark = f" · #{quote_id(quote)}"
    return cut(text, limits.DISCORD_FOOTER_MAX - len(mark)) + mark if text else mark[3:]


def render(answer: Answer, *, locale: str | None = ENGLISH) -> dict[str, Any]:
    """An answer as keyword arguments for ``send_message``: content or embeds, ephemeral;
    its wording in ``locale``'s language (a quote is always as it was said)."""
    if isinstance(answer, QuoteAnswer):
        return {"embed": quote_embed(answer.quote), "ephemeral": answer.private}
    if isinstance(answer, TopicsAnswer):
        return {"embeds": topic_embeds(answer, locale=locale), "ephemeral": answer.private}
    return {"content": miss_content(answer, locale=locale), "ephemeral": answer.private}


# A source line's value in an embed field (1,024 at most), and the least worth showing.
SOURCE_VALUE_MAX, SOURCE_VALUE_MIN = 400, 20


def render_source(answer: SourceAnswer) -> dict[str, Any]:
    """A fact-check as keyword arguments for ``send_message``, always private: the quote
    as an embed titled with the heading, its source as fields; or the heading alone. The
    message checked is never echoed, so nothing in it can ping or format."""
    if answer.quote is None:
        return {"content": answer.heading, "ephemeral": True}
    embed = quote_embed(answer.quote)
    embed.title = cut(answer.heading, limits.DISCORD_TITLE_MAX)
    # The fields say the source in full: the footer keeps what the quote is about, its ID.
    embed.set_footer(text=with_id(answer.quote.context, answer.quote))
    room = limits.DISCORD_EMBEDS_TOTAL_MAX - len(embed)  # what all of an embed may hold
    for label, value in answer.lines:
        size = min(SOURCE_VALUE_MAX, room - len(label))
        if size < SOURCE_VALUE_MIN:
            break
        shown = cut(value, size)
        embed.add_field(name=label, value=shown, inline=False)
        room -= len(label) + len(shown)
    return {"embed": embed, "ephemeral": True}


def rendered(answer: Answer, *, locale: str | None = ENGLISH) -> dict[str, Any]:
    """:func:`render`, made once per distinct answer (a quote asked for, a miss, a
    listing) and language, and shared: what is sent is read from it, never changed.
    Building the embeds was most of what quotebot spent on an interaction beyond a client
    answering a constant (bench/discord_latency.py)."""
    lang = language_of(locale)
    return memo(_made, (answer, lang), lambda: render(answer, locale=lang))


_made: dict[tuple[Answer, str], dict[str, Any]] = {}


def miss_content(miss: Miss, *, locale: str | None = ENGLISH) -> str:
    """A miss as message content: the core's wording in Discord markdown."""
    return miss_text(miss, MARKDOWN, locale=locale)


def topic_embeds(answer: TopicsAnswer, *, locale: str | None = ENGLISH) -> list[discord.Embed]:
    """One embed per director, within ten embeds and 6,000 characters a message."""
    embeds: list[discord.Embed] = []
    budget = limits.DISCORD_EMBEDS_TOTAL_MAX
    plain = Markup(strong=lambda text: f"**{text}**")
    for index, item in enumerate(answer.listings):
        title = cut(f"{item.director}: /{item.command} topic:…", limits.DISCORD_TITLE_MAX)
        description = cut("\n".join(topic_lines(item, plain)), limits.DISCORD_DESCRIPTION_MAX)
        left = len(answer.listings) - index
        if (len(embeds) == limits.DISCORD_EMBEDS_PER_MESSAGE - 1 and left > 1) or (
            len(title) + len(description) > budget - 100
        ):
            embeds.append(discord.Embed(description=say(MORE_TOPICS, locale, n=left)))
            break
        embeds.append(discord.Embed(title=title, description=description, colour=COLOUR))
        budget -= len(title) + len(description)
    return embeds


def daily_title(day: date) -> str:
    """The quote of the day's embed title: the date, which also marks the post as that
    date's when it is looked for again."""
    return f"Quote of the day · {day_label(day)}"


def daily_embed(quote: Quote, day: date) -> discord.Embed:
    """The quote of the day: the quote's embed, titled with the date."""
    embed = quote_embed(quote)
    embed.title = daily_title(day)
    return embed
