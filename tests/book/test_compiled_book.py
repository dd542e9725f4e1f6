"""The compiled book: an unchanged book opens from it, any change compiles it again, a
broken or unwritable cache costs nothing but time; word search ranks and rotates; the
rotation's permutation visits every index once. (Processes compiling one book at once:
tests/system/test_compiled_book_processes.py.)"""

from __future__ import annotations

import itertools
import logging
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.answerer import Answerer, QuoteAnswer
from bot.answers.rotation import Permutation, Rotation
from bot.book import fingerprint
from bot.book.compiled import Quotes
from bot.book.loader import load_book
from bot.book.model import pool_keys, quote_key
from tests.fixtures import GOOD_FILE, ROOT, write


def compiled(folder: Path) -> Path:
    return fingerprint.location([folder])


def test_an_unchanged_book_opens_from_its_compiled_form(good_dir: Path) -> None:
    first = load_book([good_dir])
    kept = compiled(good_dir)
    assert kept.is_file()
    stamp = kept.stat().st_mtime_ns
    again = load_book([good_dir])
    assert kept.stat().st_mtime_ns == stamp  # not written again
    assert isinstance(again.book.quotes, Quotes)
    assert [q.text for q in again.book.quotes] == [q.text for q in first.book.quotes]
    varda = again.book.by_command("varda")
    assert varda is not None and varda.quotes[0].line == 13
    assert varda.quotes[0].source.citation == "A Test Interview, Nowhere, 2001"
    assert [q.text for q in varda.by_topic["beaches"]] == [
        "If we opened people up, we'd find landscapes.",
        "The second beach quote, invented for the tests.",
    ]
    assert again.files == first.files


def test_a_change_that_keeps_size_and_time_is_still_seen(tmp_path: Path) -> None:
    path = write(tmp_path, "varda.yaml", GOOD_FILE)
    assert load_book([tmp_path]).book.quotes[2].text == "A test quote about cats & <dogs>."
    info = path.stat()
    # The same length, the same modification time: only the bytes differ.
    path.write_text(GOOD_FILE.replace("cats & <dogs>", "bats & <hogs>"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert load_book([tmp_path]).book.quotes[2].text == "A test quote about bats & <hogs>."


def test_a_file_added_or_removed_compiles_again(good_dir: Path) -> None:
    assert len(load_book([good_dir]).book) == 2
    (good_dir / "jonze.yaml").unlink()
    assert [d.command for d in load_book([good_dir]).book] == ["varda"]
    write(good_dir, "jonze.yml", (ROOT / "quotes" / "jonze.yaml").read_text("utf-8"))
    assert [d.command for d in load_book([good_dir]).book] == ["jonze", "varda"]


@pytest.mark.parametrize("damage", [b"", b"SQLite format 3\0garbage", b"\0" * 4096])
def test_a_damaged_compiled_book_is_compiled_again(good_dir: Path, damage: bytes) -> None:
    load_book([good_dir])
    compiled(good_dir).write_bytes(damage)
    again = load_book([good_dir])
    assert again.ok and len(again.book.quotes) == 12
    assert isinstance(again.book.quotes, Quotes)


def test_problems_are_kept_with_the_compiled_book(good_dir: Path) -> None:
    write(good_dir, "broken.yaml", GOOD_FILE.replace("command: varda", "command: Bad Name"))
    first = load_book([good_dir])
    second = load_book([good_dir])
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems]
    assert any(str(p).startswith(f"{good_dir / 'broken.yaml'}:2: command") for p in second.problems)
    assert [d.command for d in second.book] == ["jonze", "varda"]


def test_an_unwritable_cache_still_loads(
    good_dir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    blocker = tmp_path_factory.mktemp("cache") / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QUOTEBOT_CACHE", str(blocker / "below"))
    with caplog.at_level(logging.WARNING, logger="bot.loader"):
        loaded = load_book([good_dir])
    assert loaded.ok and len(loaded.book.quotes) == 12
    assert "could not keep the compiled quote book" in caplog.text
    answer = Answerer(loaded.book).answer("varda", "landscapes")
    assert isinstance(answer, QuoteAnswer) and "landscapes" in answer.quote.text


def test_a_book_in_use_keeps_working_when_its_file_is_replaced(good_dir: Path) -> None:
    old = load_book([good_dir]).book
    write(good_dir, "varda.yaml", GOOD_FILE.replace("landscapes", "seascapes"))
    new = load_book([good_dir]).book
    assert "seascapes" in new.quotes[9].text
    assert "landscapes" in old.quotes[9].text  # still the file it opened
    found = old.search("landscapes")
    assert found is not None and "landscapes" in found[0].text


SEARCHED = """\
director: Test Director
command: tester
sources:
  s:
    title: T
    document: t.txt
topics:
  craft: []
quotes:
  - {topic: craft, text: "Light comes last in the camera.", context: On one, source: s}
  - {topic: craft, text: "The camera loves light.", context: On two, source: s}
  - {topic: craft, text: "Editing is where the film is written.", context: On three, source: s}
  - {topic: craft, text: "I edit alone.", context: On camera light, source: s}
  - {topic: craft, text: "Nothing to see here.", context: On four, source: s}
"""


def test_search_puts_the_phrase_first_and_goes_through_every_match(tmp_path: Path) -> None:
    write(tmp_path, "tester.yaml", SEARCHED)
    answerer = Answerer(load_book([tmp_path]).book, random.Random(1))
    asked = [answerer.answer("tester", "camera light") for _ in range(6)]
    found = [a.quote.text for a in asked if isinstance(a, QuoteAnswer)]
    # The words side by side first; then the rest, in the book's order; then round again.
    assert found == [
        "I edit alone.",  # "camera light" as a phrase, in its context
        "Light comes last in the camera.",
        "The camera loves light.",
        "I edit alone.",
        "Light comes last in the camera.",
        "The camera loves light.",
    ]
    assert all(a.how == "search" for a in asked if isinstance(a, QuoteAnswer))


def test_search_finds_other_forms_of_a_word(tmp_path: Path) -> None:
    write(tmp_path, "tester.yaml", SEARCHED)
    answerer = Answerer(load_book([tmp_path]).book, random.Random(1))
    found = {answerer.answer("quote", "edits").quote.text for _ in range(4)}  # type: ignore[union-attr]
    assert found == {"Editing is where the film is written.", "I edit alone."}


def test_search_within_a_director_stays_with_that_director(good_dir: Path) -> None:
    write(good_dir, "tester.yaml", SEARCHED)
    answerer = Answerer(load_book([good_dir]).book, random.Random(1))
    for _ in range(5):
        answer = answerer.answer("varda", "the")
        assert not isinstance(answer, QuoteAnswer) or answer.quote.director == "Agnès Varda"


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=1, max_value=3_000), seed=st.integers(0, 2**32))
def test_a_permutation_visits_every_index_once(size: int, seed: int) -> None:
    order = Permutation(size, random.Random(seed))
    assert sorted(order(i) for i in range(size)) == list(range(size))


