"""The platforms quotebot can run, one entry each. A new platform is a package under
``bot/adapters/`` exporting ``PLATFORM`` (see :mod:`bot.adapters.contract`) and one entry here.

Entries are plain data, so reading them imports no platform library: ``quotebot daily``
checks its targets without loading discord.py or slack-bolt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import cast

from bot.adapters.contract import Platform
from bot.daily import ChannelRule
from bot.environment import setting


@dataclass(frozen=True)
class Entry:
    """One platform: its name, its package, the variable whose presence means it is set
    up (so ``quotebot run`` starts it), and what its channel IDs look like."""

    name: str
    package: str
    credential: str
    channel: ChannelRule
    # Another variable whose presence also means it is set up (Slack's OAuth client ID).
    also: str = ""

    def load(self) -> Platform:
        """The platform itself (this imports its library)."""
        return cast(Platform, import_module(self.package).PLATFORM)

    def configured(self, env: Mapping[str, str]) -> bool:
        return any(setting(env, name) for name in (self.credential, self.also) if name)


PLATFORMS: tuple[Entry, ...] = (
    Entry(
        "discord",
        "bot.adapters.discord",
        "DISCORD_TOKEN",
        ChannelRule(re.compile(r"[0-9]{15,25}"), "a channel ID (digits)"),
    ),
    Entry(
        "slack",
        "bot.adapters.slack",
        "SLACK_BOT_TOKEN",
        ChannelRule(re.compile(r"[CGD][A-Z0-9]{6,}"), "a channel ID like C0123456789"),
        also="SLACK_CLIENT_ID",
    ),
)
BY_NAME = {entry.name: entry for entry in PLATFORMS}
CHANNELS = {entry.name: entry.channel for entry in PLATFORMS}


def configured(env: Mapping[str, str]) -> list[Entry]:
    """The platforms whose credentials are set, in registry order."""
    return [entry for entry in PLATFORMS if entry.configured(env)]
