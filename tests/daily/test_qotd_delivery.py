"""Subscriptions' posts: each channel exactly once per date in its own zone, at its own
time, through the real posters to the fake Discord and Slack; a director's own cycle;
pausing on a channel that is gone or closed, resuming when set again; instances racing."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.book.loader import load_book
from bot.book.quote_book import QuoteBook
from bot.daily.delivery import Daily
from bot.daily.desk import Asker, QotdDesk, Wording
from bot.daily.requests import read_request
from bot.daily.rounds import post_round, with_next_due
from bot.daily.scheduler import run_schedule
from bot.daily.settings_file import DailyConfig
from bot.store import open_store
from bot.store.records import SubscriptionRecord
from bot.store.roles import Store
from tests.fakes.clock import FakeClock
from tests.fakes.discord import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.fixtures import GOOD_FILE, QUOTES, daily_to_fakes, write

SLACK_CHANNEL = "C0FILMCLB1"
TEAM = "T0FILMCLB"
CONFIG = DailyConfig(grace=timedelta(hours=1))
WORDING = Wording("/qotd 09:00 Europe/Paris", "admins", str, str)


@pytest.fixture
def book(tmp_path: Path) -> QuoteBook:
    """Jonze's quotes and Varda's."""
    folder = tmp_path / "quotes"
    folder.mkdir()
    write(folder, "varda.yaml", GOOD_FILE)
    (folder / "jonze.yaml").write_text((QUOTES / "jonze.yaml").read_text("utf-8"), "utf-8")
    return load_book([folder]).book


def make_daily(store: Store, clock: Any, fakes: tuple[FakeDiscord, FakeSlack], book: Any,
               owner: str = "") -> Daily:  # fmt: skip
    return daily_to_fakes(store, clock, *fakes, CONFIG, book, owner)


async def close(daily: Daily) -> None:
    for poster in daily.posters.values():
        await poster.close()


def subscribe(store: Store, book: Any, text: str, now: datetime, platform: str = "slack",
              channel: str = SLACK_CHANNEL) -> None:  # fmt: skip
    """Set a subscription as /qotd TEXT would, by an admin."""
    desk = QotdDesk(lambda: store, CONFIG, lambda: book, lambda: now)
    workspace = TEAM if platform == "slack" else GUILD_ID
    asker = Asker(platform, workspace, channel, "U0ADMIN01", "Bea", may_manage=True)
    request = read_request(text, desk.directors())
    assert desk.handle(request, asker, WORDING).public is not None


def local(zone: str, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


async def run_until(daily: Daily, clock: FakeClock) -> None:
    """Run the scheduler until ``clock`` has passed its ``until``. Days of simulated time:
    it wakes every hour rather than every minute (quotebot's POLL_S) when nothing is due,
    which still wakes it inside a skipped and a repeated hour; each slot is slept to
    exactly either way."""
    stop = asyncio.Event()
    clock.stop = stop
    await asyncio.wait_for(run_schedule(daily, stop, poll_s=3600.0), 60)


async def test_each_channel_gets_one_post_per_local_date_at_its_own_time(store, fakes, book):
    start = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    subscribe(store, book, "09:00 Asia/Tokyo", start, channel="C0TOKYO01")
    subscribe(store, book, "09:00 Europe/Paris", start, channel="C0PARIS01")
    subscribe(store, book, "21:30 America/Los_Angeles", start, channel="C0LOSANG1")
    clock = FakeClock(start, until=start + timedelta(days=3))
    daily = make_daily(store, clock, fakes, book)
    await run_until(daily, clock)
    await close(daily)
    _discord, slack = fakes
    by_channel: dict[str, list[str]] = {}
    for message in slack.messages:
        by_channel.setdefault(message["channel"], []).append(message["ts"])
    assert {channel: len(posts) for channel, posts in by_channel.items()} == {
        "C0TOKYO01": 3, "C0PARIS01": 3, "C0LOSANG1": 3,
    }  # fmt: skip
    # Each at its slot, local time: the ledger's sent_at is the fake clock's time.
    paris = [p for p in store.all_posts() if p.target == "slack:C0PARIS01"]
    assert [p.day for p in paris] == ["2026-11-24", "2026-11-25", "2026-11-26"]
    assert all(
        datetime.fromtimestamp(p.sent_at or 0, ZoneInfo("Europe/Paris")).strftime("%H:%M")
        == "09:00"
        for p in paris
    )


async def test_the_same_date_gets_the_same_quote_everywhere(store, fakes, book):
    now = local("Europe/Paris", "2026-11-25T09:00")
    subscribe(store, book, "09:00 Europe/Paris", now - timedelta(days=1), channel="C0PARIS01")
    subscribe(store, book, "09:00 Europe/Paris", now - timedelta(days=1), "discord", CHANNEL_ID)
    daily = make_daily(store, FakeClock(now), fakes, book)
    results = await post_round(daily, store.subscriptions(), now)
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "posted"]
    discord, slack = fakes
    text = discord.messages[0]["embeds"][0]["description"].strip("“”")
    assert text.replace("&", "&amp;") in slack.messages[0]["text"]


async def test_a_director_subscription_draws_from_that_directors_own_cycle(store, fakes, book):
    first = local("Europe/Paris", "2026-11-23T09:00")
    subscribe(store, book, "09:00 Europe/Paris varda", first - timedelta(hours=1))
    daily = make_daily(store, FakeClock(first), fakes, book)
    varda = {q.text for q in book.by_command("varda").quotes}
    shown = []
    for n in range(len(varda)):
        now = first + timedelta(days=n)
        daily.clock = FakeClock(now)
        (result,) = await post_round(daily, store.subscriptions(), now)
        assert result.outcome == "posted"
    await close(daily)
    _discord, slack = fakes
    escaped = {t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"): t for t in varda}
    for message in slack.messages:
        shown.append(next(t for e, t in escaped.items() if e in message["text"]))
    assert sorted(shown) == sorted(varda)  # every Varda quote once, and nobody else's
    assert store.picks() == [] and len(store.picks("varda")) == len(varda)


@pytest.mark.parametrize(
    ("zone", "first"),
    [("America/Toronto", "2026-03-06"), ("Europe/Paris", "2026-03-27"),
     ("America/Toronto", "2026-10-30"), ("Europe/Paris", "2026-10-23")],
)  # fmt: skip
async def test_daylight_saving_days_get_one_post_each(store, fakes, book, zone, first):
    start = local(zone, f"{first}T00:00")
    for at, channel in (("02:30", "C0NIGHT01"), ("09:00", "C0MORNIN1")):
        subscribe(store, book, f"{at} {zone}", start, channel=channel)
    clock = FakeClock(start, until=start + timedelta(days=5))
    daily = make_daily(store, clock, fakes, book)
    await run_until(daily, clock)
    await close(daily)
    for channel in ("C0NIGHT01", "C0MORNIN1"):
        days = [p.day for p in store.all_posts() if p.target == f"slack:{channel}"]
        expected = [str(date.fromisoformat(first) + timedelta(days=n)) for n in range(5)]
        assert days == expected, channel


@pytest.mark.parametrize("gone", ["slack", "discord-404", "discord-403"])
async def test_a_channel_gone_or_closed_pauses_and_setting_it_again_resumes(
    store, fakes, book, gone
):
    discord, slack = fakes
    platform = "slack" if gone == "slack" else "discord"
    channel = SLACK_CHANNEL if platform == "slack" else CHANNEL_ID
    if gone == "slack":
        slack.missing_channels.add(channel)
    elif gone == "discord-404":
        discord.channels.discard(channel)
    else:
        discord.forbidden.add(channel)
    now = local("Europe/Paris", "2026-11-25T09:00")
    subscribe(store, book, "09:00 Europe/Paris", now - timedelta(days=1), platform, channel)
    daily = make_daily(store, FakeClock(now), fakes, book)
    (result,) = await post_round(daily, store.subscriptions(), now)
    assert result.outcome == "failed" and result.channel_closed
    record = store.subscriptions()[0]
    assert record.paused and record.paused == result.detail
    # Paused: the next days' rounds do not even try.
    tomorrow = now + timedelta(days=1)
    assert store.due_subscriptions(tomorrow.timestamp(), 10) == []
    # The bot is let back in, and someone sets it again: it posts the next day.
    slack.missing_channels.clear()
    discord.channels.add(CHANNEL_ID)
    discord.forbidden.clear()
    subscribe(store, book, "09:00 Europe/Paris", tomorrow - timedelta(hours=1), platform, channel)
    (resumed,) = store.due_subscriptions(tomorrow.timestamp(), 10)
    daily.clock = FakeClock(tomorrow)
    (result,) = await post_round(daily, [resumed], tomorrow)
    await close(daily)
    assert result.outcome == "posted"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.system)])
async def test_two_instances_racing_one_subscription_post_once(
    tmp_path, fakes, book, request, backend
):
    where = str(tmp_path / "shared.db")
    if backend == "postgres":
        where = request.getfixturevalue("postgres_url")
    stores = [open_store(where) for _ in range(2)]
    now = local("Europe/Paris", "2026-11-25T09:00")
    subscribe(stores[0], book, "09:00 Europe/Paris", now - timedelta(days=1))
    instances = [make_daily(s, FakeClock(now), fakes, book, f"i{n}") for n, s in enumerate(stores)]
    due = stores[0].due_subscriptions(now.timestamp(), 10)
    results = await asyncio.gather(*(post_round(i, due, now) for i in instances))
    for instance in instances:
        await close(instance)
    outcomes = sorted(r.outcome for batch in results for r in batch)
    assert outcomes.count("posted") == 1
    assert set(outcomes) - {"posted"} <= {"claimed elsewhere", "already posted"}
    _discord, slack = fakes
    assert len(slack.messages) == 1
    for opened in stores:
        opened.close()


async def test_a_subscription_set_after_its_slot_within_grace_posts_now_and_not_twice(
    store, fakes, book
):
    now = local("Europe/Paris", "2026-11-25T09:20")
    subscribe(store, book, "09:00 Europe/Paris", now)
    record = store.subscriptions()[0]
    assert record.next_due == local("Europe/Paris", "2026-11-25T09:00").timestamp()
    daily = make_daily(store, FakeClock(now), fakes, book)
    (first,) = await post_round(daily, store.due_subscriptions(now.timestamp(), 10), now)
    # Set again at another time the same day: the date already has its post.
    subscribe(store, book, "09:30 Europe/Paris", now)
    later = now + timedelta(minutes=15)
    (again,) = await post_round(daily, store.due_subscriptions(later.timestamp(), 10), later)
    await close(daily)
    assert (first.outcome, again.outcome) == ("posted", "already posted")


def test_with_next_due_skips_a_slot_past_its_grace():
    record = SubscriptionRecord("slack", TEAM, "C1", "09:00", "Europe/Paris", "daily", None,
                                "chat", "U1", "gone", 0.0, 0.0)  # fmt: skip
    late = with_next_due(record, local("Europe/Paris", "2026-11-25T10:30"), timedelta(hours=1))
    assert late.paused is None
    assert late.next_due == local("Europe/Paris", "2026-11-26T09:00").timestamp()


async def test_a_community_with_approved_quotes_draws_its_quote_of_the_day_from_its_book(
    store, fakes, book
):
    """A Slack workspace that approved a quote of a new director (Kiarostami): its channel
    subscribed to /kiarostami gets that quote; the same subscription in a workspace
    without it falls back to the whole shipped book."""
    from bot.answers import Answerer
    from bot.community import CommunityBooks
    from bot.store import NewSuggestion

    said = "A film is a question you leave with the audience, not an answer."
    url = "https://example.org/kiarostami"
    new = NewSuggestion("slack", TEAM, "U0MEMBER1", "Abbas Kiarostami", "kiarostami", said, url)
    made = store.suggest(new, 1.0)
    store.set_verification(made.id, "found", "{}", 2.0)
    assert store.decide(made.id, "approved", "U0ADMIN01", 3.0)
    now = local("Europe/Paris", "2026-11-25T09:00")
    for workspace, channel in ((TEAM, "C0OURS0001"), ("T0ELSEWHR", "C0THEIRS01")):
        record = SubscriptionRecord(
            "slack", workspace, channel, "09:00", "Europe/Paris", "daily", "kiarostami",
            "chat", "U0ADMIN01", None, now.timestamp(), now.timestamp(),
        )  # fmt: skip
        store.subscribe(record)
    books = CommunityBooks(Answerer(book), store.approved_version, store.approved)

    async def community(platform: str, workspace: str) -> QuoteBook:
        return (await books.answerer(platform, workspace)).book

    daily = make_daily(store, FakeClock(now), fakes, book)
    daily.community = community
    results = await post_round(daily, store.subscriptions(), now)
    await close(daily)
    assert [r.outcome for r in results] == ["posted", "posted"]
    _discord, slack = fakes
    by_channel = {m["channel"]: m["text"] for m in slack.messages}
    assert said in by_channel["C0OURS0001"]
    assert said not in by_channel["C0THEIRS01"]
    # The other workspace shares the shipped book's cycle; ours has one of its own.
    assert [day for day, _key in store.picks("")] == ["2026-11-25"]
    assert [day for day, _key in store.picks(f"slack:{TEAM}|kiarostami")] == ["2026-11-25"]
