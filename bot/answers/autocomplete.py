"""Autocomplete: what to offer while a user types a topic or a director, for every platform.

Each choice has a label (what the user sees: ``cutting → editing``) and a value (what the
command receives: ``editing``), both within the platforms' limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import limits
from bot.answers.matching import complete
from bot.answers.replies import cut
from bot.book.quote_book import QuoteBook


@dataclass(frozen=True)
class Choice:
    """One suggestion: shown as ``label``, sent back as ``value``."""

    label: str
    value: str


def typed_prefix(text: str) -> str:
    # Cut before anything else touches it: normalising (and caching) a long value costs.
    return text[: limits.AUTOCOMPLETE_INPUT_MAX]


def fit_choice(label: str) -> str:
    return cut(label, limits.CHOICE_NAME_MAX)


def topic_choices(book: QuoteBook, command: str, typed: str) -> list[Choice]:
    """Topics of the director whose command is ``command``, for what is typed so far."""
    director = book.by_command(command)
    if director is None:
        return []
    pairs = complete(director.topic_keys, typed_prefix(typed), limits.CHOICES_MAX)
    return [Choice(fit_choice(label), value) for label, value in pairs]


def director_choices(book: QuoteBook, typed: str) -> list[Choice]:
    """Directors by command, name or alias: ``Spike Jonze (/jonze)`` -> ``jonze``."""
    keys = {key: d.command for key, d in book.director_keys.items()}
    pairs = complete(keys, typed_prefix(typed), limits.CHOICES_MAX)
    names = {d.command: d.name for d in book}
    return [Choice(fit_choice(f"{names[value]} (/{value})"), value) for _label, value in pairs]


def quote_topic_choices(book: QuoteBook, director: str | None, typed: str) -> list[Choice]:
    """``/quote``'s topic: the chosen director's topics, or every director's by name."""
    if director:
        found = book.director(typed_prefix(director))
        if found is not None:
            return topic_choices(book, found.command, typed)
    keys = {k: t for d in book for k, t in d.topic_keys.items()}
    pairs = complete(keys, typed_prefix(typed), limits.CHOICES_MAX)
    return [Choice(fit_choice(label), value) for label, value in pairs]
