"""``quotebot.toml``: the quote of the day's schedule, timezone and targets."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

Platform = Literal["discord", "slack"]
DEFAULT_SCHEDULE = "0 9 * * 1-5"
DEFAULT_GRACE = timedelta(hours=1)
UTC = ZoneInfo("UTC")
_TARGET = {
    "discord": re.compile(r"[0-9]{15,25}"),  # a channel's snowflake ID
    "slack": re.compile(r"[CGD][A-Z0-9]{6,}"),  # a conversation ID, e.g. C0123456789
}
_KEYS = {"schedule", "timezone", "targets", "grace_minutes"}


class ConfigError(Exception):
    """The configuration file is wrong; the message names the file and the setting."""


@dataclass(frozen=True)
class Target:
    """A channel the quote of the day goes to."""

    platform: Platform
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True)
class DailyConfig:
    """When and where the quote of the day is posted."""

    schedule: str = DEFAULT_SCHEDULE
    timezone: ZoneInfo = UTC
    targets: tuple[Target, ...] = ()
    grace: timedelta = DEFAULT_GRACE

    def platforms(self) -> set[Platform]:
        return {t.platform for t in self.targets}


def load_config(path: Path) -> DailyConfig:
    """The ``[daily]`` table of ``path``; defaults when the file or the table is absent."""
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
    return parse_daily(daily, str(path))


def parse_daily(daily: dict[str, Any], where: str = "quotebot.toml") -> DailyConfig:
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
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("timezone", f"unknown timezone {zone_name!r} (an IANA name)") from None
    try:
        CronSim(schedule, datetime(2026, 1, 1, tzinfo=zone))
    except CronSimError as exc:
        raise fail("schedule", f"not a cron expression: {schedule!r} ({exc})") from None
    targets = daily.get("targets", [])
    if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
        raise fail("targets", 'must be a list like ["discord:1234…", "slack:C0123…"]')
    parsed = tuple(_target(t, fail) for t in targets)
    if len(set(parsed)) != len(parsed):
        raise fail("targets", "a target is listed twice")
    grace = daily.get("grace_minutes", DEFAULT_GRACE.total_seconds() / 60)
    if not isinstance(grace, int | float) or isinstance(grace, bool) or not 0 <= grace <= 1440:
        raise fail("grace_minutes", "must be a number of minutes from 0 to 1440")
    return DailyConfig(schedule, zone, parsed, timedelta(minutes=grace))


def _target(text: str, fail: Callable[[str, str], ConfigError]) -> Target:
    platform, _, channel = text.strip().partition(":")
    pattern = _TARGET.get(platform)
    if pattern is None:
        raise fail("targets", f"{text!r}: the platform is discord or slack (discord:ID, slack:ID)")
    if not pattern.fullmatch(channel):
        what = "a channel ID (digits)" if platform == "discord" else "a channel ID like C0123456789"
        raise fail("targets", f"{text!r}: after {platform}: comes {what}")
    return Target("discord" if platform == "discord" else "slack", channel)
