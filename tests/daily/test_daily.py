"""The quote of the day: schedule, selection, the state store and exactly-once delivery.

Time is a FakeClock (nothing sleeps until 9:00); posts go through the real Discord and
Slack posters to the fake servers on 127.0.0.1, and are counted there.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.discord import DiscordPoster, DiscordSettings
from bot.adapters.registry import CHANNELS
from bot.book.loader import load_book
from bot.daily.delivery import LEASE_S, Daily
from bot.daily.scheduler import POLL_S, run_schedule
from bot.daily.selection import quote_key, quote_of_the_day
from bot.daily.settings_file import ConfigError, DailyConfig, Target, load_config, parse_daily
from bot.daily.slots import due, next_slot, slot_on
from bot.store import open_store
from bot.store.records import PostRecord
from bot.store.sql import SCHEMA_VERSION
from bot.store.sqlite import SQLiteStore
from tests.fakes.clock import FakeClock
from tests.fakes.discord import CHANNEL_ID, TOKEN, FakeDiscord, rate_limited
from tests.fakes.slack import FakeSlack
from tests.fixtures import GOOD_FILE, QUOTES, daily_to_fakes, write

TORONTO = ZoneInfo("America/Toronto")
SLACK_CHANNEL = "C0FILMCLB1"
TARGETS = (Target("discord", CHANNEL_ID), Target("slack", SLACK_CHANNEL))
WEEKDAYS_AT_9 = DailyConfig("0 9 * * 1-5", TORONTO, TARGETS, timedelta(hours=1))
BOOK = load_book([QUOTES]).book
# How often a scheduler simulating days wakes when nothing is due (quotebot's: POLL_S).
SIMULATED_POLL_S = 3600.0


def at(day: str, clock: str = "09:00") -> datetime:
    """A time in Toronto."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=TORONTO)


# ---- schedule --------------------------------------------------------------------------


def test_weekday_schedule_has_a_slot_at_nine_on_weekdays_only():
    assert slot_on("0 9 * * 1-5", TORONTO, date(2026, 11, 27)) == at("2026-11-27")
    assert slot_on("0 9 * * 1-5", TORONTO, date(2026, 11, 28)) is None  # Saturday
    assert next_slot("0 9 * * 1-5", TORONTO, at("2026-11-27", "09:00")) == at("2026-11-30")


def test_a_skipped_time_on_the_spring_forward_day_still_has_one_slot():
    # 2026-03-08: Toronto's clocks go from 02:00 to 03:00; 02:30 does not exist.
    slot = slot_on("30 2 * * *", TORONTO, date(2026, 3, 8))
    assert slot is not None and slot.astimezone(TORONTO).hour == 3


def test_a_repeated_time_on_the_fall_back_day_has_one_slot():
    # 2026-11-01: 01:00-02:00 happens twice. The date's slot is the first 01:30.
    slot = slot_on("30 1 * * *", TORONTO, date(2026, 11, 1))
    assert slot is not None and slot.utcoffset() == timedelta(hours=-4)
    half_hourly = slot_on("*/30 1 * * *", TORONTO, date(2026, 11, 1))
    assert half_hourly is not None and half_hourly.hour == 1 and half_hourly.fold == 0


def test_a_slot_is_due_for_the_grace_period_and_not_after():
    grace = timedelta(hours=1)
    assert due("0 9 * * 1-5", TORONTO, at("2026-11-27", "08:59"), grace) is None
    assert due("0 9 * * 1-5", TORONTO, at("2026-11-27", "09:40"), grace) == date(2026, 11, 27)
    assert due("0 9 * * 1-5", TORONTO, at("2026-11-27", "10:01"), grace) is None
    # A late slot's grace runs past midnight: the date is still the slot's.
    assert due("30 23 * * *", TORONTO, at("2026-11-28", "00:10"), grace) == date(2026, 11, 27)


# ---- configuration -----------------------------------------------------------------------


def test_the_config_file_is_read_and_checked(tmp_path: Path):
    path = tmp_path / "quotebot.toml"
    path.write_text(
        '[daily]\nschedule = "0 9 * * 1-5"\ntimezone = "America/Toronto"\n'
        f'targets = ["discord:{CHANNEL_ID}", "slack:{SLACK_CHANNEL}"]\ngrace_minutes = 30\n'
    )
    config = load_config(path, CHANNELS)
    assert config.targets == TARGETS
    assert config.timezone.key == "America/Toronto"
    assert config.grace == timedelta(minutes=30)
    assert load_config(tmp_path / "absent.toml", CHANNELS) == DailyConfig()


