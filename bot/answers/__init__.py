"""Answering: what a member types in, a platform-neutral answer out — the answerer,
cleaning what users type, planned asks, matching, rotation, the wording of replies, the
command catalogue and autocomplete.
"""

from __future__ import annotations

from bot.answers.answerer import Answerer
from bot.answers.autocomplete import Choice, director_choices, quote_topic_choices, topic_choices
from bot.answers.catalogue import Catalogue, CommandInfo, list_commands
from bot.answers.replies import (
    APOLOGY,
    MORE_TOPICS,
    Answer,
    Markup,
    Miss,
    QuoteAnswer,
    TopicsAnswer,
    cut,
    miss_lines,
    miss_text,
    topic_heading,
    topic_lines,
)

__all__ = [
    "APOLOGY",
    "MORE_TOPICS",
    "Answer",
    "Answerer",
    "Catalogue",
    "Choice",
    "CommandInfo",
    "Markup",
    "Miss",
    "QuoteAnswer",
    "TopicsAnswer",
    "cut",
    "director_choices",
    "list_commands",
    "miss_lines",
    "miss_text",
    "quote_topic_choices",
    "topic_choices",
    "topic_heading",
    "topic_lines",
]
