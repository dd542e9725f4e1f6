"""The quote of the day on Slack: chat.postMessage, its errors sorted into retry or not."""

from __future__ import annotations

from datetime import date

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import daily_message
from bot.adapters.slack.settings import SlackSettings
from bot.book import Quote
from bot.delivery import DeliveryError

# chat.postMessage errors that trying again will not cure.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "not_authed",
        "invalid_auth", "account_inactive", "token_revoked", "no_permission",
        "restricted_action", "restricted_action_read_only_channel", "team_access_not_granted",
        "ekm_access_denied", "msg_too_long", "invalid_blocks", "no_text", "access_denied",
    }
)  # fmt: skip


class SlackPoster:
    """Posts the quote of the day with chat.postMessage."""

    def __init__(self, settings: SlackSettings) -> None:
        self.client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)

    async def post(self, channel: str, quote: Quote, day: date) -> str:
        try:
            response = await self.client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False, **daily_message(quote, day)
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or f"HTTP {status}")
            if status == 429:
                retry_after = exc.response.headers.get("Retry-After", "1")
                raise DeliveryError("rate limited (429)", False, seconds(retry_after)) from None
            raise DeliveryError(error, error in PERMANENT_ERRORS) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryError(f"network: {exc.__class__.__name__}", False) from None
        return str(response.get("ts"))

    async def close(self) -> None:
        """Nothing to close: slack-sdk opens a session per request."""


def seconds(value: str | list[str]) -> float:
    """A Retry-After header's seconds (one second if it cannot be read)."""
    try:
        return max(0.0, float(value if isinstance(value, str) else value[0]))
    except (IndexError, ValueError):
        return 1.0