@pytest.mark.parametrize(
    ("daily", "message"),
    [
        ({"timezone": "America/Torronto"}, "timezone: unknown timezone"),
        ({"schedule": "0 25 * * *"}, "schedule: not a cron expression"),
        ({"schedule": "every morning"}, "schedule: not a cron expression"),
        ({"targets": ["discord:general"]}, "after discord: comes a channel ID"),
        ({"targets": ["teams:C0123456"]}, "the platform is one of discord, slack"),
        ({"targets": ["slack:C0123456", "slack:C0123456"]}, "listed twice"),
        ({"grace_minutes": -5}, "grace_minutes"),
        ({"shedule": "0 9 * * *"}, "shedule: unknown setting"),
    ],
)
def test_a_bad_setting_is_named(daily, message):
    with pytest.raises(ConfigError, match=message) as raised:
        parse_daily(daily, CHANNELS, "quotebot.toml")
    assert str(raised.value).startswith("quotebot.toml: [daily] ")


def test_malformed_toml_names_the_file(tmp_path: Path):
    path = tmp_path / "quotebot.toml"
    path.write_text("[daily\nschedule = ")
    with pytest.raises(ConfigError, match=r"quotebot\.toml"):
        load_config(path, CHANNELS)


# ---- selection -------------------------------------------------------------------------


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]


def test_nine_consecutive_dates_get_nine_different_quotes(store):
    picked = [quote_of_the_day(d, BOOK, store, 0) for d in days(date(2026, 11, 25), 9)]
    assert len({q.text for q in picked}) == 9 == len(BOOK.quotes)


def test_a_date_keeps_its_quote_across_restarts(tmp_path: Path):
    first = SQLiteStore(tmp_path / "state.db")
    chosen = quote_of_the_day(date(2026, 11, 25), BOOK, first, 0)
    first.close()
    again = SQLiteStore(tmp_path / "state.db")
    assert quote_of_the_day(date(2026, 11, 25), BOOK, again, 0) == chosen
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_a_cycle_that_runs_out_reshuffles_without_repeating_the_last_quote(store):
    picked = [quote_of_the_day(d, BOOK, store, n) for n, d in enumerate(days(date(2026, 1, 1), 27))]
    for cycle in range(3):
        assert len({q.text for q in picked[cycle * 9 : cycle * 9 + 9]}) == 9
    for n in range(1, 27):
        assert picked[n] != picked[n - 1]


def test_a_new_quote_file_mid_cycle_joins_the_cycle_without_resetting_it(store, good_dir):
    first = [quote_of_the_day(d, BOOK, store, 0) for d in days(date(2026, 1, 1), 5)]
    bigger = load_book([good_dir]).book  # Jonze's nine and three more
    rest = [quote_of_the_day(d, bigger, store, 0) for d in days(date(2026, 1, 6), 7)]
    assert len({q.text for q in first + rest}) == 12


def test_a_quote_removed_from_the_book_is_skipped(store, tmp_path: Path):
    folder = tmp_path / "small"
    folder.mkdir()
    write(folder, "varda.yaml", GOOD_FILE)
    book = load_book([folder]).book
    day = date(2026, 1, 1)
    chosen = quote_of_the_day(day, book, store, 0)
    text = (folder / "varda.yaml").read_text()
    (folder / "varda.yaml").write_text(text.replace(f'"{chosen.text}"', '"A replacement."'))
    smaller = load_book([folder]).book
    assert quote_key(chosen) not in {quote_key(q) for q in smaller.quotes}
    assert quote_of_the_day(day, smaller, store, 0) in smaller.quotes


# ---- the store's claims ------------------------------------------------------------------


def test_a_claim_is_won_once_until_it_expires(store):
    day = date(2026, 11, 25)
    assert store.claim(day, "slack:C1", "a", 1000.0, lease=600)
    assert not store.claim(day, "slack:C1", "b", 1001.0, lease=600)
    assert store.claim(day, "slack:C1", "b", 1601.0, lease=600)  # a crashed: expired
    store.mark_sent(day, "slack:C1", "b", 1602.0, "m1")
    assert not store.claim(day, "slack:C1", "c", 99999.0, lease=600)  # sent is final
    assert store.posts(day)["slack:C1"].status == "sent"


