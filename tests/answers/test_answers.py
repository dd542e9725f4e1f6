"""The command logic: topics through aliases and typos, rotation, misses, odd input."""

from __future__ import annotations

import random

import pytest

from bot.answers.answerer import Answerer, Miss, QuoteAnswer, TopicsAnswer
from bot.answers.matching import complete
from bot.answers.user_text import clean_input
from bot.book.loader import load_book
from tests.fixtures import QUOTES

EDITING = "I didn’t know exactly what I was making. I was trying to find it along the way."


@pytest.fixture
def answerer() -> Answerer:
    return Answerer(load_book([QUOTES]).book, random.Random(7))


@pytest.fixture
def two_directors(good_dir) -> Answerer:
    return Answerer(load_book([good_dir]).book, random.Random(7))


def quote_of(answer) -> QuoteAnswer:
    assert isinstance(answer, QuoteAnswer), answer
    return answer


@pytest.mark.parametrize(
    ("words", "how"),
    [
        ("editing", "exact"),
        ("EDITING", "exact"),
        ("  editing  ", "exact"),
        ("edit", "alias"),
        ("cutting", "alias"),
        ("Post-Production", "alias"),
        ("post production", "alias"),
        ("edi", "prefix"),
        ("edting", "typo"),
        ("editng", "typo"),
        ("ediitng", "typo"),
    ],
)
def test_editing_is_found_by_name_alias_prefix_and_typo(answerer, words, how):
    answer = quote_of(answerer.answer("jonze", words))
    assert answer.quote.text == EDITING
    assert answer.how == how
    assert not answer.private


def test_typo_in_topic_finds_editing(answerer):
    assert quote_of(answerer.answer("/jonze", "edting")).quote.topic == "editing"


def test_no_topic_gives_any_jonze_quote(answerer):
    answer = quote_of(answerer.answer("jonze", ""))
    assert answer.quote.director == "Spike Jonze"
    assert answer.how == "any"


def test_repeated_asks_rotate_through_every_quote_before_repeating(answerer):
    first_round = [quote_of(answerer.answer("jonze")).quote.text for _ in range(9)]
    assert len(set(first_round)) == 9
    second_round = [quote_of(answerer.answer("jonze")).quote.text for _ in range(9)]
    assert len(set(second_round)) == 9
    assert first_round[-1] != second_round[0]


def test_topic_rotation_covers_both_quotes_of_a_topic(two_directors):
    texts = {quote_of(two_directors.answer("varda", "beach")).quote.text for _ in range(2)}
    assert len(texts) == 2


def test_words_in_a_quote_find_it_when_no_topic_matches(answerer):
    answer = quote_of(answerer.answer("jonze", "tom cruise"))
    assert answer.how == "search"
    assert "Being Tom Cruise" in answer.quote.text


def test_unknown_topic_is_a_private_miss_listing_topics(answerer):
    miss = answerer.answer("jonze", "zzz")
    assert isinstance(miss, Miss)
    assert miss.private
    assert miss.asked == "zzz"
    assert "editing" in miss.available
    assert len(miss.available) == 9
    assert miss.usage == "/jonze [topic]"


def test_near_miss_suggests_the_topic(answerer):
    miss = answerer.answer("jonze", "xyzzy edit")
    assert isinstance(miss, Miss)
    assert miss.suggestions == ("editing",)


@pytest.mark.parametrize("word", ["topics", "TOPICS", "help", "?"])
def test_topics_lists_the_directors_topics_privately(answerer, word):
    answer = answerer.answer("jonze", word)
    assert isinstance(answer, TopicsAnswer)
    assert answer.private
    [listing] = answer.listings
    assert listing.command == "jonze"
    assert dict(listing.topics)["editing"] == ("edit", "cutting", "cut", "post-production", "post")


def test_quote_alone_gives_any_quote(two_directors):
    answer = quote_of(two_directors.answer("quote", ""))
    assert answer.quote.director in ("Spike Jonze", "Agnès Varda")


@pytest.mark.parametrize(
    "text", ["jonze editing", "Spike Jonze editing", "spkie edit", "SPIKE edting"]
)
def test_quote_with_director_and_topic(two_directors, text):
    assert quote_of(two_directors.answer("quote", text)).quote.text == EDITING


