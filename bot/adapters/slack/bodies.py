"""Slack response bodies made once and kept: a quote's with its buttons, per quote, place
and language; a miss's or a listing's with its "did you mean" and topic menu, per answer,
command and language for each book. A str body starting with "{" is sent by bolt as it
is, over HTTP and Socket Mode alike: serialising the body was most of what quotebot spent
on a command beyond bolt's own work (bench/slack_http.py).
"""

from __future__ import annotations

import json
from weakref import WeakKeyDictionary

from bot.adapters.slack.buttons import with_buttons
from bot.answers import ENGLISH, Answer, Answerer, Next, QuoteAnswer, language_of
from bot.book import QuoteBook
from bot.memo import memo


def quote_json(answer: QuoteAnswer, another: Next | None, locale: str | None = ENGLISH) -> str:
    """A quote's response body with its buttons, serialised once per answer, Another and
    language (as :func:`~bot.adapters.slack.render.rendered_json` is for answers without)."""
    lang = language_of(locale)
    return memo(
        _quote_bodies,
        (answer, another, lang),
        lambda: json.dumps(with_buttons(answer, another, locale=lang), ensure_ascii=False),
    )


_quote_bodies: dict[tuple[QuoteAnswer, Next | None, str], str] = {}


def listed_json(answer: Answer, command: str, answerer: Answerer, locale: str | None) -> str:
    """A miss's or a listing's body with its "did you mean" and topic menu, made once per
    answer, command and language for each book (the menu is the book's): a miss was
    built afresh at every request, a quarter of a Slack command's own work."""
    lang = language_of(locale)
    table = _listed_bodies.setdefault(answerer.book, {})

    def make() -> str:
        return json.dumps(with_buttons(answer, None, command, answerer, lang), ensure_ascii=False)

    return memo(table, (answer, command, lang), make)


# Per book, and let go with it: a reloaded book's bodies are not kept alive by the table.
_listed_bodies: WeakKeyDictionary[QuoteBook, dict[tuple[Answer, str, str], str]] = (
    WeakKeyDictionary()
)


__all__ = ["listed_json", "quote_json"]
