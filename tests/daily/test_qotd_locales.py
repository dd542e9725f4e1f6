"""/qotd's answers in every language: every reply, for any request, within Discord's 2,000
characters and Slack's section; refusals said in the asker's language with what was typed
and the zones suggested kept as data; English byte for byte the code's own wording."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import limits
from bot.book.loader import load_book
from bot.daily.desk import Asker, QotdDesk, Wording
from bot.daily.requests import QotdError, QotdRequest, read_request, request_from_options
from bot.daily.settings_file import DailyConfig
from bot.daily.zones import COMMON_ZONES
from bot.store.records import SubscriptionRecord
from bot.store.sqlite import SQLiteStore
from tests.fixtures import QUOTES

EVERY_LOCALE = ["en-US", "fr", "es-ES", "es-419", "de", "pt-BR", "ja", "ko"]
BOOK = load_book([QUOTES]).book
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DIRECTORS = {"jonze", "varda"}
LIMITS = {
    "discord": limits.DISCORD_CONTENT_MAX,
    "slack": limits.SLACK_SECTION_MAX,
}


def wording(platform: str) -> Wording:
    usage = "`/qotd set time:09:00 timezone:Europe/Paris`"
    return Wording(usage, "members who may manage this channel (Manage Channels)",
                   lambda c: f"<#{c}>", lambda u: f"<@{u}>", LIMITS[platform])  # fmt: skip


WORKSPACES = itertools.count()


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[QotdDesk, Path]]:
    path: Path = tmp_path_factory.mktemp("qotd") / "state.db"
    made = QotdDesk(lambda: SQLiteStore(path), DailyConfig(), lambda: BOOK, lambda: NOW)
    yield made, path
    made.close()


typed = st.text(max_size=300)
names = st.text(min_size=1, max_size=200)
paused = st.none() | st.text(min_size=1, max_size=300)


@settings(max_examples=150, deadline=None)
@given(locale=st.sampled_from(EVERY_LOCALE), text=typed, at=typed, zone=typed)
def test_every_refusal_of_what_was_typed_fits_every_platform(
    locale: str, text: str, at: str, zone: str
) -> None:
    attempts: list[Callable[[], QotdRequest]] = [
        lambda: read_request(text, DIRECTORS, None),
        lambda: request_from_options(at, zone, None, text, DIRECTORS),
    ]
    for attempt in attempts:
        try:
            attempt()
        except QotdError as exc:
            said = exc.said(locale)
            assert 0 < len(said) <= min(LIMITS.values()) - 200  # room for the usage
            if locale in ("en-US", "ko"):
                assert said == str(exc)
            else:
                assert said != str(exc)


@settings(max_examples=60, deadline=None)
@given(
    locale=st.sampled_from(EVERY_LOCALE),
    platform=st.sampled_from(sorted(LIMITS)),
    channels=st.integers(0, 40),
    name=names,
    why=paused,
    may=st.booleans(),
    in_channel=st.booleans(),
    director=st.sampled_from([None, "jonze"]),
)
def test_every_reply_in_every_language_fits_every_platform(
    state: tuple[QotdDesk, Path],
    locale: str,
    platform: str,
    channels: int,
    name: str,
    why: str | None,
    may: bool,
    in_channel: bool,
    director: str | None,
) -> None:
    desk, path = state
    workspace = f"W{next(WORKSPACES)}"
    store = SQLiteStore(path)
    try:
        for n in range(channels):
            store.subscribe(_record(platform, workspace, f"C{n:04d}", why, director))
    finally:
        store.close()
    asker = Asker(platform, workspace, "C0000", "U1", name, may, None, in_channel)
    requests = [QotdRequest("show"), QotdRequest("list"), QotdRequest("off"),
                QotdRequest("set", time(9, 0), "Europe/Paris", "weekdays", director)]  # fmt: skip
    for request in requests:
        reply = desk.handle(request, asker, wording(platform), locale)
        assert 0 < len(reply.private) <= LIMITS[platform], (locale, request, reply.private)
        if reply.public is not None:
            assert len(reply.public) <= LIMITS[platform]
            assert reply.public.startswith("Quote of the day: ")  # always English


def test_a_request_in_french_keeps_the_zones_it_suggests_as_data() -> None:
    with pytest.raises(QotdError) as caught:
        request_from_options("09:00", "Amerca/New_Yrok", None, None, DIRECTORS)
    said = caught.value.said("fr")
    assert said.startswith("Il n’existe pas de fuseau horaire « Amerca/New_Yrok ». Vouliez-vous")
    assert "America/New_York" in said and str(caught.value).startswith("There is no time zone")
    assert caught.value.said("en") == str(caught.value)


def test_typed_braces_are_data_not_placeholders() -> None:
    with pytest.raises(QotdError) as caught:
        read_request("{who} 09:00", DIRECTORS)
    assert caught.value.said("de").startswith("„{who}“ ist weder eine Uhrzeit")


def _record(platform: str, workspace: str, channel: str, why: str | None,
            director: str | None) -> SubscriptionRecord:  # fmt: skip
    return SubscriptionRecord(platform, workspace, channel, "09:00", COMMON_ZONES[0], "weekdays",
                              director, "chat", "U1", why, NOW.timestamp(), 0.0)  # fmt: skip
