"""The bundled quote book is valid and every quote is traceable to its source document."""

from __future__ import annotations

from bot.book.loader import load_book
from bot.environment import bundled_quotes
from tests.fixtures import QUOTES, ROOT


def test_bundled_quotes_is_the_repository_folder():
    assert bundled_quotes() == QUOTES


def test_shipped_book_loads_without_problems():
    loaded = load_book([QUOTES])
    assert loaded.problems == ()
    assert [d.command for d in loaded.book] == ["jonze"]


def test_jonze_file_has_all_nine_quotes_from_the_article():
    jonze = load_book([QUOTES]).book.director("jonze")
    assert jonze is not None
    assert len(jonze.quotes) == 9
    assert len({q.topic for q in jonze.quotes}) == 9


def test_every_quote_and_context_is_verbatim_in_its_document():
    for quote in load_book([QUOTES]).book.quotes:
        document = (ROOT / quote.source.document).read_text(encoding="utf-8")
        # The article prints each as: On his process: “It’s very organic. ...”
        assert f"{quote.context}: “{quote.text}”" in document, quote.text