@settings(max_examples=40, deadline=None)
@given(size=st.integers(min_value=2, max_value=60), seed=st.integers(0, 2**32))
def test_rotation_gives_all_before_repeating_and_never_twice_running(size: int, seed: int) -> None:
    rotation = Rotation(random.Random(seed))
    items = list(range(size))
    given_out = [rotation.pick("pool", items) for _ in range(size * 3)]
    for start in range(0, size * 3, size):
        assert sorted(given_out[start : start + size]) == items
    assert all(a != b for a, b in itertools.pairwise(given_out))


SEARCH_BOOK: list[Answerer] = []


@settings(max_examples=200, deadline=None)
@given(
    words=st.text(max_size=60)
    | st.sampled_from(
        [
            '"',
            'a"b',
            "NEAR(a b)",
            "text:x",
            "a* OR b",
            "^x",
            "{text}: y",
            "edit -cut",
            '"""camera"""',
        ]
    )
)
def test_any_words_searched_answer_without_error(words: str) -> None:
    if not SEARCH_BOOK:
        SEARCH_BOOK.append(Answerer(load_book([ROOT / "quotes"]).book, random.Random(1)))
    answerer = SEARCH_BOOK[0]
    for command in ("quote", "jonze"):
        answer = answerer.answer(command, words)
        assert answer is not None


def test_a_compiled_pool_has_its_quote_keys_ready(good_dir: Path) -> None:
    book = load_book([good_dir]).book
    assert isinstance(book.quotes, Quotes)
    assert pool_keys(book.quotes) == [quote_key(q) for q in book.quotes]
    varda = book.by_command("varda")
    assert varda is not None
    assert pool_keys(varda.quotes) == [quote_key(q) for q in varda.quotes]
    assert pool_keys(varda.by_topic["beaches"]) == [quote_key(q) for q in varda.by_topic["beaches"]]
