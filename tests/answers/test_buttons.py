"""Buttons' ids: Another goes on through an ask's pool from the id alone (any instance, the
same sequence), a Source names its quote, and anything forged or garbled is refused."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.answers import buttons
from bot.answers.answerer import Answerer, QuoteAnswer
from bot.book.loader import load_book
from bot.book.model import quote_key
from tests.fixtures import book_file, write


def answerer_of(folder: Path, seed: int) -> Answerer:
    loaded = load_book([folder])
    assert not loaded.problems
    return Answerer(loaded.book, random.Random(seed))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "a.yaml", book_file("alpha", 7))
    write(tmp_path, "b.yaml", book_file("beta", 3, topic="light"))
    return tmp_path


def presses(answerer: Answerer, action: buttons.Next | None, times: int) -> list[str]:
    out = []
    for _ in range(times):
        assert action is not None
        pressed = buttons.decode(buttons.encode(action))
        assert isinstance(pressed, buttons.Another | buttons.Onward)
        found = buttons.next_quote(answerer, pressed)
        assert found is not None
        answer, action = found
        out.append(answer.quote.text)
    return out


def test_another_goes_through_the_pool_and_any_instance_agrees(folder: Path) -> None:
    first, second = answerer_of(folder, 1), answerer_of(folder, 2)
    answer = first.answer("alpha", "craft")
    assert isinstance(answer, QuoteAnswer)
    action = buttons.another_after(first, "alpha", "craft", answer)
    assert isinstance(action, buttons.Another) and action.size == 7
    sequence = presses(first, action, 6)
    # The quote shown, then every other quote of the pool once.
    assert len({answer.quote.text, *sequence}) == 7
    assert presses(second, action, 6) == sequence  # a second instance, from the id alone
    assert presses(first, action, 7)[6] == sequence[0]  # and then round again


def test_three_presses_give_three_quotes_of_a_small_topic(folder: Path) -> None:
    answerer = answerer_of(folder, 3)
    answer = answerer.answer("beta", "light")
    assert isinstance(answer, QuoteAnswer)
    action = buttons.another_after(answerer, "beta", "light", answer)
    assert action is not None
    three = presses(answerer, action, 3)
    assert len(set(three)) == 2 and answer.quote.text not in three[:2]
    assert three[2] == three[0]


def test_a_changed_pool_or_a_removed_director_expires(folder: Path) -> None:
    answerer = answerer_of(folder, 1)
    answer = answerer.answer("beta", "light")
    assert isinstance(answer, QuoteAnswer)
    action = buttons.another_after(answerer, "beta", "light", answer)
    assert action is not None
    key = quote_key(answer.quote)
    assert buttons.quote_of(answerer, key) == answer.quote
    (folder / "b.yaml").unlink()
    later = answerer_of(folder, 1)
    assert buttons.next_quote(later, action) is None
    assert buttons.quote_of(later, key) is None


def test_ids_round_trip_and_fit_discord() -> None:
    for action in (
        buttons.Another("alpha", "craft", 3, 0, 7),
        buttons.Ask("jonze", "editing"),
        buttons.Cite("Spike Jonze:0123456789abcdef"),
        buttons.Cite("Spike Jonze:0123456789abcdef", post=True),
    ):
        text = buttons.encode(action)
        assert text is not None and len(text) <= 100 and text.startswith("q1|")
        assert buttons.decode(text) == action
    assert buttons.encode(buttons.Ask("jonze", "x" * 100)) is None
    assert buttons.encode(buttons.Ask("/jonze", "editing")) is None  # never one to refuse


def test_a_slash_in_the_command_is_not_kept(folder: Path) -> None:
    answerer = answerer_of(folder, 1)
    answer = answerer.answer("/alpha", "craft")
    action = buttons.another_after(answerer, "/alpha", "craft", answer)
    assert action is not None and action.command == "alpha"
    assert buttons.decode(buttons.encode(action)) == action


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "garbage",
        "q0|t|jonze|editing",  # a version never written
        "q2|t|jonze|editing",
        "q1|a|alpha|7|0|7|craft",  # shown out of the pool
        "q1|a|alpha|0|7|7|craft",  # a step out of the pool
        "q1|a|alpha|01|0|7|craft",  # not the one spelling
        "q1|a|ALPHA|1|0|7|craft",
        "q1|a|alpha|1|0|7|craft\x00",
        "q1|s|Spike Jonze:nothex",
        "q1|x|jonze",
        "q1|t|jonze|" + "x" * 10_000,
        "x" * 10_000,
        None,
        7,
    ],
)
def test_forged_ids_are_refused(forged: object) -> None:
    assert buttons.decode(forged) is None


def test_an_unknown_director_is_an_expired_another(folder: Path) -> None:
    answerer = answerer_of(folder, 1)
    assert buttons.next_quote(answerer, buttons.Another("nobody", "craft", 0, 0, 3)) is None
    assert buttons.another_after(answerer, "nobody", "", answerer.answer("nobody", "")) is None


# ---- Another under a word search ------------------------------------------------------

SEARCHED = """\
director: Director gamma
command: gamma
sources:
  s:
    title: T
    document: t.txt
