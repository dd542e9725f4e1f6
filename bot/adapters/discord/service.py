"""Discord as a platform: log in, sync the commands, hold the gateway; and its poster."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import aiohttp
import discord
from aiohttp import web

from bot.adapters.contract import ServeOptions, run_once
from bot.adapters.discord.gateway import QuoteClient, hold, pin_gateway, use_api_base
from bot.adapters.discord.interactions import InteractionsEndpoint
from bot.adapters.discord.poster import DiscordPoster
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.http.server import HttpFront
from bot.answers import Answerer
from bot.daily import QotdDesk
from bot.errors import SettingsError

log = logging.getLogger("quotebot.discord")
OnConnected = Callable[[QuoteClient], Awaitable[None] | None]


async def start(
    answerer: Answerer,
    settings: DiscordSettings,
    desk: QotdDesk | None = None,
    gateway: bool = True,
) -> QuoteClient:
    """Log in (checking the token), sync the commands and (for the gateway) find it; the
    caller then holds the connection. SettingsError says, in one line, why it cannot start."""
    use_api_base(settings.api_base)
    client = QuoteClient(answerer, settings, desk)
    try:
        await client.login(settings.token)
        if gateway:
            _count, url, _limits = await client.http.get_bot_gateway()
            pin_gateway(url)
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
    """Slash commands over the gateway, or, with the application's public key and an HTTP
    server, over HTTP (no gateway); the commands registered at start either way."""

    name = "discord"

    def __init__(
        self,
        answerer: Answerer,
        settings: DiscordSettings,
        on_connected: OnConnected | None = None,
        desk: QotdDesk | None = None,
        front: HttpFront | None = None,
    ) -> None:
        self.answerer = answerer
        self.settings = settings
        self.on_connected = on_connected
        self.desk = desk
        self.client: QuoteClient | None = None
        self.front = front if settings.public_key else None
        self._endpoint: InteractionsEndpoint | None = None
        if self.front is not None:
            self.front.mount(
                "discord", "POST", "/discord/interactions", self._on_interaction,
                lambda: self._endpoint is not None,
            )  # fmt: skip

    async def _on_interaction(self, request: web.Request) -> web.StreamResponse:
        endpoint = self._endpoint
        if endpoint is None:  # not started yet, or stopped for good
            return web.Response(status=503, text="Discord is not being served")
        return await endpoint(request)

    async def start(self) -> None:
        front = self.front
        self.client = await start(self.answerer, self.settings, self.desk, gateway=front is None)
        if front is not None:
            assert self.client.application_id is not None  # set by login()
            self._endpoint = InteractionsEndpoint(
                self.answerer,
                self.settings.public_key,
                self.client.application_id,
                self.desk,
                review=self.client.review,
            )
            log.info("Discord: answering interactions over HTTP (no gateway)")
            front.serving_now("discord")

    async def serve(self, stop: asyncio.Event) -> None:
        client = self.client
        assert client is not None, "start() first"
        if self._endpoint is not None:  # the shared HTTP server answers
            await stop.wait()
            return
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
        endpoint, self._endpoint = self._endpoint, None
        if self.front is not None:
            self.front.not_serving("discord")
        if endpoint is not None:
            await endpoint.close()
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
        settings = DiscordSettings.from_environ(env)
        if settings.public_key and options.front is None:
            raise SettingsError(
                "DISCORD_PUBLIC_KEY is set: interactions come over HTTP, so quotebot run "
                "needs --http PORT (or unset it to use the gateway)"
            )
        return DiscordService(answerer, settings, desk=options.desk, front=options.front)

    def poster(self, env: Mapping[str, str]) -> DiscordPoster:
        return DiscordPoster(DiscordSettings.from_environ(env))


PLATFORM = DiscordPlatform()