def test_a_released_claim_can_be_taken_again_and_a_failed_one_cannot(store):
    day = date(2026, 11, 25)
    assert store.claim(day, "slack:C1", "a", 0.0, 600)
    store.release(day, "slack:C1", "a", "HTTP 503")
    assert store.claim(day, "slack:C1", "b", 1.0, 600)
    assert store.posts(day)["slack:C1"].attempts == 2
    store.mark_failed(day, "slack:C1", "b", "channel_not_found")
    assert not store.claim(day, "slack:C1", "c", 10_000.0, 600)


# ---- delivery --------------------------------------------------------------------------


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.stop()


@pytest.fixture
async def slack_fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.stop()


def make_daily(
    store, clock, discord_fake, slack_fake, config=WEEKDAYS_AT_9, book=BOOK, owner=""
) -> Daily:
    return daily_to_fakes(store, clock, discord_fake, slack_fake, config, book, owner)


async def close(daily: Daily) -> None:
    for poster in daily.posters.values():
        await poster.close()


async def test_posting_twice_on_one_day_posts_once_per_target(store, discord_fake, slack_fake):
    daily = make_daily(store, FakeClock(at("2026-11-25")), discord_fake, slack_fake)
    first = await daily.post(date(2026, 11, 25))
    second = await daily.post(date(2026, 11, 25))
    await close(daily)
    assert [r.outcome for r in first] == ["posted", "posted"]
    assert [r.outcome for r in second] == ["already posted", "already posted"]
    (discord_message,) = discord_fake.messages
    (slack_message,) = slack_fake.messages
    quote = quote_of_the_day(date(2026, 11, 25), BOOK, store, 0)
    embed = discord_message["embeds"][0]
    assert embed["description"] == f"“{quote.text}”"
    assert embed["title"] == "Quote of the day · Wednesday 25 November 2026"
    assert discord_message["allowed_mentions"] == {"parse": []}
    assert slack_message["channel"] == SLACK_CHANNEL
    assert quote.text.replace("&", "&amp;") in slack_message["text"]


async def test_a_429_is_waited_out_then_posted_once(store, discord_fake, slack_fake):
    from aiohttp import web

    slack_fake.responses["chat.postMessage"] = [
        web.json_response(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "7"}
        )
    ]
    discord_fake.failures.append(rate_limited(0.01))
    clock = FakeClock(at("2026-11-25"))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    results = await daily.post(date(2026, 11, 25))
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "posted"]
    assert clock.sleeps == [7.0]  # Slack's Retry-After; discord.py waits out its own 429
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1


async def test_a_server_error_is_retried_with_backoff(store, discord_fake, slack_fake):
    from aiohttp import web

    slack_fake.responses["chat.postMessage"] = [
        web.json_response({"ok": False, "error": "internal_error"}, status=503),
        web.json_response({"ok": False, "error": "internal_error"}, status=500),
    ]
    clock = FakeClock(at("2026-11-25"))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    results = await daily.post(date(2026, 11, 25))
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "posted"]
    assert clock.sleeps == [2.0, 4.0]
    assert len(slack_fake.messages) == 1


async def test_a_deleted_channel_fails_for_good_without_blocking_the_others(
    store, discord_fake, slack_fake, caplog
):
    slack_fake.missing_channels.add(SLACK_CHANNEL)
    daily = make_daily(store, FakeClock(at("2026-11-25")), discord_fake, slack_fake)
    results = await daily.post(date(2026, 11, 25))
    again = await daily.post(date(2026, 11, 25))
    await close(daily)
    assert [(r.outcome, r.detail) for r in results] == [
        ("posted", f"message {discord_fake.messages[0]['id']}"),
        ("failed", "channel_not_found"),
    ]
    assert again[1].outcome == "failed" and "channel_not_found" in again[1].detail
    assert len(slack_fake.calls_to("chat.postMessage")) == 1  # not tried again
    assert "channel_not_found" in caplog.text


@pytest.mark.parametrize(("forbidden", "reason"), [(True, "403"), (False, "unknown channel")])
async def test_a_discord_channel_without_access_fails_for_good(
    store, discord_fake, slack_fake, forbidden, reason
):
    discord_fake.channels.discard(CHANNEL_ID)
    if forbidden:
        discord_fake.channels.add(CHANNEL_ID)
        discord_fake.forbidden.add(CHANNEL_ID)
    daily = make_daily(store, FakeClock(at("2026-11-25")), discord_fake, slack_fake)
    results = await daily.post(date(2026, 11, 25))
    await close(daily)
    assert results[0].outcome == "failed" and reason in results[0].detail
    assert results[1].outcome == "posted"


