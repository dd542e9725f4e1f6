"""A quote's stable ID: made from what it is, not where it is (bot/book/stable_ids.py)."""

from __future__ import annotations

import dataclasses

from bot.book import find, is_quote_id, quote_id
from tests.adapters.web.helpers import make_book, quotes


def test_the_same_quotes_in_another_order_keep_their_ids():
    forward = make_book()
    backward = make_book(list(reversed(quotes())))
    ids = {q.text: quote_id(q) for q in forward.quotes}
    assert {q.text: quote_id(q) for q in backward.quotes} == ids
    assert len(set(ids.values())) == len(ids)
    for q in forward.quotes:
        assert is_quote_id(quote_id(q))
        assert find(backward, quote_id(q)) == q


def test_a_changed_context_topic_or_source_keeps_the_id_a_changed_text_does_not():
    first = quotes()[0]
    elsewhere = dataclasses.replace(first.source, title="Another")
    moved = dataclasses.replace(
        first, context="Elsewhere", topic="light", line=99, source=elsewhere
    )
    assert quote_id(moved) == quote_id(first)
    # Typography alone is not a change of text: the folded text is hashed.
    assert quote_id(dataclasses.replace(first, text="Editing  is writing  again.")) == quote_id(
        first
    )
    assert quote_id(dataclasses.replace(first, text="Editing is rewriting.")) != quote_id(first)
    assert quote_id(dataclasses.replace(first, director="Someone Else")) != quote_id(first)


def test_find_answers_none_for_an_unknown_id_and_is_memoised_per_book():
    book = make_book()
    assert find(book, "aaaaaaaaaa") is None
    from bot.book import index

    assert index(book) is index(book)
    assert index(make_book()) is not index(book)
