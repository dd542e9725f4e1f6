"""Autocomplete: what to offer while a user types a topic or a director, for every platform.

Each choice has a label (what the user sees: ``cutting → editing``) and a value (what the
command receives: ``editing``), both within the platforms' limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import limits
from bot.book import QuoteBook
from bot.matching import complete
from bot.replies import cut


@dataclass(frozen=True)
class Choice:
    """One suggestion: shown as ``label``, sent back as ``value``."""

    label: str
    value: str


def _typed(text: str) -> str:
    # Cut before anything else touches it: normalising (and caching) a long value costs.
    return text[: limits.AUTOCOMPLETE_INPUT_MAX]


def _fit(label: str) -> str:
    return cut(label, limits.CHOICE_NAME_MAX)


def topic_choices(book: QuoteBook, command: str, typed: str) -> list[Choice]:
    """Topics of the director whose command is ``command``, for what is typed so far."""
    director = book.by_command(command)
    if director is None:
        return []
    pairs = complete(director.topic_keys, _typed(typed), limits.CHOICES_MAX)
    return [Choice(_fit(label), value) for label, value in pairs]


def director_choices(book: QuoteBook, typed: str) -> list[Choice]:
    """Directors by command, name or alias: ``Spike Jonze (/jonze)`` -> ``jonze``."""
    keys = {key: d.command for key, d in book.director_keys.items()}
    pairs = complete(keys, _typed(typed), limits.CHOICES_MAX)
    names = {d.command: d.name for d in book}
    return [Choice(_fit(f"{names[value]} (/{value})"), value) for _label, value in pairs]


def quote_topic_choices(book: QuoteBook, director: str | None, typed: str) -> list[Choice]:
    """``/quote``'s topic: the chosen director's topics, or every director's by name."""
    if director:
        found = book.director(_typed(director))
        if found is not None:
            return topic_choices(book, found.command, typed)
    keys = {k: t for d in book for k, t in d.topic_keys.items()}
    pairs = complete(keys, _typed(typed), limits.CHOICES_MAX)
    return [Choice(_fit(label), value) for label, value in pairs]


# Offered before anything is typed: the zones film clubs are most often in, west to east.
COMMON_ZONES = (
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Toronto", "America/Sao_Paulo", "Europe/London", "Europe/Dublin", "Europe/Paris",
    "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw",
    "Europe/Athens", "Europe/Istanbul", "Africa/Lagos", "Africa/Johannesburg", "Asia/Dubai",
    "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Seoul", "Asia/Tokyo",
    "Australia/Sydney",
)  # fmt: skip


def zone_choices(typed: str) -> list[Choice]:
    """IANA time zones for what is typed: names containing it first (``paris``,
    ``europe/par``), then the closest by spelling (``Europe/Pariss`` -> Europe/Paris)."""
    from bot.subscriptions import all_zones, closest_zones

    query = _typed(typed).strip().casefold().replace(" ", "_")
    if not query:
        names = list(COMMON_ZONES)
    else:
        zones = all_zones()
        starts = [z for key, z in zones.items() if key.rsplit("/", 1)[-1].startswith(query)]
        contains = [z for key, z in zones.items() if query in key]
        names = list(dict.fromkeys(sorted(starts) + sorted(contains, key=len)))
        if len(names) < limits.CHOICES_MAX:
            names += [z for z in closest_zones(query, 5) if z not in names]
    return [Choice(_fit(name), name) for name in names[: limits.CHOICES_MAX]]
