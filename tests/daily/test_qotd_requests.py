"""Reading /qotd as people type it: times in several forms, zones by name or typo, days,
a director; anything else is a clear refusal that says what would do."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.daily.requests import QotdError, QotdRequest, read_request, read_time, request_from_options
from bot.daily.slots import slot_on
from bot.daily.zones import closest_zones

DIRECTORS = {"jonze", "varda"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("09:00", time(9)), ("9:30", time(9, 30)), ("21:30", time(21, 30)), ("9am", time(9)),
     ("9:15pm", time(21, 15)), ("12am", time(0)), ("12pm", time(12)), ("9", time(9)),
     ("0:05", time(0, 5)), ("9.30", time(9, 30)), ("9h30", time(9, 30)),
     ("0930", time(9, 30)), ("2130", time(21, 30)), ("9 p.m.", time(21)), ("7AM", time(7))],
)  # fmt: skip
def test_times_people_type(typed, expected):
    assert read_time(typed) == expected


@pytest.mark.parametrize(
    "typed", ["24:00", "9:60", "13pm", "0am", "nine", "9:5", "", "2460", "12345", "9:5pm"]
)
def test_what_is_not_a_time(typed):
    assert read_time(typed) is None


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_clock_time_reads_back(hour, minute):
    assert read_time(f"{hour:02d}:{minute:02d}") == time(hour, minute)
    half = "am" if hour < 12 else "pm"
    assert read_time(f"{(hour % 12) or 12}:{minute:02d}{half}") == time(hour, minute)


def test_a_whole_request_in_any_order():
    wanted = QotdRequest("set", time(9), "Europe/Paris", "weekdays", "jonze")
    assert read_request("09:00 Europe/Paris weekdays jonze", DIRECTORS) == wanted
    assert read_request("jonze weekdays europe/paris 9am", DIRECTORS) == wanted
    assert read_request("9 am Europe/Paris", DIRECTORS) == QotdRequest(
        "set", time(9), "Europe/Paris"
    )


def test_show_off_and_list():
    assert read_request("", DIRECTORS).action == "show"
    assert read_request("off", DIRECTORS).action == "off"
    assert read_request("LIST", DIRECTORS).action == "list"


def test_the_askers_own_zone_when_none_is_given():
    assert (
        read_request("21:30", DIRECTORS, default_zone="America/Toronto").zone == "America/Toronto"
    )
    with pytest.raises(QotdError, match="which time zone"):
        read_request("21:30", DIRECTORS)


def test_an_unknown_zone_answers_with_the_closest_names():
    with pytest.raises(QotdError) as refused:
        read_request("09:00 Europe/Pari", DIRECTORS)
    assert "Did you mean Europe/Paris" in str(refused.value)
    assert closest_zones("Amerca/Toronto")[0] == "America/Toronto"
    assert "Asia/Tokyo" in closest_zones("tokyo")


@pytest.mark.parametrize("typed", ["09:00 Europe/Paris nolan", "weekdays", "Europe/Paris"])
def test_what_cannot_be_a_request_says_what_would(typed):
    with pytest.raises(QotdError):
        read_request(typed, DIRECTORS)


def test_a_weekday_schedule_skips_the_weekend_and_keeps_daylight_saving():
    request = read_request("02:30 America/Toronto", DIRECTORS)
    zone = ZoneInfo("America/Toronto")
    # 8 March 2026: clocks go from 02:00 to 03:00, so the 02:30 slot is at 03:00.
    spring = slot_on(request.schedule(), zone, datetime(2026, 3, 8).date())
    assert spring is not None and spring.astimezone(zone).time() == time(3, 0)
    weekdays = read_request("09:00 America/Toronto weekdays", DIRECTORS).schedule()
    saturday = datetime(2026, 11, 28).date()
    assert slot_on(weekdays, zone, saturday) is None
    assert slot_on(weekdays, zone, saturday + timedelta(days=2)) is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_request_or_a_short_clear_error(typed):
    try:
        request = read_request(typed, {"jonze", "varda"}, "Europe/Paris")
    except QotdError as exc:
        assert 0 < len(str(exc)) <= 300
    else:
        assert request.action in ("show", "set", "off", "list")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.text(max_size=120), st.sampled_from([None, "daily", "x"]))
def test_any_discord_options_are_a_request_or_a_short_clear_error(at, zone, days):
    try:
        request = request_from_options(at, zone, days, None, {"jonze"})
    except QotdError as exc:
        assert 0 < len(str(exc)) <= 300
    else:
        assert request.action == "set" and request.zone is not None


def test_zone_choices_fit_discord_and_find_by_city_or_typo():
    from bot.daily.zones import zone_choices

    for typed in ("", "par", "Europe/Pariss", "x" * 500, "\u200b", "new york"):
        found = zone_choices(typed)
        assert len(found) <= 25
        assert all(len(c.label) <= 100 and len(c.value) <= 100 for c in found)
    assert zone_choices("Kolkatta")[0].value == "Asia/Kolkata"