topics:
  craft: []
quotes:
  - {topic: craft, text: The camera is a pencil., context: c, source: s}
  - {topic: craft, text: Light first and then the rest., context: c, source: s}
  - {topic: craft, text: A camera never lies about light., context: c, source: s}
  - {topic: craft, text: Nobody watches the camera., context: c, source: s}
  - {topic: craft, text: Only once did the lens fog., context: c, source: s}
"""


def test_another_under_a_search_walks_every_match_then_the_best_again(tmp_path: Path) -> None:
    write(tmp_path, "g.yaml", SEARCHED)
    first, second = answerer_of(tmp_path, 1), answerer_of(tmp_path, 2)
    answer = first.answer("gamma", "camera")
    assert isinstance(answer, QuoteAnswer) and answer.how == "search"
    action = buttons.another_after(first, "gamma", "camera", answer)
    assert isinstance(action, buttons.Onward)
    walked = presses(first, action, 3)
    assert {answer.quote.text, *walked} == {
        "The camera is a pencil.", "A camera never lies about light.", "Nobody watches the camera."
    }  # fmt: skip
    assert presses(first, action, 3)[2] == answer.quote.text  # round again, from the best
    assert presses(second, action, 3) == walked  # another instance, from the id alone


def test_a_search_with_one_match_has_no_another(tmp_path: Path) -> None:
    write(tmp_path, "g.yaml", SEARCHED)
    answerer = answerer_of(tmp_path, 1)
    answer = answerer.answer("gamma", "lens")
    assert isinstance(answer, QuoteAnswer) and answer.how == "search"
    assert buttons.another_after(answerer, "gamma", "lens", answer) is None


def test_a_search_another_expires_when_the_book_moves_its_quotes(tmp_path: Path) -> None:
    write(tmp_path, "g.yaml", SEARCHED)
    answerer = answerer_of(tmp_path, 1)
    answer = answerer.answer("gamma", "camera")
    assert isinstance(answer, QuoteAnswer)
    action = buttons.another_after(answerer, "gamma", "camera", answer)
    assert isinstance(action, buttons.Onward)
    moved = SEARCHED.replace(
        "quotes:\n", "quotes:\n  - {topic: craft, text: New one., context: c, source: s}\n"
    )
    write(tmp_path, "g.yaml", moved)
    assert buttons.next_quote(answerer_of(tmp_path, 1), action) is None
    forged = buttons.Onward("gamma", "camera", 0, True, action.row, "zzzz")
    assert buttons.next_quote(answerer, forged) is None  # a check that is not its quote's
    gone = buttons.Onward("gamma", "camera", 0, True, 999, action.check)
    assert buttons.next_quote(answerer, gone) is None  # a place past the book's end


@pytest.mark.parametrize(
    "forged",
    [
        "q1|w|gamma|20|1|abcd|camera",  # no third tier
        "q1|w|gamma|00|01|abcd|camera",  # a padded number
        "q1|w|gamma|00|1|abcde|camera",  # a check too long
        "q1|w|gamma|00|1|abcd| camera",  # words not as they are cleaned
        "q1|w|Gamma|00|1|abcd|camera",  # a command not in its one form
    ],
)
def test_forged_search_ids_are_refused(forged: str) -> None:
    assert buttons.decode(forged) is None


def test_a_search_id_round_trips() -> None:
    action = buttons.Onward("gamma", "camera lies", 1, True, 123_456, "k3x9")
    assert buttons.decode(buttons.encode(action)) == action
