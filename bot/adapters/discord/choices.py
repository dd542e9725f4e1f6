"""Autocomplete over HTTP: the choices an interaction of type 4 gets, as Discord takes them
(a label and a value each, 25 at most), from its server's book."""

from __future__ import annotations

from typing import Any

from bot.adapters.discord.payload import as_object, focused_of, options_of, subcommand_of
from bot.answers import Choice, director_choices, quote_topic_choices, topic_choices
from bot.book import QuoteBook
from bot.daily import zone_choices


def choices_of(book: QuoteBook, payload: dict[str, Any]) -> list[dict[str, str]]:
    """The choices an autocomplete interaction gets, from ``book`` (its server's)."""
    data = as_object(payload.get("data"))
    name = str(data.get("name", ""))
    found: list[Choice] = []
    if name == "qotd":
        sub = subcommand_of(data)
        field, typed = focused_of(sub)
        if field == "timezone":
            found = zone_choices(typed)
        elif field == "director":
            found = director_choices(book, typed)
    else:
        field, typed = focused_of(data)
        if name == "quote" and field == "director":
            found = director_choices(book, typed)
        elif name == "quote":
            found = quote_topic_choices(book, options_of(data).get("director", ""), typed)
        else:
            found = topic_choices(book, name, typed)
    return [{"name": c.label, "value": c.value} for c in found]


__all__ = ["choices_of"]