async def test_a_crash_after_claiming_is_retried_once_the_claim_expires(
    store, discord_fake, slack_fake
):
    day, slot = date(2026, 11, 25), at("2026-11-25")
    # An instance claimed both posts at 9:00 and died before sending.
    for target in TARGETS:
        assert store.claim(day, str(target), "crashed", slot.timestamp(), LEASE_S)
    clock = FakeClock(slot + timedelta(minutes=1))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    assert [r.outcome for r in await daily.post(day)] == ["claimed elsewhere"] * 2
    clock.time = slot + timedelta(seconds=LEASE_S + 1)
    assert [r.outcome for r in await daily.post(day)] == ["posted"] * 2
    await close(daily)
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1


async def test_a_crash_after_the_platform_took_the_post_does_not_post_again(
    store, discord_fake, slack_fake
):
    # An instance claimed both posts, the platforms accepted them, and it died before it
    # could record them: the claims expire, and the next instance looks before sending.
    day, slot = date(2026, 11, 25), at("2026-11-25")
    crashed = make_daily(store, FakeClock(slot), discord_fake, slack_fake, owner="crashed")
    quote = await crashed.quote(day)
    for target in TARGETS:
        assert store.claim(day, str(target), "crashed", slot.timestamp(), LEASE_S)
        await crashed.posters[target.platform].post(target.channel, quote, day)
    await close(crashed)
    clock = FakeClock(slot + timedelta(seconds=LEASE_S + 1))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    results = await daily.post(day)
    await close(daily)
    assert [r.outcome for r in results] == ["already posted"] * 2
    assert all("found in the channel" in r.detail for r in results)
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1
    assert all(record.status == "sent" for record in store.posts(day).values())


async def test_a_public_channel_posted_to_without_membership_is_joined_to_look(
    store, discord_fake, slack_fake
):
    # chat:write.public posts where the bot was never added; reading the history needs
    # membership, so quotebot joins (channels:join) rather than post a second time.
    slack_fake.joined = set()
    day, slot = date(2026, 11, 25), at("2026-11-25")
    crashed = make_daily(store, FakeClock(slot), discord_fake, slack_fake, owner="crashed")
    quote = await crashed.quote(day)
    assert store.claim(day, str(TARGETS[1]), "crashed", slot.timestamp(), LEASE_S)
    await crashed.posters["slack"].post(SLACK_CHANNEL, quote, day)
    await close(crashed)
    daily = make_daily(
        store, FakeClock(slot + timedelta(seconds=LEASE_S + 1)), discord_fake, slack_fake
    )
    results = await daily.post(day)
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "already posted"]
    assert slack_fake.joined == {SLACK_CHANNEL}
    assert len(slack_fake.messages) == 1


async def test_another_dates_post_in_the_channel_is_not_taken_for_todays(
    store, discord_fake, slack_fake
):
    yesterday, day, slot = date(2026, 11, 24), date(2026, 11, 25), at("2026-11-25")
    earlier = make_daily(store, FakeClock(slot - timedelta(days=1)), discord_fake, slack_fake)
    assert [r.outcome for r in await earlier.post(yesterday)] == ["posted"] * 2
    await close(earlier)
    for target in TARGETS:  # today's claims, taken and abandoned before sending anything
        assert store.claim(day, str(target), "crashed", slot.timestamp(), LEASE_S)
    daily = make_daily(
        store, FakeClock(slot + timedelta(seconds=LEASE_S + 1)), discord_fake, slack_fake
    )
    assert [r.outcome for r in await daily.post(day)] == ["posted"] * 2
    await close(daily)
    assert len(discord_fake.messages) == 2 and len(slack_fake.messages) == 2


async def run_scheduler(daily: Daily, clock: FakeClock, poll_s: float = POLL_S) -> None:
    stop = asyncio.Event()
    clock.stop = stop
    await asyncio.wait_for(run_schedule(daily, stop, poll_s), 30)


