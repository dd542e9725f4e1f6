"""What the Slack adapter needs from the environment. Tokens never appear in a repr."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.environment import setting, token, url
from bot.errors import SettingsError

SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackSettings:
    """The tokens (never in a repr) and where the Web API is."""

    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    api_url: str = SLACK_API_URL
    # OAuth: installable in many workspaces, each answered with its own token.
    client_id: str = ""
    client_secret: str = field(default="", repr=False)

    @property
    def oauth(self) -> bool:
        return bool(self.client_id)

    @classmethod
    def from_environ(cls, env: Mapping[str, str], http: bool = False) -> SlackSettings:
        """Read and check the SLACK_* variables; ``http`` needs the signing secret,
        Socket Mode the app token; SLACK_CLIENT_ID means OAuth (many workspaces)."""
        api_url = url(env, "SLACK_API_URL", SLACK_API_URL, trailing_slash=True)
        if setting(env, "SLACK_CLIENT_ID"):
            return cls._oauth(env, http, api_url)
        bot_token = token(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token")
        if http:
            secret = setting(env, "SLACK_SIGNING_SECRET")
            if not secret:
                raise SettingsError(
                    "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
                    "(Basic Information > App Credentials)"
                )
            return cls(bot_token, signing_secret=secret, api_url=api_url)
        app_token = token(env, "SLACK_APP_TOKEN", "xapp-", "an app-level token")
        return cls(bot_token, app_token=app_token, api_url=api_url)

    @classmethod
    def _oauth(cls, env: Mapping[str, str], http: bool, api_url: str) -> SlackSettings:
        if setting(env, "SLACK_BOT_TOKEN"):
            raise SettingsError(
                "SLACK_CLIENT_ID and SLACK_BOT_TOKEN are both set: SLACK_CLIENT_ID installs "
                "the app in many workspaces (OAuth), SLACK_BOT_TOKEN serves one; unset one"
            )
        missing = [
            name
            for name in ("SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET")
            if not setting(env, name)
        ]
        if missing:
            raise SettingsError(
                f"{' and '.join(missing)} not set: installing in many workspaces (SLACK_CLIENT_ID) "
                "needs the app's client secret and signing secret (Basic Information)"
            )
        if not http:
            raise SettingsError(
                "SLACK_CLIENT_ID is set: installing in many workspaces needs quotebot run --http "
                "PORT (for /slack/install and /slack/oauth_redirect)"
            )
        return cls(
            "",
            signing_secret=setting(env, "SLACK_SIGNING_SECRET"),
            api_url=api_url,
            client_id=setting(env, "SLACK_CLIENT_ID"),
            client_secret=setting(env, "SLACK_CLIENT_SECRET"),
        )

    @classmethod
    def for_posting(cls, env: Mapping[str, str]) -> SlackSettings:
        """Only what chat.postMessage needs: the bot token (and SLACK_API_URL); with OAuth,
        no token here: each workspace's comes from the state store."""
        api_url = url(env, "SLACK_API_URL", SLACK_API_URL, trailing_slash=True)
        if setting(env, "SLACK_CLIENT_ID"):
            return cls("", api_url=api_url, client_id=setting(env, "SLACK_CLIENT_ID"))
        return cls(token(env, "SLACK_BOT_TOKEN", "xoxb-", "a bot token"), api_url=api_url)
