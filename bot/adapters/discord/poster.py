"""The quote of the day on Discord: a REST post (no gateway), errors sorted into retry or not."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import date

import aiohttp
import discord
from discord.http import handle_message_parameters

from bot.adapters.discord.gateway import RATE_LIMIT_WAIT_S, use_api_base
from bot.adapters.discord.render import NO_MENTIONS, daily_embed
from bot.adapters.discord.settings import DiscordSettings
from bot.book import Quote
from bot.delivery import DeliveryError


class DiscordPoster:
    """Posts the quote of the day through Discord's REST API (no gateway connection).

    discord.py's HTTP client already waits out 429s (Retry-After) and retries 5xx; what
    still fails is reported as a DeliveryError, permanent for a missing channel or
    permission."""

    def __init__(self, settings: DiscordSettings) -> None:
        self.settings = settings
        self._http: discord.http.HTTPClient | None = None

    async def _client(self) -> discord.http.HTTPClient:
        if self._http is None:
            use_api_base(self.settings.api_base)
            # discord.py waits out a 429 itself, but not for longer than this: a longer wait
            # is handed back (RateLimited) so that no claim is held past its lease.
            http = discord.http.HTTPClient(
                asyncio.get_running_loop(), max_ratelimit_timeout=RATE_LIMIT_WAIT_S
            )
            try:
                await http.static_login(self.settings.token)
            except discord.LoginFailure:
                await http.close()
                raise DeliveryError("Discord refused DISCORD_TOKEN (401)", True) from None
            except BaseException:  # cancelled mid-login (a shutdown): close its session
                await asyncio.shield(http.close())
                raise
            self._http = http
        return self._http

    async def post(self, channel: str, quote: Quote, day: date) -> str:
        http = await self._client()
        # Discord drops a second message with the same nonce sent within a few minutes,
        # so a retry after a lost response does not post twice.
        nonce = hashlib.sha256(f"{day}/{channel}".encode()).hexdigest()[:25]
        with handle_message_parameters(
            embed=daily_embed(quote, day), allowed_mentions=NO_MENTIONS, nonce=nonce
        ) as params:
            try:
                message = await http.send_message(channel, params=params)
            except discord.NotFound as exc:
                raise DeliveryError(f"unknown channel (404, code {exc.code})", True) from None
            except discord.Forbidden as exc:
                raise DeliveryError(
                    f"no access or permission to post there (403, code {exc.code}): the bot "
                    "needs View Channel, Send Messages and Embed Links",
                    True,
                ) from None
            except discord.RateLimited as exc:
                raise DeliveryError("rate limited (429)", False, exc.retry_after) from None
            except discord.DiscordServerError as exc:
                raise DeliveryError(f"Discord server error ({exc.status})", False) from None
            except discord.HTTPException as exc:
                permanent = exc.status != 429
                raise DeliveryError(f"HTTP {exc.status}: {exc.text}", permanent) from None
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise DeliveryError(f"network: {exc.__class__.__name__}", False) from None
        return str(message["id"])

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
