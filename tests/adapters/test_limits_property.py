"""For any book `quotebot check` accepts, every message of every kind fits both
platforms' limits: generated books with long names, many topics and long texts."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import limits
from bot.adapters import discord as discord_adapter
from bot.adapters import slack as slack_adapter
from bot.answers.answerer import Answerer
from bot.answers.autocomplete import director_choices
from bot.book.model import Director, Quote, Source, Topic
from bot.book.quote_book import QuoteBook

name_chars = st.characters(exclude_categories=["Cs", "Cc"])
director_names = st.text(name_chars, min_size=1, max_size=limits.DIRECTOR_NAME_MAX).filter(
    lambda s: s.strip() != ""
)
topic_names = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=100)


@st.composite
def books(draw: st.DrawFn) -> QuoteBook:
    directors = []
    for n in range(draw(st.integers(min_value=1, max_value=60))):
        name = draw(director_names)
        topics = draw(st.lists(topic_names, min_size=1, max_size=40, unique=True))
        source = Source("s", draw(st.text(name_chars, min_size=1, max_size=300)))
        text = draw(st.text(name_chars, min_size=1, max_size=limits.QUOTE_TEXT_MAX // 4))
        quotes = tuple(
            Quote(name, topic, f"{text} {n} {i}", draw(st.text(name_chars, max_size=200)), source)
            for i, topic in enumerate(topics)
        )
        aliases = tuple(f"{t}-alias" for t in topics[:3])
        directors.append(
            Director(
                name,
                f"d{n}",
                tuple(Topic(t, aliases if i == 0 else ()) for i, t in enumerate(topics)),
                quotes,
            )
        )
    return QuoteBook(directors)


ASKS = [("quote", ""), ("quote", "topics"), ("quote", "zzzz qqqq"), ("d0", ""), ("d0", "topics"),
        ("d0", "zzzz"), ("nolan", "x"), ("quote", "d0 zzzz")]  # fmt: skip


def check_slack(payload: dict[str, Any]) -> None:
    assert len(payload["text"]) <= limits.SLACK_SECTION_MAX
    assert len(payload["blocks"]) <= limits.SLACK_BLOCKS_MAX
    for block in payload["blocks"]:
        shown = (
            [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]
        )
        assert all(1 <= len(text) <= limits.SLACK_SECTION_MAX for text in shown)


def check_discord(kwargs: dict[str, Any]) -> None:
    if "content" in kwargs:
        assert len(kwargs["content"]) <= limits.DISCORD_CONTENT_MAX
    embeds = kwargs.get("embeds") or ([kwargs["embed"]] if "embed" in kwargs else [])
    assert len(embeds) <= limits.DISCORD_EMBEDS_PER_MESSAGE
    total = 0
    for embed in (e.to_dict() for e in embeds):
        title, description = embed.get("title", ""), embed.get("description", "")
        footer = embed.get("footer", {}).get("text", "")
        author = embed.get("author", {}).get("name", "")
        assert len(title) <= limits.DISCORD_TITLE_MAX
        assert len(description) <= limits.DISCORD_DESCRIPTION_MAX
        assert len(footer) <= limits.DISCORD_FOOTER_MAX
        assert len(author) <= limits.DIRECTOR_NAME_MAX
        total += len(title) + len(description) + len(footer) + len(author)
    assert total <= limits.DISCORD_EMBEDS_TOTAL_MAX


@pytest.mark.system  # over a second drawing forty large books: the full suite runs it
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(book=books())
def test_every_answer_to_any_book_fits_both_platforms(book):
    answerer = Answerer(book, random.Random(1))
    for command, text in ASKS:
        answer = answerer.answer(command, text)
        check_slack(slack_adapter.render(answer))
        check_discord(discord_adapter.render(answer))
    for director in book:
        for choice in director_choices(book, director.name[:5]):
            assert 1 <= len(choice.label) <= limits.CHOICE_NAME_MAX
