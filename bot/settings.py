"""Where things are: the bundled quote book and the user's overrides."""

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
