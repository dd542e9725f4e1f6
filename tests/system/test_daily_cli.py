"""`quotebot daily` and the scheduler in `quotebot run`, as real processes, against fake
Discord and Slack servers; the state store in SQLite and in a real PostgreSQL. (The store
itself on both back ends: tests/store/test_backends.py.)"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.store import open_store
from tests.fakes.discord import CHANNEL_ID, TOKEN, FakeDiscord
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.fixtures import run_daily as daily
from tests.fixtures import start_bot

SLACK_CHANNEL = "C0FILMCLB1"
# Five minutes past the settings file's weekday 09:00 UTC slot: --post finds it due.
AT_SLOT = ("--now", "2026-11-25T09:05:00+00:00")


def write_config(folder: Path, schedule: str = "0 9 * * 1-5", grace: int = 60) -> Path:
    path = folder / "quotebot.toml"
    path.write_text(
        f'[daily]\nschedule = "{schedule}"\ntimezone = "UTC"\ngrace_minutes = {grace}\n'
        f'targets = ["discord:{CHANNEL_ID}", "slack:{SLACK_CHANNEL}"]\n'
    )
    return path


def env_for(fakes: tuple[FakeDiscord, FakeSlack], db: str, config: Path) -> dict[str, str]:
    discord, slack = fakes
    return {
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": discord.api_base,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "QUOTEBOT_DB": db,
        "QUOTEBOT_CONFIG": str(config),
    }


# ---- quotebot daily ----------------------------------------------------------------------


async def test_daily_for_nine_consecutive_dates_shows_nine_different_quotes(tmp_path: Path):
    env = {"QUOTEBOT_DB": str(tmp_path / "state.db"), "QUOTEBOT_CONFIG": str(tmp_path / "none")}
    shown = []
    for n in range(9):
        day = date(2026, 11, 25) + timedelta(days=n)
        code, out, err = await daily("--date", day.isoformat(), env=env)
        assert code == 0, err
        assert out.startswith(f"Quote of the day, {day:%A %-d %B %Y}:")
        shown.append(out.splitlines()[1])
    assert len(set(shown)) == 9


async def test_daily_post_twice_posts_once_per_target(fakes, tmp_path: Path):
    env = env_for(fakes, str(tmp_path / "state.db"), write_config(tmp_path))
    code, out, err = await daily("--post", *AT_SLOT, env=env)
    assert code == 0, err
    assert f"discord:{CHANNEL_ID}: posted" in out and f"slack:{SLACK_CHANNEL}: posted" in out
    code, out, _ = await daily("--post", *AT_SLOT, env=env)
    assert code == 0
    assert out.count("already posted") == 2
    discord, slack = fakes
    assert len(discord.messages) == 1 and len(slack.messages) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_eight_concurrent_daily_posts_share_a_store_and_post_once(
    fakes, tmp_path: Path, request, backend
):
    db = (
        str(tmp_path / "state.db")
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    env = env_for(fakes, db, write_config(tmp_path))
    runs = await asyncio.gather(*(daily("--post", *AT_SLOT, env=env) for _ in range(8)))
    assert all(code == 0 for code, _, _ in runs), [err for _, _, err in runs]
    outs = "".join(out for _, out, _ in runs)
    assert outs.count(": posted") == 2
    discord, slack = fakes
    assert len(discord.messages) == 1 and len(slack.messages) == 1


async def test_daily_post_reports_a_failing_target_and_exits_1(fakes, tmp_path: Path):
    _discord, slack = fakes
    slack.missing_channels.add(SLACK_CHANNEL)
    env = env_for(fakes, str(tmp_path / "state.db"), write_config(tmp_path))
    code, out, _ = await daily("--post", *AT_SLOT, env=env)
    assert code == 1
    assert f"slack:{SLACK_CHANNEL}: failed (channel_not_found)" in out
    assert f"discord:{CHANNEL_ID}: posted" in out


@pytest.mark.parametrize(
    ("args", "drop", "message"),
    [
        (["--post"], "SLACK_BOT_TOKEN", "error: SLACK_BOT_TOKEN is not set"),
        (["--post", "--date", "2020-01-01"], "", "--post posts what is due now"),
        (["--date", "tomorrow"], "", "not a date"),
    ],
)
async def test_daily_usage_errors_exit_2(fakes, tmp_path: Path, args, drop, message):
    env = env_for(fakes, str(tmp_path / "state.db"), write_config(tmp_path))
    env.pop(drop, None)
    code, _, err = await daily(*args, env=env)
    assert code == 2
    assert message in err


async def test_a_bad_config_file_exits_2_naming_it(tmp_path: Path):
    config = tmp_path / "quotebot.toml"
    config.write_text('[daily]\ntimezone = "Mars/Olympus"\n')
    code, _, err = await daily(env={"QUOTEBOT_CONFIG": str(config), "QUOTEBOT_DB": ":memory:"})
    assert code == 2
    assert f"error: {config}: [daily] timezone: unknown timezone 'Mars/Olympus'" in err


# ---- the scheduler in quotebot run -----------------------------------------------------------


def slot_minutes_ago(minutes: int) -> str:
    """A daily cron schedule (UTC) whose slot today came ``minutes`` ago."""
    then = datetime.now(UTC) - timedelta(minutes=minutes)
    return f"{then.minute} {then.hour} * * *"


async def test_run_posts_a_due_slot_and_a_restarted_run_does_not_post_again(fakes, tmp_path: Path):
    config = write_config(tmp_path, schedule=slot_minutes_ago(5), grace=60)
    env = env_for(fakes, str(tmp_path / "state.db"), config)
    discord, slack = fakes
    tomorrow = f"{datetime.now(UTC) + timedelta(days=1) - timedelta(minutes=5):%Y-%m-%d %H:%M}"
    for run in range(2):
        bot = await start_bot("run", "discord", env=env)
        if run == 0:
            # Results are logged by platform and channel.
            await bot.wait_for_line(rf"discord:{CHANNEL_ID}: posted")
            await bot.wait_for_line(rf"slack:{SLACK_CHANNEL}: posted")
        # Restarted inside the grace period: the next slot is tomorrow's, nothing is posted.
        await bot.wait_for_line(rf"daily: next slot {tomorrow} UTC")
        assert await bot.stop() == 0
        assert len(discord.messages) == 1 and len(slack.messages) == 1
        assert "already posted" not in bot.log


async def test_run_serves_discord_and_slack_and_posts_the_daily_in_one_process(
    fakes, tmp_path: Path
):
    discord, slack = fakes
    config = write_config(tmp_path, schedule=slot_minutes_ago(5), grace=60)
    env = {**env_for(fakes, str(tmp_path / "state.db"), config), "SLACK_APP_TOKEN": APP_TOKEN}
    bot = await start_bot("run", env=env)  # both tokens set: both platforms, and the daily
    await slack.connected()
    ack = await slack.slash_command("/jonze", "edting")
    assert ack["payload"]["response_type"] == "in_channel"
    callback = await discord.interact(discord.command("jonze", topic="cutting"))
    assert callback["data"]["embeds"][0]["author"]["name"] == "Spike Jonze"
    await bot.wait_for_line(rf"slack:{SLACK_CHANNEL}: posted")
    assert await bot.stop() == 0
    assert len(discord.messages) == 1 and len(slack.messages) == 1
    assert "Traceback" not in bot.log


async def test_an_unreachable_store_exits_2_without_its_password(tmp_path: Path):
    env = {
        "QUOTEBOT_DB": "postgresql://quotebot:s3cret-pw@127.0.0.1:9/quotebot",
        "QUOTEBOT_CONFIG": str(tmp_path / "none.toml"),
    }
    code, _, err = await daily(env=env)
    assert code == 2
    assert "cannot open the state store QUOTEBOT_DB (postgresql://quotebot:***@127.0.0.1:9" in err
    assert "s3cret-pw" not in err


async def test_a_post_the_store_cannot_record_is_one_line_and_exit_1(fakes, tmp_path, postgres_url):
    # A role that may claim a post but not record it sent (no UPDATE of sent_at): the
    # store write after a successful post fails, as on a read-only or full disk.
    open_store(postgres_url).close()
    role = f"qb_no_record_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT SELECT, INSERT, UPDATE ON quote_picks TO {role}")
        admin.execute(f"GRANT SELECT ON schema_version TO {role}")
        admin.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON subscriptions TO {role}")
        admin.execute(f"GRANT SELECT, INSERT ON daily_posts TO {role}")
        admin.execute(
            f"GRANT UPDATE (status, owner, claimed_at, attempts, reason) ON daily_posts TO {role}"
        )
    try:
        url = postgres_url.replace("postgres@", f"{role}@", 1)
        env = env_for(fakes, url, write_config(tmp_path))
        code, out, err = await daily("--post", *AT_SLOT, env=env)
        assert code == 1
        assert "Traceback" not in err and "ExceptionGroup" not in err
        assert f"slack:{SLACK_CHANNEL}: failed (posted as message " in out
        assert "but the state store could not record it (InsufficientPrivilege: " in out
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


async def test_daily_now_acts_at_another_moment(fakes, tmp_path: Path):
    env = env_for(fakes, str(tmp_path / "state.db"), write_config(tmp_path))
    code, out, _ = await daily("--now", "2026-12-25T10:00:00-05:00", env=env)
    assert code == 0 and "Quote of the day, Friday 25 December 2026:" in out
    # Six hours past the 09:00 UTC slot, beyond the hour's grace: nothing is due.
    code, out, _ = await daily("--post", "--now", "2026-12-25T15:05:00+00:00", env=env)
    assert code == 0 and out.startswith("nothing due at 2026-12-25T15:05+00:00")
    code, out, _ = await daily("--post", "--now", "2026-12-25T10:05:00+01:00", env=env)
    assert code == 0 and out.count(": posted") == 2
    discord, _slack = fakes
    assert discord.messages[0]["embeds"][0]["title"].endswith("Friday 25 December 2026")
    code, _, err = await daily("--now", "2026-12-25T10:00", env=env)
    assert code == 2 and "not a time with its offset" in err


async def test_daily_list_shows_every_subscription_with_its_next_post(tmp_path: Path):
    from bot.store.records import SubscriptionRecord

    db = str(tmp_path / "state.db")
    store = open_store(db)
    for channel, paused in (("C0FILMCLB2", None), ("C0GONE", "channel_not_found")):
        store.subscribe(
            SubscriptionRecord(
                "slack",
                "T0FILMCLB",
                channel,
                "21:30",
                "Europe/Paris",
                "weekdays",
                "jonze",
                "chat",
                "U0CINEPHILE",
                paused,
                0.0,
                0.0,
            )
        )
    store.close()
    env = {"QUOTEBOT_DB": db, "QUOTEBOT_CONFIG": str(write_config(tmp_path))}
    # A Saturday: the toml's weekday 09:00 UTC and the chat's weekday 21:30 in Paris are
    # both next on Monday.
    code, out, _ = await daily("--list", "--now", "2026-11-28T12:00:00-05:00", env=env)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["platform", "channel", "when", "zone", "days", "director",
                                "next", "post", "set", "by"]  # fmt: skip
    assert any(
        line.split()[:2] == ["discord", CHANNEL_ID] and "2026-11-30 09:00" in line for line in lines
    )
    paris = next(line for line in lines if "C0FILMCLB2" in line)
    assert "21:30" in paris and "weekdays" in paris and "jonze" in paris
    assert "2026-11-30 21:30" in paris and "U0CINEPHILE" in paris
    assert "paused: channel_not_found" in next(line for line in lines if "C0GONE" in line)


async def test_daily_list_with_nothing_subscribed_says_how_to_start(tmp_path: Path):
    env = {
        "QUOTEBOT_DB": str(tmp_path / "state.db"),
        "QUOTEBOT_CONFIG": str(tmp_path / "none.toml"),
    }
    code, out, _ = await daily("--list", env=env)
    assert code == 0 and out.startswith("no subscriptions: /qotd in a channel")


async def test_daily_post_now_posts_exactly_what_is_due_among_chat_subscriptions(
    fakes, tmp_path: Path
):
    from bot.store.records import SubscriptionRecord

    db = str(tmp_path / "state.db")
    store = open_store(db)
    for platform, channel, at_time, paused in (
        ("slack", "C0DUENOW1", "09:00", None),  # came five minutes ago: due
        ("slack", "C0NOTYET1", "10:00", None),  # later today
        ("slack", "C0MISSED1", "07:00", None),  # two hours ago, past the hour's grace
        ("slack", "C0PAUSED1", "09:00", "channel_not_found"),
        ("discord", CHANNEL_ID, "09:00", None),  # due, and from one director
    ):
        store.subscribe(
            SubscriptionRecord(
                platform, "T0FILMCLB", channel, at_time, "Europe/Paris", "daily",
                "jonze" if platform == "discord" else None, "chat", "U0ADMIN01", paused,
                0.0, 0.0,
            )
        )  # fmt: skip
    store.close()
    # No quotebot.toml at all: chat subscriptions alone are a valid set-up.
    env = env_for(fakes, db, tmp_path / "absent.toml")
    code, out, err = await daily("--post", "--now", "2026-12-01T09:05:00+01:00", env=env)
    assert code == 0, err
    assert len(out.splitlines()) == 2
    assert "slack:C0DUENOW1: posted" in out and f"discord:{CHANNEL_ID}: posted" in out
    for other in ("C0NOTYET1", "C0MISSED1", "C0PAUSED1"):
        assert other not in out
    discord, slack = fakes
    assert [m["channel"] for m in slack.messages] == ["C0DUENOW1"]
    assert discord.messages[0]["embeds"][0]["author"]["name"] == "Spike Jonze"
    code, out, _ = await daily("--post", "--now", "2026-12-01T09:06:00+01:00", env=env)
    assert code == 0 and out.count("already posted") == 2
    assert len(slack.messages) == 1 and len(discord.messages) == 1
