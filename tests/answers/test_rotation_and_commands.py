"""Every kind of ask goes through all its quotes before any repeats; commands with - and _
answer; /quote takes its director and topic apart; the wording of a miss fits its platform."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.answerer import Answerer, Miss, QuoteAnswer, TopicsAnswer
from bot.answers.replies import Markup, fit_list, miss_text
from bot.answers.rotation import Rotation
from bot.book.loader import load_book
from tests.fixtures import GOOD_FILE, book_file, write


@pytest.fixture
def hundred(tmp_path: Path) -> Answerer:
    # Two directors, fifty quotes each, all on "craft", all with the word "light".
    write(tmp_path, "a.yaml", book_file("alpha", 50))
    write(tmp_path, "b.yaml", book_file("beta", 50))
    loaded = load_book([tmp_path])
    assert not loaded.problems
    return Answerer(loaded.book, random.Random(1))


def texts(answerer: Answerer, command: str, text: str, times: int) -> list[str]:
    out = []
    for _ in range(times):
        answer = answerer.answer(command, text)
        assert isinstance(answer, QuoteAnswer), answer
        out.append(answer.quote.text)
    return out


@pytest.mark.parametrize(
    ("command", "text", "pool"),
    [
        ("quote", "craft", 100),  # a topic across every director
        ("quote", "light", 100),  # words searched across every director
        ("quote", "", 100),  # anything at all
        ("alpha", "light about", 50),  # words searched in one director
        ("alpha", "craft", 50),  # one director's topic
    ],
)
def test_every_kind_of_ask_shows_every_quote_before_a_repeat(hundred, command, text, pool):
    assert len(set(texts(hundred, command, text, pool))) == pool


def test_quote_options_rotate_too(hundred):
    shown = [hundred.answer_quote(None, "craft") for _ in range(100)]
    assert len({a.quote.text for a in shown if isinstance(a, QuoteAnswer)}) == 100


def test_the_rotation_remembers_a_bounded_number_of_pools():
    rotation = Rotation(random.Random(1), max_pools=10)
    for n in range(1_000):
        rotation.pick(("search", str(n)), ("a", "b"))
    assert len(rotation) == 10


def test_a_forgotten_pool_starts_afresh_without_failing():
    rotation = Rotation(random.Random(1), max_pools=1)
    assert rotation.pick("x", ("a",)) == "a"
    rotation.pick("y", ("b",))
    assert rotation.pick("x", ("a",)) == "a"


def test_a_reloaded_book_starts_every_rotation_afresh(hundred, good_dir):
    texts(hundred, "quote", "craft", 3)
    hundred.book = load_book([good_dir]).book
    answer = hundred.answer("varda", "beach")
    assert isinstance(answer, QuoteAnswer)


@pytest.mark.parametrize("command", ["spike-jonze", "spike_jonze", "s-j_2"])
def test_a_command_with_a_hyphen_or_underscore_answers(tmp_path, command):
    write(tmp_path, "j.yaml", GOOD_FILE.replace("command: varda", f"command: {command}"))
    answerer = Answerer(load_book([tmp_path]).book, random.Random(1))
    for typed in (command, f"/{command}", command.upper()):
        answer = answerer.answer(typed, "beach")
        assert isinstance(answer, QuoteAnswer), answer
    assert isinstance(answerer.answer(command.replace("-", " ").replace("_", " ")), Miss)


def test_quote_takes_the_director_and_topic_apart(good_dir):
    answerer = Answerer(load_book([good_dir]).book, random.Random(1))
    by_name = answerer.answer_quote("Agnès Varda", "cats")
    assert isinstance(by_name, QuoteAnswer) and by_name.quote.topic == "cats"
    by_typo = answerer.answer_quote("vadra", "beach")
    assert isinstance(by_typo, QuoteAnswer) and by_typo.quote.director == "Agnès Varda"
    # A topic that happens to start with a director's name is still a topic.
    topic_only = answerer.answer_quote(None, "editing")
    assert isinstance(topic_only, QuoteAnswer) and topic_only.quote.topic == "editing"
    assert isinstance(answerer.answer_quote("jonze", "topics"), TopicsAnswer)
    miss = answerer.answer_quote("kubrick", "war")
    assert isinstance(miss, Miss) and miss.message == "No director “kubrick”."
    assert "varda" in miss.available


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.text(min_size=1, max_size=40), max_size=300),
    budget=st.integers(min_value=20, max_value=3_000),
)
def test_fit_list_never_passes_its_budget_and_counts_the_rest(items, budget):
    text = fit_list(items, budget)
    assert len(text) <= budget + len(", …and 300 more")
    if text.endswith(" more") and "…and " in text:
        shown = text.rsplit("…and ", 1)[0]
        hidden = int(text.rsplit("…and ", 1)[1].split()[0])
        assert hidden >= 1
        assert shown.count(", ") <= len(items)


@settings(max_examples=200, deadline=None)
@given(
    available=st.lists(st.text(min_size=1, max_size=100), max_size=500),
    message=st.text(max_size=300),
    limit=st.sampled_from([2_000, 3_000]),
)
def test_a_miss_fits_its_platforms_limit_whatever_the_book(available, message, limit):
    miss = Miss(message, "x", ("a",), tuple(available), "/quote [director] [topic]")
    text = miss_text(miss, Markup(strong=lambda t: f"*{t}*", max_length=limit))
    assert len(text) <= limit
    assert text.splitlines()[-1] == "Usage: /quote [director] [topic]"
