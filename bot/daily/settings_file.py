"""``quotebot.toml``, the operator's settings file: the quote of the day's schedule,
timezone and targets. (Secrets are never here: they come from the environment.)"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from bot.daily.zones import read_zone

DEFAULT_SCHEDULE = "0 9 * * 1-5"
DEFAULT_GRACE = timedelta(hours=1)
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class ChannelRule:
    """What a platform's channel ID looks like, and how to say so."""

    pattern: re.Pattern[str]
    described: str


_KEYS = {"schedule", "timezone", "targets", "grace_minutes", "admins", "card"}


class ConfigError(Exception):
    """The configuration file is wrong; the message names the file and the setting."""


@dataclass(frozen=True)
class Target:
    """A channel the quote of the day goes to."""

    platform: str
    channel: str
    # The Slack team or Discord server it is in, where known (a subscription's); not part
    # of what it is: a channel gets one post a date whoever set it.
    workspace: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True)
class DailyConfig:
    """When and where the quote of the day is posted."""

    schedule: str = DEFAULT_SCHEDULE
    timezone: ZoneInfo = UTC
    targets: tuple[Target, ...] = ()
    grace: timedelta = DEFAULT_GRACE
    # Slack user IDs who may use /qotd besides the workspace's admins and owners.
    admins: frozenset[str] = frozenset()
    # Post the quote's card (a PNG) with it: an attachment on Discord, an image on Slack.
    card: bool = False
    # Slack user IDs who may review suggestions ([review] reviewers), besides admins.
    reviewers: frozenset[str] = frozenset()

    def platforms(self) -> set[str]:
        return {t.platform for t in self.targets}


def load_config(path: Path, channels: Mapping[str, ChannelRule]) -> DailyConfig:
    """The ``[daily]`` table of ``path``; defaults when the file or the table is absent.
    ``channels`` says which platforms a target may name, and their channel IDs' form."""
    if not path.exists():
        return DailyConfig()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.__class__.__name__})") from None
    daily = data.get("daily", {})
    if not isinstance(daily, dict):
        raise ConfigError(f"{path}: [daily] must be a table")
    config = parse_daily(daily, channels, str(path))
    return replace(config, reviewers=_reviewers(data.get("review", {}), str(path)))


def _reviewers(review: object, where: str) -> frozenset[str]:
    """``[review] reviewers``: Slack user IDs who may review suggestions besides the
    workspace's admins and owners (Discord's moderators are its members' permissions)."""
    if not isinstance(review, dict) or set(review) - {"reviewers"}:
        raise ConfigError(f'{where}: [review] is a table with reviewers = ["U0123ABCD", …]')
    found = review.get("reviewers", [])
    if not isinstance(found, list) or not all(
        isinstance(r, str) and _USER_ID.fullmatch(r) for r in found
    ):
        raise ConfigError(
            f'{where}: [review] reviewers: must be a list of Slack user IDs like ["U0123ABCD"]'
        )
    return frozenset(found)


def parse_daily(
    daily: dict[str, Any], channels: Mapping[str, ChannelRule], where: str = "quotebot.toml"
) -> DailyConfig:
    """Check every setting of ``[daily]``; the first problem raises ConfigError."""

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{where}: [daily] {key}: {message}")

    unknown = set(daily) - _KEYS
    if unknown:
        raise fail(sorted(unknown)[0], f"unknown setting (known: {', '.join(sorted(_KEYS))})")
    schedule = daily.get("schedule", DEFAULT_SCHEDULE)
    if not isinstance(schedule, str):
        raise fail("schedule", 'must be a cron expression in quotes, e.g. "0 9 * * 1-5"')
    zone_name = daily.get("timezone", "UTC")
    if not isinstance(zone_name, str):
        raise fail("timezone", 'must be an IANA name in quotes, e.g. "America/Toronto"')
    # The IANA names only, as /qotd reads them: not "localtime", "Factory" nor the other
    # files of a zone folder, which ZoneInfo would read just as well.
    named = read_zone(zone_name)
    if named is None:
        shown = zone_name[:80]
        raise fail("timezone", f'unknown timezone {shown!r} (an IANA name, e.g. "America/Toronto")')
    zone = ZoneInfo(named)
    try:
        CronSim(schedule, datetime(2026, 1, 1, tzinfo=zone))
    except CronSimError as exc:
        raise fail("schedule", f"not a cron expression: {schedule!r} ({exc})") from None
    targets = daily.get("targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise fail("targets", 'must be a list like ["discord:1234…", "slack:C0123…"]')
    parsed = tuple(_target(t, channels, fail) for t in targets)
    if len(set(parsed)) != len(parsed):
        raise fail("targets", "a target is listed twice")
    grace = daily.get("grace_minutes", DEFAULT_GRACE.total_seconds() / 60)
    if not isinstance(grace, int | float) or isinstance(grace, bool) or not 0 <= grace <= 1440:
        raise fail("grace_minutes", "must be a number of minutes from 0 to 1440")
    admins = daily.get("admins", [])
    if not isinstance(admins, list) or not all(
        isinstance(a, str) and _USER_ID.fullmatch(a) for a in admins
    ):
        raise fail("admins", 'must be a list of Slack user IDs like ["U0123ABCD"]')
    card = daily.get("card", False)
    if not isinstance(card, bool):
        raise fail("card", "must be true or false")
    return DailyConfig(schedule, zone, parsed, timedelta(minutes=grace), frozenset(admins), card)


def _target(
    text: str, channels: Mapping[str, ChannelRule], fail: Callable[[str, str], ConfigError]
) -> Target:
    platform, _, channel = text.strip().partition(":")
    rule = channels.get(platform)
    if rule is None:
        forms = ", ".join(f"{name}:ID" for name in channels)
        raise fail("targets", f"{text!r}: the platform is one of {', '.join(channels)} ({forms})")
    if not rule.pattern.fullmatch(channel):
        raise fail("targets", f"{text!r}: after {platform}: comes {rule.described}")
    return Target(platform, channel)
