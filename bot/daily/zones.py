"""IANA time zones: reading one a member typed, the closest names to a misspelt one, and
what to offer while they type."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot import limits
from bot.answers.autocomplete import Choice, fit_choice, typed_prefix


@cache
def all_zones() -> dict[str, str]:
    """Every IANA zone name, by its case-folded form."""
    return {name.casefold(): name for name in sorted(available_timezones())}


def read_zone(text: str) -> str | None:
    """The IANA zone ``text`` names (any case), or None."""
    name = all_zones().get(text.strip().casefold())
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def closest_zones(text: str, limit: int = 3) -> list[str]:
    """The IANA names most like ``text``: ``Europe/Pari`` -> Europe/Paris; ``paris`` too."""
    from rapidfuzz import fuzz, process

    zones = all_zones()
    query = text.strip().casefold()
    cities = {key.rsplit("/", 1)[-1]: key for key in zones}
    by_city = process.extract(query, cities.keys(), scorer=fuzz.ratio, limit=limit)
    by_name = process.extract(query, zones.keys(), scorer=fuzz.WRatio, limit=limit)
    ranked = sorted(
        [(score, zones[cities[city]]) for city, score, _ in by_city]
        + [(score, zones[key]) for key, score, _ in by_name],
        reverse=True,
    )
    return list(dict.fromkeys(name for _, name in ranked))[:limit]


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
    query = typed_prefix(typed).strip().casefold().replace(" ", "_")
    if not query:
        names = list(COMMON_ZONES)
    else:
        zones = all_zones()
        starts = [z for key, z in zones.items() if key.rsplit("/", 1)[-1].startswith(query)]
        contains = [z for key, z in zones.items() if query in key]
        names = list(dict.fromkeys(sorted(starts) + sorted(contains, key=len)))
        if len(names) < limits.CHOICES_MAX:
            names += [z for z in closest_zones(query, 5) if z not in names]
    return [Choice(fit_choice(name), name) for name in names[: limits.CHOICES_MAX]]
