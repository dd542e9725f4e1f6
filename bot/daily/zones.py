"""IANA time zones: reading one a member typed, the closest names to a misspelt one, and
what to offer while they type.

An IANA name is a Zone or a Link of the tz database, as its compiled source
``tzdata.zi`` lists them (the ``tzdata`` package's, and a system zone folder's where
zoneinfo reads one): ``Europe/Paris``, ``UTC``, ``Etc/UTC``, and links kept for old
names such as ``US/Eastern``. A zone folder holds other files that zoneinfo would read
just as well, and none is a time zone: ``localtime`` (whatever this machine is set to),
``posixrules``, the ``posix/`` and ``right/`` copies (``right/`` counts leap seconds, which
no clock does), ``leapseconds`` and the ``.tab`` tables. And ``Factory`` is a Zone of no
place (its time is "-00", unknown, for ever). All of these are refused everywhere a zone
is read, like any unknown name, and never offered.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import limits
from bot.answers.autocomplete import Choice, fit_choice, typed_prefix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_SOURCE_MAX_BYTES = 4 * 1024 * 1024  # tzdata.zi is about 100 KB
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.")


@cache
def all_zones() -> dict[str, str]:
    """Every IANA zone name, by its case-folded form."""
    from importlib import resources  # when first asked: `quotebot ask` never needs it

    names: set[str] = set()
    try:
        names |= _zone_names(resources.files("tzdata") / "zoneinfo" / "tzdata.zi")
    except (ImportError, OSError, UnicodeDecodeError):
        pass  # tzdata is a dependency; a system zone folder may still list them
    for folder in zoneinfo.TZPATH:
        try:
            names |= _zone_names(Path(folder) / "tzdata.zi")
        except (OSError, UnicodeDecodeError):
            pass
    return {name.casefold(): name for name in sorted(names)}


def _zone_names(source: Traversable | Path) -> set[str]:
    """The Zone and Link names of a ``tzdata.zi`` (``Z NAME ...``, ``L TARGET NAME``),
    without a zone whose time is unknown for ever (``Z Factory 0 - -00``, no end) and the
    links to one; only names of tz's characters (letters, digits, ``_ + - .``), with no
    empty, ``.`` or ``..`` part."""
    with source.open("rb") as file:
        data = file.read(_SOURCE_MAX_BYTES + 1)
    if len(data) > _SOURCE_MAX_BYTES:
        return set()  # not a tzdata.zi
    zones: set[str] = set()
    links: list[tuple[str, str]] = []
    for line in data.decode("utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0] == "Z" and not (len(fields) == 5 and fields[4] == "-00"):
            zones.add(fields[1])
        elif len(fields) == 3 and fields[0] == "L":
            links.append((fields[1], fields[2]))
    names = set(zones)
    while True:  # a link may name another link
        more = {name for target, name in links if target in names} - names
        if not more:
            return {name for name in names if _well_formed(name)}
        names |= more


def _well_formed(name: str) -> bool:
    parts = name.split("/")
    return set(name) <= _NAME_CHARACTERS | {"/"} and all(p not in ("", ".", "..") for p in parts)


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
