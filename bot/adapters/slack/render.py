"""Answers as Slack messages: Block Kit with a plain ``text`` fallback, within Slack's limits."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot import limits
from bot.answers import (
    MORE_TOPICS,
    Answer,
    Markup,
    Miss,
    QuoteAnswer,
    SourceAnswer,
    TopicsAnswer,
    cut,
    miss_lines,
    topic_heading,
    topic_lines,
)
from bot.book import Quote
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


def render(answer: Answer) -> dict[str, Any]:
    """An answer as a slash-command response: ``response_type``, ``text`` and ``blocks``."""
    if isinstance(answer, QuoteAnswer):
        quote = answer.quote
        text = f"“{escape(quote.text)}”"
        attribution = escape(quote.attribution)
        return {
            "response_type": _visibility(answer.private),
            "text": f"{text} {attribution}",
            "blocks": [_section(text), _context(attribution)],
        }
    if isinstance(answer, TopicsAnswer):
        return render_topics(answer)
    return render_miss(answer)


def rendered_json(answer: Answer) -> str:
    """:func:`render` as the JSON body of the response, made once per distinct answer
    (a quote asked for, a miss, a listing): serialising it was a tenth of what quotebot
    spent on a request beyond a bolt app acking a constant (bench/slack_http.py)."""
    return memo(_bodies, answer, lambda: json.dumps(render(answer), ensure_ascii=False))


_bodies: dict[Answer, str] = {}


def render_miss(miss: Miss) -> dict[str, Any]:
    """A miss: the message and suggestions in a section, the choices and usage below."""
    lines = miss_lines(miss, MRKDWN)
    head = [line for line in lines if not line.startswith(("Try: ", "Usage: "))]
    blocks = [_section("\n".join(head))]
    blocks += [_context(line) for line in lines if line.startswith(("Try: ", "Usage: "))]
    return {"response_type": _visibility(miss.private), "text": lines[0], "blocks": blocks}


def render_topics(answer: TopicsAnswer) -> dict[str, Any]:
    """Each director's topics in sections of at most 3,000 characters, 50 blocks at most."""
    blocks: list[dict[str, Any]] = []
    for item in answer.listings:
        lines = [topic_heading(item, MRKDWN), *topic_lines(item, MRKDWN)]
        blocks.extend(_section(chunk) for chunk in chunks(lines, limits.SLACK_SECTION_MAX))
    if len(blocks) > limits.SLACK_BLOCKS_MAX:
        more = len(blocks) - (limits.SLACK_BLOCKS_MAX - 1)
        blocks = [*blocks[: limits.SLACK_BLOCKS_MAX - 1], _context(MORE_TOPICS.format(n=more))]
    names = ", ".join(item.command for item in answer.listings)
    text = f"Topics for {escape(names)}"[: limits.SLACK_SECTION_MAX]
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
    attribution = escape(quote.attribution)
    return {
        "text": f"Quote of the day: {text} {attribution}",
        "blocks": [
            _context(f"*Quote of the day* · {day_label(day)}"),
            _section(text),
            _context(attribution),
        ],
    }
