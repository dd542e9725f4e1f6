"""Answers as Slack messages: Block Kit with a plain ``text`` fallback, within Slack's limits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot import limits
from bot.answers import (
    ENGLISH,
    MORE_TOPICS,
    N_,
    Answer,
    Markup,
    Miss,
    QuoteAnswer,
    SourceAnswer,
    TopicsAnswer,
    cut,
    language_of,
    miss_lines,
    say,
    topic_heading,
    topic_lines,
)
from bot.book import Quote, quote_id
from bot.daily import day_label
from bot.memo import memo


def escape(text: str) -> str:
    """Escape text for mrkdwn: ``&``, ``<`` and ``>``, and nothing else (Slack's rule).

    ``<!channel>`` becomes ``&lt;!channel&gt;``, which Slack shows and never pings.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MRKDWN = Markup(
    escape=escape,
    strong=lambda text: f"*{text}*",
    code=lambda text: f"`{text}`",
    max_length=limits.SLACK_SECTION_MAX,
)


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: no auto-linking of names, channels or URLs written without markup.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def fitted(text: str, size: int = limits.SLACK_SECTION_MAX) -> str:
    """``text`` escaped, cut (an ellipsis) so that escaped it is at most ``size`` long."""
    while limits.slack_escaped_length(text) > size:
        text = cut(text, len(text) - (limits.slack_escaped_length(text) - size))
    return escape(text)


def attributed(quote: Quote) -> str:
    """The context line under a quote, escaped: its attribution and its ID (the
    permalink's), within a context element's size with the ID kept whole."""
    mark = f" · #{quote_id(quote)}"
    return fitted(quote.attribution, limits.SLACK_SECTION_MAX - len(mark)) + mark


def render_source(answer: SourceAnswer) -> dict[str, Any]:
    """Find the source's answer, private: the heading, the quote, its director, and each
    line of its source; the message asked about is never shown."""
    heading = fitted(answer.heading)
    blocks = [_section(f"*{heading}*")]
    text = heading
    if answer.quote is not None:
        said = fitted(f"“{answer.quote.text}”")
        blocks.append(_section(said))
        lines = [f"— {answer.quote.director}"]
        lines += [f"{label}: {value}" for label, value in answer.lines]
        blocks += [_context(chunk) for chunk in chunks([fitted(x, 2_000) for x in lines], 2_000)]
        text = fitted(f"{answer.heading} “{answer.quote.text}”")
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def _visibility(private: bool) -> str:
    return "ephemeral" if private else "in_channel"


TOPICS_FOR = N_("Topics for {commands}")


def render(answer: Answer, locale: str | None = ENGLISH) -> dict[str, Any]:
    """An answer as a slash-command response: ``response_type``, ``text`` and ``blocks``;
    its wording in ``locale``'s language (a quote is always as it was said)."""
    if isinstance(answer, QuoteAnswer):
        quote = answer.quote
        text = f"“{escape(quote.text)}”"
        attribution = attributed(quote)
        return {
            "response_type": _visibility(answer.private),
            "text": f"{text} {attribution}",
            "blocks": [_section(text), _context(attribution)],
        }
    if isinstance(answer, TopicsAnswer):
        return render_topics(answer, locale)
    return render_miss(answer, locale)


def rendered_json(answer: Answer, locale: str | None = ENGLISH) -> str:
    """:func:`render` as the JSON body of the response, made once per distinct answer
    (a quote asked for, a miss, a listing) and language: serialising it was a tenth of
    what quotebot spent on a request beyond a bolt app acking a constant
    (bench/slack_http.py)."""
    lang = language_of(locale)
    return memo(
        _bodies, (answer, lang), lambda: json.dumps(render(answer, lang), ensure_ascii=False)
    )


_bodies: dict[tuple[Answer, str], str] = {}


def render_miss(miss: Miss, locale: str | None = ENGLISH) -> dict[str, Any]:
    """A miss: the message and suggestions in a section, the choices and usage below."""
    lines = miss_lines(miss, MRKDWN, locale=locale)
    # What went wrong and its "did you mean"; then the choices and the usage.
    head = 2 if miss.suggestions else 1
    blocks = [_section("\n".join(lines[:head]))]
    blocks += [_context(line) for line in lines[head:]]
    return {"response_type": _visibility(miss.private), "text": lines[0], "blocks": blocks}


def render_topics(answer: TopicsAnswer, locale: str | None = ENGLISH) -> dict[str, Any]:
    """Each director's topics in sections of at most 3,000 characters, 50 blocks at most."""
    blocks: list[dict[str, Any]] = []
    for item in answer.listings:
        lines = [topic_heading(item, MRKDWN), *topic_lines(item, MRKDWN)]
        blocks.extend(_section(chunk) for chunk in chunks(lines, limits.SLACK_SECTION_MAX))
    if len(blocks) > limits.SLACK_BLOCKS_MAX:
        more = len(blocks) - (limits.SLACK_BLOCKS_MAX - 1)
        more_topics = say(MORE_TOPICS, locale, n=more)
        blocks = [*blocks[: limits.SLACK_BLOCKS_MAX - 1], _context(more_topics)]
    names = ", ".join(item.command for item in answer.listings)
    text = say(TOPICS_FOR, locale, commands=escape(names))[: limits.SLACK_SECTION_MAX]
    return {"response_type": _visibility(answer.private), "text": text, "blocks": blocks}


def chunks(lines: list[str], size: int) -> list[str]:
    """Join lines into texts of at most ``size`` characters (a longer line is cut)."""
    out: list[str] = []
    current = ""
    for line in lines:
        line = line[:size]
        if current and len(current) + 1 + len(line) > size:
            out.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out


def daily_message(quote: Quote, day: date) -> dict[str, Any]:
    """The quote of the day as a chat.postMessage payload: blocks and a text fallback."""
    text = f"“{escape(quote.text)}”"
    attribution = attributed(quote)
    return {
        "text": f"Quote of the day: {text} {attribution}",
        "blocks": [
            _context(f"*Quote of the day* · {day_label(day)}"),
            _section(text),
            _context(attribution),
        ],
    }
