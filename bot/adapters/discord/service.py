"""Discord as a platform: log in, sync the commands, hold the gateway; and its poster."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import aiohttp
import discord

from bot.adapters.contract import ServeOptions, run_once
from bot.adapters.discord.gateway import QuoteClient, hold, pin_gateway, use_api_base
from bot.adapters.discord.poster import DiscordPoster
from bot.adapters.discord.settings import DiscordSettings
from bot.answers import Answerer
from bot.environment import SettingsError
from bot.qotd import QotdDesk

log = logging.getLogger("quotebot.discord")
OnConnected = Callable[[QuoteClient], Awaitable[None] | None]


async def start(
    answerer: Answerer, settings: DiscordSettings, desk: QotdDesk | None = None
) -> QuoteClient:
    """Log in (checking the token), sync the commands and find the gateway; the caller
    then holds the connection. SettingsError says, in one line, why it cannot start."""
    use_api_base(settings.api_base)
    client = QuoteClient(answerer, settings, desk)
    try:
        await client.login(settings.token)
        _count, gateway, _limits = await client.http.get_bot_gateway()
        pin_gateway(gateway)
    except BaseException as exc:  # noqa: BLE001 - closed, then raised as one line
        await client.close()
        raise _start_error(exc, settings) from None
    return client


def _start_error(exc: BaseException, settings: DiscordSettings) -> BaseException:
    if isinstance(exc, discord.LoginFailure):
        return SettingsError(
            "Discord refused DISCORD_TOKEN (401 Unauthorized): reset it in the Developer "
            "Portal (Bot > Reset Token) and set it again"
        )
    if isinstance(exc, TimeoutError | aiohttp.ClientError):
        return SettingsError(
            f"cannot reach Discord at {settings.api_base} ({exc.__class__.__name__}); "
            "check the network, or DISCORD_API_BASE if it is set"
        )
    if isinstance(exc, discord.GatewayNotFound):
        return SettingsError(
            f"Discord's gateway was not found (GET /gateway/bot at {settings.api_base})"
        )
    if isinstance(exc, discord.RateLimited):
        return SettingsError(
            f"Discord rate-limited quotebot at start for {exc.retry_after:.0f} s; try again later"
        )
    if isinstance(exc, discord.HTTPException):
        what = f"{exc.status} {exc.text}".strip()[:200]
        return SettingsError(
            f"Discord answered {what} at start (logging in or registering commands)"
        )
    return exc


class DiscordService:
    """Slash commands over the gateway, the commands registered at start."""

    name = "discord"

    def __init__(
        self,
        answerer: Answerer,
        settings: DiscordSettings,
        on_connected: OnConnected | None = None,
        desk: QotdDesk | None = None,
    ) -> None:
        self.answerer = answerer
        self.settings = settings
        self.on_connected = on_connected
        self.desk = desk
        self.client: QuoteClient | None = None

    async def start(self) -> None:
        self.client = await start(self.answerer, self.settings, self.desk)

    async def serve(self, stop: asyncio.Event) -> None:
        client = self.client
        assert client is not None, "start() first"
        holding = asyncio.create_task(hold(client, stop))
        connected = asyncio.create_task(client.connected.wait())
        try:
            done, _ = await asyncio.wait({holding, connected}, return_when=asyncio.FIRST_COMPLETED)
            if connected in done and self.on_connected is not None:
                result = self.on_connected(client)
                if result is not None:
                    await result
            await holding
        finally:
            connected.cancel()
            if not holding.done():
                holding.cancel()
                await asyncio.gather(holding, return_exceptions=True)

    async def refresh(self) -> None:
        if self.client is not None and not self.client.is_closed():
            await self.client.refresh()

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            await client.close()
            log.info("Discord: disconnected")


async def run(
    answerer: Answerer,
    settings: DiscordSettings,
    stop: asyncio.Event,
    on_connected: OnConnected | None = None,
    desk: QotdDesk | None = None,
) -> None:
    """Start, then answer application commands until ``stop`` is set; ``on_connected`` is
    called once every shard has its session (READY)."""
    await run_once(DiscordService(answerer, settings, on_connected, desk), stop)


class DiscordPlatform:
    """The registry's entry point for Discord."""

    name = "discord"

    def service(
        self, answerer: Answerer, env: Mapping[str, str], options: ServeOptions
    ) -> DiscordService:
        return DiscordService(answerer, DiscordSettings.from_environ(env), desk=options.desk)

    def poster(self, env: Mapping[str, str]) -> DiscordPoster:
        return DiscordPoster(DiscordSettings.from_environ(env))


PLATFORM = DiscordPlatform()
