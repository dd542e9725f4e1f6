"""What the Slack adapter needs from the environment. Tokens never appear in a repr."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.environment import SettingsError, token, url

SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackSettings:
    """The tokens (never in a repr) and where the Web API is."""

    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    api_url: str = SLACK_API_URL

    @classmethod
    def from_environ(cls, env: Mapping[str, str], http: bool = False) -> SlackSettings:
        """Read and check the SLACK_* variables; ``http`` needs the signing secret,
        Socket Mode the app token."""
        bot_token = token(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token")
        api_url = url(env, "SLACK_API_URL", SLACK_API_URL, trailing_slash=True)
        if http:
            secret = env.get("SLACK_SIGNING_SECRET", "").strip()
            if not secret:
                raise SettingsError(
                    "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
                    "(Basic Information > App Credentials)"
                )
            return cls(bot_token, signing_secret=secret, api_url=api_url)
        app_token = token(env, "SLACK_APP_TOKEN", "xapp-", "an app-level token")
        return cls(bot_token, app_token=app_token, api_url=api_url)

    @classmethod
    def for_posting(cls, env: Mapping[str, str]) -> SlackSettings:
        """Only what chat.postMessage needs: the bot token (and SLACK_API_URL)."""
        return cls(
            token(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token"),
            api_url=url(env, "SLACK_API_URL", SLACK_API_URL, trailing_slash=True),
        )
