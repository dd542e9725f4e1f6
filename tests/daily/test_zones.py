"""Time zones are IANA names only: the files of a zone folder that are not zones
(localtime, posixrules, posix/ and right/ copies, the tables) and Factory are refused
wherever a zone is read (/qotd typed or in options, quotebot.toml) and never offered."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.daily.requests import QotdError, read_request, request_from_options
from bot.daily.settings_file import ConfigError, parse_daily
from bot.daily.zones import all_zones, closest_zones, read_zone, zone_choices

DIRECTORS = {"jonze", "varda"}
NOT_ZONES = [
    "localtime", "LocalTime", "Factory", "factory", "posixrules", "posix/Europe/Paris",
    "posix/UTC", "right/UTC", "right/Europe/Paris", "leapseconds", "leap-seconds.list",
    "zone.tab", "zone1970.tab", "zonenow.tab", "iso3166.tab", "tzdata.zi", "SystemV/AST4",
    "SystemV/EST5EDT", "Europe", "America/", "/Europe/Paris", "/etc/localtime",
    "/usr/share/zoneinfo/UTC", "../zoneinfo/UTC", "Europe/../UTC", "./UTC", "Europe//Paris",
    "Europe/Paris/", "UTC\0", "Mars/Olympus", "__init__.py", "zones",
]  # fmt: skip


def _loads(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - any refusal at all
        return False
    return True


def test_the_database_here_would_read_some_of_them() -> None:
    # Not an empty claim: zoneinfo reads Factory everywhere (tzdata ships it), and the
    # rest wherever the system has a zone folder; refusing them is bot.daily.zones' doing.
    readable = {n for n in NOT_ZONES if _loads(n)}
    assert "Factory" in readable
    if Path("/usr/share/zoneinfo/posix/UTC").exists():
        assert {"posix/UTC", "right/UTC", "posixrules"} <= readable


@pytest.mark.parametrize("name", NOT_ZONES)
def test_a_file_that_is_not_a_zone_is_refused_everywhere(name: str) -> None:
    assert read_zone(name) is None
    assert name not in all_zones().values()
    with pytest.raises(QotdError, match="no time zone"):
        request_from_options("09:00", name, None, None, DIRECTORS)
    if name.strip() and " " not in name and "\0" not in name:
        with pytest.raises(QotdError):
            read_request(f"09:00 {name}", DIRECTORS)
    with pytest.raises(ConfigError, match="timezone: unknown timezone"):
        parse_daily({"timezone": name}, {}, "quotebot.toml")
    offered = [c.value for c in zone_choices(name)] + closest_zones(name)
    assert all(read_zone(value) == value for value in offered), offered


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("UTC", "UTC"), ("Etc/UTC", "Etc/UTC"), ("utc", "UTC"), ("  europe/paris ", "Europe/Paris"),
        ("US/Eastern", "US/Eastern"), ("GMT+0", "GMT+0"), ("Etc/GMT-14", "Etc/GMT-14"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("EST5EDT", "EST5EDT"), ("Europe/Kyiv", "Europe/Kyiv"), ("Asia/Calcutta", "Asia/Calcutta"),
    ],
)  # fmt: skip
def test_iana_zones_and_links_are_read(typed: str, named: str) -> None:
    assert read_zone(typed) == named
    assert request_from_options("9am", typed, None, None, DIRECTORS).zone == named
    assert parse_daily({"timezone": typed}, {}, "quotebot.toml").timezone.key == named


def test_no_real_zone_is_lost() -> None:
    # Every zone zoneinfo lists is still there, but for the files that are not zones; and
    # every place of tzdata's zone1970.tab, the geographic zones' own table.
    ours = set(all_zones().values())
    lost = available_timezones() - ours
    assert lost <= set(NOT_ZONES), lost
    table = (resources.files("tzdata") / "zoneinfo" / "zone1970.tab").read_text("utf-8")
    places = {row.split("\t")[2] for row in table.splitlines() if row and row[0] != "#"}
    assert len(places) > 300 and places <= ours


@pytest.mark.parametrize("typed", ["", "l", "local", "fact", "posix", "right", "leap", "zone",
                                   "tab", "sys", "tzdata", "rules", "py", "/", "."])  # fmt: skip
def test_autocomplete_offers_zones_only(typed: str) -> None:
    offered = [c.value for c in zone_choices(typed)]
    assert all(read_zone(value) == value for value in offered), offered


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=40)
    | st.sampled_from(sorted(available_timezones()) + NOT_ZONES).flatmap(
        lambda n: st.sampled_from([n, n.upper(), f"posix/{n}", f"right/{n}", f"{n}/", f" {n}"])
    )
)
def test_whatever_is_typed_a_zone_read_is_one_of_the_names(typed: str) -> None:
    named = read_zone(typed)
    assert named is None or (named in all_zones().values() and _loads(named))
    assert named is None or not named.startswith(("posix/", "right/"))


@pytest.fixture
def system_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A system zone folder of the test's own, which zoneinfo is told to read."""
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(tmp_path),))
    all_zones.cache_clear()
    yield tmp_path
    all_zones.cache_clear()


def test_a_system_folders_tzdata_zi_adds_its_zones_and_links_only(system_folder: Path) -> None:
    (system_folder / "tzdata.zi").write_text(
        "# version 2099a\n"
        "Z Mars/Olympus 1 - MOT\n"  # a newer database's zone
        "L Mars/Olympus Mars/Tharsis\n"
        "L Mars/Tharsis Mars/Old_Tharsis\n"  # a link to a link
        "Z Nowhere 0 - -00\n"  # time unknown for ever, as Factory
        "L Nowhere Nowhere/Else\n"
        "Z ../../etc/passwd 0 - X\n"
        "Z Mars/../Venus 0 - X\n"
        "Z Bad\\Name 0 - X\n"
        "R Mars/Rule 2000 ma - Mar lastSu 1 1 S\n"
        "L Missing/Target Mars/Ghost\n",
        encoding="utf-8",
    )
    names = set(all_zones().values())
    assert {"Mars/Olympus", "Mars/Tharsis", "Mars/Old_Tharsis", "Europe/Paris"} <= names
    refused = {"Nowhere", "Nowhere/Else", "../../etc/passwd", "Mars/../Venus", "Bad\\Name",
               "Mars/Rule", "Mars/Ghost", "Factory"}  # fmt: skip
    assert not refused & names


def test_a_system_folders_tzdata_zi_too_big_or_not_text_adds_nothing(system_folder: Path) -> None:
    before = len(all_zones())
    (system_folder / "tzdata.zi").write_bytes(b"Z Mars/Olympus 1 - MOT\n" * 400_000)
    all_zones.cache_clear()
    assert len(all_zones()) == before and "Mars/Olympus" not in all_zones().values()
    (system_folder / "tzdata.zi").write_bytes(b"Z Mars/Olympus 1 - MOT\n\xff\xfe")
    all_zones.cache_clear()
    assert "Mars/Olympus" not in all_zones().values()
