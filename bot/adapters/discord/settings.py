"""What the Discord adapter needs from the environment. The token never appears in a repr."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.environment import url
from bot.errors import SettingsError

DISCORD_API_BASE = "https://discord.com/api/v10"
_PUBLIC_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class DiscordSettings:
    """The bot token (never in a repr), where the API is, and a development server."""

    token: str = field(repr=False)
    api_base: str = DISCORD_API_BASE
    guild_id: int | None = None
    # The application's public key (64 hex digits): interactions come over HTTP, verified.
    public_key: str = ""
    # Gateway shards: how many in all, and which this process holds (None: all).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @classmethod
    def from_environ(cls, env: Mapping[str, str]) -> DiscordSettings:
        """Read and check DISCORD_TOKEN, DISCORD_API_BASE and DISCORD_GUILD_ID."""
        token = env.get("DISCORD_TOKEN", "").strip()
        if not token:
            raise SettingsError("DISCORD_TOKEN is not set")
        # A bot token is three dot-separated base64 parts; "Bot " is added by quotebot.
        parts = token.split(".")
        if len(parts) != 3 or not all(parts) or any(c.isspace() for c in token):
            raise SettingsError(
                "DISCORD_TOKEN does not look like a bot token (Developer Portal > Bot > "
                "Reset Token gives one; paste it without a 'Bot ' prefix)"
            )
        api_base = url(env, "DISCORD_API_BASE", DISCORD_API_BASE)
        guild = env.get("DISCORD_GUILD_ID", "").strip()
        if guild and not guild.isdigit():
            raise SettingsError("DISCORD_GUILD_ID must be a server ID (digits), or unset")
        public_key = env.get("DISCORD_PUBLIC_KEY", "").strip().lower()
        if public_key and not _PUBLIC_KEY.fullmatch(public_key):
            raise SettingsError(
                "DISCORD_PUBLIC_KEY must be the application's public key: 64 hexadecimal "
                "digits (Developer Portal > General Information > Public Key)"
            )
        count, ids = _shards(env)
        return cls(token, api_base, int(guild) if guild else None, public_key, count, ids)


def _shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """DISCORD_SHARD_COUNT (a whole number) and DISCORD_SHARD_IDS (``0,2`` or ``0-3``,
    each below the count), to split the gateway's shards across processes."""
    count_text = env.get("DISCORD_SHARD_COUNT", "").strip()
    ids_text = env.get("DISCORD_SHARD_IDS", "").strip()
    if not count_text:
        if ids_text:
            raise SettingsError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (shards in all)")
        return None, None
    if not count_text.isdigit() or not 1 <= int(count_text) <= 10_000:
        raise SettingsError("DISCORD_SHARD_COUNT must be a whole number of shards, 1 or more")
    count = int(count_text)
    if not ids_text:
        return count, None
    ids: list[int] = []
    for part in ids_text.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise SettingsError(
                "DISCORD_SHARD_IDS must list shard numbers, like 0,2 or 0-3 (each below "
                "DISCORD_SHARD_COUNT)"
            )
        ids.extend(range(int(low), int(high if dash else low) + 1))
    if not ids or max(ids) >= count or len(set(ids)) != len(ids):
        raise SettingsError(
            f"DISCORD_SHARD_IDS must name different shards from 0 to {count - 1} "
            "(DISCORD_SHARD_COUNT is how many there are in all)"
        )
    return count, tuple(ids)
