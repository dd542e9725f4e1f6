"""Where things are: the bundled quote book, and settings read from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_quotes() -> Path:
    """The quotes/ folder that ships with quotebot: inside the installed wheel
    (``bot/quotes``) or, from a source checkout, beside the package."""
    for candidate in (_PACKAGE / "quotes", _PACKAGE.parent / "quotes"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "quotes"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it, never its value."""


@dataclass(frozen=True)
class SlackSettings:
    """What the Slack adapter needs. Tokens never appear in a repr."""

    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    api_url: str = "https://slack.com/api/"

    @classmethod
    def from_environ(cls, env: Mapping[str, str], http: bool = False) -> SlackSettings:
        """Read and check the SLACK_* variables; ``http`` needs the signing secret,
        Socket Mode the app token."""
        bot_token = _token(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token")
        if http:
            secret = env.get("SLACK_SIGNING_SECRET", "").strip()
            if not secret:
                raise SettingsError(
                    "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
                    "(Basic Information > App Credentials)"
                )
            return cls(bot_token, signing_secret=secret, api_url=_api_url(env))
        app_token = _token(env, "SLACK_APP_TOKEN", "xapp-", "an app-level token")
        return cls(bot_token, app_token=app_token, api_url=_api_url(env))

    @classmethod
    def for_posting(cls, env: Mapping[str, str]) -> SlackSettings:
        """Only what chat.postMessage needs: the bot token (and SLACK_API_URL)."""
        return cls(_token(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token"), api_url=_api_url(env))


DISCORD_API_BASE = "https://discord.com/api/v10"


@dataclass(frozen=True)
class DiscordSettings:
    """What the Discord adapter needs. The token never appears in a repr."""

    token: str = field(repr=False)
    api_base: str = DISCORD_API_BASE
    guild_id: int | None = None

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
        api_base = (env.get("DISCORD_API_BASE", "").strip() or DISCORD_API_BASE).rstrip("/")
        guild = env.get("DISCORD_GUILD_ID", "").strip()
        if guild and not guild.isdigit():
            raise SettingsError("DISCORD_GUILD_ID must be a server ID (digits), or unset")
        return cls(token, api_base, int(guild) if guild else None)


def _token(env: Mapping[str, str], name: str, prefix: str, what: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set")
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise SettingsError(f"{name} does not look like {what} (it should start with {prefix})")
    return value


def _api_url(env: Mapping[str, str]) -> str:
    url = env.get("SLACK_API_URL", "").strip() or "https://slack.com/api/"
    return url if url.endswith("/") else url + "/"
