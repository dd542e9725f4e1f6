"""Whatever a user types: an answer, never an exception, nothing invisible echoed, nothing
past the platforms' limits, no live mention."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters import discord as discord_adapter
from bot.adapters import slack as slack_adapter
from bot.answers.answerer import Answerer, Miss
from bot.answers.user_text import MAX_ASKED, clean_input
from bot.book.loader import load_book
from tests.fixtures import QUOTES

BLANKS = "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters that render as nothing


def unseen(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cc") or char in BLANKS


def test_every_format_character_of_this_python_is_removed():
    kept = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and clean_input(f"a{chr(c)}b") != "ab"
    ]
    assert kept == []


@pytest.mark.parametrize(
    "char",
    ["\u00ad", "\u061c", "\u180e", "\u2060", "\u2064", "\ufeff", "\U000e0041", "\U000e007f",
     "\u3164", "\u200b", "\u202e"],
)  # fmt: skip
def test_the_reported_invisible_characters_are_removed(char):
    assert clean_input(f"ed{char}iting") == "editing"


pieces = st.text(st.characters(exclude_categories=["Cs"]), max_size=60) | st.sampled_from(
    ["@everyone", "@here", "<!channel>", "<@U123>", "\u00ad", "editing", "\U000e0041", "*bold*"]
)
texts = st.lists(pieces, max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_clean_input_leaves_nothing_unseen_and_stays_short(text):
    cleaned = clean_input(text)
    assert len(cleaned) <= MAX_ASKED
    assert not any(unseen(c) for c in cleaned)
    assert cleaned == cleaned.strip()


ANSWERER = Answerer(load_book([QUOTES]).book, random.Random(1))


@settings(max_examples=300, deadline=None)
@given(text=texts, command=st.sampled_from(["jonze", "quote", "nolan", "spike-jonze"]))
def test_any_text_gets_an_answer_within_both_platforms_limits(text, command):
    answer = ANSWERER.answer(command, text)
    payload = slack_adapter.render(answer)
    for block in payload["blocks"]:
        texts_in = (
            [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]
        )
        for shown in texts_in:
            assert 1 <= len(shown) <= 3_000
            assert not re.search(r"<[!@#]", shown), shown  # no live Slack mention
    assert len(payload["text"]) <= 3_000
    kwargs = discord_adapter.render(answer)
    if "content" in kwargs:
        assert len(kwargs["content"]) <= 2_000
        assert "@everyone" not in kwargs["content"] and "@here" not in kwargs["content"]
    if isinstance(answer, Miss):
        assert not any(unseen(c) for c in answer.message)


def test_long_autocomplete_input_is_cut_before_anything_keeps_it():
    import tracemalloc

    from bot.answers.autocomplete import director_choices, quote_topic_choices, topic_choices

    book = ANSWERER.book
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(300):
        typed = f"{n}" + "e" * 50_000
        topic_choices(book, "jonze", typed)
        director_choices(book, typed)
        quote_topic_choices(book, typed, typed)
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # 300 typed values of 50 KB each are 15 MB; what is kept is bounded by their 100-character cuts.
    assert kept < 2_000_000, kept