async def test_the_scheduler_posts_at_the_slot_and_a_restart_does_not_post_again(
    store, discord_fake, slack_fake
):
    clock = FakeClock(at("2026-11-25", "08:00"), until=at("2026-11-25", "12:00"))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    await run_scheduler(daily, clock)
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1
    assert store.posts(date(2026, 11, 25))["slack:" + SLACK_CHANNEL].sent_at == (
        at("2026-11-25").timestamp()
    )
    # Restarted mid-morning, inside the grace period: nothing new.
    clock = FakeClock(at("2026-11-25", "09:30"), until=at("2026-11-25", "12:00"))
    restarted = make_daily(store, clock, discord_fake, slack_fake)
    await run_scheduler(restarted, clock)
    await close(daily)
    await close(restarted)
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1


@pytest.mark.parametrize(("start", "posts"), [("09:45", 1), ("10:15", 0)])
async def test_a_missed_slot_is_posted_late_only_within_the_grace_period(
    store, discord_fake, slack_fake, start, posts
):
    clock = FakeClock(at("2026-11-25", start), until=at("2026-11-25", "23:00"))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    await run_scheduler(daily, clock)
    await close(daily)
    assert len(discord_fake.messages) == posts and len(slack_fake.messages) == posts


@pytest.mark.parametrize(
    ("schedule", "first", "last"),
    [("30 2 * * *", "2026-03-06", "2026-03-10"), ("30 1 * * *", "2026-10-30", "2026-11-03")],
)
async def test_daylight_saving_days_get_one_post_each(
    store, discord_fake, slack_fake, schedule, first, last
):
    config = DailyConfig(schedule, TORONTO, TARGETS, timedelta(hours=1))
    clock = FakeClock(at(first, "00:00"), until=at(last, "23:59"))
    daily = make_daily(store, clock, discord_fake, slack_fake, config)
    # Five days: waking every hour (not every minute) still wakes inside the skipped and
    # the repeated hour, and the slots are slept to exactly either way.
    await run_scheduler(daily, clock, poll_s=SIMULATED_POLL_S)
    await close(daily)
    posted_days = [p.day for p in store.all_posts() if p.status == "sent"]
    expected = [str(d) for d in days(date.fromisoformat(first), 5)]
    assert sorted(posted_days) == sorted(expected * 2)
    assert len(discord_fake.messages) == 5 and len(slack_fake.messages) == 5


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
async def test_two_instances_racing_post_once_per_target(
    tmp_path, discord_fake, slack_fake, request, backend
):
    where = str(tmp_path / "shared.db")
    if backend == "postgres":
        where = request.getfixturevalue("postgres_url")
    stores = [open_store(where) for _ in range(2)]
    clock = FakeClock(at("2026-11-25"))
    instances = [
        make_daily(s, clock, discord_fake, slack_fake, owner=f"i{n}") for n, s in enumerate(stores)
    ]
    results = await asyncio.gather(*(i.post(date(2026, 11, 25)) for i in instances))
    for instance in instances:
        await close(instance)
    for s in stores:
        s.close()
    outcomes = [r.outcome for batch in results for r in batch]
    assert outcomes.count("posted") == 2
    assert set(outcomes) - {"posted"} <= {"claimed elsewhere", "already posted"}
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1


class Broken:
    """A poster with a bug in it (quotebot's own kind of object, not a platform's)."""

    async def post(self, channel: str, quote, day: date, workspace: str = "") -> str:
        raise KeyError("embeds")

    async def find(self, channel: str, day: date, since: float, workspace: str = "") -> str | None:
        return None

    async def close(self) -> None:
        pass


async def test_a_poster_that_breaks_does_not_stop_the_other_target(
    store, discord_fake, slack_fake, caplog
):
    daily = make_daily(store, FakeClock(at("2026-11-25")), discord_fake, slack_fake)
    daily.posters = {**daily.posters, "discord": Broken()}
    results = await daily.post(date(2026, 11, 25))
    await close(daily)
    assert [r.outcome for r in results] == ["gave up for now", "posted"]
    assert "unexpected error: KeyError" in results[0].detail
    assert store.posts(date(2026, 11, 25))[f"discord:{CHANNEL_ID}"].status == "released"
    assert "Traceback" in caplog.text or "KeyError" in caplog.text


class WaitingClock(FakeClock):
    """Like FakeClock, but a retry's wait does not end until the test says so."""

    def __init__(self, now: datetime) -> None:
        super().__init__(now)
        self.waiting = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waiting.set()
        await asyncio.Event().wait()  # never: only cancellation ends it


