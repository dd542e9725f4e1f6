"""Find the source, in the core: a posted message's text looked for in the quote book."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import SourceAnswer, check_source, source_text
from bot.book import quote_id
from bot.book.loader import load_book
from bot.book.quote_book import QuoteBook
from tests.fixtures import QUOTES, write

EDITING = "I didn’t know exactly what I was making. I was trying to find it along the way."


@pytest.fixture(scope="module")
def book() -> QuoteBook:
    return load_book([QUOTES]).book


@pytest.mark.parametrize(
    "posted",
    [
        EDITING,
        # Re-typed: straight apostrophe, extra spaces, a line break, other case.
        "I didn't know  exactly what I was making.\n   I was trying to find it along the WAY.",
        # The quote with a line around it, in curly quote marks.
        f"Jonze said: “{EDITING}” — in Toronto",
        # A part of it, in quote marks.
        '"I didn\'t know exactly what I was making"',
    ],
)
def test_a_shipped_quote_as_posted_is_in_the_book_with_its_full_source(book, posted):
    answer = check_source(book, posted)
    assert answer.found and answer.private
    assert answer.quote is not None and answer.quote.text == EDITING
    assert answer.heading == "In the book: Spike Jonze."
    assert answer.lines == (
        ("Source", "In Conversation"),
        ("Venue", "TIFF Bell Lightbox, Toronto"),
        ("Date", "2013-09"),
        ("Document", "seeds/2013-09-tiff-in-conversation-spike-jonze.txt"),
        ("Status", "attributed"),
        ("ID", f"#{quote_id(answer.quote)}"),
    )


def test_a_paraphrase_is_not_in_the_book_but_its_closest_quote_is_shown(book):
    answer = check_source(book, "I didn't really know what I was making, I tried to find it")
    assert not answer.found
    assert answer.quote is not None and answer.quote.text == EDITING
    assert answer.heading == "Not in the book; the closest quote is Spike Jonze's:"


@pytest.mark.parametrize(
    "posted",
    [
        "Cinema is truth twenty-four times a second.",
        "I was trying",  # a common phrase of a quote: too short to be a part of it
        "x" * 10_000,
        "@everyone <@123> <@&456> look at this",
    ],
)
def test_anything_else_is_not_in_the_book_and_nothing_of_it_is_echoed(book, posted):
    answer = check_source(book, posted)
    assert answer == SourceAnswer(None, False, "Not in the book.")
    assert source_text(answer) == "Not in the book."


@pytest.mark.parametrize("posted", ["", "   ", "\u200b\u202e", "🎬 🎞️"])
def test_a_message_without_words_says_so(book, posted):
    answer = check_source(book, posted)
    assert answer.quote is None and not answer.found
    assert answer.heading == "That message has no text to look for in the book."


def test_a_disputed_quote_says_so_with_its_locator_and_url(tmp_path: Path):
    write(
        tmp_path,
        "tester.yaml",
        """\
director: Test Director
command: tester
sources:
  web:
    title: A Page
    venue: The Web
    date: 2020-01-02
    url: https://example.org/page
topics:
  craft: []
quotes:
  - topic: craft
    text: "Every frame is a decision somebody made on purpose."
    context: On craft
    source: web
    status: disputed
    locator: para. 4
""",
    )
    loaded = load_book([tmp_path])
    assert not loaded.problems
    answer = check_source(loaded.book, "every frame is a decision somebody made on purpose")
    assert answer.found and answer.quote is not None
    assert answer.lines == (
        ("Source", "A Page"),
        ("Venue", "The Web"),
        ("Date", "2020-01-02"),
        ("Locator", "para. 4"),
        ("URL", "https://example.org/page"),
        ("Status", "attribution disputed"),
        ("ID", f"#{quote_id(answer.quote)}"),
    )
    assert source_text(answer).splitlines() == [
        "In the book: Test Director.",
        "“Every frame is a decision somebody made on purpose.”",
        "— Test Director",
        "Source: A Page",
        "Venue: The Web",
        "Date: 2020-01-02",
        "Locator: para. 4",
        "URL: https://example.org/page",
        "Status: attribution disputed",
        f"ID: #{quote_id(answer.quote)}",
    ]


def test_the_source_answer_gives_the_permalink_under_the_public_url(book, monkeypatch):
    monkeypatch.setenv("QUOTEBOT_PUBLIC_URL", "https://quotes.example.org/")
    answer = check_source(book, EDITING)
    assert answer.quote is not None
    ident = quote_id(answer.quote)
    assert answer.lines[-2:] == (
        ("ID", f"#{ident}"),
        ("Permalink", f"https://quotes.example.org/jonze/q/{ident}/"),
    )
