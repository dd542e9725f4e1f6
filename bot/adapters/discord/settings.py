"""What the Discord adapter needs from the environment. The token never appears in a repr."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.environment import SettingsError, url

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
        return cls(token, api_base, int(guild) if guild else None, public_key)
