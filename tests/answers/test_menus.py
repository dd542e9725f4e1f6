"""The topic menu in the core: its id a new kind of the q1 codec (the other kinds as they
were), its topics the most quoted first past a cap, and a choice read back strictly."""

from __future__ import annotations

import pytest

from bot.answers import Answerer, Ask, Menu, chosen, decode, encode, topic_menu
from bot.book.loader import load_book
from tests.fixtures import QUOTES


@pytest.fixture
def answerer() -> Answerer:
    return Answerer(load_book([QUOTES]).book)


def test_a_menu_id_round_trips_and_the_other_kinds_still_do() -> None:
    assert encode(Menu("jonze")) == "q1|m|jonze"
    assert decode("q1|m|jonze") == Menu("jonze")
    assert decode("q1|t|jonze|editing") == Ask("jonze", "editing")
    assert decode("q1|m|Jonze") is None and decode("q1|m|jonze|") is None
    assert decode("q2|m|jonze") is None and encode(Menu("no spaces")) is None


def test_a_menu_goes_under_a_miss_and_a_topic_list_only(answerer: Answerer) -> None:
    for asked in ("topics", "xyzzy"):
        menu = topic_menu(answerer, "jonze", answerer.answer("jonze", asked), 25)
        assert menu is not None and menu.custom_id == "q1|m|jonze"
        assert "editing" in menu.topics and menu.more == 0
    assert topic_menu(answerer, "jonze", answerer.answer("jonze", "editing"), 25) is None
    assert topic_menu(answerer, "quote", answerer.answer("quote", "topics"), 25) is None
    cut = topic_menu(answerer, "jonze", answerer.answer("jonze", "topics"), 4)
    assert cut is not None and len(cut.topics) == 4 and cut.more == 5


@pytest.mark.parametrize("value", ["editing", "no-such-topic", "e" * 10_000, None, 3, ["editing"]])
def test_a_choice_is_a_topic_of_the_director_or_nothing(answerer: Answerer, value: object) -> None:
    found = chosen(answerer, Menu("jonze"), value)
    assert found == (Ask("jonze", "editing") if value == "editing" else None)
    assert chosen(answerer, Menu("nobody"), "editing") is None