async def test_stopping_while_waiting_out_a_429_releases_the_claim(store, discord_fake, slack_fake):
    from aiohttp import web

    slack_fake.responses["chat.postMessage"] = [
        web.json_response(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "30"}
        )
    ]
    clock = WaitingClock(at("2026-11-25", "09:00"))
    slack_only = DailyConfig("0 9 * * 1-5", TORONTO, (TARGETS[1],), timedelta(hours=1))
    daily = make_daily(store, clock, discord_fake, slack_fake, slack_only)
    stop = asyncio.Event()
    run = asyncio.create_task(run_schedule(daily, stop))
    await clock.waiting.wait()  # the Slack post is waiting out its 429
    stop.set()
    await asyncio.wait_for(run, 10)
    await close(daily)
    assert store.posts(date(2026, 11, 25))[f"slack:{SLACK_CHANNEL}"].status == "released"
    assert not slack_fake.messages


async def test_a_long_discord_rate_limit_gives_the_claim_back_for_a_later_round(
    store, discord_fake, slack_fake
):
    # Longer than discord.py may wait by itself (30 s) and than a post holds its claim for.
    discord_fake.failures.append(rate_limited(120.0))
    clock = FakeClock(at("2026-11-25"))
    daily = make_daily(store, clock, discord_fake, slack_fake)
    results = await daily.post(date(2026, 11, 25))
    assert [r.outcome for r in results] == ["gave up for now", "posted"]
    assert "retry after 120 s" in results[0].detail
    assert clock.sleeps == []  # not retried early, and the claim is not held meanwhile
    clock.time += timedelta(seconds=120)
    assert [r.outcome for r in await daily.post(date(2026, 11, 25))] == [
        "posted",
        "already posted",
    ]
    await close(daily)
    assert len(discord_fake.messages) == 1


class Unreachable(SQLiteStore):
    """A store whose database is out of reach for its first ``failures`` claims."""

    def __init__(self, path: Path, failures: int) -> None:
        super().__init__(path)
        self.failures = failures

    def claim_many(self, *args, **kwargs) -> list[tuple[bool, PostRecord | None]]:
        if self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("unable to open database file")
        return super().claim_many(*args, **kwargs)


async def test_a_store_out_of_reach_is_retried_without_stopping_the_scheduler(
    tmp_path, discord_fake, slack_fake, caplog
):
    flaky = Unreachable(tmp_path / "state.db", failures=2)
    clock = FakeClock(at("2026-11-25", "09:00"), until=at("2026-11-25", "12:00"))
    daily = make_daily(flaky, clock, discord_fake, slack_fake)
    await run_scheduler(daily, clock)
    await close(daily)
    flaky.close()
    assert "the state store failed: OperationalError" in caplog.text
    assert len(discord_fake.messages) == 1 and len(slack_fake.messages) == 1


async def test_pace_spaces_starts_evenly_however_many_ask_at_once():
    from bot.adapters.pacing import Pace

    now = [100.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    pace = Pace(40.0, clock=lambda: now[0], sleep=sleep)
    await asyncio.gather(*(pace.wait() for _ in range(5)))
    assert waited == pytest.approx([0.025, 0.05, 0.075, 0.1])
    now[0] += 10  # idle since: the next one goes at once
    await pace.wait()
    assert len(waited) == 4


@pytest.mark.system  # real time: sixty posts paced under 50/s take over a second
async def test_a_burst_of_discord_posts_keeps_under_the_global_rate_limit(store, discord_fake):
    discord_fake.global_rate = 50
    channels = [str(4_000_000_000_000_000_000 + n) for n in range(60)]
    discord_fake.channels |= set(channels)
    quote = BOOK.quotes[0]

    async def burst(poster: DiscordPoster, day: date) -> None:
        await asyncio.gather(*(poster.post(c, quote, day) for c in channels),
                             return_exceptions=True)  # fmt: skip
        await poster.close()

    await burst(
        DiscordPoster(DiscordSettings(TOKEN, api_base=discord_fake.api_base)), date(2026, 11, 25)
    )
    assert len(discord_fake.messages) == 60 and discord_fake.refused == 0
    # The same burst unpaced: past the limit the fake says 429 (global) again and again.
    unpaced = DiscordPoster(DiscordSettings(TOKEN, api_base=discord_fake.api_base), rate=1e6)
    await burst(unpaced, date(2026, 11, 26))
    assert discord_fake.refused > 0
