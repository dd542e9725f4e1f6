"""The quote of the day on Discord: a REST post (no gateway), errors sorted into retry or not."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import aiohttp
import discord
from discord.http import handle_message_parameters

from bot.adapters.discord.gateway import RATE_LIMIT_WAIT_S, use_api_base
from bot.adapters.discord.render import NO_MENTIONS, daily_embed, daily_title
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.pacing import Pace
from bot.book import Quote
from bot.daily import DeliveryError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from bot.adapters.web.cards import CardPost

log = logging.getLogger("quotebot.daily")
CARD_FILE = "card.png"

# Messages read back when looking for an earlier post.
LOOK_BACK = 100
# Discord allows a bot 50 requests a second in all (its global rate limit); the daily
# posts keep under it, leaving room for the rest of the bot's requests.
REQUESTS_PER_S = 40.0


class DiscordPoster:
    """Posts the quote of the day through Discord's REST API (no gateway connection).

    discord.py's HTTP client already waits out 429s (Retry-After) and retries 5xx; what
    still fails is reported as a DeliveryError, permanent for a missing channel or
    permission."""

    def __init__(self, settings: DiscordSettings, rate: float = REQUESTS_PER_S) -> None:
        self.settings = settings
        self._http: discord.http.HTTPClient | None = None
        self._user_id = ""
        self._pace = Pace(rate)
        # Posts run concurrently: the first logs in, the others wait for its client.
        self._logging_in = asyncio.Lock()
        self.card: CardPost | None = None  # [daily] card = true: the card goes too
        self._card_failed = False

    def use_card(self, card: CardPost) -> None:
        """Post each quote of the day with its card, attached, described by its alt text."""
        self.card = card

    async def _card_file(self, quote: Quote) -> discord.File | None:
        """The card as an attachment with its alt text; None (said once) if it cannot be
        drawn here: the quote goes without it."""
        if self.card is None:
            return None
        from bot.adapters.web.cards import alt_text, render_card

        try:
            png = await asyncio.to_thread(render_card, quote)
        except Exception as exc:  # noqa: BLE001 - no card is no reason to lose the post
            if not self._card_failed:
                self._card_failed = True
                log.error("daily: cannot draw the quote's card (%s); posting without it", exc)
            return None
        return discord.File(io.BytesIO(png), filename=CARD_FILE, description=alt_text(quote))

    async def _client(self) -> discord.http.HTTPClient:
        if self._http is not None:
            return self._http
        async with self._logging_in:
            return await self._log_in()

    async def _log_in(self) -> discord.http.HTTPClient:
        if self._http is None:
            use_api_base(self.settings.api_base)
            # discord.py waits out a 429 itself, but not for longer than this: a longer wait
            # is handed back (RateLimited) so that no claim is held past its lease.
            http = discord.http.HTTPClient(
                asyncio.get_running_loop(), max_ratelimit_timeout=RATE_LIMIT_WAIT_S
            )
            try:
                me = await http.static_login(self.settings.token)
            except discord.LoginFailure:
                await http.close()
                raise DeliveryError("Discord refused DISCORD_TOKEN (401)", True) from None
            except (discord.HTTPException, TimeoutError, aiohttp.ClientError) as exc:
                # Not the channel's fault: a wrong DISCORD_API_BASE, or Discord unreachable.
                await http.close()
                raise DeliveryError(
                    f"could not log in to Discord at {self.settings.api_base} "
                    f"({_said(exc)}): check DISCORD_API_BASE and the network",
                    False,
                ) from None
            except BaseException:  # cancelled mid-login (a shutdown): close its session
                await asyncio.shield(http.close())
                raise
            self._user_id = str(me["id"])
            self._http = http
        return self._http

    async def post(self, channel: str, quote: Quote, day: date, workspace: str = "") -> str:
        http = await self._client()
        # Discord drops a second message with the same nonce sent within a few minutes,
        # so a retry after a lost response does not post twice.
        nonce = hashlib.sha256(f"{day}/{channel}".encode()).hexdigest()[:25]
        embed, card = daily_embed(quote, day), await self._card_file(quote)
        if card is not None:
            embed.set_image(url=f"attachment://{CARD_FILE}")
        with (
            handle_message_parameters(
                embed=embed,
                allowed_mentions=NO_MENTIONS,
                nonce=nonce,
                file=card if card is not None else discord.utils.MISSING,
            ) as params,
            _delivery_errors(),
        ):
            await self._pace.wait()
            message = await http.send_message(channel, params=params)
        return str(message["id"])

    async def find(self, channel: str, day: date, since: float, workspace: str = "") -> str | None:
        """The ID of this bot's quote of the day for ``day`` in ``channel`` posted since
        ``since`` (epoch seconds), known by its author and its dated embed title."""
        http = await self._client()
        after = discord.utils.time_snowflake(datetime.fromtimestamp(since, UTC))
        with _delivery_errors():
            await self._pace.wait()
            messages = await http.logs_from(channel, LOOK_BACK, after=after)
        title = daily_title(day)
        for message in messages:
            author = (message.get("author") or {}).get("id")
            embeds = message.get("embeds") or []
            if author == self._user_id and any(e.get("title") == title for e in embeds):
                return str(message["id"])
        return None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None


@contextmanager
def _delivery_errors() -> Iterator[None]:
    """discord.py's errors as DeliveryErrors: permanent for a missing channel or access."""
    try:
        yield
    except discord.NotFound as exc:
        raise DeliveryError(f"unknown channel (404, code {exc.code})", True, channel=True) from None
    except discord.Forbidden as exc:
        raise DeliveryError(
            f"no access or permission there (403, code {exc.code}): the bot needs View "
            "Channel, Send Messages, Embed Links and Read Message History",
            True,
            channel=True,
        ) from None
    except discord.RateLimited as exc:
        raise DeliveryError("rate limited (429)", False, exc.retry_after) from None
    except discord.DiscordServerError as exc:
        raise DeliveryError(f"Discord server error ({exc.status})", False) from None
    except discord.HTTPException as exc:
        raise DeliveryError(_said(exc), exc.status != 429) from None
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise DeliveryError(f"network: {exc.__class__.__name__}", False) from None


def _said(exc: BaseException) -> str:
    """An error of discord.py's or the network's in one short line: an HTTP status with the
    first line of what came back (a wrong API base answers with a whole HTML page)."""
    if isinstance(exc, discord.HTTPException):
        first = (str(exc.text).strip().splitlines() or [""])[0][:120]
        return f"HTTP {exc.status}: {first}" if first else f"HTTP {exc.status}"
    return f"network: {exc.__class__.__name__}"