def test_quote_with_director_by_name_and_accent(two_directors):
    answer = quote_of(two_directors.answer("quote", "agnès varda cats"))
    assert answer.quote.topic == "cats"
    assert quote_of(two_directors.answer("quote", "AGNES cats")).quote.topic == "cats"


def test_quote_with_topic_only_searches_every_director(two_directors):
    assert quote_of(two_directors.answer("quote", "cutting")).quote.text == EDITING
    assert quote_of(two_directors.answer("quote", "landscapes")).quote.director == "Agnès Varda"


def test_quote_topics_lists_every_director(two_directors):
    answer = two_directors.answer("quote", "topics")
    assert isinstance(answer, TopicsAnswer)
    assert {item.command for item in answer.listings} == {"jonze", "varda"}


def test_quote_with_nothing_matching_lists_directors(two_directors):
    miss = two_directors.answer("quote", "qqqq")
    assert isinstance(miss, Miss)
    assert set(miss.available) == {"jonze", "varda"}


def test_unknown_command_is_a_miss(answerer):
    miss = answerer.answer("nolan", "editing")
    assert isinstance(miss, Miss)
    assert "/nolan" in miss.message
    assert "/jonze" in miss.available


@pytest.mark.parametrize(
    "hostile",
    [
        "@everyone",
        "@here",
        "<!channel>",
        "<!here>",
        "<@U123ABC>",
        "<@&123456789012345678>",
        "\u202eevil",
        "editing\x00\x1b[31m",
        "名前",
        "🎬🎬🎬",
        "x" * 10_000,
        "   ",
        "\n\t",
        "'; DROP TABLE quotes; --",
        "%s%s%n",
        "{0.__class__}",
    ],
)
def test_odd_input_gets_an_answer_never_an_exception(answerer, hostile):
    answer = answerer.answer("jonze", hostile)
    assert isinstance(answer, QuoteAnswer | Miss | TopicsAnswer)
    if isinstance(answer, Miss):
        assert len(answer.asked) <= 100
        assert "\x00" not in answer.asked and "\x1b" not in answer.asked
        assert "\u202e" not in answer.asked


def test_clean_input_folds_whitespace_and_cuts_long_text():
    assert clean_input("  a\t\nb  ") == "a b"
    long = clean_input("word " * 100)
    assert len(long) == 100
    assert long.endswith("…")


def test_control_characters_do_not_hide_the_topic(answerer):
    assert quote_of(answerer.answer("jonze", "edit\x00ing")).quote.topic == "editing"


def test_empty_book_answers_quote_with_a_miss(tmp_path):
    answerer = Answerer(load_book([tmp_path]).book)
    assert isinstance(answerer.answer("quote", ""), Miss)
    assert isinstance(answerer.answer("jonze", "editing"), Miss)


# ---- autocomplete (the core behind Discord's topic and director choices) -------------------


def jonze_keys(answerer: Answerer) -> dict[str, str]:
    director = answerer.book.director("jonze")
    assert director is not None
    return dict(director.topic_keys)


def test_complete_with_nothing_typed_offers_every_topic_in_file_order(answerer):
    director = answerer.book.director("jonze")
    assert director is not None
    choices = complete(director.topic_keys, "")
    assert [value for _, value in choices] == list(director.topic_names)


def test_complete_puts_a_matching_name_before_aliases_and_typos(answerer):
    choices = complete(jonze_keys(answerer), "ed")
    assert choices[0] == ("editing", "editing")
    assert [v for _, v in choices].count("editing") == 1  # edit, editing: one choice


def test_complete_shows_the_alias_that_matched(answerer):
    assert complete(jonze_keys(answerer), "cutt")[0] == ("cutting → editing", "editing")


def test_complete_tolerates_typos_and_caps_the_count(answerer):
    assert complete(jonze_keys(answerer), "rehersal")[0][1] == "rehearsal"
    many = {f"topic {n}": f"topic {n}" for n in range(100)}
    assert len(complete(many, "topic")) == 25
    assert len(complete(many, "", limit=5)) == 5


@pytest.mark.parametrize("typed", ["   ", "@everyone", "\u202e", "z" * 500, "🎬"])
def test_complete_never_fails_on_odd_input(answerer, typed):
    assert isinstance(complete(jonze_keys(answerer), typed), list)
