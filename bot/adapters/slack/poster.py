"""The quote of the day on Slack: chat.postMessage, its errors sorted into retry or not."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.render import daily_message
from bot.adapters.slack.settings import SlackSettings
from bot.book import Quote
from bot.daily import DeliveryError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.adapters.web.cards import CardPost

log = logging.getLogger("quotebot.daily")

# Messages read back when looking for an earlier post: far more than one channel sees
# between a crash and the claim's expiry.
LOOK_BACK = 100
# chat.postMessage errors that trying again will not cure.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "not_authed",
        "invalid_auth", "account_inactive", "token_revoked", "no_permission",
        "restricted_action", "restricted_action_read_only_channel", "team_access_not_granted",
        "ekm_access_denied", "msg_too_long", "invalid_blocks", "no_text", "access_denied",
    }
)  # fmt: skip


# Of those, the ones that say the channel is gone or closed to the bot (not the bot's own
# set-up): its subscription pauses until set again.
CHANNEL_CLOSED = frozenset(
    {
        "channel_not_found", "not_in_channel", "is_archived", "no_permission",
        "restricted_action", "restricted_action_read_only_channel", "ekm_access_denied",
        "access_denied",
    }
)  # fmt: skip


# A workspace's bot token (OAuth), or None when it has not installed the app.
TokenFor = Callable[[str], Awaitable[str | None]]


# The marker a quote of the day carries (Slack message metadata), to find it again.
EVENT_TYPE = "quotebot_daily"


class SlackPoster:
    """Posts the quote of the day with chat.postMessage, marked with the date in the
    message's metadata, and finds such a post again with conversations.history."""

    def __init__(
        self,
        settings: SlackSettings,
        tokens: TokenFor | None = None,
        release: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self._release = release
        # One workspace: its token. Many (OAuth): each workspace's, from the state store.
        self.client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)
        self._tokens = tokens
        self._bot_ids: dict[str, str] = {}
        self.card: CardPost | None = None  # [daily] card = true: the card goes too
        self._said_no_url = False
        # One session for every post, its connections kept alive: slack-sdk alone opens a
        # session (a new connection) per request, a third of a burst's CPU per post.
        self._session: aiohttp.ClientSession | None = None

    def use_card(self, card: CardPost) -> None:
        """Post each quote of the day with its card: an image block Slack fetches from
        the public URL, with its alt text."""
        self.card = card

    def _card_block(self, quote: Quote) -> dict[str, Any] | None:
        """The card as an image block, or None (said once) without a public URL for it."""
        if self.card is None:
            return None
        from bot import limits
        from bot.adapters.web.cards import alt_text

        url = self.card.url(quote)
        if url is None or len(url) > limits.SLACK_IMAGE_URL_MAX:
            if not self._said_no_url:
                self._said_no_url = True
                log.warning(
                    "daily: [daily] card is on, but Slack fetches the card from "
                    "QUOTEBOT_PUBLIC_URL, which is not set (or has not the quote): "
                    "Slack's quotes of the day go without it"
                )
            return None
        alt = alt_text(quote, limits.SLACK_ALT_TEXT_MAX)
        return {"type": "image", "image_url": url, "alt_text": alt}

    async def _client(self, workspace: str) -> AsyncWebClient:
        if self._session is None or self._session.closed:  # made on the loop that posts
            self._session = aiohttp.ClientSession()
            self.client.session = self._session
        if self._tokens is None:
            return self.client
        token = await self._tokens(workspace)
        if not token:
            raise DeliveryError(
                f"workspace {workspace} has not installed the app (or has uninstalled it)",
                True,
                channel=True,
            )
        return AsyncWebClient(token=token, base_url=self.settings.api_url, session=self._session)

    async def post(self, channel: str, quote: Quote, day: date, workspace: str = "") -> str:
        client = await self._client(workspace)
        marker = {"event_type": EVENT_TYPE, "event_payload": {"date": day.isoformat()}}
        message = daily_message(quote, day)
        card = self._card_block(quote)
        if card is not None:
            try:
                with_card = {**message, "blocks": [*message["blocks"], card]}
                return await self._post(client, channel, marker, with_card)
            except DeliveryError as exc:
                # Refused, so not posted: Slack could not fetch the image (the public
                # URL unreachable). The quote goes without its card.
                if exc.reason != "invalid_blocks":
                    raise
                log.warning("daily %s %s: Slack refused the card; posting without it", day,
                            channel)  # fmt: skip
        return await self._post(client, channel, marker, message)

    async def _post(
        self, client: AsyncWebClient, channel: str, marker: dict[str, Any],
        message: dict[str, Any],
    ) -> str:  # fmt: skip
        response = await self._call(
            client.chat_postMessage,
            channel=channel,
            unfurl_links=False,
            unfurl_media=False,
            metadata=marker,
            **message,
        )
        return str(response.get("ts"))

    async def find(self, channel: str, day: date, since: float, workspace: str = "") -> str | None:
        """The ts of this bot's quote of the day for ``day`` posted in ``channel`` since
        ``since`` (epoch seconds), if there is one."""
        client = await self._client(workspace)
        if workspace not in self._bot_ids:
            me = await self._call(client.auth_test)
            self._bot_ids[workspace] = str(me.get("bot_id") or "")
        bot_id = self._bot_ids[workspace]
        try:
            history = await self._history(client, channel, since)
        except DeliveryError as exc:
            if exc.reason != "not_in_channel":
                raise
            # Posted to a public channel it was never added to (chat:write.public): the
            # bot may read the history only as a member, so it joins (channels:join).
            await self._call(client.conversations_join, channel=channel)
            history = await self._history(client, channel, since)
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (
                message.get("bot_id") == bot_id
                and metadata.get("event_type") == EVENT_TYPE
                and (metadata.get("event_payload") or {}).get("date") == day.isoformat()
            ):
                return str(message["ts"])
        return None

    async def _history(self, client: AsyncWebClient, channel: str, since: float) -> Any:  # noqa: ANN401
        return await self._call(
            client.conversations_history,
            channel=channel,
            oldest=f"{since:.6f}",
            limit=LOOK_BACK,
            include_all_metadata=True,
        )

    async def _call(self, method: Callable[..., Awaitable[Any]], **arguments: Any) -> Any:  # noqa: ANN401
        try:
            return await method(**arguments)
        except SlackApiError as exc:
            status = exc.response.status_code
            data = exc.response.data  # not always JSON: a proxy's error page is text
            error = str((data.get("error") if isinstance(data, dict) else None) or f"HTTP {status}")
            if status == 429:
                retry_after = exc.response.headers.get("Retry-After", "1")
                raise DeliveryError("rate limited (429)", False, seconds(retry_after)) from None
            raise DeliveryError(
                error, error in PERMANENT_ERRORS, channel=error in CHANNEL_CLOSED
            ) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryError(f"network: {exc.__class__.__name__}", False) from None

    async def close(self) -> None:
        """Close the posts' session; with OAuth, let go of the store."""
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = None
        if self._release is not None:
            self._release()


def seconds(value: str | list[str]) -> float:
    """A Retry-After header's seconds (one second if it cannot be read)."""
    try:
        return max(0.0, float(value if isinstance(value, str) else value[0]))
    except (IndexError, ValueError):
        return 1.0
